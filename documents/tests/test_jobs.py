"""The documents job through a real RQ queue and worker: claiming, deterministic keys, failure, events."""

from __future__ import annotations

import json
from datetime import timedelta

import django_rq
from django.core.files.storage import default_storage
from django.utils import timezone
from rq.intermediate_queue import IntermediateQueue
from rq.job import JobStatus

from accounts.models import Account
from documents import renderer, services
from documents.models import DocumentRequest
from documents.tests.conftest import SEED_TEMPLATE_ID, pdf_text
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_create

BODY_FIELDS = {"First Name": "John", "Machine": "AK-2000"}


def create(tenant, template, django_capture_on_commit_callbacks, output=None) -> DocumentRequest:
    with django_capture_on_commit_callbacks(execute=True):
        return services.content_request_create(
            account=tenant.account, template=template, fields=BODY_FIELDS, output=output
        )


def test_job_is_queued_on_documents_with_a_deterministic_id(tenant, seed_template, django_capture_on_commit_callbacks):
    request = create(tenant, seed_template, django_capture_on_commit_callbacks)
    queue = django_rq.get_queue("documents")
    assert queue.job_ids == [f"document-request-{request.request_id}"]
    job = queue.fetch_job(f"document-request-{request.request_id}")
    assert job.func_name == "documents.jobs.document_request_run" and job.args == (request.pk,)


def test_job_stores_outputs_under_deterministic_keys(
    tenant, seed_template, django_capture_on_commit_callbacks, run_jobs
):
    request = create(tenant, seed_template, django_capture_on_commit_callbacks, renderer.Output(format="JPG"))
    run_jobs("documents")
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.COMPLETED and request.completed_at
    key = f"documents/{tenant.account.public_id}/requests/{request.request_id}/document.jpg"
    assert request.outputs == [
        {"name": "document.jpg", "key": key, "content_type": "image/jpeg", "size": default_storage.size(key)}
    ]
    # A second delivery of the same job (RQ retry, duplicate enqueue) changes nothing.
    DocumentRequest.objects.for_account(tenant.account).filter(pk=request.pk).update(
        status=DocumentRequest.Status.QUEUED
    )
    services.enqueue_render(request)
    run_jobs("documents")
    request.refresh_from_db()
    assert request.outputs[0]["key"] == key
    assert sorted(default_storage.listdir(key.rsplit("/", 1)[0])[1]) == ["document.jpg"]


def test_failure_refunds_once_and_emits(tenant, django_capture_on_commit_callbacks, run_jobs):
    webhook_create(account=tenant.account, url="http://127.0.0.1:9/documents")
    template = services.template_create(
        account=tenant.account,
        name="Broken",
        html="<p>{% if fields.N == 0 %}{{ 1 / fields.N }}{% endif %}</p>",
        fields=[{"name": "N", "type": "number"}],
    )
    before = Account.objects.get(pk=tenant.account.pk).credits
    with django_capture_on_commit_callbacks(execute=True):
        request = services.content_request_create(
            account=tenant.account, template=template, fields={"N": 0}, output=None
        )
    assert Account.objects.get(pk=tenant.account.pk).credits == before - 1
    run_jobs("documents")
    services.document_request_process(request_pk=request.pk)  # a rerun does not refund twice
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.FAILED and "division by zero" in request.failure_description
    assert Account.objects.get(pk=tenant.account.pk).credits == before
    [delivery] = WebhookDelivery.objects.for_account(tenant.account)
    assert delivery.event == "document.failed"
    assert json.loads(delivery.body) == {
        "RequestId": str(request.request_id),
        "Status": "Failed",
        "URLs": [],
        "FailureDescription": request.failure_description,
    }


def test_completed_event(tenant, seed_template, django_capture_on_commit_callbacks, run_jobs):
    webhook_create(account=tenant.account, url="http://127.0.0.1:9/documents")
    request = create(tenant, seed_template, django_capture_on_commit_callbacks)
    run_jobs("documents")
    [delivery] = WebhookDelivery.objects.for_account(tenant.account)
    assert delivery.event == "document.completed"
    payload = json.loads(delivery.body)
    assert payload["RequestId"] == str(request.request_id) and payload["Status"] == "Completed"
    assert payload["URLs"][0].endswith("/v1/files/" + payload["URLs"][0].rsplit("/", 1)[1])


def test_deleted_template_fails_and_refunds(api, tenant, seed_template, django_capture_on_commit_callbacks, run_jobs):
    request = create(tenant, seed_template, django_capture_on_commit_callbacks)
    before = Account.objects.get(pk=tenant.account.pk).credits
    assert api.delete(f"/v1/templates/{SEED_TEMPLATE_ID}").status_code == 204
    run_jobs("documents")
    result = api.get(f"/v1/content?requestId={request.request_id}").json()
    assert result["Status"] == "Failed" and "deleted" in result["FailureDescription"]
    assert Account.objects.get(pk=tenant.account.pk).credits == before + 1


def test_a_request_whose_worker_died_is_taken_up_again(
    tenant, seed_template, django_capture_on_commit_callbacks, run_jobs
):
    stuck = create(tenant, seed_template, django_capture_on_commit_callbacks)
    fresh = create(tenant, seed_template, django_capture_on_commit_callbacks)
    django_rq.get_queue("documents").empty()
    now = timezone.now()
    scoped = DocumentRequest.objects.for_account(tenant.account)
    scoped.filter(pk=stuck.pk).update(status="running", attempts=1, claimed_until=now - timedelta(seconds=1))
    scoped.filter(pk=fresh.pk).update(status="running", attempts=1, claimed_until=now + timedelta(seconds=30))
    before = Account.objects.get(pk=tenant.account.pk).credits
    with django_capture_on_commit_callbacks(execute=True):
        assert services.document_request_sweep() == 1
    assert django_rq.get_queue("documents").job_ids == [f"document-request-{stuck.request_id}-1"]
    run_jobs("documents")
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == DocumentRequest.Status.COMPLETED and stuck.attempts == 2
    assert fresh.status == DocumentRequest.Status.RUNNING
    assert Account.objects.get(pk=tenant.account.pk).credits == before  # charged once, not refunded


def test_a_request_whose_workers_keep_dying_fails_and_is_refunded_once(
    tenant, seed_template, django_capture_on_commit_callbacks
):
    stuck = create(tenant, seed_template, django_capture_on_commit_callbacks)
    DocumentRequest.objects.for_account(tenant.account).filter(pk=stuck.pk).update(
        status="running", attempts=3, claimed_until=timezone.now() - timedelta(seconds=1)
    )
    before = Account.objects.get(pk=tenant.account.pk).credits
    assert services.document_request_sweep() == 1
    stuck.refresh_from_db()
    assert stuck.status == DocumentRequest.Status.FAILED and "after 3 attempts" in stuck.failure_description
    assert Account.objects.get(pk=tenant.account.pk).credits == before + 1
    assert services.document_request_sweep() == 0  # refunded once


def test_a_queued_request_whose_job_redis_lost_is_enqueued_again(
    tenant, seed_template, django_capture_on_commit_callbacks, redis_server, run_jobs
):
    request = create(tenant, seed_template, django_capture_on_commit_callbacks)
    redis_server.flushdb()
    assert services.document_request_sweep() == 0  # just created: its on_commit enqueue may still be coming
    DocumentRequest.objects.for_account(tenant.account).filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.document_request_sweep() == 1
    assert services.document_request_sweep() == 0
    run_jobs("documents")
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.COMPLETED


def test_a_queued_request_whose_worker_died_before_claiming_it_is_enqueued_again(
    tenant, seed_template, django_capture_on_commit_callbacks, run_jobs
):
    request = create(tenant, seed_template, django_capture_on_commit_callbacks)
    DocumentRequest.objects.for_account(tenant.account).filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(minutes=1)
    )
    queue = django_rq.get_queue("documents")
    job = queue.fetch_job(queue.job_ids[0])
    queue.remove(job)  # a worker took it from the queue and set it started, then died before claiming the row
    job.set_status(JobStatus.STARTED)
    job.started_at = timezone.now()
    job.save()
    assert services.document_request_sweep() == 0  # started just now: its claim may still be coming
    job.started_at = timezone.now() - timedelta(minutes=1)
    job.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.document_request_sweep() == 1
    run_jobs("documents")
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.COMPLETED and request.attempts == 1


def test_a_queued_request_whose_worker_died_right_after_taking_it_is_enqueued_again(
    tenant, seed_template, django_capture_on_commit_callbacks, run_jobs
):
    request = create(tenant, seed_template, django_capture_on_commit_callbacks)
    DocumentRequest.objects.for_account(tenant.account).filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(minutes=1)
    )
    queue = django_rq.get_queue("documents")
    job = queue.fetch_job(queue.job_ids[0])
    # What RQ's dequeue does (the job moves to the intermediate queue), then the worker dies before its horse starts.
    queue.connection.lmove(queue.key, IntermediateQueue(queue.key, queue.connection).key, "RIGHT", "LEFT")
    job.enqueued_at = timezone.now() - timedelta(minutes=1)
    job.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.document_request_sweep() == 1
    assert IntermediateQueue(queue.key, queue.connection).get_job_ids() == []
    run_jobs("documents")
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.COMPLETED and request.attempts == 1


def _rendered_text(request: DocumentRequest) -> str:
    request.refresh_from_db()
    with default_storage.open(request.outputs[0]["key"], "rb") as stored:
        return pdf_text(stored.read())


def test_a_worker_renders_a_changed_template_and_each_tenants_own(
    tenant, other_tenant, django_capture_on_commit_callbacks, run_jobs
):
    """The worker keeps compiled templates, fonts and the default CSS across jobs: none of it may
    serve a template as it was before a change, nor one tenant's template for another's request."""
    fields = [{"name": "Name", "type": "text"}]
    mine = services.template_create(
        account=tenant.account, name="Letter", html="<p>Dear {{ Name }}, v1</p>", fields=fields
    )
    theirs = services.template_create(
        account=other_tenant.account, name="Letter", html="<p>Hello {{ Name }}, Globex</p>", fields=fields
    )

    def render(account, template) -> DocumentRequest:
        with django_capture_on_commit_callbacks(execute=True):
            return services.content_request_create(account=account, template=template, fields={"Name": "Zoë"})

    first, other = render(tenant.account, mine), render(other_tenant.account, theirs)
    run_jobs("documents")
    assert "Dear Zoë, v1" in _rendered_text(first) and "Hello Zoë, Globex" in _rendered_text(other)

    services.template_update(account=tenant.account, template=mine, html="<p>Dear {{ Name }}, v2</p>")
    second = render(tenant.account, mine)
    run_jobs("documents")
    assert "Dear Zoë, v2" in _rendered_text(second) and "v1" not in _rendered_text(second)
    assert "Globex" not in _rendered_text(second)


def test_a_completed_request_reads_as_the_job_wrote_it(
    tenant, seed_template, django_capture_on_commit_callbacks, run_jobs
):
    """The job no longer reads the row back after completing it: what it hands on (event, signal) is what was stored."""
    webhook_create(account=tenant.account, url="http://127.0.0.1:9/documents")
    request = create(tenant, seed_template, django_capture_on_commit_callbacks)
    run_jobs("documents")
    stored = DocumentRequest.objects.for_account(tenant.account).get(pk=request.pk)
    assert stored.status == DocumentRequest.Status.COMPLETED and stored.claimed_until is None
    [delivery] = WebhookDelivery.objects.for_account(tenant.account)
    payload = json.loads(delivery.body)
    assert payload["Status"] == "Completed" and len(payload["URLs"]) == len(stored.outputs) == 1
