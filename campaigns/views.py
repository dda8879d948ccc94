"""``/c/<token>``: the page a recipient's link opens (public; the signed token is the permission)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from campaigns import links, services
from campaigns.links import PURPOSE
from campaigns.models import Campaign, Recipient
from core import errors
from core.errors import AppError
from core.links import link_claims
from documents import services as document_services
from documents.models import DocumentRequest
from videos.links import file_url
from videos.models import Video
from videos.player import tokens as player_tokens
from videos.player.services import page_get_or_create

PAGE_REFRESH_S = 3
VIDEO_FILE_TTL_S = 3600


def _page(request: HttpRequest, status: int, *, title: str, message: str = "", refresh: bool = False, video_url=""):
    context = {"title": title, "message": message, "refresh": PAGE_REFRESH_S if refresh else 0, "video_url": video_url}
    return render(request, "campaigns/recipient_page.html", context, status=status)


def _lifetime(claims: dict) -> str:
    """What an expired link says: how long its campaign's links lived (``linkTtlDays``)."""
    recipient = Recipient.objects.unscoped().select_related("campaign").filter(pk=claims.get("r")).first()
    if recipient is None:
        return ""
    days = recipient.campaign.link_ttl_days
    return f"This link expired {days} day{'' if days == 1 else 's'} after the campaign was created."


def recipient_link_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claims = link_claims(PURPOSE, token, invalid=errors.NOT_FOUND_ERROR, expired_detail=_lifetime)
    except AppError as exc:
        if exc.entry is errors.GONE:
            return _page(request, 410, title="This link has expired", message=exc.detail or "")
        return _page(request, exc.entry.http_status, title="Link not found")
    recipient = (
        Recipient.objects.unscoped()
        .select_related("campaign__account__plan", "video", "document_request", "document_link")
        .filter(pk=claims.get("r"))
        .first()
    )
    if recipient is None:
        return _page(request, 404, title="Link not found")
    campaign = recipient.campaign
    if campaign.kind == Campaign.Kind.DOCUMENT:
        return _document(request, recipient)
    if campaign.mode == Campaign.Mode.LINK and recipient.video is None:
        recipient = services.recipient_video_for_link(recipient_pk=recipient.pk)
    return _video(request, recipient)


def _video(request: HttpRequest, recipient: Recipient) -> HttpResponse:
    """The video's player page (which shows progress until the render is ready); a plain page
    on plans without player pages."""
    video = recipient.video
    if recipient.status == Recipient.Status.ERROR or (video is not None and video.status == Video.Status.ERROR):
        return _page(request, 422, title="This video could not be made", message=recipient.error_message)
    if video is None:  # render mode, not its turn yet
        return _page(request, 202, title="Your video is being prepared", refresh=True)
    campaign = recipient.campaign
    if campaign.account.plan.player_pages:
        return HttpResponseRedirect(reverse("player-page", args=[_player_token(campaign, video)]))
    if video.status != Video.Status.DONE:
        return _page(request, 202, title="Your video is being prepared", refresh=True)
    profile = video.out_files[0]["profile"]
    return _page(request, 200, title=video.name, video_url=file_url(request, video, profile, VIDEO_FILE_TTL_S))


def _player_token(campaign: Campaign, video: Video) -> str:
    """The video's live page token; a new page ends when the campaign's links do."""
    now = timezone.now()
    if not (video.page_key and (video.page_expires_at is None or video.page_expires_at > now)):
        seconds = int((links.expires_at(campaign) - now).total_seconds())
        video = page_get_or_create(account=campaign.account, video_id=video.public_id, expires_in=seconds)
    return player_tokens.token_for(video.page_key)


def _document(request: HttpRequest, recipient: Recipient) -> HttpResponse:
    if recipient.document_link is not None:
        return HttpResponseRedirect(f"/d/{recipient.document_link.token}")
    document = recipient.document_request
    if recipient.status == Recipient.Status.ERROR or (
        document is not None and document.status == DocumentRequest.Status.FAILED
    ):
        return _page(request, 422, title="This document could not be made", message=recipient.error_message)
    if document is None or document.status != DocumentRequest.Status.COMPLETED:
        return _page(request, 202, title="Your document is being prepared", refresh=True)
    return HttpResponseRedirect(document_services.request_urls(document)[0])
