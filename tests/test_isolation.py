"""Tenant isolation across every JSON-RPC method (see tests/isolation.py)."""

import pytest

from accounts import services
from accounts.models import Notification
from conftest import RpcError
from core.rpc import REGISTRY
from tests import isolation_campaigns, isolation_videos, isolation_webhooks  # noqa: F401  (register their cases)
from tests.isolation import ACCOUNT_ONLY_METHODS, RPC_CASES, rpc_case


@rpc_case("Notification_MarkRead", check=lambda result, other: _still_unread(result, other))
def _foreign_notification(other_tenant):
    note = services.notification_create(account=other_tenant.account, kind="info", title="theirs")
    return [[str(note.pk)]]


def _still_unread(result, other_tenant):
    assert result == 0
    assert Notification.objects.for_account(other_tenant.account).get().read_at is None


def test_every_rpc_method_has_an_isolation_case():
    missing = set(REGISTRY.methods) - set(RPC_CASES) - ACCOUNT_ONLY_METHODS
    assert not missing, f"add tenant-isolation cases in tests/isolation.py for: {sorted(missing)}"


@pytest.mark.parametrize("method", sorted(RPC_CASES))
def test_rpc_method_never_reaches_another_tenants_object(method, rpc, other_tenant):
    case = RPC_CASES[method]
    params = case.make_foreign(other_tenant)
    if case.expected_code is None:
        result = rpc(method, *params)
        if case.check:
            case.check(result, other_tenant)
        return
    with pytest.raises(RpcError) as caught:
        rpc(method, *params)
    assert caught.value.code == case.expected_code
    if case.check:  # and the other tenant's object is as it was
        case.check(None, other_tenant)


def test_account_only_methods_show_only_the_caller(rpc, tenant, other_tenant):
    services.notification_create(account=other_tenant.account, kind="info", title="theirs")
    assert rpc("Account_Get")["accountID"] == tenant.account_id
    assert rpc("Notification_List")["items"] == []
