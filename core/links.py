"""Signed, expiring links: the one scheme behind every file served without a session
(video downloads, media previews, document downloads).

A token is ``django.core.signing.dumps`` of the claims plus their absolute expiry
(``exp``, Unix seconds), salted per purpose so a token of one kind never opens another.
The token is the permission; nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core import signing
from django.utils import timezone

from core import errors
from core.errors import AppError, ErrorEntry


def link_token(purpose: str, claims: dict[str, Any], *, expires_at: datetime) -> str:
    return link_token_maker(purpose, expires_at=expires_at)(claims)


def link_token_maker(purpose: str, *, expires_at: datetime) -> Callable[[dict[str, Any]], str]:
    """``link_token`` for many links of one purpose and expiry, with one signer (a campaign's links file)."""
    signer = signing.TimestampSigner(salt=f"links.{purpose}")  # what signing.dumps uses
    expiry = int(expires_at.timestamp())
    return lambda claims: signer.sign_object({**claims, "exp": expiry}, compress=True)


def link_claims(
    purpose: str,
    token: str,
    *,
    invalid: ErrorEntry,
    now: datetime | None = None,
    expired_detail: str | Callable[[dict[str, Any]], str] | None = None,
) -> dict[str, Any]:
    """The claims a token carries; ``AppError(invalid)`` when it is not ours, 410 once expired (its
    message ``expired_detail``, or what ``expired_detail(claims)`` says of the expired claims)."""
    try:
        claims = signing.loads(token, salt=f"links.{purpose}")
    except signing.BadSignature:
        raise AppError(invalid, data="bad link", detail="Unknown link") from None
    if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
        raise AppError(invalid, data="bad link", detail="Unknown link")
    if (now or timezone.now()).timestamp() >= claims["exp"]:
        raise AppError(errors.GONE, detail=expired_detail(claims) if callable(expired_detail) else expired_detail)
    return claims
