"""Reads of webhooks and their delivery log (always for one account)."""

from __future__ import annotations

from django.db.models import Prefetch

from accounts.models import Account
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery


def webhook_list(*, account: Account, template_id: str | None = None) -> list[Webhook]:
    queryset = Webhook.objects.for_account(account)
    if template_id:
        queryset = queryset.filter(template_id=template_id)
    return list(queryset)


def delivery_count(*, account: Account, webhook: Webhook) -> int:
    return WebhookDelivery.objects.for_account(account).filter(webhook=webhook).count()


def delivery_list(*, account: Account, webhook: Webhook, offset: int = 0, limit: int = 20) -> list[WebhookDelivery]:
    """Newest first, each with its attempts (oldest first)."""
    attempts = Prefetch("attempts", queryset=WebhookAttempt.objects.unscoped().order_by("created_at", "id"))
    queryset = (
        WebhookDelivery.objects.for_account(account)
        .filter(webhook=webhook)
        .select_related("webhook")
        .prefetch_related(attempts)
    )
    return list(queryset[offset : offset + limit])
