"""What a request's admission asks of Redis, and the calls a process may admit without asking.

Every authenticated request needs four facts shared by all processes: the credential
cache's generation (a revoked key, a deactivated account), the lockout marker of the
account, its count in the plan's one-minute rate window, and whether this request should
record the key's last use. One Redis script answers all four in one command.

A round trip per request costs more than the rest of a cached read (issue 12's bench:
the serving processes' CPU per `/rest` read fell from 0.90 to 0.59 ms without it: each
round trip hands the GIL to another thread and back). So the script may also *lease*
calls: when the account's window has room for them, it counts ``lease`` more calls now
and the process admits that many later calls of
the same credential itself, for at most ``AUTH_SYNC_SECONDS`` and within the window. The
price, and its bounds:

- a key revoked, an account deactivated or a plan changed in *another* process is
  noticed here up to ``AUTH_SYNC_SECONDS`` later (in this process at once: the cache is
  emptied); a credential that does not prove itself, a wrong secret included, never
  uses a lease, so lockout counting is unchanged, and an account with a lockout marker
  (a recent failure) gets no lease;
- calls leased but not used by a process are counted in the window: another process may
  refuse up to ``lease`` calls per process too early. A lease is at most 1/200 of the
  limit (none below 200 calls a minute: the free plan is counted call by call);
- ``RateLimit-Remaining`` counts leased calls as used.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from redis.commands.core import Script

from core import redis_client

GENERATION_KEY = "auth:generation"  # of the per-process credential cache (accounts.authcache)
RATE_WINDOW_S = 60
KEY_TOUCH_EVERY_S = 60
LEASE_SHARE = 200  # a lease is at most limit / LEASE_SHARE calls
LEASE_MAX = 50

# KEYS: the cache generation, the lockout marker, the rate counter ("" if unlimited), the key's
# last-use stamp ("" without a key). ARGV: cost, the counter's and the stamp's lifetimes, the
# lease wanted, the limit. Returns the generation, the marker, the count, the stamp set, the lease.
_LUA = """
local generation = redis.call('GET', KEYS[1]) or '0'
local failed = redis.call('EXISTS', KEYS[2])
local used = 0
local leased = 0
if KEYS[3] ~= '' then
  used = redis.call('INCRBY', KEYS[3], ARGV[1])
  redis.call('EXPIRE', KEYS[3], ARGV[2])
  local lease = tonumber(ARGV[4])
  if lease > 0 and failed == 0 and used + lease <= tonumber(ARGV[5]) then
    used = redis.call('INCRBY', KEYS[3], lease)
    leased = lease
  end
elseif failed == 0 then
  leased = tonumber(ARGV[4])
end
local touch = 0
if KEYS[4] ~= '' and redis.call('SET', KEYS[4], 1, 'NX', 'EX', ARGV[3]) then
  touch = 1
end
return {generation, failed, used, touch, leased}
"""


@dataclass(frozen=True)
class Admission:
    generation: int  # of the credential cache
    failed_recently: bool  # the account has a lockout marker
    used: int  # calls counted in this rate-limit window: these, and any leased
    limit: int
    window: int
    reset: int  # seconds until the window ends
    touch: bool  # this request records the key's last use
    leased: int = 0  # calls the process may admit itself (Lease)


@functools.cache
def _script(client: redis.Redis) -> Script:
    return client.register_script(_LUA)


def _window(now: float) -> tuple[int, int]:
    window = int(now // RATE_WINDOW_S)
    return window, int((window + 1) * RATE_WINDOW_S - now) + 1


def failure_marker(username: str) -> str:
    """The Redis key saying ``username`` failed a secret lately (django-axes holds the count)."""
    return f"auth:failed:{username}"


def lease_size(limit: int) -> int:
    """Calls to lease under ``limit`` calls a minute (0: no limit, nothing to count)."""
    return LEASE_MAX if not limit else min(LEASE_MAX, limit // LEASE_SHARE)


def admission(
    *, account_pk: int, public_id: str, key_pk: int | None, limit: int, cost: int, lease: int = 0
) -> Admission:
    """The four facts of one request, counting ``cost`` calls (and leasing ``lease`` more if they fit)."""
    window, reset = _window(time.time())
    keys = [
        GENERATION_KEY,
        failure_marker(public_id),
        f"ratelimit:{account_pk}:{window}" if limit else "",
        f"auth:touched:{key_pk}" if key_pk is not None else "",
    ]
    args = [cost, 2 * RATE_WINDOW_S, KEY_TOUCH_EVERY_S, lease, limit]
    generation, failed, used, touch, leased = _script(redis_client.shared())(keys=keys, args=args)
    return Admission(
        generation=int(generation),
        failed_recently=bool(failed),
        used=int(used),
        limit=limit,
        window=window,
        reset=reset,
        touch=bool(touch),
        leased=int(leased),
    )


class Lease:
    """The calls one cached credential may still admit in this process without Redis."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window = -1
        self._calls = 0
        self._used = 0
        self._synced = 0.0

    def refill(self, admitted: Admission) -> None:
        with self._lock:
            self._window, self._calls, self._used = admitted.window, admitted.leased, admitted.used
            self._synced = time.monotonic()

    def take(self, *, generation: int, limit: int, cost: int) -> Admission | None:
        """An admission of ``cost`` calls from the lease, or ``None``: ask Redis."""
        window, reset = _window(time.time())
        with self._lock:
            fresh = time.monotonic() - self._synced < settings.AUTH_SYNC_SECONDS
            if not fresh or self._window != window or self._calls < cost:
                return None
            self._calls -= cost
        return Admission(
            generation=generation,
            failed_recently=False,
            used=self._used,
            limit=limit,
            window=window,
            reset=reset,
            touch=False,
        )
