"""Events: the names an endpoint can subscribe to, and ``event_emit``, which queues a
delivery to every subscribed endpoint in the caller's transaction."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from core import redis_client
from webhooks.models import Webhook, WebhookDelivery

logger = logging.getLogger("webhooks")

VIDEO_EVENTS = ("video.done", "video.error")
# Player page analytics: opt-in only (never in the default subscription).
PLAYER_EVENTS = ("video.viewed", "cta.clicked")
DOCUMENT_EVENTS = ("document.completed", "document.failed")
MAKER_EVENTS = ("maker.published", "maker.error")  # seed 002's video-maker projects
CAMPAIGN_EVENTS = ("campaign.completed",)
ALL_EVENTS = VIDEO_EVENTS + PLAYER_EVENTS + DOCUMENT_EVENTS + MAKER_EVENTS + CAMPAIGN_EVENTS
# Sent to one endpoint on request (the dashboard's "Send test event"); nobody subscribes to it.
TEST_EVENT = "webhook.test"


def payload_body(payload: dict) -> str:
    """The JSON sent, encoded once and then sent byte for byte on every attempt."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _matches(webhook: Webhook, event: str, template_id: str | None) -> bool:
    if event not in webhook.events:
        return False
    # A template's endpoint hears only its template; an account-wide one hears all.
    return webhook.template_id is None or webhook.template_id == template_id


def event_emit(
    *, account: Account, event: str, payload: dict, template_id: str | None = None, now: datetime | None = None
) -> list[WebhookDelivery]:
    """Queue ``payload`` (JSON-encoded once, sent byte for byte) to every active
    endpoint of the account subscribed to ``event`` (and, for a template event,
    belonging to ``template_id`` or account-wide).

    The rows are written in the caller's transaction, so the event and its
    deliveries commit or roll back together; dispatchers are woken on commit.
    """
    if event not in ALL_EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    now = now or timezone.now()
    body = payload_body(payload)
    hooks = [w for w in Webhook.objects.for_account(account).filter(active=True) if _matches(w, event, template_id)]
    deliveries = [
        WebhookDelivery(
            account=account,
            webhook=webhook,
            msg_id=f"msg_{uuid.uuid4().hex}",
            event=event,
            body=body,
            next_attempt_at=now,
            created_at=now,
        )
        for webhook in hooks
    ]
    if deliveries:
        WebhookDelivery.objects.bulk_create(deliveries)
        transaction.on_commit(wake_dispatchers)
    return deliveries


def wake_dispatchers() -> None:
    """Tell a waiting dispatcher there is work (best effort: they poll anyway)."""
    try:
        with redis_client.shared().pipeline() as pipe:
            pipe.lpush(settings.WEBHOOK_WAKEUP_KEY, 1)
            pipe.ltrim(settings.WEBHOOK_WAKEUP_KEY, 0, 99)
            pipe.execute()
    except Exception:  # noqa: BLE001 - the rows are committed; a poll will find them
        logger.warning("could not wake webhook dispatchers", exc_info=True)
