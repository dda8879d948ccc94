"""Fixtures shared by every app's tests: tenants, clients, the RPC caller, Redis."""

from __future__ import annotations

import base64
import contextlib
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import django_rq
import psutil
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from hypothesis import settings as hypothesis_settings

from accounts import services
from accounts.models import Account, User
from core import rpc as rpc_registry
from core.openapi import answer_errors

# Tests never assert wall-clock time; Hypothesis's per-example deadline is such an assertion and
# fails on a loaded machine (a 0.13 ms case once took 380 ms), so it is off for every property test.
hypothesis_settings.register_profile("project", deadline=None)
hypothesis_settings.load_profile("project")


@pytest.fixture(scope="session", autouse=True)
def redis_server():
    """A private redis-server for this run (embedded), or the REDIS_URL one (CI)."""
    process: subprocess.Popen | None = None
    if settings.EMBEDDED_REDIS:
        from tools import embedded_redis

        socket_path = Path(settings.REDIS_URL.removeprefix("unix://"))
        process = embedded_redis.start(socket_path, socket_path.parent / "redis-data", persist=False)
    connection = django_rq.get_connection("default")
    connection.ping()  # fail loudly when the configured Redis is unreachable
    yield connection
    if process is not None:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(autouse=True)
def clean_redis(redis_server):
    redis_server.flushdb()
    yield


@dataclass
class Tenant:
    account: Account
    user: User
    password: str
    key: str  # a raw API key of the account

    @property
    def account_id(self) -> str:
        return self.account.public_id

    def rpc_url(self) -> str:
        return f"/api?accountID={self.account_id}&accountSecret={self.key}"

    def auth_headers(self, style: str = "apikey") -> dict[str, str]:
        if style == "apikey":
            return {"HTTP_AUTHORIZATION": f"ApiKey {self.key}"}
        if style == "basic":
            token = base64.b64encode(f"api:{self.key}".encode()).decode()
            return {"HTTP_AUTHORIZATION": f"Basic {token}"}
        if style == "access":
            return {"HTTP_X_ACCESS_KEY": self.account_id, "HTTP_X_ACCESS_TOKEN": self.key}
        raise ValueError(style)


def ensure_plans() -> None:
    """Transactional tests flush the tables, data migrations included: put the plans back."""
    from django.apps import apps as django_apps

    importlib.import_module("accounts.migrations.0002_plans").create_plans(django_apps, None)
    importlib.import_module("accounts.migrations.0004_plan_player_pages").set_player_pages(django_apps, None)


def make_tenant(name: str, email: str, plan: str = "pro", credits: int | None = None) -> Tenant:
    password = "correct horse battery"
    ensure_plans()
    account, user, issued = services.account_create(
        name=name, email=email, password=password, plan_code=plan, credits=credits
    )
    return Tenant(account=account, user=user, password=password, key=issued.raw)


def with_rate_limit(tenant: Tenant, *, code: str, calls_a_minute: int) -> Tenant:
    """``tenant`` on a copy of its plan (named ``code``) that allows ``calls_a_minute``."""
    plan = tenant.account.plan
    plan.pk, plan.code, plan.rate_limit_per_minute = None, code, calls_a_minute
    plan.save()
    tenant.account.plan = plan
    tenant.account.save()
    return tenant


@pytest.fixture
def tenant(db) -> Tenant:
    return make_tenant("Acme", "owner@acme.test")


@pytest.fixture
def other_tenant(db) -> Tenant:
    return make_tenant("Globex", "owner@globex.test")


@pytest.fixture
def account(tenant) -> Account:
    return tenant.account


@pytest.fixture
def other_account(other_tenant) -> Account:
    return other_tenant.account


@pytest.fixture
def logged_in(client, tenant) -> Client:
    """The Django test client with the tenant's owner logged in to the dashboard."""
    client.force_login(tenant.user)
    return client


class RpcCaller:
    """Calls /api as a tenant; ``call`` returns the result or the error object."""

    def __init__(self, client: Client, tenant: Tenant):
        self.client = client
        self.tenant = tenant
        self.counter = 0

    def raw(self, payload: Any, url: str | None = None, **extra):
        body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        return self.client.post(url or self.tenant.rpc_url(), body, content_type="application/json", **extra)

    def __call__(self, method: str, *params: Any) -> Any:
        self.counter += 1
        response = self.raw({"jsonrpc": "2.0", "method": method, "params": list(params), "id": self.counter})
        assert response.status_code == 200, response.content
        answer = response.json()
        assert answer["id"] == self.counter
        if "error" in answer:
            raise RpcError(answer["error"])
        declared = rpc_registry.REGISTRY.lookup(method)
        if declared is not None:  # every result the suite sees matches the struct the IDL declares
            assert rpc_registry.shape_errors(answer["result"], declared.returns) == [], method
        return answer["result"]


class RpcError(Exception):
    def __init__(self, error: dict):
        super().__init__(error)
        self.code = error["code"]
        self.message = error["message"]
        self.data = error.get("data")


@pytest.fixture
def rpc(client, tenant) -> RpcCaller:
    return RpcCaller(client, tenant)


@pytest.fixture
def other_rpc(tenant, other_tenant) -> RpcCaller:
    return RpcCaller(Client(), other_tenant)


@pytest.fixture
def api(client, tenant):
    """A Django test client that sends the tenant's ApiKey on every request."""

    class ApiClient:
        def __init__(self, tenant: Tenant, style: str = "apikey"):
            self.tenant = tenant
            self.headers = tenant.auth_headers(style)

        def _call(self, method: str, path: str, data: Any = None, **extra):
            kwargs = {**self.headers, **extra}
            if data is not None and method != "get":
                kwargs.setdefault("content_type", "application/json")
            response = getattr(client, method)(path, data, **kwargs)
            # every answer the suite sees matches the OpenAPI schema
            found = answer_errors(
                method, path.split("?")[0], response.status_code, response.get("Content-Type", ""), response.content
            )
            assert found == [], found
            return response

        def get(self, path, data=None, **extra):
            return self._call("get", path, data, **extra)

        def post(self, path, data=None, **extra):
            return self._call("post", path, data, **extra)

        def put(self, path, data=None, **extra):
            return self._call("put", path, data, **extra)

        def patch(self, path, data=None, **extra):
            return self._call("patch", path, data, **extra)

        def delete(self, path, data=None, **extra):
            return self._call("delete", path, data, **extra)

        def as_tenant(self, other: Tenant, style: str = "apikey") -> ApiClient:
            return ApiClient(other, style)

    return ApiClient(tenant)


@pytest.fixture
def run_jobs(redis_server):
    """Run every job queued so far on the given queues, in this process, with a
    real RQ worker (burst mode). Enqueue happens in ``transaction.on_commit``:
    wrap the triggering call in ``django_capture_on_commit_callbacks(execute=True)``
    or use ``@pytest.mark.django_db(transaction=True)``."""
    from rq import SimpleWorker

    def run(*queue_names: str) -> None:
        names = queue_names or ("render", "documents", "webhooks", "default")
        queues = [django_rq.get_queue(name) for name in names]
        SimpleWorker(queues, connection=redis_server).work(burst=True, with_scheduler=False)

    return run


# -- media samples (real files made with the shipped ffmpeg) --------------------


def database_url() -> str:
    """This test's database as a ``DATABASE_URL`` for a subprocess."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Processes:
    """``manage.py`` subprocesses (RQ workers, the webhook dispatcher) on this test's database, Redis
    and media, each in its own process group, its output kept for the failure message."""

    GIVE_UP_S = 240  # a hung test fails instead of waiting forever

    def __init__(self, tmp_path: Path):
        self.logs = tmp_path
        self.started: list[subprocess.Popen] = []

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "SCRATCH_DIR": str(settings.SCRATCH_DIR),
            "STATIC_ROOT": str(settings.STATIC_ROOT),
            **extra,
        }

    def start(self, *args: str, **env: str) -> subprocess.Popen:
        log = open(self.logs / f"{args[0]}-{len(self.started)}.log", "wb")  # noqa: SIM115 (closed with the test)
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def worker(self, *queues: str, **env: str) -> subprocess.Popen:
        return self.start("rqworker", *queues, **env)

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL the process and everything under it (RQ's work horse has a session of its own)."""
        tree = psutil.Process(process.pid).children(recursive=True)
        os.killpg(process.pid, signal.SIGKILL)
        for child in tree:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
        process.wait()

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(process)

    def output(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.logs.glob("*.log"))

    def wait_for(self, condition: Callable[[], Any], what: str, *, seconds: float = GIVE_UP_S, poll_s: float = 0.05):
        """``condition()``'s first true value; after ``seconds``, a failure showing the processes' output."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if value := condition():
                return value
            time.sleep(poll_s)
        raise AssertionError(f"gave up waiting for {what}\n{self.output()}")


@pytest.fixture
def processes(tmp_path):
    """Start ``manage.py`` subprocesses on this test's database; all are stopped when the test ends."""
    running = Processes(tmp_path)
    yield running
    running.stop_all()


@pytest.fixture(scope="session")
def media_samples(tmp_path_factory) -> Path:
    """Small real media: ``background.png``, ``photo.jpg``, ``bed.wav``, ``clip.mp4``, ``notmedia.png``."""
    import imageio_ffmpeg
    from PIL import Image

    root = tmp_path_factory.mktemp("media-samples")
    exe = imageio_ffmpeg.get_ffmpeg_exe()

    def ffmpeg(*args):
        subprocess.run([exe, "-nostdin", "-y", "-loglevel", "error", *map(str, args)], check=True)

    Image.new("RGB", (320, 240), (30, 60, 160)).save(root / "background.png")
    Image.new("RGB", (64, 48), (200, 120, 30)).save(root / "photo.jpg")
    (root / "notmedia.png").write_bytes(b"this is a text file pretending to be a PNG\n" * 50)
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=3", root / "bed.wav")
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=24:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=880:duration=2",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", root / "clip.mp4",
    )  # fmt: skip
    return root


def png_bomb(width: int, height: int) -> bytes:
    """A PNG of ``width``×``height`` 16-bit RGBA zeros, built without ever holding them:
    each row is one identical deflate block, and the checksum of zeros is arithmetic."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (1 + width * 8)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = deflate.compress(row) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(row) + deflate.flush(zlib.Z_FULL_FLUSH)
    adler32 = (len(row) * height % 65521) << 16 | 1
    idat = b"\x78\xda" + first + block * (height - 1) + deflate.flush() + struct.pack(">I", adler32)
    header = struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture(scope="session")
def decompression_bomb(tmp_path_factory) -> Path:
    """Issue 10's upload: a ~2 MB PNG of 16000×16000 16-bit pixels (2 GB decoded)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.png"
    path.write_bytes(png_bomb(16000, 16000))
    return path


@pytest.fixture
def upload(client):
    """POST a file to /api/upload as a tenant (or with a template's secret); returns the response."""

    def send(tenant: Tenant, path: Path, content_type: str, *, template: dict | None = None, **headers):
        if template is not None:
            url = (
                f"/api/upload?accountID={tenant.account_id}&templateID={template['templateID']}"
                f"&templateSecret={template['templateSecret']}"
            )
        else:
            url = f"/api/upload?accountID={tenant.account_id}&accountSecret={tenant.key}"
        return client.generic("POST", url, Path(path).read_bytes(), content_type=content_type, **headers)

    return send


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def chromium(monkeypatch):
    """Debian's headless Chromium driven by Playwright (no browser download).

    One per test: a Playwright session keeps an asyncio loop running in this
    thread, which must not outlive the browser test that needs it."""
    import shutil

    from playwright.sync_api import sync_playwright

    # The ORM calls a test makes between browser steps are plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed: run `make test` as root, or apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    """A fresh browser context (laptop size) on the live test server."""
    context = chromium.new_context(viewport={"width": 1280, "height": 860}, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def browser_login(page, tenant: Tenant) -> None:
    page.goto("/login/")
    page.fill("#id_email", tenant.user.email)
    page.fill("#id_password", tenant.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.fixture
def raw_live_server(live_server):
    """The live server, passing the undecoded request URI as ``RAW_URI`` the way
    gunicorn does (Django's development server decodes PATH_INFO only)."""
    from django.test.testcases import QuietWSGIRequestHandler

    class RawUriRequestHandler(QuietWSGIRequestHandler):
        def get_environ(self):
            environ = super().get_environ()
            environ["RAW_URI"] = self.path
            return environ

    live_server.thread.httpd.RequestHandlerClass = RawUriRequestHandler
    yield live_server
    live_server.thread.httpd.RequestHandlerClass = QuietWSGIRequestHandler


@pytest.fixture
def gunicorn_server(django_db_setup):
    """The product served by a real gunicorn with ``config/gunicorn.conf.py`` (as ``make run`` does), on the
    test database; yields its base URL. The listening socket is bound here (port 0) and handed over.
    Mark the test ``django_db(transaction=True, serialized_rollback=True)`` (like the live_server tests)
    so the server sees committed rows."""
    import os
    import socket
    import sys
    import time

    import httpx
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        database_url = f"sqlite:///{db['NAME']}"
    else:
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        database_url = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    listener = socket.create_server(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    root = Path(__file__).resolve().parent
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", str(root / "config" / "gunicorn.conf.py")]
    command += ["-b", f"fd://{listener.fileno()}", "-w", "1", "--access-logfile", "/dev/null"]
    server = subprocess.Popen(command, cwd=root, env=env, pass_fds=[listener.fileno()])
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/api/upload", timeout=5)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        listener.close()
