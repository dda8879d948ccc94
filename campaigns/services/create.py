"""Creating a campaign: checks, credits, the stored rows, the build queued."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from accounts.models import Account
from campaigns import mapping
from campaigns.models import Campaign
from campaigns.services.audience import _audience, _check_mapping, _invalid, _template_of, _unit_cost
from campaigns.services.build import _build_enqueue
from core import errors
from core.errors import AppError
from documents.models import DocumentTemplate
from templates_app.models import VideoTemplate

MAX_LINK_TTL_DAYS = 365


def campaign_create(
    *,
    account: Account,
    name: str,
    template_id: str,
    audience: Any,
    fields: Any,
    mode: str,
    link_ttl_days: int | None = None,
) -> Campaign:
    """Check everything a client can get wrong (400 naming it, 1000, 1028, 2004), record the campaign
    and queue the build of its recipients."""
    template = _template_of(account=account, template_id=template_id)
    if isinstance(template, VideoTemplate) and template.status != VideoTemplate.Status.ACTIVE:
        raise AppError(errors.TEMPLATE_INACTIVE, data=template_id, param="templateId")
    if mode not in Campaign.Mode.values:
        raise _invalid("mode", 'mode: "render" or "link"')
    ttl = 30 if link_ttl_days is None else link_ttl_days
    if not 1 <= ttl <= MAX_LINK_TTL_DAYS:
        raise _invalid("linkTtlDays", f"linkTtlDays: 1 to {MAX_LINK_TTL_DAYS}")
    try:
        expressions = mapping.parse_mapping(fields)
    except mapping.MappingError as exc:
        raise _invalid(exc.param, str(exc)) from None
    _check_mapping(template, expressions)
    selected = _audience(account=account, audience=audience)
    source, columns, total = selected.source, selected.columns, selected.total
    unknown = mapping.unknown_columns(expressions, columns)
    if unknown:
        name_, missing = next(iter(unknown.items()))
        raise _invalid(
            f"fields.{name_}",
            f"fields.{name_}: the audience has no column {', '.join(missing)} (it has: {', '.join(columns)})",
        )
    if total == 0:
        raise _invalid("audience", "audience: selects no recipients")
    if mode == Campaign.Mode.RENDER:
        _check_credits(account, needed=total * _unit_cost(template))
    with transaction.atomic():
        campaign = Campaign.objects.create(
            account=account,
            name=name.strip()[:200] or "Campaign",
            kind=Campaign.Kind.VIDEO if isinstance(template, VideoTemplate) else Campaign.Kind.DOCUMENT,
            video_template=template if isinstance(template, VideoTemplate) else None,
            document_template=template if isinstance(template, DocumentTemplate) else None,
            template_public_id=template_id,
            audience={"where": audience["where"]} if source == "where" else {source: {"columns": columns}},
            fields=fields,
            mode=mode,
            link_ttl_days=ttl,
            total=total,
        )
        if selected.rows is not None:
            campaign.rows_key = _store_rows(campaign, selected.rows)
            campaign.save(update_fields=["rows_key"])
        _build_enqueue(campaign)
    return campaign


def _check_credits(account: Account, *, needed: int) -> None:
    account.refresh_from_db(fields=["credits"])
    if account.credits < needed:
        short = needed - account.credits
        raise AppError(
            errors.NO_CREDIT,
            data={"needed": needed, "available": account.credits, "short": short},
            detail=f"No credit: {short} credits short (the campaign needs {needed}, the account has {account.credits})",
        )


def _store_rows(campaign: Campaign, rows: list[dict]) -> str:
    key = f"campaigns/{campaign.account.public_id}/{campaign.public_id}/audience.json"
    if default_storage.exists(key):
        default_storage.delete(key)
    return default_storage.save(key, ContentFile(json.dumps(rows, ensure_ascii=False).encode()))
