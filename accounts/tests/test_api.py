"""REST: account, keys, notifications; the error shape; rate limit; the schema."""

import pytest

from accounts import services
from accounts.models import Plan


def test_account_usage_snapshot(api, tenant):
    body = api.get("/v1/account").json()
    assert body["accountType"] == "pro" and body["credits"] == 1000 and body["active"] is True
    meters = {m["key"]: m for m in body["usage"]}
    assert set(meters) >= {"videos", "media", "templates"}
    assert meters["media"]["limit"] == tenant.account.plan.max_media_bytes


def test_keys_create_list_revoke(api, client):
    created = api.post("/v1/keys", {"name": "deploy"})
    assert created.status_code == 201
    raw = created.json()["key"]
    assert raw.startswith("psk_") and len(raw) > 60
    listed = api.get("/v1/keys").json()
    assert {k["name"] for k in listed} == {"Default key", "deploy"}
    assert all("key" not in k for k in listed)  # the secret is never shown again
    assert client.get("/v1/account", HTTP_AUTHORIZATION=f"ApiKey {raw}").status_code == 200
    assert api.delete(f"/v1/keys/{created.json()['id']}").json()["revoked"] is not None
    assert client.get("/v1/account", HTTP_AUTHORIZATION=f"ApiKey {raw}").status_code == 401


def test_key_validation_error_shape(api):
    response = api.post("/v1/keys", {})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == "name" and error["type"] == "invalid_request_error" and "required" in error["message"]


def test_bad_json_is_a_clear_400(api):
    response = api.post("/v1/keys", "{oops")
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]["message"]


def test_notifications_list_filter_and_mark_read(api, account):
    for i in range(3):
        services.notification_create(account=account, kind="info", title=f"n{i}")
    assert [n["title"] for n in api.get("/v1/notifications").json()] == ["n2", "n1", "n0"]
    first = api.get("/v1/notifications?limit=1").json()[0]
    assert api.post("/v1/notifications/read", {"ids": [int(first["id"])]}).json() == {"marked": 1}
    assert len(api.get("/v1/notifications?unread=1").json()) == 2
    assert api.post("/v1/notifications/read", {}).json() == {"marked": 2}
    bad = api.get("/v1/notifications?offset=-3")
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "offset"


def test_rate_limit_per_plan_is_429_with_retry_after(api, account):
    Plan.objects.filter(pk=account.plan_id).update(rate_limit_per_minute=3)
    statuses = [api.get("/v1/account").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/v1/account")
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["type"] == "rate_limit_error"


def test_unknown_rest_path_is_a_json_404(api):
    response = api.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found_error"


def test_openapi_schema_lists_endpoints_with_auth_and_errors(client, db):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    schemes = schema["components"]["securitySchemes"]
    assert {"ApiKeyAuth", "AccessKeyAuth", "BasicAuth"} <= set(schemes)
    keys = schema["paths"]["/v1/keys"]
    assert {"200", "401", "429"} <= set(keys["get"]["responses"])
    assert keys["post"]["security"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    assert client.get("/api/redoc/").status_code == 200


@pytest.mark.parametrize("path", ["/v1/account", "/v1/keys", "/v1/notifications"])
def test_every_endpoint_requires_credentials(client, db, path):
    assert client.get(path).status_code == 401


def test_rest_endpoints_never_reach_another_tenant(api, tenant, other_tenant):
    from accounts.models import ApiKey

    theirs = ApiKey.objects.for_account(other_tenant.account).get()
    response = api.delete(f"/v1/keys/{theirs.pk}")
    assert response.status_code == 404 and response.json()["error"]["type"] == "not_found_error"
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    note = services.notification_create(account=other_tenant.account, kind="info", title="theirs")
    assert api.post("/v1/notifications/read", {"ids": [note.pk]}).json() == {"marked": 0}
    assert api.get("/v1/notifications").json() == []
    assert {k["name"] for k in api.get("/v1/keys").json()} == {"Default key"}
    assert api.get("/v1/account").json()["accountID"] == tenant.account_id
