"""``http`` inputs against a real HTTP server on 127.0.0.1: redirects, refusals, limits."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core import errors
from core.errors import AppError
from videos import fetch


@pytest.fixture
def server(media_samples):
    """Serves photo.jpg at /photo.jpg; /to?<url> redirects (302) to <url>."""
    photo = (media_samples / "photo.jpg").read_bytes()
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            if self.path.startswith("/to?"):
                self.send_response(302)
                self.send_header("Location", self.path[4:])
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/photo.jpg":
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(photo)))
                self.end_headers()
                self.wfile.write(photo)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    httpd.requests = requests
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_one_redirect_is_followed(server, tmp_path):
    path, info = fetch.download(f"{server.base}/to?/photo.jpg", tmp_path / "in", expected="image")
    assert info.kind == "image" and (info.width, info.height) == (64, 48)
    assert server.requests == ["/to?/photo.jpg", "/photo.jpg"]


def test_absolute_redirect_and_too_many(server, tmp_path):
    fetch.download(f"{server.base}/to?{server.base}/photo.jpg", tmp_path / "a", expected="image")
    loop = f"{server.base}/to?/to?/to?/to?/photo.jpg"
    with pytest.raises(AppError) as caught:
        fetch.download(loop, tmp_path / "b", expected="image")
    assert caught.value.entry is errors.ERROR_DOWNLOADING_MEDIAS and caught.value.data["reason"] == "too many redirects"


@pytest.mark.parametrize(
    ("target", "kind"),
    [("http://10.1.2.3/photo.jpg", "private"), ("http://169.254.169.254/latest/meta-data/", "cloud metadata")],
)
def test_redirect_to_a_refused_address_is_1011(server, tmp_path, target, kind):
    with pytest.raises(AppError) as caught:
        fetch.download(f"{server.base}/to?{target}", tmp_path / "in", expected="image")
    assert caught.value.entry.code == 1011
    assert kind in caught.value.data["reason"] and caught.value.data["url"].startswith(server.base)
    assert server.requests == [f"/to?{target}"]


def test_loopback_refused_when_not_allowed(server, tmp_path, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    with pytest.raises(AppError) as caught:
        fetch.download(f"{server.base}/photo.jpg", tmp_path / "in", expected="image")
    assert caught.value.entry.code == 1011 and "loopback" in caught.value.data["reason"]
    assert server.requests == []
