"""Rendering recipients fairly (the pump), settling campaigns, and the hooks of finished renders."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from campaigns.models import Campaign, CampaignBuild, Recipient
from campaigns.selectors import campaign_counts
from campaigns.services.audience import _missing_error, template_inputs
from core import errors
from core.errors import AppError
from documents import services as document_services
from documents.models import DocumentRequest, OnDemandLink
from templates_app.models import VideoTemplate
from videos.inputs import InputMedia, parse_input_medias
from videos.models import Video
from videos.services import video_create
from webhooks.services import event_emit

log = logging.getLogger("campaigns")


def campaign_pump(*, account: Account) -> int:
    """Queue the account's next pending recipients of running render campaigns, up to its window;
    then settle campaigns with nothing left to do. Returns how many renders it queued."""
    queued = 0
    while True:
        with transaction.atomic():
            Account.objects.select_for_update().filter(pk=account.pk).first()  # one pump per account at a time
            recipients = Recipient.objects.for_account(account)
            busy = recipients.filter(status=Recipient.Status.RENDERING, campaign__mode=Campaign.Mode.RENDER).count()
            free = settings.CAMPAIGN_RENDER_WINDOW - busy
            batch = []
            if free > 0:
                batch = list(
                    recipients.filter(
                        status=Recipient.Status.PENDING,
                        campaign__status=Campaign.Status.RUNNING,
                        campaign__mode=Campaign.Mode.RENDER,
                    )
                    .select_related("campaign__video_template", "campaign__document_template")
                    .order_by("campaign_id", "id")[:free]
                )
            for recipient in batch:
                queued += _start_render(recipient)
        if not batch:
            break
    for campaign in Campaign.objects.for_account(account).filter(status=Campaign.Status.RUNNING):
        campaign_settle(campaign=campaign)
    return queued


def _video_inputs(template: VideoTemplate, values: dict[str, str]) -> list[InputMedia]:
    """A recipient's mapped values as the video's inputs (checked as any API caller's: an empty value is 1004)."""
    inputs, _ = template_inputs(template)
    return parse_input_medias(
        [
            {"inputID": name, "type": "text", "text": value}
            if inputs[name] == "text"
            else {"inputID": name, "type": inputs[name], "http": value}
            for name, value in values.items()
        ]
    )


def _start_render(recipient: Recipient) -> int:
    """Create the recipient's video or document request (which queues its render) and record it; 1 if queued."""
    campaign = recipient.campaign
    missing = sorted(set(campaign.fields) - set(recipient.values))
    if missing:
        _recipient_fail(recipient, *_missing_error(campaign, missing))
        return 0
    try:
        with transaction.atomic():
            if campaign.kind == Campaign.Kind.VIDEO:
                if campaign.video_template is None:
                    raise AppError(errors.TEMPLATE_NOT_FOUND, data=campaign.template_public_id)
                video = video_create(
                    account=campaign.account,
                    template_id=campaign.template_public_id,
                    name=f"{campaign.name} · {recipient.email or recipient.key}"[:200],
                    data=f"campaign:{campaign.public_id}:{recipient.key}",
                    inputs=_video_inputs(campaign.video_template, recipient.values),
                )
                changes = {"video": video}
            else:
                if campaign.document_template is None:
                    raise AppError(errors.TEMPLATE_NOT_FOUND, data=campaign.template_public_id)
                request = document_services.content_request_create(
                    account=campaign.account, template=campaign.document_template, fields=recipient.values, output=None
                )
                changes = {"document_request": request}
    except AppError as exc:
        _recipient_fail(recipient, exc.entry.code, _describe(exc))
        return 0
    Recipient.objects.for_account(campaign.account).filter(pk=recipient.pk, status=Recipient.Status.PENDING).update(
        status=Recipient.Status.RENDERING, updated_at=timezone.now(), **changes
    )
    return 1


def _describe(exc: AppError) -> str:
    detail = exc.detail or exc.data
    if detail is None:
        return exc.entry.message
    shown = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
    return shown if shown.startswith(exc.entry.message) else f"{exc.entry.message}: {shown}"


def _recipient_fail(recipient: Recipient, code: int, message: str) -> None:
    Recipient.objects.for_account(recipient.account_id).filter(pk=recipient.pk).update(
        status=Recipient.Status.ERROR, error_code=code, error_message=message[:2000], updated_at=timezone.now()
    )


def campaign_settle(*, campaign: Campaign) -> bool:
    """A running campaign with no recipient left to render is done (or partial) and says so once."""
    counts = campaign_counts(campaign)
    building = CampaignBuild.objects.for_account(campaign.account_id).filter(
        campaign=campaign, status__in=[CampaignBuild.Status.QUEUED, CampaignBuild.Status.RUNNING]
    )
    waiting = counts["rendering"] + (counts["pending"] if campaign.mode == Campaign.Mode.RENDER else 0)
    if waiting or building.exists():
        return False
    status = Campaign.Status.PARTIAL if counts["error"] else Campaign.Status.DONE
    with transaction.atomic():
        settled = (
            Campaign.objects.for_account(campaign.account_id)
            .filter(pk=campaign.pk, status=Campaign.Status.RUNNING)
            .update(status=status, finished_at=timezone.now(), completed_event_sent=True)
        )
        if settled:
            campaign.refresh_from_db()
            event_emit(account=campaign.account, event="campaign.completed", payload=campaign_event_json(campaign))
    return bool(settled)


def campaign_event_json(campaign: Campaign) -> dict[str, Any]:
    counts = campaign_counts(campaign)
    return {
        "id": campaign.public_id,
        "name": campaign.name,
        "status": campaign.status,
        "mode": campaign.mode,
        "total": campaign.total,
        "done": counts["done"],
        "failed": counts["error"],
        "pending": counts["pending"] + counts["rendering"],
        "recipientsCsv": f"{settings.PUBLIC_BASE_URL}/v1/campaigns/{campaign.public_id}/recipients.csv",
    }


# -- a render finished (signals from videos and documents) -----------------------------------


def recipient_video_finished(*, video: Video) -> None:
    recipient = Recipient.objects.unscoped().filter(video_id=video.pk).select_related("campaign").first()
    if recipient is None:
        return
    if video.status == Video.Status.DONE:
        _recipient_done(recipient)
    else:
        _recipient_fail(recipient, video.status_code or errors.ERROR_PROCESSING_VIDEO.code, video.status_message)
    _pump_after_commit(recipient)


def recipient_document_finished(*, request: DocumentRequest) -> None:
    recipient = Recipient.objects.unscoped().filter(document_request_id=request.pk).select_related("campaign").first()
    if recipient is None:
        return
    if request.status == DocumentRequest.Status.COMPLETED:
        _recipient_done(recipient)
    else:
        _recipient_fail(recipient, errors.INVALID_REQUEST.code, request.failure_description)
    _pump_after_commit(recipient)


def recipient_link_rendered(*, link: OnDemandLink) -> None:
    Recipient.objects.unscoped().filter(document_link_id=link.pk).exclude(status=Recipient.Status.DONE).update(
        status=Recipient.Status.DONE, updated_at=timezone.now()
    )


def _recipient_done(recipient: Recipient) -> None:
    Recipient.objects.unscoped().filter(pk=recipient.pk).update(
        status=Recipient.Status.DONE, error_code=None, error_message="", updated_at=timezone.now()
    )


def _pump_after_commit(recipient: Recipient) -> None:
    if recipient.campaign.mode != Campaign.Mode.RENDER:
        return
    account = Account.objects.get(pk=recipient.account_id)

    def pump() -> None:
        try:
            campaign_pump(account=account)
        except Exception:  # the render is done either way; the next finish or a refresh pumps again
            log.exception("campaign pump of account %s failed", account.pk)

    transaction.on_commit(pump)


# -- link mode: a recipient opens a video link ----------------------------------------------


def recipient_video_for_link(*, recipient_pk: int) -> Recipient:
    """The recipient's video, created (charged, queued) on the first open of a link-mode link."""
    with transaction.atomic():
        recipient = (
            Recipient.objects.unscoped()
            .select_for_update(of=("self",))
            .select_related("campaign__video_template", "campaign__account", "video")
            .get(pk=recipient_pk)
        )
        if recipient.status == Recipient.Status.PENDING and recipient.video is None:
            _start_render(recipient)
            recipient.refresh_from_db()
    return recipient


# -- cancel, retry, refresh, delete ---------------------------------------------------------------
