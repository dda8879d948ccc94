"""The campaigns side of the videos and documents signals: a recipient's render finished."""

from __future__ import annotations

from django.dispatch import receiver

from campaigns import services
from documents.signals import link_rendered, request_finished
from videos.signals import render_finished


@receiver(render_finished, dispatch_uid="campaigns.render_finished")
def _render_finished(sender, video, **kwargs) -> None:
    services.recipient_video_finished(video=video)


@receiver(request_finished, dispatch_uid="campaigns.request_finished")
def _request_finished(sender, request, **kwargs) -> None:
    services.recipient_document_finished(request=request)


@receiver(link_rendered, dispatch_uid="campaigns.link_rendered")
def _link_rendered(sender, link, **kwargs) -> None:
    services.recipient_link_rendered(link=link)
