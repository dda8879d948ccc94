"""The per-process cache of proved credentials, and its invalidation.

A credential that proved itself is remembered in the worker process, keyed by
the SHA-256 digest of the whole credential (a wrong secret never gets in), for
``settings.AUTH_CACHE_SECONDS`` at most. Every entry carries the value of one
Redis counter, the *generation*, read before the database was; each admission
in Redis reads the counter again (every request, or once per lease of calls:
``accounts.admission``) and an entry whose generation is old is dropped.
Whatever can change what a credential proves — a key revoked or deleted, an
account deactivated or changed, a plan changed — bumps the generation, so
every process forgets every entry (this one at once, the others within
``AUTH_SYNC_SECONDS``). Those are rare events: the price is one database
look-up per credential per process afterwards.
"""

from __future__ import annotations

import copy
import hashlib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from accounts.admission import GENERATION_KEY, Lease
from accounts.models import Account, ApiKey, Plan
from core import redis_client

MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Entry:
    account: Account
    key: ApiKey
    generation: int
    expires: float
    lease: Lease = field(default_factory=Lease)


_entries: dict[str, Entry] = {}


def digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def get(credential_digest: str) -> Entry | None:
    entry = _entries.get(credential_digest)
    if entry is None or entry.expires < time.monotonic():
        return None
    return entry


def put(credential_digest: str, *, account: Account, key: ApiKey, generation: int) -> None:
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    expires = time.monotonic() + settings.AUTH_CACHE_SECONDS
    _entries[credential_digest] = Entry(copy.copy(account), copy.copy(key), generation, expires)


def forget(credential_digest: str) -> None:
    _entries.pop(credential_digest, None)


def forget_account(public_id: str) -> None:
    """Drop the account's credentials from this process (a failed secret: no lease may outlive it here)."""
    for credential_digest, entry in list(_entries.items()):
        if entry.account.public_id == public_id:
            _entries.pop(credential_digest, None)


def generation() -> int:
    return int(redis_client.shared().get(GENERATION_KEY) or 0)


def bump_generation() -> None:
    """Forget every cached credential in every process: now, and once more when the
    change commits (a request between the two could have cached the old row). This
    process forgets at once; the others at their next look-up in Redis, at most
    ``AUTH_SYNC_SECONDS`` later (``accounts.admission``)."""

    def bump() -> None:
        redis_client.shared().incr(GENERATION_KEY)
        _entries.clear()

    bump()
    transaction.on_commit(bump)


def _changed(sender, created: bool = False, **kwargs) -> None:
    # A new row cannot make a cached credential stale: no credential proved itself with it
    # yet. Skipping it spares every process a flush per new key (one per API Test visit).
    if not created:
        bump_generation()


for model in (Account, ApiKey, Plan):
    post_save.connect(_changed, sender=model, dispatch_uid=f"authcache-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"authcache-delete-{model.__name__}")
