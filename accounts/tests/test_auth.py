"""Every credential style, their failures, and the lockout (1033 / 429)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from accounts import services


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
    assert response.status_code == 401 and response.json()["error"]["code"] == 1018
    assert client.get("/v1/account", HTTP_AUTHORIZATION="Basic bm90OmJhc2U2NA==").status_code == 401


def test_inactive_account_is_1021(client, tenant):
    services.account_set_active(account=tenant.account, active=False)
    assert rpc_call(client, tenant.rpc_url()).json()["error"]["code"] == 1021
    assert client.get("/v1/account", **tenant.auth_headers()).status_code == 403


def test_revoked_key_stops_working_and_last_used_is_recorded(client, tenant):
    issued = services.api_key_create(account=tenant.account, name="ci")
    assert client.get("/v1/account", HTTP_AUTHORIZATION=f"ApiKey {issued.raw}").status_code == 200
    issued.key.refresh_from_db()
    assert issued.key.last_used_at is not None
    services.api_key_revoke(account=tenant.account, key_id=issued.key.pk)
    assert client.get("/v1/account", HTTP_AUTHORIZATION=f"ApiKey {issued.raw}").status_code == 401


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
    assert rest.json()["error"]["code"] == 1033
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
