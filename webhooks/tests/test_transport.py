"""Transport against a real HTTP receiver on 127.0.0.1, and the retry schedule."""

import json
import random
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from core.netguard import UnsafeURL
from webhooks.transport import (
    RETRY_SCHEDULE_S,
    Attempt,
    Sender,
    _GuardedBackend,
    default_headers,
    next_attempt_delay,
    parse_retry_after,
)

BODY = json.dumps({"id": "v1", "status": {"code": "done"}}).encode()
HEADERS = default_headers("Acme")


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True  # head and body go out as two writes
    # (path, client port, headers, body) of every request, shared by the module
    requests: ClassVar[list] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.requests.append((self.path, self.client_address[1], dict(self.headers), body))
        if self.path == "/slow":
            time.sleep(1.5)
            return self.answer(200, b"late")
        if self.path == "/drip":  # answers at once, then trickles its body
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.05)
            return None
        routes = {
            "/ok": (200, {}, b"thanks"),
            "/created": (201, {}, b""),
            "/error": (500, {}, b"boom"),
            "/gone": (410, {}, b"endpoint removed"),
            "/busy": (429, {"Retry-After": "7"}, b"slow down"),
            "/down": (
                503,
                {"Retry-After": format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)},
                b"",
            ),
            "/redirect": (302, {"Location": "/target"}, b""),
            "/target": (200, {}, b"should not be reached"),
            "/big": (200, {}, "é".encode() * 3000),
        }
        status, headers, payload = routes.get(self.path, (404, {}, b"no route"))
        return self.answer(status, payload, headers)

    def answer(self, status, payload, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def received(server):
    Receiver.requests.clear()
    return Receiver.requests


@pytest.fixture
def sender():
    with Sender(allow_loopback=True, timeout_s=5) as s:
        yield s


def test_ok_posts_the_body_with_the_contract_headers(server, received, sender):
    attempt = sender.send(f"{server}/ok", BODY, HEADERS)
    assert attempt.ok and attempt.status == 200 and attempt.error is None
    assert attempt.response_body_head == "thanks"
    assert attempt.response_headers["content-length"] == "6"
    assert attempt.duration_ms > 0
    ((path, _, headers, body),) = received
    assert path == "/ok" and body == BODY
    assert headers["User-Agent"] == "Acme-Webhooks/1.0"
    assert headers["Content-Type"] == "application/json"
    assert headers["Accept"] == "*/*"


def test_any_2xx_is_ok(server, received, sender):
    assert sender.send(f"{server}/created", BODY, HEADERS).ok


@pytest.mark.parametrize(
    ("path", "status", "head"),
    [("/error", 500, "boom"), ("/gone", 410, "endpoint removed")],
)
def test_error_statuses_are_failures_without_retry_after(server, received, sender, path, status, head):
    attempt = sender.send(server + path, BODY, HEADERS)
    assert (attempt.ok, attempt.status, attempt.response_body_head) == (
        False,
        status,
        head,
    )
    assert attempt.error is None and attempt.retry_after_s is None


def test_429_retry_after_seconds(server, received, sender):
    attempt = sender.send(f"{server}/busy", BODY, HEADERS)
    assert (attempt.ok, attempt.status, attempt.retry_after_s) == (False, 429, 7.0)
    assert attempt.response_headers["retry-after"] == "7"


def test_503_retry_after_http_date(server, received, sender):
    attempt = sender.send(f"{server}/down", BODY, HEADERS)
    assert attempt.status == 503 and not attempt.ok
    assert 110 <= attempt.retry_after_s <= 121


def test_redirect_is_a_failure_and_is_not_followed(server, received, sender):
    attempt = sender.send(f"{server}/redirect", BODY, HEADERS)
    assert attempt.status == 302 and not attempt.ok
    assert attempt.error == "redirect not followed (Location: /target)"
    assert [path for path, *_ in received] == ["/redirect"]


def test_slow_receiver_times_out():
    # Its own server: the sleeping handler must not hold up other tests.
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with Sender(allow_loopback=True, timeout_s=0.5) as sender:
            started = time.monotonic()
            attempt = sender.send(f"http://127.0.0.1:{httpd.server_address[1]}/slow", BODY, HEADERS)
            assert time.monotonic() - started < 1.2
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert attempt.status is None and not attempt.ok
    assert "timed out" in attempt.error and "0.5 s" in attempt.error


def test_timeout_is_total_not_per_read(server, received):
    # 100 bytes, one every 50 ms: each read is quick, the whole takes 5 s.
    with Sender(allow_loopback=True, timeout_s=0.5) as sender:
        started = time.monotonic()
        attempt = sender.send(f"{server}/drip", BODY, HEADERS)
        assert time.monotonic() - started < 1.2
    # The status arrived in time; the body is informative only.
    assert attempt.status == 200 and len(attempt.response_body_head) < 100


def test_connection_refused(sender):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    attempt = sender.send(f"http://127.0.0.1:{port}/", BODY, HEADERS)
    assert attempt.status is None and not attempt.ok
    assert attempt.error.startswith("connection failed") and "refused" in attempt.error.lower()


def test_body_head_is_truncated_to_1024_bytes(server, received, sender):
    attempt = sender.send(f"{server}/big", BODY, HEADERS)
    assert attempt.ok
    # 1024 bytes of two-byte characters: 512 whole ones, nothing cut in half.
    assert attempt.response_body_head == "é" * 512


def test_keep_alive_reuses_connections(server, received, sender):
    for _ in range(50):
        assert sender.send(f"{server}/ok", BODY, HEADERS).ok
    assert len(received) == 50
    assert len({port for _, port, *_ in received}) <= 2


def test_unsafe_url_is_refused_before_any_request(server, received):
    with Sender(allow_loopback=False) as sender:
        attempt = sender.send(f"{server}/ok", BODY, HEADERS)
        refused = sender.send("ftp://8.8.8.8/", BODY, HEADERS)
    assert attempt.status is None and not attempt.ok
    assert attempt.error == "host 127.0.0.1 is refused: it resolves to a loopback address"
    assert refused.error == "webhook URL must use http or https"
    assert received == []


def test_connect_time_guard_refuses_what_the_pre_check_would():
    # The second line of defence: the backend re-resolves at connect time, so a
    # DNS answer that turns private after check_url cannot be connected to.
    backend = _GuardedBackend(allow_loopback=False, deadline=threading.local())
    with pytest.raises(UnsafeURL, match="loopback"):
        backend.connect_tcp("localhost", 80)


def test_attempt_ok_needs_2xx_and_no_error():
    assert Attempt(status=204, duration_ms=1).ok
    assert not Attempt(status=302, duration_ms=1, error="redirect not followed (Location: /)").ok
    assert not Attempt(status=None, duration_ms=1, error="connection failed").ok


# --- retry schedule -------------------------------------------------------


def test_schedule_is_the_documented_one():
    assert RETRY_SCHEDULE_S == [
        0,
        5,
        300,
        1800,
        7200,
        18000,
        36000,
        50400,
        72000,
        86400,
    ]


def test_delay_after_each_attempt_is_the_next_scheduled_one_within_10_percent():
    rng = random.Random(42)
    for failed in range(1, 10):
        scheduled = RETRY_SCHEDULE_S[failed]
        for _ in range(200):
            delay = next_attempt_delay(failed, retry_after_s=None, rng=rng)
            assert scheduled * 0.9 <= delay <= scheduled * 1.1


def test_jitter_spreads_delays():
    rng = random.Random(7)
    delays = {next_attempt_delay(3, retry_after_s=None, rng=rng) for _ in range(50)}
    assert len(delays) == 50
    assert min(delays) < 1800 < max(delays)


def test_seeded_rng_gives_repeatable_delays():
    first = [next_attempt_delay(n, retry_after_s=None, rng=random.Random(1)) for n in range(1, 10)]
    again = [next_attempt_delay(n, retry_after_s=None, rng=random.Random(1)) for n in range(1, 10)]
    assert first == again


def test_gives_up_after_the_tenth_attempt():
    rng = random.Random(0)
    assert next_attempt_delay(10, retry_after_s=None, rng=rng) is None
    assert next_attempt_delay(11, retry_after_s=3600, rng=rng) is None
    with pytest.raises(ValueError):
        next_attempt_delay(0, retry_after_s=None, rng=rng)


def test_retry_after_wins_when_longer_and_is_capped_at_a_day():
    rng = random.Random(0)
    assert next_attempt_delay(1, retry_after_s=7, rng=rng) == 7
    assert next_attempt_delay(1, retry_after_s=120, rng=rng) == 120
    assert next_attempt_delay(2, retry_after_s=10 * 86400, rng=rng) == 86400
    shorter = next_attempt_delay(3, retry_after_s=60, rng=rng)
    assert 1620 <= shorter <= 1980  # the schedule's 30 min, not 60 s
    last = next_attempt_delay(9, retry_after_s=10, rng=rng)
    assert 77760 <= last <= 95040


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("7", 7.0),
        (" 30 ", 30.0),
        ("1.5", 1.5),
        ("-5", 0.0),
        ("soon", None),
        ("nan", None),
    ],
)
def test_parse_retry_after_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date():
    now = datetime(2024, 3, 25, 11, 21, 0, tzinfo=UTC)
    assert parse_retry_after("Mon, 25 Mar 2024 11:23:00 GMT", now=now) == 120.0
    assert parse_retry_after("Mon, 25 Mar 2024 11:00:00 GMT", now=now) == 0.0
