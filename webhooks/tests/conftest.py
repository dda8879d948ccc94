"""A real HTTP receiver on 127.0.0.1 and an independent Standard Webhooks verifier."""

from __future__ import annotations

import base64
import hashlib
import hmac
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

VIDEO = {
    "accountID": "533154e50fa92a6755582c8c",
    "description": "Test video for webhoook",
    "duration": 2000,
    "name": "Test video",
    "templateID": "533155ec0fa92a6755582c8e",
    "outFiles": [
        {
            "name": "5331669c0fa92a6755582c9e.MP4_H264_AAC_640x480.mp4",
            "profile": "MP4_H264_AAC_640x480_24fps",
            "size": 27841,
            "storage": {"sezionID": "5331669c0fa92a6755582c9e.MP4_H264_AAC_640x480_24fps"},
        }
    ],
    "status": {"code": "done"},
    "date": "2014-03-25T11:21:00.047Z",
    "id": "5331669c0fa92a6755582c9e",
    "data": "String passed as data parameter — ünïcode",
}
TEMPLATE_ID = VIDEO["templateID"]


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks verification written from the spec, by hand."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [part.split(",", 1)[1] for part in headers["webhook-signature"].split(" ") if part.startswith("v1,")]
    return any(hmac.compare_digest(expected, sig) for sig in offered)


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    port: int
    requests: list[Request] = field(default_factory=list)
    # path -> statuses to answer in turn (the last one repeats); default 200
    answers: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    # path -> seconds to hold each request before answering, in turn
    delays: dict[str, list[float]] = field(default_factory=dict)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.requests]


@pytest.fixture
def receiver():
    state = Receiver(port=0)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state.requests.append(
                    Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.time())
                )
                queue = state.answers.get(self.path) or [(200, {})]
                status, headers = queue.pop(0) if len(queue) > 1 else queue[0]
                delay = state.delays[self.path].pop(0) if state.delays.get(self.path) else 0.0
            time.sleep(delay)
            payload = b"thanks" if status < 300 else f"status {status}".encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def dead_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


@pytest.fixture(autouse=True)
def video_template(request):
    """The tenant's video template that TEMPLATE_ID names (webhooks hang off templates)."""
    if "tenant" not in request.fixturenames:
        return None
    return make_template(request.getfixturevalue("tenant").account, TEMPLATE_ID)


def make_template(account, public_id: str | None = None):
    from accounts.secrets import new_public_id
    from templates_app.models import VideoTemplate

    return VideoTemplate.objects.create(
        account=account,
        public_id=public_id or new_public_id(),
        name="Webhook test",
        input_scripts={"elements": [{"id": "bg", "type": "rectangle", "duration": 1, "color": "#000000"}]},
        out_profiles=["MP4_H264_AAC_640x480_24fps"],
        secret_hash="0" * 64,
    )
