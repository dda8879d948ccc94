"""REST /v1/webhooks: the same operations, the seed 003 error shape, isolation."""

import pytest

from webhooks import services
from webhooks.tests.conftest import TEMPLATE_ID, VIDEO


@pytest.fixture
def hook(api, receiver):
    response = api.post("/v1/webhooks", {"templateID": TEMPLATE_ID, "url": receiver.url()})
    assert response.status_code == 201, response.content
    return response.json()


def test_create_list_get_patch_rotate_delete(api, hook, receiver):
    assert hook["secret"].startswith("whsec_")
    listed = api.get("/v1/webhooks", {"templateID": TEMPLATE_ID}).json()
    assert [w["webhookID"] for w in listed] == [hook["webhookID"]] and listed[0]["secret"] is None
    path = f"/v1/webhooks/{hook['webhookID']}"
    assert api.get(path).json()["url"] == receiver.url()
    patched = api.patch(path, {"active": False})
    assert patched.status_code == 200 and patched.json()["active"] is False
    rotated = api.post(path + "/rotate-secret").json()
    assert rotated["secret"] != hook["secret"]
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404


def test_errors_use_the_rest_shape(api):
    response = api.post("/v1/webhooks", {"templateID": TEMPLATE_ID, "url": "http://10.0.0.1/hook"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["number"]) == ("bad_webhook_url", 3003)
    assert error["param"] == "url" and "private" in error["message"]
    response = api.post("/v1/webhooks", {"templateID": "zz", "url": "https://1.2.3.4/"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "template_not_found"
    assert api.get("/v1/webhooks/" + "0" * 24).json()["error"]["code"] == "webhook_not_found"


def test_deliveries_and_redeliver(api, hook, tenant, receiver):
    [delivery] = services.event_emit(account=tenant.account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    services.delivery_send_due()
    page = api.get(f"/v1/webhooks/{hook['webhookID']}/deliveries", {"limit": 5}).json()
    assert page["total"] == 1 and page["items"][0]["log"][0]["responseStatus"] == 200
    response = api.post(f"/v1/webhooks/deliveries/{delivery.msg_id}/redeliver")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    services.delivery_send_due()
    assert receiver.ids() == [delivery.msg_id] * 2
    assert api.get(f"/v1/webhooks/{hook['webhookID']}/deliveries", {"limit": "x"}).status_code == 400


def test_another_accounts_ids_are_not_found_everywhere(api, hook, tenant, other_tenant):
    [delivery] = services.event_emit(account=tenant.account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    other = api.as_tenant(other_tenant)
    path = f"/v1/webhooks/{hook['webhookID']}"
    responses = [
        other.get(path),
        other.patch(path, {"active": False}),
        other.delete(path),
        other.post(path + "/rotate-secret"),
        other.get(path + "/deliveries"),
        other.post(f"/v1/webhooks/deliveries/{delivery.msg_id}/redeliver"),
    ]
    assert [r.status_code for r in responses] == [404] * 6
    assert other.get("/v1/webhooks").json() == []
    assert api.get(path).json()["active"] is True


def test_schema_documents_the_endpoints(api, client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in [
        "/v1/webhooks",
        "/v1/webhooks/{webhook_id}",
        "/v1/webhooks/{webhook_id}/rotate-secret",
        "/v1/webhooks/{webhook_id}/deliveries",
        "/v1/webhooks/deliveries/{delivery_id}/redeliver",
    ]:
        assert path in paths, path
    assert "404" in paths["/v1/webhooks/{webhook_id}"]["get"]["responses"]
