"""Refuse outgoing requests to addresses inside our own network (SSRF guard).

Shared by every feature that fetches or posts to a URL a tenant gave us:
webhooks, video inputs over HTTP, remote assets in document rendering.

`check_url` validates the URL and resolves its host; `check_host` is the
same check for a bare host name. `guarded_client` is the httpx client every
such feature uses: its network backend runs `check_host` again on every new
connection and connects only to the addresses that check approved, so a DNS
answer that changes between the check and the connection (DNS rebinding)
cannot reach our network.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

__all__ = ["GuardedBackend", "UnsafeURL", "check_host", "check_url", "guarded_client", "refusal_kind"]

_ALLOWED_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_METADATA = ipaddress.ip_address("169.254.169.254")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeURL(ValueError):
    """The URL must not be fetched; the message is meant for the person who typed it."""


def check_url(url: str, *, allow_loopback: bool = False, label: str = "URL") -> list[str]:
    """Validate `url` and return the addresses its host resolves to.

    Raises UnsafeURL if the scheme is not http(s), the host is missing or
    unresolvable, or any resolved address is not a public one. Loopback is
    accepted only with `allow_loopback` (development and tests).
    `label` names the URL in messages ("webhook URL must use http or https").
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(f"{label} is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _ALLOWED_SCHEMES:
        raise UnsafeURL(f"{label} must use http or https")
    if not parts.hostname:
        raise UnsafeURL(f"{label} has no host")
    return check_host(
        parts.hostname,
        port=port or _DEFAULT_PORTS[scheme],
        allow_loopback=allow_loopback,
    )


def check_host(host: str, *, port: int = 0, allow_loopback: bool = False) -> list[str]:
    """Resolve `host` (a name or an IP literal, without brackets) and refuse
    it if any address is not public. Returns the addresses, in resolver order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise UnsafeURL(f"host {host} could not be resolved ({reason})") from None
    addresses: list[str] = []
    for *_, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeURL(f"host {host} could not be resolved")
    for address in addresses:
        kind = refusal_kind(address, allow_loopback=allow_loopback)
        if kind is not None:
            # The host as given and the kind of address, never the address itself:
            # a tenant must not map internal DNS through our refusals.
            raise UnsafeURL(f"host {host} is refused: it resolves to {kind} address")
    return addresses


def refusal_kind(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why `address` is refused ("a private", "the cloud metadata", ...), or
    None when it is a public address (or loopback with `allow_loopback`)."""
    # getaddrinfo may return a scoped IPv6 address ("fe80::1%eth0").
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:a.b.c.d and NAT64's 64:ff9b::a.b.c.d reach a.b.c.d: judge that.
        if ip.ipv4_mapped is not None:
            return refusal_kind(str(ip.ipv4_mapped), allow_loopback=allow_loopback)
        if ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            return refusal_kind(str(embedded), allow_loopback=allow_loopback)
        # 6to4 relays route 2002:aabb:ccdd::/48 to a.b.c.d.
        if ip.sixtofour is not None:
            kind = refusal_kind(str(ip.sixtofour), allow_loopback=allow_loopback)
            if kind is not None:
                return kind
    if ip.is_loopback:
        return None if allow_loopback else "a loopback"
    if ip == _METADATA:
        return "the cloud metadata"
    if ip.version == 4 and ip in _CGNAT:
        return "a shared (CGNAT)"
    if ip.is_unspecified:
        return "an unspecified"
    if ip.is_link_local:
        return "a link-local"
    if ip.is_multicast:
        return "a multicast"
    if ip.is_reserved:
        return "a reserved"
    if ip.is_private:
        return "a private"
    if not ip.is_global:
        return "a non-public"
    return None


# -- the connect-time guard ----------------------------------------------------


def guarded_client(
    *,
    timeout_s: float,
    allow_loopback: bool = False,
    deadline: threading.local | None = None,
    max_connections: int = 20,
    max_keepalive_connections: int = 10,
    keepalive_expiry_s: float = 30.0,
) -> httpx.Client:
    """An httpx client that connects only to addresses `check_host` accepts.

    Redirects are not followed (a caller that follows them checks each hop).
    `deadline`, when given, is a thread-local whose ``at`` (a ``time.monotonic``
    value, or None) caps every socket operation: a total time limit per request.
    Environment proxies are ignored: a proxy would connect for us, unguarded.
    """
    backend = GuardedBackend(allow_loopback=allow_loopback, deadline=deadline or threading.local())
    pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=max_connections,
        max_keepalive_connections=max_keepalive_connections,
        keepalive_expiry=keepalive_expiry_s,
        http1=True,
        http2=False,
        retries=0,
        network_backend=backend,
    )
    return httpx.Client(
        transport=_PoolTransport(pool),
        follow_redirects=False,
        timeout=httpx.Timeout(timeout_s),
        trust_env=False,
    )


class _PoolTransport(httpx.HTTPTransport):
    """httpx's transport over a pool we build: httpx takes no network backend
    argument, and its transport only ever uses `self._pool`. super().__init__
    is skipped on purpose: it would build a second, unused pool."""

    def __init__(self, pool: httpcore.ConnectionPool) -> None:
        self._pool = pool


class GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses netguard accepts, within the deadline."""

    def __init__(self, *, allow_loopback: bool, deadline: threading.local) -> None:
        self._allow_loopback = allow_loopback
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        addresses = check_host(host, port=port, allow_loopback=self._allow_loopback)
        failure: httpcore.ConnectError | None = None
        for address in addresses:  # the approved addresses themselves, never the name again
            try:
                stream = super().connect_tcp(
                    address,
                    port,
                    timeout=_clamp(self._deadline, timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                failure = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        assert failure is not None
        raise failure


class _DeadlineStream(httpcore.NetworkStream):
    """Caps every socket operation at the time left before the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: threading.local) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(self._deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(self._deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamp(self._deadline, timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _clamp(deadline: threading.local, timeout: float | None, expired: type[Exception]) -> float | None:
    at = getattr(deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise expired("the total time limit has passed")
    return left if timeout is None else min(timeout, left)
