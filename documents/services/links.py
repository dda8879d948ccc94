"""On-demand links (``POST /v1/content/url``, ``GET /d/<token>``): nothing is rendered
until the first open, which renders, charges and caches the document."""

from __future__ import annotations

import secrets
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.services import credits_charge, usage_count
from core import errors
from core.errors import AppError
from documents import renderer
from documents.models import DocumentTemplate, OnDemandLink
from documents.services.rendering import CREDITS_PER_DOCUMENT, render, specs_of, store
from documents.signals import link_rendered

LINK_TTL = timedelta(days=30)


@transaction.atomic
def link_create(
    *, account, template: DocumentTemplate, fields: dict[str, Any], output: renderer.Output | None = None
) -> OnDemandLink:
    """An on-demand URL (a PDF, never a package: the API's LinkRequestSerializer says so)."""
    parsed = output or renderer.Output()
    renderer.merge_fields(specs_of(template), fields, strict=parsed.strict_policy)
    return OnDemandLink.objects.create(**_link_values(account, template, fields, parsed, LINK_TTL))


def _link_values(account, template: DocumentTemplate, fields: Any, output: renderer.Output, ttl: timedelta) -> dict:
    return {
        "account": account,
        "template": template,
        "fields": fields,
        "output": asdict(output),
        "token": secrets.token_urlsafe(24),
        "expires_at": timezone.now() + ttl,
    }


def links_create(
    *, account, template: DocumentTemplate, fields_list: list[dict], ttl: timedelta
) -> list[OnDemandLink | AppError]:
    """Many on-demand PDF links at once (a campaign): per item the saved link, or the error of its fields."""
    output, specs = renderer.Output(), specs_of(template)
    results: list[OnDemandLink | AppError] = []
    for fields in fields_list:
        try:
            renderer.merge_fields(specs, fields, strict=output.strict_policy)
        except AppError as exc:
            results.append(exc)
        else:
            results.append(OnDemandLink(**_link_values(account, template, fields, output, ttl)))
    OnDemandLink.objects.bulk_create([item for item in results if isinstance(item, OnDemandLink)], batch_size=1000)
    return results


def _lifetime(link: OnDemandLink) -> str:
    """How long the link was valid, as its creator set it (30 days, or a campaign's ``linkTtlDays``)."""
    days = round((link.expires_at - link.created_at) / timedelta(days=1))
    return "1 day" if days == 1 else f"{days} days"


def link_get(*, token: str) -> OnDemandLink:
    """The link a token names, with its template and its account's plan: 404, or 410 once expired."""
    link = OnDemandLink.objects.unscoped().select_related("template", "account__plan").filter(token=token).first()
    if link is None:
        raise AppError(errors.NOT_FOUND_ERROR, detail="Unknown link")
    if timezone.now() >= link.expires_at:
        raise AppError(errors.GONE, detail=f"This link expired {_lifetime(link)} after it was created")
    return link


def link_open(*, link: OnDemandLink) -> tuple[OnDemandLink, bytes | None]:
    """The document of a link (from :func:`link_get`): ``(link, pdf bytes)`` on the first open
    (rendered and charged now), ``(link, None)`` afterwards — the caller streams ``link.cached_key``.

    The render runs before any transaction, in a killable child (``isolation``); only
    the charge and the cache row are written under the row lock."""
    now = timezone.now()
    if not link.cached_key:
        if link.account.credits < CREDITS_PER_DOCUMENT:
            raise AppError(errors.NO_CREDIT, detail=f"No credit: {CREDITS_PER_DOCUMENT} needed")
        name, content_type, data = render(link.template, link.fields, renderer.Output(**link.output), isolated=True)[0]
        with transaction.atomic():
            locked = OnDemandLink.objects.unscoped().select_for_update().select_related("account").get(pk=link.pk)
            rendered_here = not locked.cached_key  # else another open rendered it meanwhile: the same document
            if rendered_here:
                credits_charge(account=locked.account, amount=CREDITS_PER_DOCUMENT)
                key = f"documents/{locked.account.public_id}/links/{link.pk}/{name}"
                store(key, data)
                OnDemandLink.objects.unscoped().filter(pk=link.pk).update(
                    cached_key=key,
                    cached_content_type=content_type,
                    cached_filename=name,
                    charged_credits=CREDITS_PER_DOCUMENT,
                    first_opened_at=now,
                )
                usage_count(account=locked.account, documents=1)
            OnDemandLink.objects.unscoped().filter(pk=link.pk).update(opens=F("opens") + 1, last_opened_at=now)
            link.refresh_from_db()
            if rendered_here:
                link_rendered.send(sender=OnDemandLink, link=link)
        return link, data
    OnDemandLink.objects.unscoped().filter(pk=link.pk).update(opens=F("opens") + 1, last_opened_at=now)
    return link, None
