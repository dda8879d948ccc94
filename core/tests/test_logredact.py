"""No secret reaches a log line: Django's handlers and gunicorn's access log."""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from core.logredact import RedactSecrets, redact

KEY = "psk_0123456789abcdef_" + "ab" * 32


@pytest.mark.parametrize(
    "line",
    [
        f"GET /api?accountID=abc&accountSecret={KEY} HTTP/1.1",
        "POST /api/upload?accountID=abc&templateID=t&templateSecret=" + "cd" * 32,
        f"unhandled error for key {KEY}",
        "Authorization: Basic YXBpOnBza18wMTIzXzQ1Njc4OQ==",
        f"Authorization: ApiKey {KEY}",
    ],
)
def test_redact_removes_every_credential_style(line):
    redacted = redact(line)
    assert "ab" * 32 not in redacted and "cd" * 32 not in redacted
    assert "YXBpOnBza18wMTIzXzQ1Njc4OQ==" not in redacted
    assert "[redacted]" in redacted


def test_the_django_console_handler_redacts_messages_and_tracebacks():
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RedactSecrets) for f in h.filters))
    try:
        raise ValueError(f"bad key {KEY}")
    except ValueError:
        record = logging.getLogger("core.rpc").makeRecord(
            "core.rpc", logging.ERROR, __file__, 1, "call with accountSecret=%s", (KEY,), sys.exc_info()
        )
    assert handler.filter(record)
    text = handler.format(record)
    assert "ab" * 32 not in text
    assert "accountSecret=[redacted]" in text and "psk_0123456789abcdef_[redacted]" in text


def test_gunicorn_access_log_redacts_query_secrets(tmp_path):
    root = Path(__file__).resolve().parents[2]
    access_log = tmp_path / "access.log"
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", str(root / "config" / "gunicorn.conf.py")]
    command += ["-b", "127.0.0.1:0", "-w", "1", "--access-logfile", str(access_log)]
    command += ["--error-logfile", str(tmp_path / "error.log"), "--log-level", "info"]
    server = subprocess.Popen(command, cwd=root, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"})
    try:
        deadline = time.monotonic() + 60
        base = None
        while base is None:
            listening = (
                [line for line in (tmp_path / "error.log").read_text().splitlines() if "Listening at:" in line]
                if (tmp_path / "error.log").exists()
                else []
            )
            if listening:
                base = listening[0].split("Listening at: ")[1].split(" ")[0]
            elif server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("gunicorn did not start")
            else:
                time.sleep(0.2)
        httpx.get(
            f"{base}/api?accountID=abc&accountSecret={KEY}", headers={"Authorization": f"ApiKey {KEY}"}, timeout=60
        )
        deadline = time.monotonic() + 10
        while "GET /api" not in access_log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    logged = access_log.read_text()
    assert "GET /api?accountID=abc&accountSecret=[redacted]" in logged
    assert "ab" * 32 not in logged
