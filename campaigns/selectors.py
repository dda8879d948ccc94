"""Reads of campaigns, always within one account, and their JSON shapes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q

from accounts.models import Account
from campaigns import links
from campaigns.models import Campaign, Recipient
from core import errors
from core.dates import iso_z
from core.errors import AppError
from videos.player.stats import grouped_stats

CSV_COLUMNS = ["key", "email", "status", "error_code", "error_message", "video_id", "document_id", "link"]
CSV_CHUNK_ROWS = 1000


def _iso(value) -> str | None:
    return iso_z(value) if value else None


def campaign_get(*, account: Account, campaign_id: str) -> Campaign:
    campaign = Campaign.objects.for_account(account).filter(public_id=campaign_id).first()
    if campaign is None:
        raise AppError(errors.NOT_FOUND_ERROR, param="id", detail=f"Campaign {campaign_id} not found")
    return campaign


def campaign_counts(campaign: Campaign) -> dict[str, int]:
    """Recipients per status (every status present, zero when none)."""
    rows = (
        Recipient.objects.for_account(campaign.account_id)
        .filter(campaign=campaign)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict.fromkeys(Recipient.Status.values, 0) | {row["status"]: row["n"] for row in rows}


def campaign_list(
    *,
    account: Account,
    status: str | None = None,
    mode: str | None = None,
    search: str = "",
    offset: int = 0,
    limit: int = 20,
) -> tuple[int, list[Campaign]]:
    """Newest first; ``search`` matches the name or the id."""
    campaigns = Campaign.objects.for_account(account)
    if status is not None:
        campaigns = campaigns.filter(status=status)
    if mode is not None:
        campaigns = campaigns.filter(mode=mode)
    if search:
        campaigns = campaigns.filter(Q(name__icontains=search) | Q(public_id=search.lower()))
    return campaigns.count(), list(campaigns[offset : offset + limit])


def campaign_page_stats(*, account: Account, campaigns: list[Campaign]) -> dict[int, dict]:
    """Player-page analytics of each video campaign: its recipients' videos together (``Video_Get_Stats``'s
    counts and rates), by campaign primary key."""
    groups = {
        campaign.pk: Recipient.objects.for_account(account)
        .filter(campaign=campaign, video__isnull=False)
        .values("video_id")
        for campaign in campaigns
        if campaign.kind == Campaign.Kind.VIDEO
    }
    return grouped_stats(account=account, groups=groups)


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    counts = campaign_counts(campaign)
    return {
        "id": campaign.public_id,
        "name": campaign.name,
        "templateId": campaign.template_public_id,
        "kind": campaign.kind,
        "mode": campaign.mode,
        "audience": campaign.audience,
        "fields": campaign.fields,
        "linkTtlDays": campaign.link_ttl_days,
        "status": campaign.status,
        "total": campaign.total,
        "done": counts["done"],
        "failed": counts["error"],
        "rendering": counts["rendering"],
        "pending": counts["pending"],
        "createdAt": _iso(campaign.created_at),
        "finishedAt": _iso(campaign.finished_at),
    }


def _recipients(campaign: Campaign, status: str | None):
    recipients = Recipient.objects.for_account(campaign.account_id).filter(campaign=campaign)
    return recipients.filter(status=status) if status else recipients


def recipient_page(
    *, account: Account, campaign_id: str, status: str | None, offset: int, limit: int
) -> tuple[Campaign, int, list[Recipient]]:
    campaign = campaign_get(account=account, campaign_id=campaign_id)
    recipients = _recipients(campaign, status).select_related("video", "document_request", "document_link")
    return campaign, recipients.count(), list(recipients.order_by("id")[offset : offset + limit])


def recipient_json(campaign: Campaign, recipient: Recipient) -> dict[str, Any]:
    link_token = recipient.document_link.token if recipient.document_link_id else None
    return {
        "key": recipient.key,
        "email": recipient.email,
        "status": recipient.status,
        "error": {"code": recipient.error_code, "message": recipient.error_message}
        if recipient.status == Recipient.Status.ERROR
        else None,
        "values": recipient.values,
        "videoId": recipient.video.public_id if recipient.video_id else None,
        "documentId": str(recipient.document_request.request_id) if recipient.document_request_id else None,
        "link": links.recipient_links(campaign)(recipient.pk, link_token),
        "updatedAt": _iso(recipient.updated_at),
    }


class _Line:
    """A file-like sink for csv.writer that hands back what was written."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def recipients_csv(*, campaign: Campaign, status: str | None = None) -> Iterator[str]:
    """The links file, in chunks of rows: a header, then one row per recipient (a server-side cursor,
    so 100,000 recipients never sit in memory at once)."""
    sink = _Line()
    writer = csv.writer(sink.buffer)
    writer.writerow(CSV_COLUMNS)
    yield sink.take()
    rows = (
        _recipients(campaign, status)
        .order_by("id")
        .values_list(
            "pk",
            "key",
            "email",
            "status",
            "error_code",
            "error_message",
            "video__public_id",
            "document_request__request_id",
            "document_link__token",
        )
    )
    link = links.recipient_links(campaign)
    for count, (pk, key, email, state, code, message, video_id, document_id, link_token) in enumerate(
        rows.iterator(chunk_size=CSV_CHUNK_ROWS), start=1
    ):
        writer.writerow(
            [
                key,
                email,
                state,
                code if code is not None else "",
                message,
                video_id or "",
                document_id or "",
                link(pk, link_token),
            ]
        )
        if count % CSV_CHUNK_ROWS == 0:
            yield sink.take()
    yield sink.take()
