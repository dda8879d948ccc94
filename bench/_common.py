"""What the benchmarks share: a throw-away workspace (VAR_DIR, media, SQLite unless BENCH_DATABASE_URL,
an embedded Redis unless REDIS_URL) whose processes stop when it closes, a free port, gunicorn started
and waited for, RQ workers, and an account on a "bench" plan whose rate limit a benchmark never reaches
(the rate-limit bookkeeping still runs on every request)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_postgres(url: str) -> None:
    """Create the PostgreSQL database ``url`` names if it does not exist."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


class Workspace:
    """``with Workspace("documents") as ws:`` — ``ws.env`` for subprocesses (also set in ``os.environ``),
    ``ws.start(...)`` for processes stopped (SIGTERM, then SIGKILL) when the block ends."""

    def __init__(self, name: str, **env: str) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
        self.env = dict(os.environ)
        self.env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "VAR_DIR": str(self.dir),
                "MEDIA_ROOT": str(self.dir / "media"),
                "SCRATCH_DIR": str(self.dir / "scratch"),
                "DATABASE_URL": self.env.get("BENCH_DATABASE_URL", f"sqlite:///{self.dir / 'db.sqlite3'}"),
                "DEBUG": "0",
                "PYTHONPATH": str(ROOT),
                **env,
            }
        )
        self.children: list[subprocess.Popen] = []

    def __enter__(self) -> Workspace:
        sys.path.insert(0, str(ROOT))
        if "REDIS_URL" not in self.env:
            from tools import embedded_redis

            socket_path = self.dir / "redis.sock"
            self.children.append(embedded_redis.start(socket_path, self.dir / "redis", persist=False))
            self.env["REDIS_URL"] = f"unix://{socket_path}"
        os.environ.update(self.env)
        return self

    def __exit__(self, *exc: object) -> None:
        for child in reversed(self.children):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in self.children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

    def setup_django(self) -> None:
        """Migrate the workspace's database and set Django up in this process."""
        subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=self.env, check=True)
        import django

        django.setup()

    def start(self, args: list[str], env: dict[str, str] | None = None, quiet: bool = True) -> subprocess.Popen:
        output = subprocess.DEVNULL if quiet else None
        process = subprocess.Popen(args, cwd=ROOT, env=env or self.env, stdout=output, stderr=output)
        self.children.append(process)
        return process

    def worker(self, *queues: str, scheduler: bool = False) -> subprocess.Popen:
        """An ``rqworker`` on ``queues`` (SimpleWorker: no fork per job), running RQ's scheduler if asked."""
        args = [PYTHON, "manage.py", "rqworker", *queues, "--worker-class", "rq.worker.SimpleWorker"]
        return self.start(args + (["--with-scheduler"] if scheduler else []))

    def gunicorn(self, app: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, int]:
        """``app`` on gunicorn (the project's config, 2 workers x 4 threads) on a free port, once it
        accepts: the process and its port."""
        port = free_port()
        process = self.start(
            [PYTHON, "-m", "gunicorn", app, "-c", "config/gunicorn.conf.py", "-b", f"127.0.0.1:{port}",
             "-w", "2", "--threads", "4", "--access-logfile", "/dev/null", "--log-level", "warning"],
            env=env, quiet=False,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return process, port
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit(f"{app} did not start") from None
                time.sleep(0.1)


def bench_plan() -> str:
    """The "bench" plan (made if missing): the business plan with a rate limit no benchmark reaches."""
    from accounts.models import Plan

    business = Plan.objects.get(code="business")
    copied = {f.name: getattr(business, f.name) for f in Plan._meta.concrete_fields if f.name not in ("id", "code")}
    Plan.objects.update_or_create(
        code="bench", defaults={**copied, "name": "Bench", "rate_limit_per_minute": 100_000_000}
    )
    return "bench"


def bench_account(name: str = "Bench", credits: int = 10**6):
    """``(account, user, issued key)``: a fresh account on the "bench" plan."""
    from accounts import services

    stamp = time.time_ns()
    return services.account_create(
        name=name,
        email=f"bench{stamp}@bench.test",
        password=f"bench password {stamp}",
        plan_code=bench_plan(),
        credits=credits,
    )
