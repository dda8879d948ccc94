"""Webhook events of player pages: ``video.viewed`` (a page's first view) and ``cta.clicked``."""

from __future__ import annotations

from django.utils import timezone

from core.dates import iso_z
from videos.models import Video
from webhooks.services import event_emit


def _now() -> str:
    return iso_z(timezone.now(), "milliseconds")


def emit_first_view(video: Video) -> None:
    payload = {
        "id": video.public_id,
        "accountID": video.account.public_id,
        "templateID": video.template_public_id,
        "name": video.name,
        "data": video.data,
        "date": _now(),
    }
    event_emit(account=video.account, event="video.viewed", payload=payload, template_id=video.template_public_id)


def emit_cta_clicks(video: Video, clicks: dict[str, int]) -> None:
    """One event per button clicked since the last flush, with how many clicks it had."""
    urls = {c["id"]: c.get("url") for c in video.ctas}
    for cta_id, count in clicks.items():
        payload = {
            "id": video.public_id,
            "accountID": video.account.public_id,
            "templateID": video.template_public_id,
            "ctaID": cta_id,
            "url": urls.get(cta_id),
            "clicks": count,
            "data": video.data,
            "date": _now(),
        }
        event_emit(account=video.account, event="cta.clicked", payload=payload, template_id=video.template_public_id)
