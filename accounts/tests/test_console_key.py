"""API Test's console key: issued per visit of the page to the dashboard session, 30 minutes,
this account only, listed nowhere, revocable, revoked at logout and when the next one is issued."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiKey
from accounts.services import CONSOLE_KEY_TTL

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, tenant):
    client.force_login(tenant.user)
    return client


def console_key_of(page: str) -> str:
    return re.search(r'id="account-secret"[^>]* value="(psk_[^"]+)"', page).group(1)


def account_get(client, account_id: str, secret: str) -> dict:
    body = {"jsonrpc": "2.0", "method": "Account_Get", "params": [], "id": 1}
    return client.post(
        f"/api?accountID={account_id}&accountSecret={secret}", body, content_type="application/json"
    ).json()


def test_the_page_brings_a_working_key_listed_nowhere(logged_in, tenant, api):
    response = logged_in.get("/api-test/")
    assert response["Cache-Control"] == "no-store"
    raw = console_key_of(response.content.decode())
    key = ApiKey.objects.for_account(tenant.account).get(console=True)
    assert key.expires_at - timezone.now() == pytest.approx(CONSOLE_KEY_TTL, abs=timedelta(seconds=30))
    assert account_get(logged_in, tenant.account_id, raw)["result"]["accountID"] == tenant.account_id
    assert key.key_id not in logged_in.get("/").content.decode()
    assert all(item["name"] != key.name for item in api.get("/v1/keys").json())


def test_each_visit_replaces_the_previous_key(logged_in, tenant):
    first = console_key_of(logged_in.get("/api-test/").content.decode())
    second = console_key_of(logged_in.get("/api-test/").content.decode())
    assert first != second
    assert account_get(logged_in, tenant.account_id, first)["error"]["code"] == 1018
    assert "result" in account_get(logged_in, tenant.account_id, second)
    assert ApiKey.objects.for_account(tenant.account).filter(console=True, revoked_at__isnull=True).count() == 1


def test_revoke_then_issue_again(logged_in, tenant):
    raw = console_key_of(logged_in.get("/api-test/").content.decode())
    assert "result" in account_get(logged_in, tenant.account_id, raw)  # now in the credential cache too
    page = logged_in.post("/api-test/console-key", {"action": "revoke"}, follow=True).content.decode()
    assert "No console key" in page and 'id="account-secret" type="password" placeholder' in page
    assert 'value="psk_' not in page
    assert account_get(logged_in, tenant.account_id, raw)["error"]["code"] == 1018
    again = logged_in.post("/api-test/console-key", {"action": "issue"}, follow=True).content.decode()
    assert "result" in account_get(logged_in, tenant.account_id, console_key_of(again))


def test_an_expired_key_stops_working_even_when_cached(logged_in, tenant, monkeypatch):
    raw = console_key_of(logged_in.get("/api-test/").content.decode())
    assert "result" in account_get(logged_in, tenant.account_id, raw)  # proved, and cached in this process
    now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: now() + CONSOLE_KEY_TTL + timedelta(seconds=1))
    assert account_get(logged_in, tenant.account_id, raw)["error"]["code"] == 1018
    assert logged_in.get(f"/v1/account?accountID={tenant.account_id}&accountSecret={raw}").status_code == 401


def test_logout_revokes_it_and_it_proves_no_other_account(logged_in, tenant, other_tenant):
    raw = console_key_of(logged_in.get("/api-test/").content.decode())
    assert account_get(logged_in, other_tenant.account_id, raw)["error"]["code"] == 1018
    logged_in.post("/logout/")
    assert account_get(logged_in, tenant.account_id, raw)["error"]["code"] == 1018
    assert ApiKey.objects.for_account(tenant.account).get(console=True).revoked_at is not None
