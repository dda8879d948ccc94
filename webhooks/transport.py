"""Deliver one webhook POST and describe what happened; decide when to retry.

Pure engine: no ORM. `Sender.send` never raises, it returns an `Attempt` the
delivery service stores. The SSRF guard runs twice: `netguard.check_url`
before sending (for a readable refusal) and again on every new connection,
against the very addresses the socket connects to, so a DNS answer that
changes between the check and the connection cannot reach our network.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self

import httpx

from core import netguard

__all__ = [
    "RETRY_SCHEDULE_S",
    "Attempt",
    "Sender",
    "default_headers",
    "next_attempt_delay",
    "parse_retry_after",
]

# Delay before attempt n (index n - 1): immediately, 5 s, 5 min, 30 min, 2 h,
# 5 h, 10 h, 14 h, 20 h, 24 h. Ten attempts over about three and a half days.
RETRY_SCHEDULE_S = [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
MAX_RETRY_AFTER_S = 86400
JITTER = 0.10
BODY_HEAD_BYTES = 1024
KEPT_RESPONSE_HEADERS = (
    "content-type",
    "content-length",
    "location",
    "retry-after",
    "server",
)


@dataclass(frozen=True)
class Attempt:
    status: int | None
    duration_ms: float
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body_head: str = ""
    error: str | None = None
    retry_after_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


def default_headers(product_name: str) -> dict[str, str]:
    return {
        "User-Agent": f"{product_name}-Webhooks/1.0",
        "Content-Type": "application/json",
        "Accept": "*/*",
    }


def next_attempt_delay(
    attempt_number_just_failed: int, *, retry_after_s: float | None, rng: random.Random
) -> float | None:
    """Seconds to wait before the next attempt, or None to give up.

    The scheduled delay gets ±10 % jitter so endpoints that failed together
    are not retried together; a receiver's Retry-After wins when it asks for
    longer, up to 24 h.
    """
    if attempt_number_just_failed < 1:
        raise ValueError("attempts are numbered from 1")
    if attempt_number_just_failed >= len(RETRY_SCHEDULE_S):
        return None
    scheduled = RETRY_SCHEDULE_S[attempt_number_just_failed]
    delay = scheduled * (1 + rng.uniform(-JITTER, JITTER)) if scheduled else 0.0
    if retry_after_s is not None and retry_after_s > delay:
        delay = max(delay, min(float(retry_after_s), MAX_RETRY_AFTER_S))
    return delay


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delay-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class Sender:
    """One keep-alive HTTP/1.1 client for all webhook POSTs of a worker.

    `timeout_s` bounds the whole exchange (connect, send, response head and
    body head), not each socket operation. Redirects are not followed.
    """

    def __init__(
        self,
        *,
        timeout_s: float = 15.0,
        allow_loopback: bool = False,
        max_connections: int = 20,
        max_keepalive_connections: int = 10,
        keepalive_expiry_s: float = 30.0,
    ) -> None:
        self.timeout_s = timeout_s
        self.allow_loopback = allow_loopback
        self._deadline = threading.local()
        self._client = netguard.guarded_client(
            timeout_s=timeout_s,
            allow_loopback=allow_loopback,
            deadline=self._deadline,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            keepalive_expiry_s=keepalive_expiry_s,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, url: str, body: bytes, headers: dict[str, str]) -> Attempt:
        started = time.monotonic()

        def elapsed_ms() -> float:
            return round((time.monotonic() - started) * 1000, 1)

        try:
            netguard.check_url(url, allow_loopback=self.allow_loopback, label="webhook URL")
        except netguard.UnsafeURL as exc:
            return Attempt(status=None, duration_ms=elapsed_ms(), error=str(exc))

        self._deadline.at = started + self.timeout_s
        try:
            with self._client.stream("POST", url, content=body, headers=headers) as response:
                head = _read_head(response)
                status = response.status_code
                kept = {k: response.headers[k] for k in KEPT_RESPONSE_HEADERS if k in response.headers}
        except netguard.UnsafeURL as exc:
            return Attempt(status=None, duration_ms=elapsed_ms(), error=str(exc))
        except httpx.TimeoutException:
            return Attempt(
                status=None,
                duration_ms=elapsed_ms(),
                error=f"no complete answer within {self.timeout_s:g} s (timed out)",
            )
        except httpx.HTTPError as exc:
            return Attempt(status=None, duration_ms=elapsed_ms(), error=_describe(exc))
        except Exception as exc:  # noqa: BLE001 - send() never raises into the delivery job
            return Attempt(status=None, duration_ms=elapsed_ms(), error=_describe(exc))
        finally:
            self._deadline.at = None

        error = None
        if 300 <= status < 400:
            error = f"redirect not followed (Location: {kept.get('location', 'none')})"
        retry_after = parse_retry_after(kept.get("retry-after")) if status in (429, 503) else None
        return Attempt(
            status=status,
            duration_ms=elapsed_ms(),
            response_headers=kept,
            response_body_head=head,
            error=error,
            retry_after_s=retry_after,
        )


def _read_head(response: httpx.Response) -> str:
    """The first BODY_HEAD_BYTES of the body. A longer body is not read on;
    the connection is then dropped instead of returned to the pool."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= BODY_HEAD_BYTES:
                break
    except httpx.HTTPError:
        pass  # the status has arrived; the body is informative only
    return b"".join(chunks)[:BODY_HEAD_BYTES].decode("utf-8", errors="replace")


def _describe(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    text = str(exc) or (str(cause) if cause else "") or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed: {text}"
    return f"{type(exc).__name__}: {text}"


# The connect-time guard lives in core.netguard (shared with video inputs); the
# old private name stays importable.
_GuardedBackend = netguard.GuardedBackend
