"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

A receiver verifies our POSTs with any Standard Webhooks library, e.g.
`standardwebhooks.Webhook(secret).verify(body, headers)`. The HMAC itself is
computed by that reference library; this module adds secret generation,
strict secret parsing and several signatures at once (secret rotation).
"""

from __future__ import annotations

import base64
import binascii
import secrets as _secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

__all__ = ["SECRET_PREFIX", "new_secret", "sign", "signature_headers"]

SECRET_PREFIX = "whsec_"
_SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh endpoint secret: `whsec_` + base64 of 32 random bytes."""
    key = _secrets.token_bytes(_SECRET_BYTES)
    return SECRET_PREFIX + base64.b64encode(key).decode("ascii")


def sign(secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value: one `v1,<base64 HMAC-SHA256>` per
    secret, space separated, over `{msg_id}.{timestamp}.{body}`.

    Several secrets are signed during rotation so receivers holding either
    the old or the new secret accept the message. `body` must be the exact
    bytes sent, UTF-8 (JSON always is).
    """
    if not secrets:
        raise ValueError("at least one webhook secret is needed to sign")
    if not msg_id:
        raise ValueError("webhook message id must not be empty")
    payload = body.decode("utf-8")
    when = datetime.fromtimestamp(int(timestamp), tz=UTC)
    return " ".join(
        Webhook(_secret_key(secret)).sign(msg_id=msg_id, timestamp=when, data=payload) for secret in secrets
    )


def signature_headers(secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one delivery attempt."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": sign(secrets, msg_id, timestamp, body),
    }


def _secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_...` secret; refuses what is not base64.

    (The reference library silently drops invalid characters, which would
    turn a mangled secret into a different key instead of an error.)
    """
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error:
        raise ValueError("webhook secret is not valid base64") from None
    if not key:
        raise ValueError("webhook secret is empty")
    return key
