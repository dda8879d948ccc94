"""What templates_app does when something happens in an app below it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from core import errors
from core.errors import AppError
from media_app.models import MediaFile
from templates_app.models import VideoTemplate


@receiver(pre_delete, sender=MediaFile, dispatch_uid="templates_app.refuse_deleting_media_in_use")
def refuse_deleting_media_in_use(sender: type[MediaFile], instance: MediaFile, origin: Any = None, **kwargs) -> None:
    """1008: a library media a template's script uses is not deleted on its own
    (deleting its account or template takes it along)."""
    if origin is not instance:
        return
    users = [
        template.public_id
        for template in VideoTemplate.objects.for_account(instance.account_id).only("public_id", "media_ids")
        if instance.public_id in template.media_ids
    ]
    if users:
        raise AppError(errors.MEDIA_IN_USE, data={"mediaID": instance.public_id, "templateIDs": users})
