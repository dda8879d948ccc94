"""Random secrets, shown once and stored only as a SHA-256 digest.

The secrets are 32 random bytes, so a fast digest is enough (no password
stretching needed) and lets every API request verify in microseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_public_id() -> str:
    """24 hex characters, like the seeds' example ids."""
    return secrets.token_hex(12)


def new_secret() -> str:
    return secrets.token_hex(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, digest: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), digest)
