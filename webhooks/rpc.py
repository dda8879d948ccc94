"""JSON-RPC methods of the webhooks app (seed 000/001: webhooks per template)."""

from __future__ import annotations

from core import rpc
from webhooks import selectors, services
from webhooks.serializers import WebhookDeliveryPageSerializer, WebhookSerializer, delivery_json, webhook_json

rpc.struct_from(WebhookSerializer)
rpc.struct_from(WebhookDeliveryPageSerializer)


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
    total, items = selectors.delivery_list(account=ctx.account, webhook=webhook, offset=offset, limit=limit)
    return {"total": total, "items": [delivery_json(d) for d in items]}


@rpc.method(
    "Webhook_Redeliver",
    params=[("deliveryID", "string")],
    returns="WebhookDelivery",
    comment="Send a delivery again (same body, same webhook-id)",
)
def webhook_redeliver(ctx: rpc.Context, delivery_id: str) -> dict:
    return delivery_json(services.delivery_redeliver(account=ctx.account, delivery_id=delivery_id), with_log=False)
