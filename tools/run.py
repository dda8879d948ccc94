"""``make run``: the whole product on one machine, on its embedded defaults.

Starts Redis (unless REDIS_URL is set), migrates, creates the demo account on
the first run, then the web server, an RQ worker for every queue and the
webhook dispatcher. Ctrl-C stops everything it started; data stays in var/.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("VAR_DIR", ROOT / "var"))
PYTHON = sys.executable


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _stop)  # stop the children on `kill` too, not only on Ctrl-C
    sys.path.insert(0, str(ROOT))
    from tools import embedded_redis

    env = dict(os.environ)
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
        port = env.get("PORT", "8000")
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
        ]
        if (ROOT / "webhooks" / "management" / "commands" / "webhook_dispatcher.py").exists():
            commands.append([PYTHON, "manage.py", "webhook_dispatcher"])
        for command in commands:
            children.append(subprocess.Popen(command, cwd=ROOT, env=env))
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
        for child in reversed(children):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in reversed(children):
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


if __name__ == "__main__":
    sys.exit(main())
