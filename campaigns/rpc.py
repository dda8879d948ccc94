"""JSON-RPC methods of campaigns: the same semantics as /v1/campaigns."""

from __future__ import annotations

from typing import Any

from campaigns import selectors, services
from campaigns.models import Recipient
from core import errors, rpc
from core.errors import AppError

rpc.struct(
    "CampaignAudience",
    {"where": "string?", "csv": "string?", "rows": "[]CampaignRow?"},
    comment="Exactly one of: where (seed 004 path condition on users), csv (text with a header row), rows",
)
rpc.struct("CampaignRow", {}, comment="One recipient's values: column name → value")
rpc.struct("CampaignFields", {}, comment='Template input → column, "constant" or column|"fallback"')
rpc.struct(
    "CampaignNew",
    {
        "name": "string",
        "templateId": "string",
        "audience": "CampaignAudience",
        "fields": "CampaignFields",
        "mode": "string",
        "linkTtlDays": "int?",
    },
    comment='mode is "render" (everything now) or "link" (a signed link per recipient, rendered on first open)',
)
rpc.struct("CampaignAccepted", {"id": "string", "status": "string", "total": "int"})
rpc.struct(
    "Campaign",
    {
        "id": "string",
        "name": "string",
        "templateId": "string",
        "kind": "string",
        "mode": "string",
        "audience": "CampaignAudience",
        "fields": "CampaignFields",
        "linkTtlDays": "int",
        "status": "string",
        "total": "int",
        "done": "int",
        "failed": "int",
        "rendering": "int",
        "pending": "int",
        "createdAt": "string",
        "finishedAt": "string?",
    },
)
rpc.struct("CampaignPage", {"total": "int", "items": "[]Campaign"})
rpc.struct("CampaignRecipientError", {"code": "int", "message": "string"})
rpc.struct(
    "CampaignRecipient",
    {
        "key": "string",
        "email": "string",
        "status": "string",
        "error": "CampaignRecipientError?",
        "values": "CampaignFields",
        "videoId": "string?",
        "documentId": "string?",
        "link": "string",
        "updatedAt": "string",
    },
)
rpc.struct("CampaignRecipientPage", {"total": "int", "items": "[]CampaignRecipient"})
rpc.struct(
    "CampaignAudiencePreview",
    {
        "source": "string",
        "columns": "[]string",
        "total": "int",
        "unknownColumns": "CampaignFields",
        "preview": "[]CampaignRow",
    },
)


def _string(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AppError(errors.RPC_INVALID_PARAMS, data=f"{name} must be a non-empty string")
    return value


@rpc.method(
    "Campaign_New",
    params=[("campaign", "CampaignNew")],
    returns="CampaignAccepted",
    comment="Start a campaign; render mode checks credits for every recipient first (2004 naming the shortfall)",
)
def campaign_new(ctx: rpc.Context, campaign: dict) -> dict:
    ttl = campaign.get("linkTtlDays")
    if ttl is not None and (not isinstance(ttl, int) or isinstance(ttl, bool)):
        raise AppError(errors.RPC_INVALID_PARAMS, data="linkTtlDays must be int")
    created = services.campaign_create(
        account=ctx.account,
        name=_string(campaign.get("name"), "name"),
        template_id=_string(campaign.get("templateId"), "templateId"),
        audience=campaign.get("audience"),
        fields=campaign.get("fields"),
        mode=_string(campaign.get("mode"), "mode"),
        link_ttl_days=ttl,
    )
    return {"id": created.public_id, "status": created.status, "total": created.total}


@rpc.method(
    "Campaign_Preview",
    params=[("audience", "CampaignAudience"), ("fields", "CampaignFields?")],
    returns="CampaignAudiencePreview",
    comment="How many recipients an audience selects, and three of them with their mapped values",
)
def campaign_preview(ctx: rpc.Context, audience: dict, fields: dict | None) -> dict:
    return services.audience_preview(account=ctx.account, audience=audience, fields=fields)


@rpc.method("Campaign_List", params=[("offset", "int?"), ("limit", "int?")], returns="CampaignPage")
def campaign_list(ctx: rpc.Context, offset: int | None, limit: int | None) -> dict:
    offset, limit = rpc.page_bounds(offset, limit, default=20)
    total, items = selectors.campaign_list(account=ctx.account, offset=offset, limit=limit)
    return {"total": total, "items": [selectors.campaign_json(c) for c in items]}


@rpc.method("Campaign_Get", params=[("id", "string")], returns="Campaign", comment="One campaign with its counts")
def campaign_get(ctx: rpc.Context, campaign_id: str) -> dict:
    return selectors.campaign_json(selectors.campaign_get(account=ctx.account, campaign_id=campaign_id))


@rpc.method(
    "Campaign_Recipients",
    params=[("id", "string"), ("status", "string?"), ("offset", "int?"), ("limit", "int?")],
    returns="CampaignRecipientPage",
    comment="The recipients in order (status: pending, rendering, done or error); limit at most 100",
)
def campaign_recipients(ctx: rpc.Context, campaign_id: str, status: str | None, offset: int | None, limit: int | None):
    if status is not None and status not in Recipient.Status.values:
        raise AppError(errors.RPC_INVALID_PARAMS, data=f"status must be one of {', '.join(Recipient.Status.values)}")
    offset, limit = rpc.page_bounds(offset, limit, default=20)
    campaign, total, items = selectors.recipient_page(
        account=ctx.account, campaign_id=campaign_id, status=status, offset=offset, limit=limit
    )
    return {"total": total, "items": [selectors.recipient_json(campaign, r) for r in items]}


def _action(name: str, service, comment: str) -> None:
    @rpc.method(name, params=[("id", "string")], returns="Campaign", comment=comment)
    def method(ctx: rpc.Context, campaign_id: str) -> dict:
        return selectors.campaign_json(service(account=ctx.account, campaign_id=campaign_id))


_action("Campaign_Cancel", services.campaign_cancel, "Stop queuing renders; those already rendering finish")
_action("Campaign_RetryFailed", services.campaign_retry_failed, "Render the failed recipients again")
_action("Campaign_Refresh", services.campaign_refresh, "Add audience members that match now and are not recipients yet")


@rpc.method(
    "Campaign_Delete",
    params=[("id", "string")],
    returns="bool",
    comment="Delete the campaign and its recipients; rendered videos and documents stay in the account",
)
def campaign_delete(ctx: rpc.Context, campaign_id: str) -> bool:
    services.campaign_delete(account=ctx.account, campaign_id=campaign_id)
    return True
