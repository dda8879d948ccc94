"""JSON nested deeper than Python's recursion limit is the client's error, on every surface."""

from __future__ import annotations

import pytest

DEPTH = 100_000


@pytest.mark.parametrize(
    "body",
    [
        "[" * DEPTH + "]" * DEPTH,
        '{"jsonrpc": "2.0", "id": 1, "method": "Account_Get", "params": ' + "[" * DEPTH + "]" * DEPTH + "}",
    ],
)
def test_deeply_nested_json_on_rpc_is_a_parse_error(rpc, body):
    response = rpc.raw(body)
    assert response.status_code == 200
    assert response.json()["error"] == {
        "code": -32700,
        "message": "Parse error",
        "data": "the body's JSON is nested too deeply",
    }


def test_deeply_nested_json_on_rest_is_400(api):
    response = api.post("/v1/content", "[" * DEPTH + "]" * DEPTH, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]["message"]
