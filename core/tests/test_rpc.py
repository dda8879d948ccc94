"""JSON-RPC 2.0 at /api with barrister conventions."""

import json

import pytest

from core import rpc as rpc_module


def post(client, url, payload):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(url, body, content_type="application/json")


def test_positional_named_and_prefixed_calls(client, tenant, rpc):
    url = tenant.rpc_url()
    for method in ("Account_Get", "PirsonalAPI.Account_Get", "SezionAPI.Account_Get"):
        answer = post(client, url, {"jsonrpc": "2.0", "method": method, "params": [], "id": 7}).json()
        assert answer == {"jsonrpc": "2.0", "id": 7, "result": answer["result"]}
        assert answer["result"]["accountID"] == tenant.account_id
    named = post(client, url, {"jsonrpc": "2.0", "method": "Notification_List", "params": {"limit": 5}, "id": 1})
    assert named.json()["result"]["items"] == []


def test_parse_error(client, tenant):
    answer = post(client, tenant.rpc_url(), b"{not json").json()
    assert answer["error"]["code"] == -32700 and answer["id"] is None


@pytest.mark.parametrize(
    "payload",
    [[], {"jsonrpc": "2.0", "id": 1}, {"jsonrpc": "1.0", "method": "Account_Get", "id": 1}, {"method": 5, "id": 1}],
)
def test_invalid_request(client, tenant, payload):
    answer = post(client, tenant.rpc_url(), payload).json()
    assert answer["error"]["code"] == -32600


def test_method_not_found(client, tenant):
    answer = post(client, tenant.rpc_url(), {"jsonrpc": "2.0", "method": "Nope", "id": 1}).json()
    assert answer["error"]["code"] == -32601
    assert "Nope" in answer["error"]["data"]


@pytest.mark.parametrize(
    "params",
    [["x"], [1, 2, 3, 4], {"bogus": 1}, [True], "a string"],
)
def test_invalid_params(client, tenant, params):
    answer = post(
        client, tenant.rpc_url(), {"jsonrpc": "2.0", "method": "Notification_List", "params": params, "id": 1}
    )
    assert answer.json()["error"]["code"] == -32602


def test_batch_with_notifications(client, tenant):
    batch = [
        {"jsonrpc": "2.0", "method": "Account_Get", "id": "a"},
        {"jsonrpc": "2.0", "method": "Notification_MarkRead"},  # a notification: no answer
        {"jsonrpc": "2.0", "method": "Nope", "id": "b"},
        42,
    ]
    answers = post(client, tenant.rpc_url(), batch).json()
    assert [a["id"] for a in answers] == ["a", "b", None]
    assert "result" in answers[0]
    assert answers[1]["error"]["code"] == -32601
    assert answers[2]["error"]["code"] == -32600


def test_only_notifications_get_no_content(client, tenant):
    response = post(client, tenant.rpc_url(), [{"jsonrpc": "2.0", "method": "Account_Get"}])
    assert response.status_code == 204 and response.content == b""


def test_get_is_refused_with_a_jsonrpc_error(client, tenant):
    response = client.get(tenant.rpc_url())
    assert response.status_code == 405
    assert response.json()["error"]["code"] == -32600


def test_unexpected_exception_is_5000_with_request_id_and_no_trace(client, tenant, monkeypatch, caplog):
    def explode(ctx):
        raise ZeroDivisionError("secret internals")

    method = rpc_module.Method("Boom", explode, [], rpc_module.Type("string"), "")
    monkeypatch.setitem(rpc_module.REGISTRY.methods, "Boom", method)
    response = post(client, tenant.rpc_url(), {"jsonrpc": "2.0", "method": "Boom", "id": 1})
    error = response.json()["error"]
    assert error["code"] == 5000 and error["message"] == "Internal Error"
    request_id = response["X-Request-ID"]
    assert request_id in error["data"]
    assert "secret internals" not in response.content.decode()
    assert any(request_id in record.getMessage() for record in caplog.records)


def test_barrister_idl_describes_every_method(client):
    answer = post(client, "/api", {"jsonrpc": "2.0", "method": "barrister-idl", "id": 1}).json()
    idl = answer["result"]
    kinds = [element["type"] for element in idl]
    assert kinds[0] == "interface" and kinds[-1] == "meta"
    interface = idl[0]
    assert interface["name"] == "PirsonalAPI"
    names = {f["name"] for f in interface["functions"]}
    assert {"Account_Get", "Notification_List", "Notification_MarkRead"} <= names
    listing = next(f for f in interface["functions"] if f["name"] == "Notification_List")
    assert listing["params"][0] == {"name": "offset", "type": "int", "is_array": False, "optional": True, "comment": ""}
    assert listing["returns"] == {"type": "NotificationPage", "is_array": False, "optional": False}
    structs = {e["name"]: e for e in idl if e["type"] == "struct"}
    assert {"Account", "Notification", "NotificationPage"} <= set(structs)
    for function in interface["functions"]:  # every type a function names is defined
        for t in [*function["params"], function["returns"]]:
            assert (
                t["type"] in rpc_module.PRIMITIVES
                or t["type"] in structs
                or t["type"] in {e["name"] for e in idl if e["type"] == "enum"}
            ), (function["name"], t)
    meta = idl[-1]
    assert meta["barrister_version"] and len(meta["checksum"]) == 32
