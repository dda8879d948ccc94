"""Leased calls (accounts.admission): a cached credential of a plan with room admits calls
without a Redis round trip, within bounds that keep the rate limit, the lockout and
revocation (issue 12)."""

import json
import time

import pytest
from django.utils import timezone

from accounts import admission, authcache
from accounts.models import ApiKey
from accounts.services import account_create, api_key_create, api_key_revoke
from conftest import make_tenant, with_rate_limit
from core import redis_client

CALL = json.dumps({"jsonrpc": "2.0", "method": "Account_Get", "id": 1})


@pytest.fixture
def busy(db):
    """A tenant whose plan allows 1,000 calls a minute: leases of 5 calls."""
    assert admission.lease_size(1000) == 5
    return with_rate_limit(make_tenant("Busy", "owner@busy.test", plan="free"), code="busy", calls_a_minute=1000)


def _counted(tenant) -> int:
    window = int(time.time() // admission.RATE_WINDOW_S)
    return int(redis_client.shared().get(f"ratelimit:{tenant.account.pk}:{window}") or 0)


@pytest.fixture
def steady_window():
    """Start with at least 5 s left in the rate window, so that the test's calls share one."""
    left = admission.RATE_WINDOW_S - time.time() % admission.RATE_WINDOW_S
    if left < 5:
        time.sleep(left + 0.05)


def test_a_cached_credential_admits_its_lease_without_redis(client, busy, settings, steady_window):
    settings.AUTH_SYNC_SECONDS = 60  # the lease may not lapse between calls on a slow machine

    def call():
        response = client.get("/v1/account", **busy.auth_headers())
        assert response.status_code == 200
        return response

    call()  # proves the key: counted alone
    assert _counted(busy) == 1
    call()  # cached: counted, and 5 more leased
    assert _counted(busy) == 7
    for _ in range(5):
        assert call()["RateLimit-Remaining"] == str(1000 - 7)
    assert _counted(busy) == 7  # the lease's calls were admitted here
    call()
    assert _counted(busy) == 13


def test_no_lease_beyond_the_limit_nor_for_a_small_plan(client, busy, tenant, steady_window):
    window = int(time.time() // admission.RATE_WINDOW_S)
    redis_client.shared().set(f"ratelimit:{busy.account.pk}:{window}", 994)  # other processes' calls
    for _ in range(2):
        assert client.get("/v1/account", **busy.auth_headers()).status_code == 200
    assert _counted(busy) == 996  # 996 + 5 would pass 1,000: no lease
    for expected in (997, 998, 999, 1000):
        assert client.get("/v1/account", **busy.auth_headers()).status_code == 200
        assert _counted(busy) == expected
    assert client.get("/v1/account", **busy.auth_headers()).status_code == 429
    assert admission.lease_size(tenant.account.plan.rate_limit_per_minute) <= 3
    assert admission.lease_size(120) == 0  # the free plan: call by call


def test_a_failed_secret_ends_the_lease_and_the_lock_holds_at_once(client, busy, settings, steady_window):
    settings.AUTH_SYNC_SECONDS = 60

    def call():
        return client.post(busy.rpc_url(), CALL, content_type="application/json").json()

    for _ in range(3):
        assert "result" in call()  # the third is admitted from the lease
    for _ in range(5):
        client.post(
            f"/api?accountID={busy.account_id}&accountSecret=psk_x_wrong", CALL, content_type="application/json"
        )
    assert call()["error"]["code"] == 1033


def test_another_processes_revocation_is_noticed_within_auth_sync_seconds(client, busy, settings, steady_window):
    settings.AUTH_SYNC_SECONDS = 0.3
    for _ in range(2):
        assert client.get("/v1/account", **busy.auth_headers()).status_code == 200
    # Another process revokes the key: the row changes and the generation moves, but this
    # process's cache is not emptied (a queryset update sends no signal).
    ApiKey.objects.unscoped().filter(account=busy.account).update(revoked_at=timezone.now())
    redis_client.shared().incr(admission.GENERATION_KEY)
    time.sleep(0.35)
    refused = client.get("/v1/account", **busy.auth_headers())
    assert refused.status_code == 401


def test_a_revocation_in_this_process_holds_at_once(client, busy, steady_window):
    for _ in range(2):
        assert client.get("/v1/account", **busy.auth_headers()).status_code == 200
    key = ApiKey.objects.unscoped().get(account=busy.account, revoked_at__isnull=True)
    api_key_revoke(account=busy.account, key_id=key.pk)
    assert client.get("/v1/account", **busy.auth_headers()).status_code == 401


def test_a_new_key_or_account_flushes_no_cache_but_a_revocation_does(busy, other_account):
    before = authcache.generation()
    issued = api_key_create(account=other_account, name="another")
    account_create(name="New", email="owner@new.test", password="correct horse battery")
    assert authcache.generation() == before  # nothing cached could be stale
    api_key_revoke(account=other_account, key_id=issued.key.pk)
    assert authcache.generation() > before
