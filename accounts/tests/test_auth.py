"""Every credential style, their failures, and the lockout (1033 / 429)."""

import base64
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from accounts import services
from accounts.models import User
from conftest import RpcCaller
from videos.tests.helpers import greeting_script, new_template


def rpc_call(client, url, method="Account_Get", **extra):
    return client.post(url, f'{{"jsonrpc":"2.0","method":"{method}","id":1}}', content_type="application/json", **extra)


@pytest.mark.parametrize("style", ["apikey", "basic", "access"])
def test_rest_credential_styles_resolve_the_account(client, tenant, other_tenant, style):
    response = client.get("/v1/account", **tenant.auth_headers(style))
    assert response.status_code == 200, response.content
    assert response.json()["accountID"] == tenant.account_id


def test_query_credentials_on_rest_and_rpc(client, tenant):
    assert client.get(f"/v1/account?accountID={tenant.account_id}&accountSecret={tenant.key}").status_code == 200
    assert rpc_call(client, tenant.rpc_url()).json()["result"]["accountID"] == tenant.account_id


def test_session_credentials(client, tenant):
    client.force_login(tenant.user)
    assert client.get("/v1/account").json()["accountID"] == tenant.account_id


def test_no_credentials(client, db):
    response = client.get("/v1/account")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"
    answer = rpc_call(client, "/api").json()
    assert answer["error"]["code"] == 1015


def test_unknown_account_is_1010(client, tenant):
    answer = rpc_call(client, f"/api?accountID={'0' * 24}&accountSecret={tenant.key}").json()
    assert answer["error"] == {"code": 1010, "message": "Account not found"}


def test_wrong_secret_is_1018_on_rpc_and_401_on_rest(client, tenant, other_tenant):
    # another account's valid key is a wrong secret for this account
    answer = rpc_call(client, f"/api?accountID={tenant.account_id}&accountSecret={other_tenant.key}").json()
    assert answer["error"]["code"] == 1018
    response = client.get("/v1/account", HTTP_AUTHORIZATION="ApiKey psk_0000000000000000_" + "0" * 64)
    assert response.status_code == 401
    response = client.get("/v1/account", HTTP_X_ACCESS_KEY=tenant.account_id, HTTP_X_ACCESS_TOKEN="nope")
    assert response.status_code == 401 and response.json()["error"]["code"] == "bad_secret"
    assert client.get("/v1/account", HTTP_AUTHORIZATION="Basic bm90OmJhc2U2NA==").status_code == 401


def test_inactive_account_is_1021(client, tenant):
    services.account_set_active(account=tenant.account, active=False)
    assert rpc_call(client, tenant.rpc_url()).json()["error"]["code"] == 1021
    assert client.get("/v1/account", **tenant.auth_headers()).status_code == 403


def test_revoked_key_stops_working_and_last_used_is_recorded(client, tenant):
    issued = services.api_key_create(account=tenant.account, name="ci")
    for _ in range(3):  # the second and third are answered from the credential cache
        assert client.get("/v1/account", HTTP_AUTHORIZATION=f"ApiKey {issued.raw}").status_code == 200
    issued.key.refresh_from_db()
    assert issued.key.last_used_at is not None
    services.api_key_revoke(account=tenant.account, key_id=issued.key.pk)
    assert client.get("/v1/account", HTTP_AUTHORIZATION=f"ApiKey {issued.raw}").status_code == 401


@pytest.mark.parametrize("style", ["apikey", "access", "query"])
def test_a_cached_credential_follows_deactivation_and_plan_changes(client, tenant, style):
    headers = tenant.auth_headers(style) if style != "query" else {}
    path = (
        f"/v1/account?accountID={tenant.account_id}&accountSecret={tenant.key}" if style == "query" else "/v1/account"
    )
    assert client.get(path, **headers).json()["accountType"] == "pro"
    services.account_set_active(account=tenant.account, active=False)
    assert client.get(path, **headers).status_code == 403
    services.account_set_active(account=tenant.account, active=True)
    tenant.account.plan = services.plan_get(code="business")
    tenant.account.save()  # as the admin does
    assert client.get(path, **headers).json()["accountType"] == "business"


def test_a_read_neither_writes_nor_looks_up_a_cached_credential(client, tenant):
    client.get("/v1/account", **tenant.auth_headers())  # the credential is now cached, its use stamped
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/v1/account", **tenant.auth_headers()).status_code == 200
    statements = [query["sql"].split()[0].upper() for query in queries]
    assert statements and set(statements) == {"SELECT"}
    assert not any("accounts_apikey" in query["sql"] for query in queries)


def _fail(client, tenant, times, address="10.1.1.1"):
    for _ in range(times):
        rpc_call(client, f"/api?accountID={tenant.account_id}&accountSecret=psk_x_y", REMOTE_ADDR=address)


def test_repeated_bad_secrets_lock_the_pair_out_with_1033(client, tenant, settings):
    _fail(client, tenant, settings.AXES_FAILURE_LIMIT)
    # now even the right secret is refused from this address, on every surface
    answer = rpc_call(client, tenant.rpc_url(), REMOTE_ADDR="10.1.1.1").json()
    assert answer["error"] == {
        "code": 1033,
        "message": "Your account was locked after too many failed login attempts. Please try again later.",
    }
    rest = client.get("/v1/account", REMOTE_ADDR="10.1.1.1", **tenant.auth_headers("access"))
    assert rest.status_code == 429
    assert int(rest["Retry-After"]) > 0
    assert (rest.json()["error"]["code"], rest.json()["error"]["number"]) == ("account_locked", 1033)
    # a legitimate user at another address is not locked out
    assert "result" in rpc_call(client, tenant.rpc_url(), REMOTE_ADDR="10.2.2.2").json()


def test_lockout_ends_after_the_cool_off(client, tenant, settings):
    _fail(client, tenant, settings.AXES_FAILURE_LIMIT)
    assert rpc_call(client, tenant.rpc_url(), REMOTE_ADDR="10.1.1.1").json()["error"]["code"] == 1033
    # move the recorded failures back past the cool-off instead of sleeping
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
        attempt.save()
    assert "result" in rpc_call(client, tenant.rpc_url(), REMOTE_ADDR="10.1.1.1").json()


def test_forwarded_for_cannot_be_spoofed_without_trusted_proxies(client, tenant, settings):
    # with no trusted proxy, X-Forwarded-For is ignored: changing it does not dodge the lockout
    for i in range(settings.AXES_FAILURE_LIMIT):
        rpc_call(
            client,
            f"/api?accountID={tenant.account_id}&accountSecret=bad",
            REMOTE_ADDR="10.1.1.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    answer = rpc_call(client, tenant.rpc_url(), REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="198.51.100.7").json()
    assert answer["error"]["code"] == 1033


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_the_client_address_comes_from_the_proxy(tenant, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # the client claims to be 1.1.1.1; our proxy appended the real address 203.0.113.5
        rpc_call(
            client,
            f"/api?accountID={tenant.account_id}&accountSecret=bad",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5",
        )
    locked = rpc_call(client, tenant.rpc_url(), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5")
    assert locked.json()["error"]["code"] == 1033
    other = rpc_call(client, tenant.rpc_url(), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.6")
    assert "result" in other.json()


def _wrong_secret_request(client, tenant, style: str, address: str):
    """One request for ``tenant`` with a wrong secret, in the given credential style."""
    key_id = tenant.key.split("_")[1]
    wrong = f"psk_{key_id}_{'0' * 64}"
    if style == "query":
        return rpc_call(client, f"/api?accountID={tenant.account_id}&accountSecret={wrong}", REMOTE_ADDR=address)
    if style == "access":
        return client.get(
            "/v1/account", HTTP_X_ACCESS_KEY=tenant.account_id, HTTP_X_ACCESS_TOKEN=wrong, REMOTE_ADDR=address
        )
    header = f"ApiKey {wrong}" if style == "apikey" else "Basic " + base64.b64encode(f"api:{wrong}".encode()).decode()
    return client.get("/v1/account", HTTP_AUTHORIZATION=header, REMOTE_ADDR=address)


@pytest.mark.parametrize("style", ["query", "access", "apikey", "basic"])
def test_failures_for_one_account_never_lock_out_another_at_the_same_address(
    client, tenant, other_tenant, settings, style
):
    office = "10.9.9.9"
    _wrong_secret_request(client, tenant, style, office)  # A has a recent failure of its own
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _wrong_secret_request(client, other_tenant, style, office)
    # B is locked out from the office, even with its right key, on every surface ...
    assert rpc_call(client, other_tenant.rpc_url(), REMOTE_ADDR=office).json()["error"]["code"] == 1033
    assert client.get("/v1/account", REMOTE_ADDR=office, **other_tenant.auth_headers(style="apikey")).status_code == 429
    # ... and A, from the same address, is not
    assert rpc_call(client, tenant.rpc_url(), REMOTE_ADDR=office).json()["result"]["accountID"] == tenant.account_id
    for header_style in ("apikey", "basic", "access"):
        response = client.get("/v1/account", REMOTE_ADDR=office, **tenant.auth_headers(header_style))
        assert response.status_code == 200, (header_style, response.content)


def test_template_secret_failures_lock_only_their_account(client, tenant, other_tenant, settings):
    office = "10.9.9.8"
    other_template = new_template(RpcCaller(client, other_tenant), greeting_script())
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            f"/api/upload?accountID={other_tenant.account_id}&templateID={other_template['templateID']}"
            "&templateSecret=wrong",
            b"x",
            content_type="image/png",
            REMOTE_ADDR=office,
        )
    assert response.json()["error"]["code"] == 1033
    assert rpc_call(client, other_tenant.rpc_url(), REMOTE_ADDR=office).json()["error"]["code"] == 1033
    assert "result" in rpc_call(client, tenant.rpc_url(), REMOTE_ADDR=office).json()


def test_an_empty_secret_does_not_count_toward_the_lockout(client, tenant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT * 2):
        answer = rpc_call(client, f"/api?accountID={tenant.account_id}&accountSecret=", REMOTE_ADDR="10.1.1.1")
        assert answer.json()["error"]["code"] == 1018
    assert "result" in rpc_call(client, tenant.rpc_url(), REMOTE_ADDR="10.1.1.1").json()
    assert not AccessAttempt.objects.exists()


def _admin_login(client, email, password, address="10.3.3.3"):
    return client.post("/admin/login/", {"username": email, "password": password}, REMOTE_ADDR=address)


def test_admin_lockout_blocks_the_correct_password_of_that_login_only(db, settings):
    ops = User.objects.create_superuser(email="ops@example.com", password="operator password 1")
    User.objects.create_superuser(email="ops2@example.com", password="operator password 2")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(client, ops.email, "wrong password")
    locked = _admin_login(client, ops.email, "operator password 1")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # another operator at the same address logs in
    other = Client()
    assert _admin_login(other, "ops2@example.com", "operator password 2").status_code == 302
    assert "_auth_user_id" in other.session


def test_admin_failures_count_for_the_dashboard_login(client, tenant, other_tenant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(client, tenant.user.email.upper(), "wrong password")
    response = client.post("/login/", {"email": tenant.user.email, "password": tenant.password}, REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    other = Client()
    response = other.post(
        "/login/", {"email": other_tenant.user.email, "password": other_tenant.password}, REMOTE_ADDR="10.3.3.3"
    )
    assert response.status_code == 302


def test_api_session_needs_the_csrf_token(tenant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant.user)
    client.get("/api-test/")  # the dashboard page sets the CSRF cookie
    body = '{"jsonrpc":"2.0","method":"Account_Get","id":1}'
    refused = client.post("/api", body, content_type="text/plain")
    assert refused.json()["error"]["code"] == 1015
    token = client.cookies["csrftoken"].value
    accepted = client.post("/api", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.json()["result"]["accountID"] == tenant.account_id
