"""Endpoints: create, change, rotate the secret of, delete, send a test event to."""

from __future__ import annotations

import re
import secrets as _secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from core import errors, netguard
from core.dates import iso_z
from core.errors import AppError
from templates_app.models import VideoTemplate
from webhooks import signing
from webhooks.models import Webhook, WebhookDelivery
from webhooks.services.deliveries import delivery_cancel_inactive
from webhooks.services.events import (
    ALL_EVENTS,
    DOCUMENT_EVENTS,
    PLAYER_EVENTS,
    TEST_EVENT,
    VIDEO_EVENTS,
    payload_body,
    wake_dispatchers,
)

_PUBLIC_ID = re.compile(r"^[0-9a-f]{24}$")


def template_exists(*, account: Account, template_id: str) -> bool:
    """Whether the account has this video template (by its public ``templateID``)."""
    if not _PUBLIC_ID.match(template_id or ""):
        return False
    return VideoTemplate.objects.for_account(account).filter(public_id=template_id).exists()


def _check_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 2000:
        raise AppError(errors.BAD_WEBHOOK_URL, param="url", detail="Webhook URL is longer than 2000 characters")
    try:
        netguard.check_url(url, allow_loopback=settings.WEBHOOKS_ALLOW_LOOPBACK, label="webhook URL")
    except netguard.UnsafeURL as exc:
        raise AppError(errors.BAD_WEBHOOK_URL, param="url", detail=f"Webhook URL not allowed: {exc}") from None
    return url


def _check_events(events: list[str] | None, *, template_id: str | None) -> list[str]:
    if template_id:
        allowed, default = VIDEO_EVENTS + PLAYER_EVENTS, list(VIDEO_EVENTS)
    else:
        allowed, default = ALL_EVENTS, list(DOCUMENT_EVENTS)
    if not events:
        return default
    unknown = [e for e in events if e not in allowed]
    if unknown:
        raise AppError(
            errors.BAD_WEBHOOK_EVENTS,
            param="events",
            detail=f"Unknown webhook event(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}",
        )
    return sorted(set(events), key=events.index)


@transaction.atomic
def webhook_create(
    *, account: Account, url: str, template_id: str | None = None, events: list[str] | None = None
) -> Webhook:
    """A new endpoint with a fresh secret. With ``template_id`` it receives that
    template's video events; without, account-wide events (documents by default)."""
    template_id = template_id or None
    if template_id is not None and not template_exists(account=account, template_id=template_id):
        raise AppError(errors.TEMPLATE_NOT_FOUND, param="templateID")
    events = _check_events(events, template_id=template_id)
    return Webhook.objects.create(
        account=account,
        public_id=_secrets.token_hex(12),
        template_id=template_id,
        events=events,
        url=_check_url(url),
        secret=signing.new_secret(),
    )


def webhook_get(*, account: Account, webhook_id: str) -> Webhook:
    webhook = Webhook.objects.for_account(account).filter(public_id=webhook_id or "").first()
    if webhook is None:
        raise AppError(errors.WEBHOOK_NOT_FOUND, param="webhookID")
    return webhook


@transaction.atomic
def webhook_update(*, account: Account, webhook_id: str, url: str | None = None, active: bool | None = None) -> Webhook:
    webhook = webhook_get(account=account, webhook_id=webhook_id)
    if url is not None:
        webhook.url = _check_url(url)
    if active is not None:
        webhook.active = active
        if active:  # a fresh start: the 5-day failing window restarts
            webhook.failing_since = None
            webhook.disabled_reason = ""
    webhook.save()
    if active is False:
        delivery_cancel_inactive(webhook=webhook)
    return webhook


@transaction.atomic
def webhook_delete(*, account: Account, webhook_id: str) -> None:
    webhook_get(account=account, webhook_id=webhook_id).delete()


@transaction.atomic
def webhook_rotate_secret(*, account: Account, webhook_id: str, now: datetime | None = None) -> Webhook:
    """A new secret; the old one keeps signing (beside it) for the overlap period."""
    webhook = webhook_get(account=account, webhook_id=webhook_id)
    webhook.previous_secret = webhook.secret
    webhook.secret = signing.new_secret()
    webhook.rotated_at = now or timezone.now()
    webhook.save(update_fields=["previous_secret", "secret", "rotated_at"])
    return webhook


@transaction.atomic
def webhook_send_test(*, account: Account, webhook_id: str, now: datetime | None = None) -> WebhookDelivery:
    """Queue a signed ``webhook.test`` event to this endpoint only: a real delivery, logged and retried
    like any other, so a receiver's signature check and answer can be tried before real events flow."""
    now = now or timezone.now()
    webhook = webhook_get(account=account, webhook_id=webhook_id)
    if not webhook.active:
        raise AppError(errors.WEBHOOK_INACTIVE, param="webhookID", detail="Webhook is not active: enable it first")
    payload = {
        "event": TEST_EVENT,
        "webhookID": webhook.public_id,
        "accountID": account.public_id,
        "templateID": webhook.template_id,
        "events": webhook.events,
        "date": iso_z(now, "milliseconds"),
    }
    delivery = WebhookDelivery.objects.create(
        account=account,
        webhook=webhook,
        msg_id=f"msg_{uuid.uuid4().hex}",
        event=TEST_EVENT,
        body=payload_body(payload),
        next_attempt_at=now,
        created_at=now,
    )
    transaction.on_commit(wake_dispatchers)
    return delivery
