"""netguard: only literal addresses and `localhost` are resolved, so these
tests send no traffic (not even DNS) beyond this machine."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import netguard
from core.netguard import UnsafeURL, check_host, check_url, refusal_kind


def test_refusal_names_the_host_not_the_address_it_resolves_to():
    with pytest.raises(UnsafeURL) as excinfo:
        check_url("http://localhost:8000/hook")
    assert str(excinfo.value) == "host localhost is refused: it resolves to a loopback address"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.5/hook", "host 10.0.0.5 is refused: it resolves to a private address"),
        ("http://172.16.3.4/", "a private address"),
        ("https://192.168.1.1:8443/x", "a private address"),
        ("http://127.0.0.1:8000/", "a loopback address"),
        ("http://127.5.6.7/", "a loopback address"),
        ("http://[::1]/", "a loopback address"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "the cloud metadata address",
        ),
        ("http://169.254.10.20/", "a link-local address"),
        ("http://[fe80::1]/", "a link-local address"),
        ("http://100.64.0.1/", "a shared (CGNAT) address"),
        ("http://100.127.255.254/", "a shared (CGNAT) address"),
        ("http://0.0.0.0/", "an unspecified address"),
        ("http://[::]/", "an unspecified address"),
        ("http://224.0.0.1/", "a multicast address"),
        ("http://[ff02::1]/", "a multicast address"),
        ("http://240.0.0.1/", "a reserved address"),
        ("http://255.255.255.255/", "a reserved address"),
        ("http://[fd00::1]/", "a private address"),
        ("http://[fd00:ec2::254]/", "a private address"),  # AWS metadata over IPv6
        ("http://192.0.2.10/", "address"),  # documentation range
        ("http://198.18.0.1/", "address"),  # benchmarking range
        ("http://[::ffff:10.0.0.1]/", "a private address"),
        ("http://[::ffff:127.0.0.1]/", "a loopback address"),
        ("http://[::ffff:169.254.169.254]/", "the cloud metadata address"),
        ("http://[64:ff9b::a9fe:a9fe]/", "the cloud metadata address"),  # NAT64
        ("http://[2002:a00:1::1]/", "a private address"),  # 6to4 of 10.0.0.1
        ("http://localhost:8000/", "a loopback address"),
        ("http://LOCALHOST/", "a loopback address"),
    ],
)
def test_refuses_non_public_addresses(url, reason):
    with pytest.raises(UnsafeURL) as excinfo:
        check_url(url)
    assert reason in str(excinfo.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://0x7f000001/",  # hex
        "http://2130706433/",  # decimal
        "http://017700000001/",  # octal
        "http://127.1/",  # short form
        "http://0177.0.0.1/",
    ],
)
def test_numeric_host_spellings_are_resolved_before_judging(url):
    with pytest.raises(UnsafeURL, match=r"resolves to a loopback address$"):
        check_url(url)
    assert check_url(url, allow_loopback=True) == ["127.0.0.1"]


def test_hex_spelling_of_a_private_address():
    with pytest.raises(UnsafeURL, match=r"host 0x0a000001 is refused: it resolves to a private address$"):
        check_url("http://0x0a000001/")


@pytest.mark.parametrize(
    ("url", "addresses"),
    [
        ("https://93.184.216.34/hook", ["93.184.216.34"]),
        ("http://8.8.8.8:9999/any/port?q=1", ["8.8.8.8"]),
        ("https://user:secret@1.1.1.1/with-credentials", ["1.1.1.1"]),
        ("https://[2606:4700:4700::1111]/", ["2606:4700:4700::1111"]),
        ("http://[64:ff9b::808:808]/", ["64:ff9b::808:808"]),  # NAT64 of 8.8.8.8
        ("HTTPS://8.8.4.4/", ["8.8.4.4"]),
    ],
)
def test_accepts_public_addresses_and_returns_them(url, addresses):
    assert check_url(url) == addresses


def test_allow_loopback_accepts_loopback_only():
    assert check_url("http://127.0.0.1:8000/", allow_loopback=True) == ["127.0.0.1"]
    assert check_url("http://[::1]:8000/", allow_loopback=True) == ["::1"]
    assert "127.0.0.1" in check_url("http://localhost/", allow_loopback=True)
    for url in (
        "http://10.0.0.5/",
        "http://169.254.169.254/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
    ):
        with pytest.raises(UnsafeURL):
            check_url(url, allow_loopback=True)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://8.8.8.8/file", "URL must use http or https"),
        ("file:///etc/passwd", "URL must use http or https"),
        ("gopher://8.8.8.8:70/", "URL must use http or https"),
        ("8.8.8.8/no-scheme", "URL must use http or https"),
        ("javascript:alert(1)", "URL must use http or https"),
        ("http:///path-only", "URL has no host"),
        ("http://8.8.8.8:99999/", "URL is not a valid URL"),
        ("http://8.8.8.8:port/", "URL is not a valid URL"),
    ],
)
def test_refuses_malformed_urls(url, message):
    with pytest.raises(UnsafeURL, match=message):
        check_url(url)


def test_label_names_the_url_in_messages():
    with pytest.raises(UnsafeURL, match="^webhook URL must use http or https$"):
        check_url("ftp://8.8.8.8/", label="webhook URL")


def test_unsafe_url_is_a_value_error():
    assert issubclass(UnsafeURL, ValueError)


def test_unresolvable_literal_is_refused_with_a_reason():
    # An all-numeric name with a bad octet is invalid without asking any DNS server.
    with pytest.raises(UnsafeURL, match="could not be resolved"):
        check_host("256.256.256.256.256")


def test_check_host_takes_bare_ipv6_literals():
    assert check_host("2606:4700:4700::1111") == ["2606:4700:4700::1111"]
    with pytest.raises(UnsafeURL, match="loopback"):
        check_host("::1", port=443)


@pytest.mark.parametrize(
    "network",
    [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "100.64.0.0/10",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "0.0.0.0/8",
    ],
)
@given(offset=st.integers(min_value=0, max_value=2**32))
def test_every_address_of_internal_ipv4_networks_is_refused(network, offset):
    net = ipaddress.ip_network(network)
    address = net[offset % net.num_addresses]
    assert refusal_kind(str(address)) is not None
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert refusal_kind(str(mapped)) is not None


@given(st.ip_addresses(v=4))
def test_public_ipv4_verdict_matches_the_iana_registry(address):
    # Python's is_global follows the IANA special-purpose registry (CGNAT is not
    # global) but calls multicast global, which we refuse.
    public = address.is_global and not address.is_multicast
    assert (refusal_kind(str(address)) is None) == public


def test_guarded_client_checks_at_connect_time():
    """The client re-checks the host when it opens a connection: a name that
    resolves to a refused address is never connected to, even when no pre-check ran."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        with (
            netguard.guarded_client(timeout_s=5, allow_loopback=False) as client,
            pytest.raises(netguard.UnsafeURL, match="loopback"),
        ):
            client.get(f"http://localhost:{port}/")
        assert hits == []
        with netguard.guarded_client(timeout_s=5, allow_loopback=True) as client:
            assert client.get(f"http://localhost:{port}/ok").status_code == 204
        assert hits == ["/ok"]
    finally:
        server.shutdown()
        server.server_close()
