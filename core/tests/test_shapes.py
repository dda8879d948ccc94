"""One shape per resource: the JSON-RPC structs derive from the output serializers, and
results are checked against the IDL (the ``rpc`` fixture does it for every call of the suite,
the ``api`` fixture checks every REST answer against the OpenAPI schema)."""

from rest_framework.fields import Field

from accounts.selectors import account_usage
from accounts.serializers import AccountSerializer
from core import rpc
from core.openapi import answer_errors
from core.shapes import represent
from templates_app.serializers import TemplateSerializer
from videos.serializers import WEBHOOK_KEYS, VideoSerializer
from webhooks.serializers import WebhookSerializer


def test_every_declared_type_is_known():
    known = set(rpc.REGISTRY.structs) | set(rpc.REGISTRY.enums) | set(rpc.PRIMITIVES)
    for method in rpc.REGISTRY.methods.values():
        assert {method.returns.type} | {p.type.type for p in method.params} <= known, method.name
    for declared in rpc.REGISTRY.structs.values():
        assert {f["type"] for f in declared["fields"]} <= known, declared["name"]


def test_struct_derives_from_the_output_serializer():
    fields = {f["name"]: f for f in rpc.REGISTRY.structs["Webhook"]["fields"]}
    assert list(fields) == list(WebhookSerializer().fields)
    assert fields["events"]["is_array"] and fields["events"]["type"] == "string"
    assert fields["templateID"]["optional"] and not fields["url"]["optional"]


def test_shape_errors_name_each_departure():
    good = {"total": 0, "items": []}
    assert rpc.shape_errors(good, "WebhookDeliveryPage") == []
    found = rpc.shape_errors({"total": "0", "extra": 1}, "WebhookDeliveryPage")
    assert sorted(found) == [
        "result.extra: not in struct WebhookDeliveryPage",
        "result.items: missing",
        "result.total: '0' is not int",
    ]
    assert rpc.shape_errors([1, None], "[]int") == ["result[1]: null for a non-optional int"]


def test_answer_errors_against_the_openapi_schema():
    body = b'{"error": {"code": "not_found", "message": "m", "param": null, "type": "not_found_error", "number": 4040}}'
    assert answer_errors("GET", "/v1/webhooks/abc", 404, "application/json", body) == []
    assert answer_errors("GET", "/v1/webhooks/abc", 418, "application/json", body) == [
        "GET /v1/webhooks/{webhook_id}: status 418 not in the schema"
    ]
    assert answer_errors("GET", "/v1/webhooks/abc", 404, "application/json", b'{"error": {}}')


def test_video_and_template_structs_and_the_video_webhook_derive_from_their_serializers():
    for name, serializer in (("Video", VideoSerializer), ("Template", TemplateSerializer)):
        assert [f["name"] for f in rpc.REGISTRY.structs[name]["fields"]] == list(serializer().fields), name
    assert set(WEBHOOK_KEYS) <= set(VideoSerializer().fields)  # the seed 001 body is the video object, cut
    status = {f["name"]: f for f in rpc.REGISTRY.structs["VideoStatus"]["fields"]}
    assert status["message"]["optional"] and status["error"]["optional"] and not status["code"]["optional"]


def test_represent_renders_like_data_without_copying_fields_again(account, monkeypatch):
    value = {"account": account, "usage": account_usage(account=account)}
    assert represent(AccountSerializer, value) == AccountSerializer(value).data

    def no_copies(self, memo):
        raise AssertionError("fields copied again")

    monkeypatch.setattr(Field, "__deepcopy__", no_copies)
    account.credits = 42
    assert represent(AccountSerializer, value)["credits"] == 42
