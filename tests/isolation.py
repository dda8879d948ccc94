"""The reusable tenant-isolation helper.

Every JSON-RPC method that takes an id must be listed in ``RPC_CASES`` with a
way to make an object of the *other* tenant and the code expected when this
tenant names it (its "not found" code, never a 403). ``test_isolation.py``
fails when a registered method has no case, so a new method cannot ship
without its isolation test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RpcCase:
    method: str
    make_foreign: Callable[[Any], Any]  # other_tenant -> the params that name its object
    expected_code: int | None  # None: the call succeeds but must not touch or reveal the object
    check: Callable[[Any, Any], None] | None = None  # (result or None after an error, other_tenant) -> assertions


RPC_CASES: dict[str, RpcCase] = {}
# Methods that name no object: isolation is that they only ever see the caller's account.
ACCOUNT_ONLY_METHODS = {"Account_Get", "Notification_List"}


def rpc_case(method: str, expected_code: int | None = None, check=None):
    def register(make_foreign):
        RPC_CASES[method] = RpcCase(method, make_foreign, expected_code, check)
        return make_foreign

    return register
