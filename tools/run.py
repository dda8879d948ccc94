"""``make run`` (``python -m tools.run``): the whole product on one machine, on its embedded defaults.

Creates var/ and its secret key on the first run, starts Redis (unless REDIS_URL
is set) and waits for it, migrates, collects static files, creates the demo
account, then the web server, an RQ worker for every queue and the webhook
dispatcher. Ctrl-C stops everything it started; data stays in var/.

Why not a Procfile run by honcho: the one-off steps must run in order, after
Redis answers and before the long-running processes start, and the embedded
Redis needs its socket path handed to every child; honcho would still need this
script (or a shell wrapper) around it, so this script stays the one place.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from tools import embedded_redis

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("VAR_DIR", ROOT / "var"))
PYTHON = sys.executable


def _secret_key() -> str:
    """The development key, kept in var/ so sessions and signed links survive a restart."""
    key_file = VAR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def listen_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The children's environment: ``PORT`` (8000 by default) and, unless set, ``PUBLIC_BASE_URL``
    following it, so links in webhook payloads and player pages point where this server listens."""
    env = dict(environ)
    port = env.setdefault("PORT", "8000")
    env.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    return env


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _stop)  # stop the children on `kill` too, not only on Ctrl-C
    VAR.mkdir(parents=True, exist_ok=True)
    env = listen_env(os.environ)
    env.setdefault("SECRET_KEY", _secret_key())
    port = env["PORT"]
    children: list[subprocess.Popen] = []
    if "REDIS_URL" not in env:
        socket_path = VAR / "redis.sock"
        children.append(embedded_redis.start(socket_path, VAR / "redis", persist=True))
        env["REDIS_URL"] = f"unix://{socket_path}"
        print(f"redis: embedded redis-server on {socket_path}")

    def manage(*args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)

    try:
        manage("migrate", "--no-input", "-v", "0")
        manage("collectstatic", "--no-input", "-v", "0")
        manage("demo_setup")
        workers = env.get("WEB_CONCURRENCY", "2")
        commands = [
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi",
                "-c",
                str(ROOT / "config" / "gunicorn.conf.py"),
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                workers,
            ],
            [PYTHON, "manage.py", "rqworker", "render", "documents", "webhooks", "default", "--with-scheduler"],
            [PYTHON, "manage.py", "webhook_dispatcher"],
        ]
        for command in commands:
            # Own sessions: Ctrl-C reaches only this script, which stops them in reverse order (Redis last).
            children.append(subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True))
        print(
            f"\n  Dashboard:  http://127.0.0.1:{port}/\n  API docs:   http://127.0.0.1:{port}/api/docs/\n"
            f"  JSON-RPC:   http://127.0.0.1:{port}/api\n  Ctrl-C stops everything.\n",
            flush=True,
        )
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("a process stopped; shutting down", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        # The web server and the workers first, Redis last: nothing loses its Redis while stopping.
        processes, redis = (children[1:], children[:1]) if "REDIS_URL" not in os.environ else (children, [])
        for group in (processes, redis):
            for child in group:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in group:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()


if __name__ == "__main__":
    sys.exit(main())
