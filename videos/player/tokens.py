"""Player page tokens: ``<key>.<signature>``.

The key is 128 random bits stored on the video (revoking clears it, so the
token dies with it); the signature lets the page reject a forged or mangled
token without touching the database.
"""

from __future__ import annotations

import secrets

from django.core import signing

SALT = "videos.player.page"


def new_key() -> str:
    return secrets.token_urlsafe(16)


def token_for(key: str) -> str:
    return signing.Signer(salt=SALT, sep=".").sign(key)


def key_of(token: str) -> str | None:
    """The key a genuine token carries, or ``None``."""
    try:
        return signing.Signer(salt=SALT, sep=".").unsign(token)
    except signing.BadSignature:
        return None
