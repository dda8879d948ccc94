"""Every write of the documents app: templates and assets, rendering requests,
signed download links and on-demand links."""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import re
import secrets
import tempfile
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import django_rq
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F

from accounts.services import credits_charge, credits_refund
from core import errors
from core.errors import AppError
from core.jobs import RowJob
from core.links import link_claims, link_token
from documents import clock, isolation, renderer
from documents.models import DocumentAsset, DocumentRequest, DocumentTemplate, OnDemandLink
from documents.signals import link_rendered, request_finished
from media_app.probe import check_image_header
from webhooks.services import event_emit

log = logging.getLogger(__name__)

CREDITS_PER_DOCUMENT = 1
DOWNLOAD_TTL = timedelta(minutes=30)
LINK_TTL = timedelta(days=30)
FILES_LINK = "documents.files"
ASSET_NAME_PATTERN = r"^[A-Za-z0-9](\.?[A-Za-z0-9_-])*\.?$"  # what ASSET_NAME takes, without "..", for the schema
ASSET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
MAX_ASSET_BYTES = 20_000_000
JOB_QUEUE = "documents"


# --- templates ------------------------------------------------------------------


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


def specs_of(template: DocumentTemplate) -> list[renderer.FieldSpec]:
    return [renderer.FieldSpec(**item) for item in template.fields]


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


def _store(key: str, data: bytes) -> None:
    """Write ``data`` at exactly ``key`` (the storage overwrites: a rerun replaces its earlier file)."""
    default_storage.save(key, ContentFile(data))


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
    _store(key, content)
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


@contextlib.contextmanager
def _asset_files(template: DocumentTemplate):
    """The template's assets as local files: ``{name: path}`` (copied into a private
    directory when the storage is not a local folder)."""
    assets = DocumentAsset.objects.for_account(template.account_id).filter(template=template) if template.pk else []
    with tempfile.TemporaryDirectory(prefix="doc-render-") as workdir:
        paths = {}
        for asset in assets:
            try:  # local storage: the stored file itself (read-only to the renderer), no copy
                paths[asset.name] = default_storage.path(asset.storage_key)
                continue
            except NotImplementedError:
                pass
            target = Path(workdir) / asset.name
            with default_storage.open(asset.storage_key, "rb") as source:
                target.write_bytes(source.read())
            paths[asset.name] = str(target)
        yield paths


def _render(
    template: DocumentTemplate, supplied: dict, output: renderer.Output, *, isolated: bool
) -> list[tuple[str, str, bytes]]:
    """The pure renderer on the template's assets; ``isolated`` (every web request) runs it
    in a killable child under the render budget, the documents worker runs it in process."""
    with _asset_files(template) as paths:
        arguments = (template.html, template.css, specs_of(template), supplied, output)
        layout = {"assets": paths, "page_size": template.page_size, "orientation": template.orientation}
        if isolated:
            return isolation.run(renderer.render_document, *arguments, **layout)
        return renderer.render_document(*arguments, **layout)


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
    with _asset_files(draft) as paths:
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


# --- immediate rendering (POST /v1/content) ------------------------------------------


def content_request_create(
    *, account, template: DocumentTemplate, fields: dict[str, Any], output: renderer.Output | None = None
) -> DocumentRequest:
    """Check the fields against the template, charge the account, record the request and queue the render."""
    parsed = output or renderer.Output()
    renderer.merge_fields(specs_of(template), fields, strict=parsed.strict_policy)  # 400 before any charge
    with transaction.atomic():
        credits_charge(account=account, amount=CREDITS_PER_DOCUMENT)
        request = DocumentRequest.objects.create(
            account=account,
            template=template,
            template_name=template.name,
            fields=fields,
            output=asdict(parsed),
            charged_credits=CREDITS_PER_DOCUMENT,
        )
        enqueue_render(request)
    return request


MAX_WAIT_SECONDS = 20.0


def _finished_key(request: DocumentRequest) -> str:
    return f"documents:finished:{request.request_id}"


@functools.cache
def _redis():
    """One client (and connection pool) per process for every queue (they share one Redis):
    django_rq builds a new pool, hence a new connection, on every ``get_connection``/``get_queue``."""
    return django_rq.get_connection(JOB_QUEUE)


def _signal_finished(request: DocumentRequest) -> None:
    """Wake whoever waits in :func:`request_wait` (the key outlives any wait)."""
    connection = _redis()
    key = _finished_key(request)
    connection.pipeline().rpush(key, 1).expire(key, int(MAX_WAIT_SECONDS) * 3).execute()


def request_wait(*, request: DocumentRequest, seconds: float) -> DocumentRequest:
    """``request`` once it is completed or failed, or after ``seconds`` (at most
    :data:`MAX_WAIT_SECONDS`) as it is then: a blocking pop on the key the worker
    pushes to when it finishes, so the answer comes as soon as the document does.
    Checked after subscribing (the key persists), so a finish in between is not missed."""
    if request.status in (DocumentRequest.Status.COMPLETED, DocumentRequest.Status.FAILED) or seconds <= 0:
        return request
    connection = _redis()
    key = _finished_key(request)
    if connection.blpop([key], timeout=min(seconds, MAX_WAIT_SECONDS)) is not None:
        connection.rpush(key, 1)  # for any other waiter on the same request
    request.refresh_from_db()
    return request


def enqueue_render(request: DocumentRequest) -> None:
    DOCUMENT_RENDER.enqueue(request)


def request_urls(request: DocumentRequest, base_url: str = "") -> list[str]:
    if request.status != DocumentRequest.Status.COMPLETED:
        return []
    return [f"{base_url}/v1/files/{download_token(request, index)}" for index in range(len(request.outputs))]


def download_token(request: DocumentRequest, index: int) -> str:
    claims = {"r": str(request.request_id), "i": index}
    return link_token(FILES_LINK, claims, expires_at=download_expires_at(request))


def download_expires_at(request: DocumentRequest):
    return request.completed_at + DOWNLOAD_TTL if request.completed_at else None


def download_open(*, token: str) -> dict:
    """The output a signed token names: ``{"name", "key", "content_type", "size"}``; 404, or 410 once expired."""
    claims = link_claims(
        FILES_LINK,
        token,
        invalid=errors.NOT_FOUND_ERROR,
        now=clock.now(),
        expired_detail="This download link expired 30 minutes after the document was ready",
    )
    index = claims.get("i")
    request = DocumentRequest.objects.unscoped().filter(request_id=claims.get("r")).first()
    if (
        request is None
        or request.status != DocumentRequest.Status.COMPLETED
        or not (isinstance(index, int) and 0 <= index < len(request.outputs))
    ):
        raise AppError(errors.NOT_FOUND_ERROR, detail="Unknown link")
    return request.outputs[index]


def _emit(request: DocumentRequest, event: str) -> None:
    payload = {
        "RequestId": str(request.request_id),
        "Status": request.api_status,
        "URLs": request_urls(request, settings.PUBLIC_BASE_URL),
    }
    if request.failure_description:
        payload["FailureDescription"] = request.failure_description
    event_emit(account=request.account, event=event, payload=payload)


class DocumentRender(RowJob):
    """A document request is the documents job's unit of work (core/jobs.py runs its lifecycle)."""

    model = DocumentRequest
    queue = JOB_QUEUE
    entry = "documents.jobs.document_request_run"
    done = DocumentRequest.Status.COMPLETED
    related = ("template", "account")

    def job_id(self, request: DocumentRequest) -> str:
        first = f"document-request-{request.request_id}"
        return f"{first}-{request.attempts}" if request.attempts else first

    def claim_fields(self, now) -> dict[str, Any]:
        return {"started_at": now}

    def stale_failure(self, request: DocumentRequest) -> dict[str, Any]:
        return {
            "failure_description": f"The render did not finish after {request.attempts} attempts "
            "(the worker stopped each time); the credit was refunded",
            "completed_at": clock.now(),
        }

    def on_failed(self, request: DocumentRequest) -> None:
        credits_refund(account=request.account, amount=request.charged_credits)
        _emit(request, "document.failed")
        request_finished.send(sender=DocumentRequest, request=request)
        transaction.on_commit(lambda: _signal_finished(request))


DOCUMENT_RENDER = DocumentRender()


def document_request_sweep() -> int:
    """Take requests back from dead workers (re-queued, or failed and refunded after the last attempt)."""
    return DOCUMENT_RENDER.sweep()


def document_request_process(*, request_pk: int) -> None:
    """The job: claim, render, store under deterministic keys, mark done last. Safe to run twice."""
    DOCUMENT_RENDER.run(request_pk, _process)


def _process(request: DocumentRequest) -> None:
    try:
        if request.template is None:
            raise AppError(errors.TEMPLATE_NOT_FOUND, detail="The template was deleted before the render")
        output = renderer.Output(**request.output)
        files = _render(request.template, request.fields, output, isolated=False)
        outputs = []
        for name, content_type, data in files:
            key = f"documents/{request.account.public_id}/requests/{request.request_id}/{name}"
            _store(key, data)
            outputs.append({"name": name, "key": key, "content_type": content_type, "size": len(data)})
    except Exception as exc:
        if isinstance(exc, AppError):
            description = exc.message
        else:
            log.exception("document request %s failed", request.request_id)
            description = "Internal error while rendering the document"
        DOCUMENT_RENDER.fail(request, failure_description=description, completed_at=clock.now())
        return
    with transaction.atomic():
        if DOCUMENT_RENDER.complete(request, outputs=outputs, completed_at=clock.now()):
            request.refresh_from_db()
            _emit(request, "document.completed")
            request_finished.send(sender=DocumentRequest, request=request)
            transaction.on_commit(lambda: _signal_finished(request))


# --- on-demand rendering (POST /v1/content/url, GET /d/<token>) ------------------------


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
        "expires_at": clock.now() + ttl,
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


def link_open(*, token: str) -> tuple[OnDemandLink, bytes | None]:
    """The link's document: ``(link, pdf bytes)`` on the first open (rendered and charged now),
    ``(link, None)`` afterwards — the caller streams ``link.cached_key``. 404 / 410 when expired.

    The render runs before any transaction, in a killable child (``isolation``); only
    the charge and the cache row are written under the row lock."""
    now = clock.now()
    link = OnDemandLink.objects.unscoped().select_related("template", "account").filter(token=token).first()
    if link is None:
        raise AppError(errors.NOT_FOUND_ERROR, detail="Unknown link")
    if now >= link.expires_at:
        raise AppError(errors.GONE, detail="This link expired 30 days after it was created")
    if not link.cached_key:
        if link.account.credits < CREDITS_PER_DOCUMENT:
            raise AppError(errors.NO_CREDIT, detail=f"No credit: {CREDITS_PER_DOCUMENT} needed")
        name, content_type, data = _render(link.template, link.fields, renderer.Output(**link.output), isolated=True)[0]
        with transaction.atomic():
            locked = OnDemandLink.objects.unscoped().select_for_update().select_related("account").get(pk=link.pk)
            rendered_here = not locked.cached_key  # else another open rendered it meanwhile: the same document
            if rendered_here:
                credits_charge(account=locked.account, amount=CREDITS_PER_DOCUMENT)
                key = f"documents/{locked.account.public_id}/links/{link.pk}/{name}"
                _store(key, data)
                OnDemandLink.objects.unscoped().filter(pk=link.pk).update(
                    cached_key=key,
                    cached_content_type=content_type,
                    cached_filename=name,
                    charged_credits=CREDITS_PER_DOCUMENT,
                    first_opened_at=now,
                )
            OnDemandLink.objects.unscoped().filter(pk=link.pk).update(opens=F("opens") + 1, last_opened_at=now)
            link.refresh_from_db()
            if rendered_here:
                link_rendered.send(sender=OnDemandLink, link=link)
        return link, data
    OnDemandLink.objects.unscoped().filter(pk=link.pk).update(opens=F("opens") + 1, last_opened_at=now)
    return link, None
