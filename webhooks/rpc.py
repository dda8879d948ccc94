"""JSON-RPC methods of the webhooks app (seed 000/001: webhooks per template)."""

from __future__ import annotations

from core import rpc
from core.dates import iso_z
from webhooks import selectors, services
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

rpc.struct(
    "Webhook",
    {
        "webhookID": "string",
        "templateID": "string?",
        "url": "string",
        "events": "[]string",
        "active": "bool",
        "secret": "string?",
        "secretHint": "string",
        "failingSince": "string?",
        "disabledReason": "string",
        "date": "string",
    },
    comment="secret is only present when it was just created (Webhook_New, Webhook_RotateSecret)",
)
rpc.struct(
    "WebhookAttempt",
    {
        "number": "int",
        "date": "string",
        "requestHeaders": "string",
        "requestBody": "string",
        "responseStatus": "int?",
        "responseBody": "string",
        "durationMs": "float",
        "error": "string",
    },
)
rpc.struct(
    "WebhookDelivery",
    {
        "deliveryID": "string",
        "webhookID": "string",
        "event": "string",
        "status": "string",
        "attempts": "int",
        "nextAttempt": "string?",
        "lastStatus": "int?",
        "lastError": "string",
        "date": "string",
        "deliveredAt": "string?",
        "body": "string",
        "log": "[]WebhookAttempt",
    },
)
rpc.struct("WebhookDeliveryPage", {"total": "int", "items": "[]WebhookDelivery"})


def _iso(value) -> str | None:
    return iso_z(value) if value else None


def webhook_json(webhook: Webhook, *, with_secret: bool = False) -> dict:
    return {
        "webhookID": webhook.public_id,
        "templateID": webhook.template_id,
        "url": webhook.url,
        "events": list(webhook.events),
        "active": webhook.active,
        "secret": webhook.secret if with_secret else None,
        "secretHint": webhook.secret[:10] + "…",
        "failingSince": _iso(webhook.failing_since),
        "disabledReason": webhook.disabled_reason,
        "date": _iso(webhook.created_at),
    }


def attempt_json(attempt: WebhookAttempt) -> dict:
    import json

    return {
        "number": attempt.number,
        "date": _iso(attempt.created_at),
        "requestHeaders": json.dumps(attempt.request_headers),
        "requestBody": attempt.request_body,
        "responseStatus": attempt.response_status,
        "responseBody": attempt.response_body,
        "durationMs": attempt.duration_ms,
        "error": attempt.error,
    }


def delivery_json(delivery: WebhookDelivery, *, with_log: bool = True) -> dict:
    return {
        "deliveryID": delivery.msg_id,
        "webhookID": delivery.webhook.public_id,
        "event": delivery.event,
        "status": delivery.status,
        "attempts": delivery.attempt_count,
        "nextAttempt": _iso(delivery.next_attempt_at),
        "lastStatus": delivery.last_status,
        "lastError": delivery.last_error,
        "date": _iso(delivery.created_at),
        "deliveredAt": _iso(delivery.delivered_at),
        "body": delivery.body,
        "log": [attempt_json(a) for a in delivery.attempts.all()] if with_log else [],
    }


@rpc.method(
    "Webhook_New",
    params=[("templateID", "string?"), ("url", "string"), ("events", "[]string?")],
    returns="Webhook",
    comment="Add a webhook to a template (video events), or without templateID to the account (document events); "
    "the answer is the only time the secret is shown",
)
def webhook_new(ctx: rpc.Context, template_id: str | None, url: str, events: list[str] | None) -> dict:
    webhook = services.webhook_create(account=ctx.account, template_id=template_id, url=url, events=events)
    return webhook_json(webhook, with_secret=True)


@rpc.method(
    "Webhook_List",
    params=[("templateID", "string?")],
    returns="[]Webhook",
    comment="The webhooks of a template (all of the account's when templateID is omitted)",
    reads=True,
)
def webhook_list(ctx: rpc.Context, template_id: str | None) -> list[dict]:
    return [webhook_json(w) for w in selectors.webhook_list(account=ctx.account, template_id=template_id)]


@rpc.method(
    "Webhook_Update",
    params=[("webhookID", "string"), ("url", "string?"), ("active", "bool?")],
    returns="Webhook",
    comment="Change a webhook's URL or switch it on/off (switching on clears a disabled state)",
)
def webhook_update(ctx: rpc.Context, webhook_id: str, url: str | None, active: bool | None) -> dict:
    return webhook_json(services.webhook_update(account=ctx.account, webhook_id=webhook_id, url=url, active=active))


@rpc.method("Webhook_Delete", params=[("webhookID", "string")], returns="bool", comment="Delete a webhook and its log")
def webhook_delete(ctx: rpc.Context, webhook_id: str) -> bool:
    services.webhook_delete(account=ctx.account, webhook_id=webhook_id)
    return True


@rpc.method(
    "Webhook_RotateSecret",
    params=[("webhookID", "string")],
    returns="Webhook",
    comment="A new signing secret (shown once); the old one also signs for 24 hours",
)
def webhook_rotate_secret(ctx: rpc.Context, webhook_id: str) -> dict:
    return webhook_json(services.webhook_rotate_secret(account=ctx.account, webhook_id=webhook_id), with_secret=True)


@rpc.method(
    "Webhook_Deliveries",
    params=[("webhookID", "string"), ("offset", "int?"), ("limit", "int?")],
    returns="WebhookDeliveryPage",
    comment="A webhook's delivery log, newest first, with every attempt (limit at most 100)",
    reads=True,
)
def webhook_deliveries(ctx: rpc.Context, webhook_id: str, offset: int | None, limit: int | None) -> dict:
    webhook = services.webhook_get(account=ctx.account, webhook_id=webhook_id)
    offset, limit = rpc.page_bounds(offset, limit, default=20)
    items = selectors.delivery_list(account=ctx.account, webhook=webhook, offset=offset, limit=limit)
    return {
        "total": selectors.delivery_count(account=ctx.account, webhook=webhook),
        "items": [delivery_json(d) for d in items],
    }


@rpc.method(
    "Webhook_Redeliver",
    params=[("deliveryID", "string")],
    returns="WebhookDelivery",
    comment="Send a delivery again (same body, same webhook-id)",
)
def webhook_redeliver(ctx: rpc.Context, delivery_id: str) -> dict:
    return delivery_json(services.delivery_redeliver(account=ctx.account, delivery_id=delivery_id), with_log=False)
