"""JSON-RPC fuzzing driven by the IDL: for every method, parameters drawn from its declared
types (and, as often, any JSON at all) get a result matching the declared return type or a
catalogued error, never 5000 and never an HTTP error.

Bounded: derandomized hypothesis (a fixed seed), a few examples per method."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Plan
from core import errors, rpc

CATALOGUED = {entry.code for entry in errors.catalog()} - {errors.INTERNAL_ERROR.code}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def _typed(spec: rpc.Type) -> st.SearchStrategy[Any]:
    """Values of an IDL type, as a caller who read the contract would send them."""
    if spec.type in rpc.REGISTRY.enums:
        one = st.sampled_from([value["value"] for value in rpc.REGISTRY.enums[spec.type]["values"]])
    elif spec.type == "string":
        one = st.text(max_size=30) | st.sampled_from(["", "0", "ffffffffffffffffffffffff", '{"a": 1}'])
    elif spec.type == "int":
        one = st.integers(min_value=-(2**63), max_value=2**63)
    elif spec.type == "float":
        one = st.floats(allow_nan=False, allow_infinity=False)
    elif spec.type == "bool":
        one = st.booleans()
    else:
        fields = rpc.REGISTRY.structs[spec.type]["fields"]
        one = st.fixed_dictionaries(
            {f["name"]: _typed(rpc.Type(f["type"], f["is_array"])) for f in fields if not f["optional"]},
            optional={f["name"]: _typed(rpc.Type(f["type"], f["is_array"], True)) for f in fields if f["optional"]},
        )
    if spec.is_array:
        one = st.lists(one, max_size=3)
    return st.none() | one if spec.optional else one


def _params(method: rpc.Method) -> st.SearchStrategy[Any]:
    typed = st.tuples(*[_typed(p.type) for p in method.params]).map(list)
    return typed | st.lists(JSON_VALUES, max_size=len(method.params) + 1) | JSON_VALUES


@pytest.mark.parametrize("name", sorted(rpc.REGISTRY.methods))
def test_any_params_get_a_result_or_a_catalogued_error(name, rpc_caller_for_fuzz):
    method = rpc.REGISTRY.methods[name]

    @settings(
        max_examples=12,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(params=_params(method))
    def call(params):
        payload = {"jsonrpc": "2.0", "id": 1, "method": name, "params": params}
        response = rpc_caller_for_fuzz.raw(json.dumps(payload))
        assert response.status_code == 200, response.content
        answer = response.json()
        if "error" in answer:
            assert answer["error"]["code"] in CATALOGUED, (params, answer)
        else:
            assert rpc.shape_errors(answer["result"], method.returns) == [], (params, answer)

    call()


@pytest.fixture
def rpc_caller_for_fuzz(rpc, tenant):
    Plan.objects.filter(pk=tenant.account.plan_id).update(rate_limit_per_minute=0)  # unthrottled
    return rpc
