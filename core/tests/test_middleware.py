"""The web pages' middleware runs only where a page or a session cookie needs it; /healthz
answers before the stack from a short-lived check."""

import base64

from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext


def test_api_calls_without_a_session_cookie_skip_the_page_middleware(client, tenant):
    for response in (
        client.get("/v1/account", **tenant.auth_headers()),
        client.get("/rest/users", **tenant.auth_headers("basic")),
        client.get("/v1/account"),  # no credential at all: the session is not even looked at
    ):
        assert "Cookie" not in response.get("Vary", "") and not response.cookies
        assert "Content-Security-Policy" not in response and response["X-Request-ID"]
    page = client.get("/login/")
    assert "Content-Security-Policy" in page and "csrftoken" in page.cookies


def test_a_lockout_on_rest_answers_in_the_seeds_plain_text(client, tenant, settings):
    """django-axes' middleware put its lockout page over the answer of the failure that locked
    the pair; an API surface keeps its own shape."""
    key_id = tenant.key.split("_")[1]
    wrong = base64.b64encode(f"api:psk_{key_id}_wrong".encode()).decode()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.get("/rest/users", HTTP_AUTHORIZATION=f"Basic {wrong}").status_code == 401
    locking = client.get("/rest/users", HTTP_AUTHORIZATION=f"Basic {wrong}")
    assert locking.status_code == 429 and locking["Content-Type"].startswith("text/plain")
    assert "locked" in locking.content.decode() and int(locking["Retry-After"]) > 0
    refused = client.get("/rest/users", **tenant.auth_headers("basic"))
    assert refused.status_code == 429 and refused["Content-Type"].startswith("text/plain")


def test_a_session_on_the_api_still_goes_through_the_page_middleware(tenant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant.user)
    refused = client.post("/v1/templates", {"Name": "x", "Html": "<p>x</p>"}, content_type="application/json")
    assert refused.status_code == 403  # the session is a credential here, so CSRF applies
    assert client.get("/v1/account").json()["accountID"] == tenant.account_id


@override_settings(HEALTHZ_CACHE_SECONDS=60)
def test_healthz_answers_from_a_recent_check(db):
    client = Client()
    with CaptureQueriesContext(connection) as first:
        assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "redis": "ok"}
    with CaptureQueriesContext(connection) as second:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert [query["sql"] for query in first] == ["SELECT 1"] and not second


@override_settings(HEALTHZ_CACHE_SECONDS=0)
def test_healthz_checks_every_time_when_not_cached(db):
    client = Client()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/healthz").status_code == 200
        assert [query["sql"] for query in queries] == ["SELECT 1"]


def test_management_commands_pass_the_system_checks():
    """Workers and `make run` start through manage.py, whose checks look for the admin's and axes'
    middleware in settings.MIDDLEWARE; PageMiddleware runs them."""
    call_command("check", fail_level="WARNING")
