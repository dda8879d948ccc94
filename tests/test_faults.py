"""Faults (issue 10), with real processes: RQ workers SIGKILLed mid-job, Redis restarted
(empty) with renders and deliveries queued, the database connection dropped mid-request.

Workers and the dispatcher run as ``manage.py`` subprocesses on this test's database and
Redis; a kill takes the worker's whole process tree (worker, work horse, ffmpeg), as when
a machine or container dies. Each test prints what it measured (run with ``-s``)."""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import django_rq
import httpx
import psutil
import pytest
from django.conf import settings
from django.db import connection, transaction

from accounts.models import Account
from conftest import Processes
from documents import services as documents
from documents.models import DocumentRequest, DocumentTemplate
from tools import embedded_redis
from videos.models import Video
from videos.tests.helpers import greeting_script, new_template, upload_media
from webhooks.models import WebhookDelivery
from webhooks.services import event_emit, webhook_create
from webhooks.tests.conftest import receiver  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def running_ffmpeg(worker: subprocess.Popen) -> bool:
    try:
        return any("ffmpeg" in child.name() for child in psutil.Process(worker.pid).children(recursive=True))
    except psutil.NoSuchProcess:
        return False


def slow_document_template(account):
    """A template whose render keeps xhtml2pdf busy for a moment (a long table)."""
    rows = "{% for i in range(1500) %}<tr><td>Row {{ i }}</td><td>{{ fields.Name }}</td></tr>{% endfor %}"
    return documents.template_create(
        account=account,
        name="Long table",
        html=f"<html><body><h1>Report</h1><table>{rows}</table></body></html>",
        fields=[{"name": "Name", "type": "text"}],
    )


def test_killed_render_and_documents_workers_are_taken_up_again_and_done(rpc, upload, tenant, media_samples, processes):
    """SIGKILL a render worker mid-ffmpeg and a documents worker mid-render: both jobs
    end done within a lease plus a sweep plus one render, charged once."""
    photo = upload_media(upload, tenant, media_samples, "background.png", "image/png")
    template = new_template(rpc, greeting_script(seconds=90.0))
    credits = Account.objects.get(pk=tenant.account.pk).credits
    video_id = rpc(
        "Template_Video_New",
        template["templateID"],
        {"inputMedias": [{"inputID": "photo", "type": "image", "mediaID": photo}, {"inputID": "name", "text": "Ana"}]},
    )["id"]
    request = documents.content_request_create(
        account=tenant.account, template=slow_document_template(tenant.account), fields={"Name": "Ana"}, output=None
    )

    render_worker = processes.worker("render")
    documents_worker = processes.worker("documents")
    processes.wait_for(lambda: running_ffmpeg(render_worker), "ffmpeg under the render worker")
    processes.wait_for(
        lambda: DocumentRequest.objects.unscoped().get(pk=request.pk).status == "running",
        "the documents worker to claim the request",
    )
    processes.kill(render_worker)
    processes.kill(documents_worker)
    killed_at = time.monotonic()
    assert Video.objects.unscoped().get(public_id=video_id).status == "processing"
    assert DocumentRequest.objects.unscoped().get(pk=request.pk).status == "running"

    processes.worker("render")
    processes.worker("documents")
    document = processes.wait_for(
        lambda: DocumentRequest.objects.unscoped().filter(pk=request.pk, status__in=["completed", "failed"]).first(),
        "the document request to end",
        poll_s=0.5,
    )
    document_s = time.monotonic() - killed_at
    video = processes.wait_for(
        lambda: Video.objects.unscoped().filter(public_id=video_id, status__in=["done", "error"]).first(),
        "the video to end",
        poll_s=0.5,
    )
    video_s = time.monotonic() - killed_at
    print(f"\nafter SIGKILL: document completed in {document_s:.1f} s, video done in {video_s:.1f} s")
    assert (video.status, video.attempts) == ("done", 2), video.status_message
    assert (document.status, document.attempts) == ("completed", 2), document.failure_description
    assert Account.objects.get(pk=tenant.account.pk).credits == credits - video.credits_charged - 1  # no refund
    assert settings.JOB_LEASE_S + settings.JOB_SWEEP_S <= 60  # taken up again within a minute, by design


def test_a_request_whose_worker_keeps_dying_fails_with_one_refund_after_the_last_attempt(tenant, processes):
    fast = {"JOB_LEASE_S": "2", "JOB_HEARTBEAT_S": "1", "JOB_SWEEP_S": "1"}
    credits = Account.objects.get(pk=tenant.account.pk).credits
    request = documents.content_request_create(
        account=tenant.account, template=slow_document_template(tenant.account), fields={"Name": "Ana"}, output=None
    )
    attempts = settings.JOB_RETRY["documents"]["attempts"]
    for attempt in range(1, attempts + 1):
        worker = processes.worker("documents", **fast)
        processes.wait_for(
            lambda n=attempt: DocumentRequest.objects.unscoped().filter(pk=request.pk, attempts=n, status="running"),
            f"attempt {attempt} to start",
            poll_s=0.02,
        )
        processes.kill(worker)
    assert Account.objects.get(pk=tenant.account.pk).credits == credits - 1
    processes.worker("documents", **fast)
    request = processes.wait_for(
        lambda: DocumentRequest.objects.unscoped().filter(pk=request.pk, status="failed").first(),
        "the request to fail",
        poll_s=0.2,
    )
    print(f"\nfailed after {request.attempts} killed attempts: {request.failure_description}")
    assert request.attempts == attempts and f"after {attempts} attempts" in request.failure_description
    assert Account.objects.get(pk=tenant.account.pk).credits == credits  # refunded, once


@pytest.fixture
def private_redis(tmp_path, monkeypatch):
    """A redis-server of this test alone (never the machine's shared one), restartable empty."""
    socket_path = tmp_path / "redis.sock"
    url = f"unix://{socket_path}"
    server = {"process": embedded_redis.start(socket_path, tmp_path / "redis-data", persist=False)}
    for name in settings.RQ_QUEUES:
        monkeypatch.setitem(django_rq.settings.QUEUES, name, {**django_rq.settings.QUEUES[name], "URL": url})
    monkeypatch.setattr(settings, "REDIS_URL", url)

    def restart() -> None:
        server["process"].kill()
        server["process"].wait()
        server["process"] = embedded_redis.start(socket_path, tmp_path / "redis-data", persist=False)

    yield restart
    server["process"].kill()
    server["process"].wait()


def test_restarting_redis_with_renders_and_deliveries_queued_loses_nothing(
    rpc,
    upload,
    tenant,
    media_samples,
    processes,
    private_redis,
    receiver,  # noqa: F811
):
    photo = upload_media(upload, tenant, media_samples, "background.png", "image/png")
    template = new_template(rpc, greeting_script(seconds=1.0))
    inputs = [{"inputID": "photo", "type": "image", "mediaID": photo}, {"inputID": "name", "text": "Ana"}]
    videos = [rpc("Template_Video_New", template["templateID"], {"inputMedias": inputs})["id"] for _ in range(3)]
    webhook_create(account=tenant.account, url=receiver.url(), events=["document.completed"])
    for n in range(3):
        event_emit(account=tenant.account, event="document.completed", payload={"n": n})
    assert django_rq.get_queue("render").count == 3

    private_redis()  # Redis comes back empty: the queued RQ jobs are gone
    assert django_rq.get_queue("render").count == 0
    restarted_at = time.monotonic()

    processes.worker("render", JOB_SWEEP_S="2")
    processes.start("webhook_dispatcher")
    processes.wait_for(
        lambda: Video.objects.unscoped().filter(public_id__in=videos, status="done").count() == 3,
        "the three videos",
        poll_s=0.5,
    )
    processes.wait_for(lambda: len(receiver.requests) >= 3, "the three deliveries", poll_s=0.2)
    print(f"\nafter an empty Redis restart: 3 videos and 3 deliveries done in {time.monotonic() - restarted_at:.1f} s")
    assert sorted(r.body for r in receiver.requests) == [b'{"n":0}', b'{"n":1}', b'{"n":2}']
    assert set(WebhookDelivery.objects.for_account(tenant.account).values_list("status", flat=True)) == {"delivered"}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="drops a PostgreSQL server connection (pg_terminate_backend); SQLite has none to drop — CI runs it on PostgreSQL",
)
def test_a_database_connection_dropped_mid_request_is_a_clean_503_and_the_next_request_works(live_server, tenant):
    template = documents.template_create(account=tenant.account, name="Certificate", html="<p>Hi</p>")
    url = f"{live_server.url}/v1/templates/{template.template_id}"
    with httpx.Client(headers={"Authorization": f"ApiKey {tenant.key}"}, timeout=60) as http:
        assert http.get(url).status_code == 200  # the server thread holds a live connection
        with transaction.atomic(), ThreadPoolExecutor(1) as pool:
            DocumentTemplate.objects.unscoped().select_for_update().get(pk=template.pk)
            answer = pool.submit(http.patch, url, json={"Name": "Renamed"})  # blocks on our row lock
            deadline = time.monotonic() + Processes.GIVE_UP_S
            with connection.cursor() as cursor:
                while True:
                    cursor.execute(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                    )
                    if waiting := [pid for (pid,) in cursor.fetchall()]:
                        break
                    assert time.monotonic() < deadline, "the request never reached the database"
                    time.sleep(0.05)
                for pid in waiting:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            response = answer.result()
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"] == "5"
        assert (response.json()["error"]["code"], response.json()["error"]["number"]) == ("service_unavailable", 5030)
        renamed = http.patch(url, json={"Name": "Renamed"})
        assert renamed.status_code == 200, renamed.text
    assert DocumentTemplate.objects.unscoped().get(pk=template.pk).name == "Renamed"
