"""Reads of the documents app, always scoped to an account."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, Q, QuerySet

from core import errors, prepared
from core.errors import AppError
from documents.models import DocumentAsset, DocumentRequest, DocumentTemplate, OnDemandLink


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def template_list(*, account, search: str = "") -> QuerySet[DocumentTemplate]:
    """The account's templates with their assets; ``search`` matches the name or the TemplateId."""
    assets = DocumentAsset.objects.for_account(account)
    templates = DocumentTemplate.objects.for_account(account).prefetch_related(Prefetch("assets", queryset=assets))
    if search:
        key = _uuid(search)
        templates = templates.filter(
            Q(name__icontains=search) | Q(template_id=key) if key else Q(name__icontains=search)
        )
    return templates


def asset_list(*, template: DocumentTemplate) -> list[DocumentAsset]:
    """The template's assets (prefetched by :func:`template_list`, else one scoped query)."""
    cached = getattr(template, "_prefetched_objects_cache", {}).get("assets")
    if cached is not None:
        return list(cached)
    return prepared.fetch("document_assets", _assets, template.account_id, template.pk)


def _assets(account_id: int, template_pk: int):
    return DocumentAsset.objects.for_account(account_id).filter(template_id=template_pk)


def _template(account_id: int, template_id: uuid.UUID):
    return DocumentTemplate.objects.for_account(account_id).filter(template_id=template_id)[:1]


def template_get(*, account, template_id: object, param: str = "TemplateId") -> DocumentTemplate:
    """The account's template, or 404 naming ``param`` (another account's id is "not found")."""
    key = _uuid(template_id)
    template = prepared.first("document_template", _template, account.pk, key) if key else None
    if template is None:
        raise AppError(errors.TEMPLATE_NOT_FOUND, param=param, detail=f"Template {template_id} not found")
    return template


def request_list(
    *, account, statuses: list[str] | None = None, template_id: object = None
) -> QuerySet[DocumentRequest]:
    """Newest first; ``statuses`` and ``template_id`` narrow it (an unknown template id matches nothing)."""
    requests = DocumentRequest.objects.for_account(account).select_related("template")
    if statuses:
        requests = requests.filter(status__in=statuses)
    if template_id is not None:
        key = _uuid(template_id)
        requests = requests.filter(template__template_id=key) if key else requests.none()
    return requests


def request_get(*, account, request_id: object, param: str = "requestId") -> DocumentRequest:
    key = _uuid(request_id)
    found = key and DocumentRequest.objects.for_account(account).filter(request_id=key).first()
    if not found:
        raise AppError(errors.NOT_FOUND_ERROR, param=param, detail=f"Request {request_id} not found")
    return found


def link_list(*, account) -> QuerySet[OnDemandLink]:
    return OnDemandLink.objects.for_account(account).select_related("template")
