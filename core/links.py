"""Signed, expiring links: the one scheme behind every file served without a session
(video downloads, media previews, document downloads).

A token is ``django.core.signing.dumps`` of the claims plus their absolute expiry
(``exp``, Unix seconds), salted per purpose so a token of one kind never opens another.
The token is the permission; nothing is stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core import signing
from django.utils import timezone

from core import errors
from core.errors import AppError, ErrorEntry


def link_token(purpose: str, claims: dict[str, Any], *, expires_at: datetime) -> str:
    return signing.dumps({**claims, "exp": int(expires_at.timestamp())}, salt=f"links.{purpose}", compress=True)


def link_claims(
    purpose: str,
    token: str,
    *,
    invalid: ErrorEntry,
    now: datetime | None = None,
    expired_detail: str | None = None,
) -> dict[str, Any]:
    """The claims a token carries; ``AppError(invalid)`` when it is not ours, 410 once expired."""
    try:
        claims = signing.loads(token, salt=f"links.{purpose}")
    except signing.BadSignature:
        raise AppError(invalid, data="bad link", detail="Unknown link") from None
    if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
        raise AppError(invalid, data="bad link", detail="Unknown link")
    if (now or timezone.now()).timestamp() >= claims["exp"]:
        raise AppError(errors.GONE, detail=expired_detail)
    return claims
