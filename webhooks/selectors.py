"""Reads of webhooks and their delivery log (always for one account)."""

from __future__ import annotations

from django.db.models import Count, Prefetch

from accounts.models import Account
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery


def webhook_list(*, account: Account, template_id: str | None = None) -> list[Webhook]:
    queryset = Webhook.objects.for_account(account)
    if template_id:
        queryset = queryset.filter(template_id=template_id)
    return list(queryset)


def delivery_list(
    *,
    account: Account,
    webhook: Webhook,
    status: str | None = None,
    event: str | None = None,
    search: str = "",
    offset: int = 0,
    limit: int = 20,
) -> tuple[int, list[WebhookDelivery]]:
    """How many match, and the page of them: newest first, each with its attempts (oldest first).
    ``search`` is (part of) a deliveryID: the ``webhook-id`` header a receiver logged."""
    attempts = Prefetch("attempts", queryset=WebhookAttempt.objects.unscoped().order_by("created_at", "id"))
    queryset = WebhookDelivery.objects.for_account(account).filter(webhook=webhook)
    if status is not None:
        queryset = queryset.filter(status=status)
    if event is not None:
        queryset = queryset.filter(event=event)
    if search:
        queryset = queryset.filter(msg_id__icontains=search)
    page = queryset.select_related("webhook").prefetch_related(attempts)[offset : offset + limit]
    return queryset.count(), list(page)


def delivery_progress(*, account: Account, webhook: Webhook, delivery_ids: list[str]) -> list[dict]:
    """``{id, status, attempts}`` of the webhook's deliveries among ``delivery_ids`` (attempts of every cycle)."""
    rows = (
        WebhookDelivery.objects.for_account(account)
        .filter(webhook=webhook, msg_id__in=set(delivery_ids))
        .annotate(attempts_made=Count("attempts"))
        .order_by()
    )
    return [{"id": row.msg_id, "status": row.status, "attempts": row.attempts_made} for row in rows]
