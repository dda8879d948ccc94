"""The Webhook_* JSON-RPC methods, including tenant isolation of each one."""

import pytest

from webhooks import services
from webhooks.tests.conftest import TEMPLATE_ID, VIDEO, verify


@pytest.fixture
def hook(rpc, receiver):
    return rpc("Webhook_New", TEMPLATE_ID, receiver.url())


def test_new_shows_the_secret_once_and_list_hides_it(rpc, hook, receiver):
    assert hook["secret"].startswith("whsec_") and hook["templateID"] == TEMPLATE_ID
    assert hook["events"] == ["video.done", "video.error"] and hook["active"] is True
    [listed] = rpc("Webhook_List", TEMPLATE_ID)
    assert listed["webhookID"] == hook["webhookID"] and listed["secret"] is None
    assert rpc("Webhook_List", "b" * 24) == []
    assert [w["webhookID"] for w in rpc("Webhook_List")] == [hook["webhookID"]]


def test_account_webhook_for_documents(rpc, receiver):
    hook = rpc("Webhook_New", None, receiver.url(), ["document.failed"])
    assert hook["templateID"] is None and hook["events"] == ["document.failed"]


def test_errors(rpc, receiver):
    from conftest import RpcError

    with pytest.raises(RpcError) as caught:
        rpc("Webhook_New", "nope", receiver.url())
    assert caught.value.code == 1000
    with pytest.raises(RpcError) as caught:
        rpc("Webhook_New", TEMPLATE_ID, "http://169.254.169.254/latest/meta-data")
    assert caught.value.code == 3003 and "metadata" in caught.value.data
    with pytest.raises(RpcError) as caught:
        rpc("Webhook_Update", "0" * 24, None, False)
    assert caught.value.code == 3001
    with pytest.raises(RpcError) as caught:
        rpc("Webhook_Redeliver", "msg_nope")
    assert caught.value.code == 3002


def test_update_rotate_deliveries_redeliver_delete(rpc, hook, tenant, receiver):
    webhook_id = hook["webhookID"]
    updated = rpc("Webhook_Update", webhook_id, receiver.url("/new"), None)
    assert updated["url"] == receiver.url("/new")
    rotated = rpc("Webhook_RotateSecret", webhook_id)
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != hook["secret"]

    [delivery] = services.event_emit(account=tenant.account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    services.delivery_send_due()
    assert verify(rotated["secret"], receiver.requests[0].headers, receiver.requests[0].body)
    page = rpc("Webhook_Deliveries", webhook_id, 0, 10)
    assert page["total"] == 1
    [item] = page["items"]
    assert item["deliveryID"] == delivery.msg_id and item["status"] == "delivered"
    assert item["log"][0]["responseStatus"] == 200 and '"webhook-id"' in item["log"][0]["requestHeaders"]

    again = rpc("Webhook_Redeliver", delivery.msg_id)
    assert again["status"] == "pending" and again["attempts"] == 0
    services.delivery_send_due()
    assert receiver.ids() == [delivery.msg_id] * 2

    off = rpc("Webhook_Update", webhook_id, None, False)
    assert off["active"] is False
    from conftest import RpcError

    with pytest.raises(RpcError) as caught:
        rpc("Webhook_Redeliver", delivery.msg_id)
    assert caught.value.code == 3005

    assert rpc("Webhook_Delete", webhook_id) is True
    assert rpc("Webhook_List") == []


def test_another_accounts_ids_are_not_found_for_every_method(rpc, other_rpc, hook, tenant, receiver):
    from conftest import RpcError

    [delivery] = services.event_emit(account=tenant.account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    webhook_id = hook["webhookID"]
    calls = [
        ("Webhook_Update", webhook_id, "https://1.2.3.4/", None),
        ("Webhook_Delete", webhook_id),
        ("Webhook_RotateSecret", webhook_id),
        ("Webhook_Deliveries", webhook_id, 0, 10),
    ]
    for method, *params in calls:
        with pytest.raises(RpcError) as caught:
            other_rpc(method, *params)
        assert caught.value.code == 3001, method
    with pytest.raises(RpcError) as caught:
        other_rpc("Webhook_Redeliver", delivery.msg_id)
    assert caught.value.code == 3002
    assert other_rpc("Webhook_List") == [] and other_rpc("Webhook_List", TEMPLATE_ID) == []
    # untouched
    [mine] = rpc("Webhook_List")
    assert mine["url"] == receiver.url() and mine["secretHint"] == hook["secret"][:10] + "…"


def test_methods_are_in_the_idl(rpc):
    names = {f["name"] for f in rpc("barrister-idl")[0]["functions"]}
    assert {
        "Webhook_New",
        "Webhook_List",
        "Webhook_Update",
        "Webhook_Delete",
        "Webhook_RotateSecret",
        "Webhook_Deliveries",
        "Webhook_Redeliver",
    } <= names


def test_seed_spelling_of_template_video_new_is_in_the_idl(rpc):
    functions = {f["name"]: f for f in rpc("barrister-idl")[0]["functions"]}
    alias, method = functions["Template_VideoNew"], functions["Template_Video_New"]
    assert (alias["params"], alias["returns"]) == (method["params"], method["returns"])
