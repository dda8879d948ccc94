"""Deliveries: claiming, sending and recording them, retries, giving up, replay, purge.

Delivery is at least once. Dispatchers claim due rows with a lease
(``claimed_until``), send them with one keep-alive ``Sender`` and record the result.
A dispatcher that dies between sending and recording leaves the lease to expire, and
the next pass sends again (same ``webhook-id``, so receivers can de-duplicate).

Every function that depends on the time takes ``now`` so tests can step the
clock; the ``webhook-timestamp`` header is always the real time, since
receivers compare it with theirs.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import Account, Notification
from accounts.services import notification_create
from core import errors
from core.errors import AppError
from webhooks import signing, transport
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from webhooks.services.events import wake_dispatchers

_rng = random.Random()


def signing_secrets(webhook: Webhook, *, now: datetime) -> list[str]:
    overlap = timedelta(hours=settings.WEBHOOK_ROTATION_OVERLAP_HOURS)
    if webhook.previous_secret and webhook.rotated_at and now - webhook.rotated_at < overlap:
        return [webhook.secret, webhook.previous_secret]
    return [webhook.secret]


def delivery_get(*, account: Account, delivery_id: str) -> WebhookDelivery:
    delivery = (
        WebhookDelivery.objects.for_account(account).select_related("webhook").filter(msg_id=delivery_id or "").first()
    )
    if delivery is None:
        raise AppError(errors.DELIVERY_NOT_FOUND, param="deliveryID")
    return delivery


@transaction.atomic
def delivery_redeliver(*, account: Account, delivery_id: str, now: datetime | None = None) -> WebhookDelivery:
    """Send a delivery again: a new attempt cycle, same body, same ``webhook-id``."""
    now = now or timezone.now()
    delivery = delivery_get(account=account, delivery_id=delivery_id)
    if not delivery.webhook.active:
        raise AppError(errors.WEBHOOK_INACTIVE, param="deliveryID", detail="Webhook is not active: enable it first")
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.attempt_count = 0
    delivery.failure_notified = False
    delivery.next_attempt_at = now
    delivery.claimed_until = None
    delivery.claim_token = ""
    delivery.save()
    transaction.on_commit(wake_dispatchers)
    return delivery


@dataclass
class Outgoing:
    """A claimed delivery, ready to send: everything the HTTP thread needs, no ORM."""

    delivery_id: int
    token: str
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Sent:
    outgoing: Outgoing
    attempt: transport.Attempt
    started_at: datetime


def _due(now: datetime):
    return WebhookDelivery.objects.unscoped().filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at__lte=now,
        webhook__active=True,
    )


def delivery_claim(*, now: datetime | None = None, limit: int = 50) -> list[Outgoing]:
    """Claim up to ``limit`` due deliveries for this process (a lease until
    ``now + WEBHOOK_CLAIM_LEASE_S``) and prepare their requests.

    On PostgreSQL rows are locked with SKIP LOCKED so concurrent dispatchers
    take disjoint sets; elsewhere (SQLite) the claim is a conditional UPDATE
    that re-checks the lease, so a row can only be taken by one claimant.
    """
    now = now or timezone.now()
    token = uuid.uuid4().hex
    lease = now + timedelta(seconds=settings.WEBHOOK_CLAIM_LEASE_S)
    with transaction.atomic():
        due = _due(now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            # of=self: locking the joined webhook row too would make other
            # dispatchers skip every delivery of that endpoint.
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        _due(now).filter(id__in=ids).update(claimed_until=lease, claim_token=token)
        claimed = list(
            WebhookDelivery.objects.unscoped().filter(claim_token=token).select_related("webhook").order_by("id")
        )
    outgoing = []
    base_headers = transport.default_headers(settings.PRODUCT_NAME)
    timestamp = int(time.time())
    for delivery in claimed:
        body = delivery.body.encode("utf-8")
        headers = base_headers | signing.signature_headers(
            signing_secrets(delivery.webhook, now=now), delivery.msg_id, timestamp, body
        )
        outgoing.append(Outgoing(delivery.id, token, delivery.webhook.url, body, headers))
    return outgoing


def delivery_send(*, sender: transport.Sender, outgoing: Outgoing, now: datetime | None = None) -> Sent:
    """The HTTP part only (thread-safe, no database)."""
    started_at = now or timezone.now()
    return Sent(outgoing, sender.send(outgoing.url, outgoing.body, outgoing.headers), started_at)


def delivery_record(*, results: Iterable[Sent], now: datetime | None = None) -> None:
    """Store the attempts and move each delivery on, in one transaction.

    Successes (the bulk of the traffic) are one UPDATE per claim; failures go
    through the retry rules one by one."""
    now = now or timezone.now()
    results = list(results)
    if not results:
        return
    with transaction.atomic():
        by_id = {
            d.id: d
            for d in WebhookDelivery.objects.unscoped()
            .select_related("webhook", "account")
            .defer("body")
            .filter(id__in=[r.outgoing.delivery_id for r in results])
        }
        # Attempts are numbered across cycles: a delivery sent again goes on from its last number.
        made = dict(
            WebhookAttempt.objects.unscoped()
            .filter(delivery_id__in=by_id)
            .values("delivery_id")
            .annotate(n=Count("id"))
            .values_list("delivery_id", "n")
        )
        attempts = []
        delivered: dict[tuple[str, int], list[int]] = defaultdict(list)
        recovered_webhooks: set[int] = set()
        for sent in results:
            delivery = by_id.get(sent.outgoing.delivery_id)
            if delivery is None:  # deleted with its webhook meanwhile
                continue
            attempt = sent.attempt
            attempts.append(
                WebhookAttempt(
                    account_id=delivery.account_id,
                    delivery=delivery,
                    number=made.get(delivery.id, 0) + 1,
                    created_at=sent.started_at,
                    request_headers=sent.outgoing.headers,
                    request_body=sent.outgoing.body.decode("utf-8"),
                    response_status=attempt.status,
                    response_headers=attempt.response_headers,
                    response_body=attempt.response_body_head,
                    duration_ms=attempt.duration_ms,
                    error=(attempt.error or "")[:500],
                )
            )
            if delivery.claim_token != sent.outgoing.token:
                continue  # our lease expired and another dispatcher owns it now
            if attempt.ok:
                delivered[(sent.outgoing.token, attempt.status)].append(delivery.id)
                if delivery.webhook.failing_since is not None:
                    recovered_webhooks.add(delivery.webhook_id)
            else:
                _advance_failed(delivery, attempt, now=now)
        for (token, status), ids in delivered.items():
            WebhookDelivery.objects.unscoped().filter(id__in=ids, claim_token=token).update(
                status=WebhookDelivery.Status.DELIVERED,
                delivered_at=now,
                next_attempt_at=None,
                claimed_until=None,
                claim_token="",
                attempt_count=F("attempt_count") + 1,
                last_status=status,
                last_error="",
            )
        if recovered_webhooks:
            Webhook.objects.unscoped().filter(pk__in=recovered_webhooks).update(failing_since=None)
        WebhookAttempt.objects.bulk_create(attempts)


_FAILED_FIELDS = [
    "attempt_count",
    "last_status",
    "last_error",
    "claimed_until",
    "claim_token",
    "next_attempt_at",
    "failure_notified",
    "status",
]


def _advance_failed(delivery: WebhookDelivery, attempt: transport.Attempt, *, now: datetime) -> None:
    webhook = delivery.webhook
    delivery.attempt_count += 1
    delivery.last_status = attempt.status
    delivery.last_error = (attempt.error or "")[:500]
    delivery.claimed_until = None
    delivery.claim_token = ""
    if not delivery.last_error and attempt.status is not None:
        delivery.last_error = f"HTTP {attempt.status}"
    if webhook.failing_since is None:
        webhook.failing_since = now
        Webhook.objects.unscoped().filter(pk=webhook.pk, failing_since__isnull=True).update(failing_since=now)

    disabled_because = None
    if attempt.status == 410:
        disabled_because = "the endpoint answered 410 Gone"
    elif now - webhook.failing_since >= timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS):
        disabled_because = f"every attempt failed for {settings.WEBHOOK_DISABLE_AFTER_DAYS} days"
    delay = (
        None
        if disabled_because
        else transport.next_attempt_delay(delivery.attempt_count, retry_after_s=attempt.retry_after_s, rng=_rng)
    )
    if delay is not None:
        delivery.next_attempt_at = now + timedelta(seconds=delay)
        if not delivery.failure_notified:
            delivery.failure_notified = True
            _notify_failed(delivery, first=True)
        delivery.save(update_fields=_FAILED_FIELDS)
        return

    delivery.status = WebhookDelivery.Status.FAILED
    delivery.next_attempt_at = None
    delivery.save(update_fields=_FAILED_FIELDS)
    if disabled_because:
        _disable(webhook, reason=disabled_because, delivery=delivery)
    else:
        _notify_failed(delivery, first=False)


def _describe(delivery: WebhookDelivery) -> str:
    return f"{delivery.event} {delivery.msg_id} to {delivery.webhook.url}: {delivery.last_error or 'failed'}"


def _notify_failed(delivery: WebhookDelivery, *, first: bool) -> None:
    title = "Webhook call failed" if first else "Webhook call given up"
    message = _describe(delivery) + (
        ". It will be retried." if first else f". No more retries after {delivery.attempt_count} attempts."
    )
    notification_create(
        account=delivery.account,
        kind=Notification.Kind.WEBHOOK_FAILED,
        title=title,
        message=message,
        data={"webhookID": delivery.webhook.public_id, "deliveryID": delivery.msg_id, "event": delivery.event},
    )


def _disable(webhook: Webhook, *, reason: str, delivery: WebhookDelivery) -> None:
    updated = (
        Webhook.objects.unscoped()
        .filter(pk=webhook.pk, active=True)
        .update(active=False, disabled_reason=f"Disabled: {reason}"[:300])
    )
    if updated:
        delivery_cancel_inactive(webhook=webhook)
        notification_create(
            account=delivery.account,
            kind=Notification.Kind.WEBHOOK_DISABLED,
            title="Webhook disabled",
            message=f"{webhook.url} was disabled: {reason}. Fix it, enable it again, and send failed deliveries again.",
            data={"webhookID": webhook.public_id, "deliveryID": delivery.msg_id},
        )


def delivery_cancel_inactive(*, webhook: Webhook | None = None) -> int:
    """Pending deliveries of disabled endpoints stop (each can be sent again once
    the endpoint is enabled)."""
    queryset = WebhookDelivery.objects.unscoped().filter(status=WebhookDelivery.Status.PENDING)
    queryset = queryset.filter(webhook=webhook) if webhook is not None else queryset.filter(webhook__active=False)
    return queryset.update(
        status=WebhookDelivery.Status.FAILED, next_attempt_at=None, claimed_until=None, last_error="endpoint disabled"
    )


_job_sender: transport.Sender | None = None


def default_sender() -> transport.Sender:
    """One keep-alive sender per process."""
    global _job_sender
    if _job_sender is None:
        _job_sender = transport.Sender(
            timeout_s=settings.WEBHOOK_TIMEOUT_S, allow_loopback=settings.WEBHOOKS_ALLOW_LOOPBACK
        )
    return _job_sender


def delivery_send_due(
    *, now: datetime | None = None, limit: int = 100, sender: transport.Sender | None = None, executor=None
) -> int:
    """Claim what is due, send it (through ``executor`` when given), record it.
    Returns how many were sent. Used by the RQ job and by tests; the dispatcher
    pipelines the same three steps."""
    now = now or timezone.now()
    outgoing = delivery_claim(now=now, limit=limit)
    sender = sender or default_sender()
    if executor is None:
        results = [delivery_send(sender=sender, outgoing=o, now=now) for o in outgoing]
    else:
        results = list(executor.map(lambda o: delivery_send(sender=sender, outgoing=o, now=now), outgoing))
    delivery_record(results=results, now=now)
    return len(results)


def webhook_log_purge(*, now: datetime | None = None) -> int:
    """Delete finished deliveries (and their attempts) older than the retention,
    and older attempts of deliveries still running. Returns deliveries deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WEBHOOK_LOG_RETENTION_DAYS)
    WebhookAttempt.objects.unscoped().filter(created_at__lt=cutoff).delete()
    _, per_model = (
        WebhookDelivery.objects.unscoped()
        .filter(created_at__lt=cutoff)
        .exclude(status=WebhookDelivery.Status.PENDING)
        .delete()
    )
    return per_model.get(WebhookDelivery._meta.label, 0)
