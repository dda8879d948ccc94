"""Fixtures shared by every app's tests: tenants, clients, the RPC caller, Redis."""

from __future__ import annotations

import base64
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django_rq
import pytest
from django.conf import settings
from django.test import Client

from accounts import services
from accounts.models import Account, User


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


def make_tenant(name: str, email: str, plan: str = "pro", credits: int | None = None) -> Tenant:
    password = "correct horse battery"
    account, user, issued = services.account_create(
        name=name, email=email, password=password, plan_code=plan, credits=credits
    )
    return Tenant(account=account, user=user, password=password, key=issued.raw)


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
                return getattr(client, method)(path, data, content_type="application/json", **kwargs)
            return getattr(client, method)(path, data, **kwargs)

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
