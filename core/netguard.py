"""Refuse outgoing requests to addresses inside our own network (SSRF guard).

Shared by every feature that fetches or posts to a URL a tenant gave us:
webhooks, video inputs over HTTP, remote assets in document rendering.

`check_url` validates the URL and resolves its host; `check_host` is the
same check for a bare host name, for callers that must re-check at connect
time (the webhook transport does, so a DNS answer that changes between the
check and the connection cannot slip through).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

__all__ = ["UnsafeURL", "check_host", "check_url", "refusal_kind"]

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
            raise UnsafeURL(f"host resolves to {kind} address ({address})")
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
