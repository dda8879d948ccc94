"""Rendering requests (``POST /v1/content``): charge, queue, render in the documents
worker, wait for the result, and the signed download links of its outputs."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from accounts.services import credits_charge, credits_refund, usage_count
from core import errors, redis_client
from core.errors import AppError
from core.jobs import RowJob
from core.links import link_claims, link_token
from documents import renderer
from documents.models import DocumentRequest, DocumentTemplate
from documents.services.rendering import CREDITS_PER_DOCUMENT, render, specs_of, store
from documents.signals import request_finished
from webhooks.services import event_emit

log = logging.getLogger(__name__)

DOWNLOAD_TTL = timedelta(minutes=30)
FILES_LINK = "documents.files"
JOB_QUEUE = "documents"
MAX_WAIT_SECONDS = 20.0


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


def _finished_key(request: DocumentRequest) -> str:
    return f"documents:finished:{request.request_id}"


def _signal_finished(request: DocumentRequest) -> None:
    """Wake whoever waits in :func:`request_wait` (the key outlives any wait)."""
    connection = redis_client.shared()
    key = _finished_key(request)
    connection.pipeline().rpush(key, 1).expire(key, int(MAX_WAIT_SECONDS) * 3).execute()


def request_wait(*, request: DocumentRequest, seconds: float) -> DocumentRequest:
    """``request`` once it is completed or failed, or after ``seconds`` (at most
    :data:`MAX_WAIT_SECONDS`) as it is then: a blocking pop on the key the worker
    pushes to when it finishes, so the answer comes as soon as the document does.
    Checked after subscribing (the key persists), so a finish in between is not missed."""
    if request.status in (DocumentRequest.Status.COMPLETED, DocumentRequest.Status.FAILED) or seconds <= 0:
        return request
    connection = redis_client.shared()
    key = _finished_key(request)
    # Pop and push back in one step (the list onto itself): the mark stays for any other waiter.
    connection.brpoplpush(key, key, timeout=min(seconds, MAX_WAIT_SECONDS))
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


def download_open(*, token: str) -> tuple[Account, dict]:
    """The account and the output a signed token names (``{"name", "key", "content_type", "size"}``);
    404, or 410 once expired."""
    claims = link_claims(
        FILES_LINK,
        token,
        invalid=errors.NOT_FOUND_ERROR,
        expired_detail="This download link expired 30 minutes after the document was ready",
    )
    index = claims.get("i")
    request = (
        DocumentRequest.objects.unscoped().select_related("account__plan").filter(request_id=claims.get("r")).first()
    )
    if (
        request is None
        or request.status != DocumentRequest.Status.COMPLETED
        or not (isinstance(index, int) and 0 <= index < len(request.outputs))
    ):
        raise AppError(errors.NOT_FOUND_ERROR, detail="Unknown link")
    return request.account, request.outputs[index]


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
            "completed_at": timezone.now(),
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
        files = render(request.template, request.fields, output, isolated=False)
        outputs = []
        for name, content_type, data in files:
            key = f"documents/{request.account.public_id}/requests/{request.request_id}/{name}"
            store(key, data)
            outputs.append({"name": name, "key": key, "content_type": content_type, "size": len(data)})
    except Exception as exc:
        if isinstance(exc, AppError):
            description = exc.message
        else:
            log.exception("document request %s failed", request.request_id)
            description = "Internal error while rendering the document"
        DOCUMENT_RENDER.fail(request, failure_description=description, completed_at=timezone.now())
        return
    finished = {"outputs": outputs, "completed_at": timezone.now()}
    with transaction.atomic():
        if DOCUMENT_RENDER.complete(request, **finished):
            # The first hook of the commit: a long poll wakes before the webhook deliveries are queued.
            transaction.on_commit(lambda: _signal_finished(request))
            # The row as complete() wrote it, without reading it back.
            for name, value in {**finished, "status": DOCUMENT_RENDER.done, "claimed_until": None}.items():
                setattr(request, name, value)
            usage_count(account=request.account, documents=1)
            _emit(request, "document.completed")
            request_finished.send(sender=DocumentRequest, request=request)
