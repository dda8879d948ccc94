"""Document templates and their assets: create, change, delete, preview."""

from __future__ import annotations

import io
import re
from dataclasses import asdict
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction

from core import errors
from core.errors import AppError
from documents import isolation, renderer
from documents.models import DocumentAsset, DocumentTemplate
from documents.services.rendering import asset_files, store
from media_app.probe import check_image_header

ASSET_NAME_PATTERN = r"^[A-Za-z0-9](\.?[A-Za-z0-9_-])*\.?$"  # what ASSET_NAME takes, without "..", for the schema
ASSET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
MAX_ASSET_BYTES = 20_000_000


def field_specs(raw: Any) -> list[renderer.FieldSpec]:
    """Stored/submitted field dicts → FieldSpecs; 400 naming the bad entry."""
    if not isinstance(raw, list):
        raise AppError(errors.INVALID_REQUEST, param="Fields", detail="Fields must be a list")
    specs, seen = [], set()
    for index, item in enumerate(raw):
        param = f"Fields[{index}]"
        if not isinstance(item, dict):
            raise AppError(errors.INVALID_REQUEST, param=param, detail="Each field must be an object")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise AppError(errors.INVALID_REQUEST, param=f"{param}.Name", detail="A field needs a name (1-100 chars)")
        if name in seen:
            raise AppError(errors.INVALID_REQUEST, param=f"{param}.Name", detail=f"Duplicated field '{name}'")
        seen.add(name)
        if not isinstance(item.get("required", False), bool):
            raise AppError(errors.INVALID_REQUEST, param=f"{param}.Required", detail="Required must be a boolean")
        try:
            spec = renderer.FieldSpec(
                name=name,
                type=item.get("type") or "text",
                required=item.get("required", False),
                default=item.get("default"),
                sample=item.get("sample"),
            )
        except ValueError as exc:
            raise AppError(errors.INVALID_REQUEST, param=f"{param}.Type", detail=str(exc)) from None
        for attr in ("default", "sample"):
            value = getattr(spec, attr)
            if value is not None:
                try:
                    renderer.merge_fields([spec], {name: value}, strict=False)
                except renderer.FieldError as exc:
                    raise AppError(
                        errors.INVALID_REQUEST, param=f"{param}.{attr.title()}", detail=f"{attr.title()}: {exc.message}"
                    ) from None
        specs.append(spec)
    return specs


def _check_layout(page_size: str, orientation: str) -> None:
    if page_size not in DocumentTemplate.PageSize.values:
        raise AppError(
            errors.INVALID_REQUEST,
            param="PageSize",
            detail=f"PageSize must be one of {', '.join(DocumentTemplate.PageSize.values)}",
        )
    if orientation not in DocumentTemplate.Orientation.values:
        raise AppError(errors.INVALID_REQUEST, param="Orientation", detail="Orientation must be portrait or landscape")


def _validated(html: str, css: str, fields: Any, page_size: str, orientation: str) -> list[dict]:
    if not html.strip():
        raise AppError(errors.INVALID_REQUEST, param="Html", detail="Html may not be empty")
    specs = field_specs(fields)
    _check_layout(page_size, orientation)
    try:
        isolation.run(renderer.validate_template, html, css)
    except renderer.TemplateError as exc:
        raise AppError(errors.INVALID_REQUEST, param=exc.param.title(), detail=exc.message) from None
    return [asdict(spec) for spec in specs]


def _check_owner(account, template: DocumentTemplate) -> None:
    """Another tenant's template is not found (never a failed assertion, which ``python -O`` drops)."""
    if template.account_id != account.pk:
        raise AppError(errors.NOT_FOUND_ERROR, param="templateId", detail="Template not found")


@transaction.atomic
def template_create(
    *,
    account,
    name: str,
    html: str,
    css: str = "",
    fields: list[dict] | None = None,
    page_size: str = "A4",
    orientation: str = "portrait",
    template_id=None,
) -> DocumentTemplate:
    stored = _validated(html, css, fields or [], page_size, orientation)
    template = DocumentTemplate(
        account=account, name=name, html=html, css=css, fields=stored, page_size=page_size, orientation=orientation
    )
    if template_id is not None:
        template.template_id = template_id
    template.save()
    return template


@transaction.atomic
def template_update(*, account, template: DocumentTemplate, **changes: Any) -> DocumentTemplate:
    """Change any of name, html, css, fields, page_size, orientation (others untouched)."""
    _check_owner(account, template)
    values = {
        "name": template.name,
        "html": template.html,
        "css": template.css,
        "fields": template.fields,
        "page_size": template.page_size,
        "orientation": template.orientation,
    } | {key: value for key, value in changes.items() if value is not None}
    values["fields"] = _validated(
        values["html"], values["css"], values["fields"], values["page_size"], values["orientation"]
    )
    for key, value in values.items():
        setattr(template, key, value)
    template.save()
    return template


@transaction.atomic
def template_delete(*, account, template: DocumentTemplate) -> None:
    _check_owner(account, template)
    keys = [asset.storage_key for asset in DocumentAsset.objects.for_account(account).filter(template=template)]
    template.delete()
    transaction.on_commit(lambda: [default_storage.delete(key) for key in keys])


@transaction.atomic
def asset_put(
    *, account, template: DocumentTemplate, name: str, content: bytes, content_type: str = ""
) -> DocumentAsset:
    """Add or replace the file a template refers to as ``name`` (``<img src="logo.png">``)."""
    if not ASSET_NAME.fullmatch(name or "") or ".." in name:
        raise AppError(
            errors.INVALID_REQUEST,
            param="name",
            detail="Asset names use letters, digits, '.', '_' and '-' (no folders)",
        )
    if len(content) > MAX_ASSET_BYTES:
        raise AppError(
            errors.PAYLOAD_TOO_LARGE, param="file", detail=f"An asset may not exceed {MAX_ASSET_BYTES} bytes"
        )
    check_image_header(io.BytesIO(content))
    key = f"documents/{account.public_id}/templates/{template.template_id}/assets/{name}"
    store(key, content)
    asset, _ = DocumentAsset.objects.for_account(account).update_or_create(
        account=account,
        template=template,
        name=name,
        defaults={"storage_key": key, "content_type": content_type, "size": len(content)},
    )
    return asset


@transaction.atomic
def asset_delete(*, account, template: DocumentTemplate, name: str) -> None:
    asset = DocumentAsset.objects.for_account(account).filter(template=template, name=name).first()
    if asset is None:
        raise AppError(errors.NOT_FOUND_ERROR, param="name", detail=f"Asset {name} not found")
    asset.delete()
    transaction.on_commit(lambda: default_storage.delete(asset.storage_key))


def template_preview(
    *,
    account,
    template: DocumentTemplate | None,
    html: str,
    css: str,
    fields: Any,
    page_size: str,
    orientation: str,
    dpi: int = 72,
) -> bytes:
    """The first page rendered with the fields' sample values, as PNG (the dashboard's live preview)."""
    specs = field_specs(fields)
    _check_layout(page_size, orientation)
    draft = DocumentTemplate(account=account, html=html, css=css, page_size=page_size, orientation=orientation)
    if template is not None:
        draft.pk, draft.template_id = template.pk, template.template_id
    with asset_files(draft) as paths:
        return isolation.run(
            renderer.render_preview,
            html,
            css,
            specs,
            assets=paths,
            page_size=page_size,
            orientation=orientation,
            dpi=dpi,
        )
