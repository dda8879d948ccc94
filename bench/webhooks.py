"""Webhook delivery benchmark: latency from commit to receiver, and sustained throughput.

    .venv/bin/python bench/webhooks.py                      # SQLite in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/persona_bench_hooks .venv/bin/python bench/webhooks.py

Starts a fast asyncio receiver (its own process, 10 ports = 10 endpoints, answers
200 and records arrival times), an embedded Redis unless REDIS_URL is set, a fresh
database (SQLite file, or drops and recreates the PostgreSQL one), and two
``manage.py webhook_dispatcher`` processes. Then:

1. latency: N single events (one endpoint), spaced out; time from the emitting
   transaction's commit to the receiver having the request; median and p95;
2. throughput: M events x 10 endpoints committed at once; deliveries/s until the
   receiver has them all (and until the database records them all);
3. the bare figure: one thread POSTing with a keep-alive httpx client.

Targets (issue 5): median latency <= 1 s, >= 300 deliveries/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ENDPOINTS = 10


# -- the receiver (runs as its own process: `bench/webhooks.py --receiver`) ------------


def receiver_main(ports: int) -> None:
    arrivals: list[tuple[str, float]] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                now = time.time()
                lines = head.split(b"\r\n")
                method, path, _ = lines[0].split(b" ", 2)
                headers = {}
                for line in lines[1:]:
                    if b":" in line:
                        key, value = line.split(b":", 1)
                        headers[key.strip().lower()] = value.strip()
                length = int(headers.get(b"content-length", b"0"))
                if length:
                    await reader.readexactly(length)
                body = b""
                if method == b"POST":
                    arrivals.append((headers.get(b"webhook-id", b"").decode(), now))
                elif path == b"/count":
                    body = str(len(arrivals)).encode()
                elif path == b"/dump":
                    body = json.dumps(arrivals).encode()
                elif path == b"/reset":
                    arrivals.clear()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def serve() -> None:
        servers = [await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512) for _ in range(ports)]
        print(" ".join(str(s.sockets[0].getsockname()[1]) for s in servers), flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())


# -- the benchmark --------------------------------------------------------------


def start_receiver() -> tuple[subprocess.Popen, list[int]]:
    process = subprocess.Popen([PYTHON, __file__, "--receiver", str(ENDPOINTS)], stdout=subprocess.PIPE, text=True)
    ports = [int(p) for p in process.stdout.readline().split()]
    return process, ports


def fresh_database(env: dict[str, str], work: Path) -> None:
    url = env.get("DATABASE_URL")
    if not url:
        env["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
        return
    if url.startswith("postgres"):
        import psycopg

        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-events", type=int, default=200)
    parser.add_argument("--spacing-ms", type=int, default=50)
    parser.add_argument("--throughput-events", type=int, default=500, help="x 10 endpoints = deliveries")
    parser.add_argument("--dispatchers", type=int, default=2)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    env = dict(os.environ)
    env.update(
        VAR_DIR=str(work), WEBHOOKS_ALLOW_LOOPBACK="1", LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="config.settings"
    )
    children: list[subprocess.Popen] = []
    sys.path.insert(0, str(ROOT))
    try:
        if "REDIS_URL" not in env:
            from tools import embedded_redis

            socket_path = work / "redis.sock"
            children.append(embedded_redis.start(socket_path, work / "redis", persist=False))
            env["REDIS_URL"] = f"unix://{socket_path}"
        fresh_database(env, work)
        subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
        receiver, ports = start_receiver()
        children.append(receiver)

        os.environ.update(env)
        import django

        django.setup()
        import httpx
        from django.db import connection, transaction

        from accounts.services import account_create
        from templates_app.services import template_create
        from webhooks import services
        from webhooks.models import WebhookDelivery

        engine = connection.vendor
        account, _, _ = account_create(
            name="Bench", email="bench@bench.test", password="bench-password", plan_code="pro"
        )
        latency_template, load_template = (
            template_create(
                account=account,
                name=name,
                input_scripts={"elements": [{"id": "bg", "type": "rectangle", "duration": 1, "color": "#000000"}]},
                out_profiles=["MP4_H264_AAC_640x480_24fps"],
            )[0].public_id
            for name in ("latency", "load")
        )
        services.webhook_create(account=account, template_id=latency_template, url=f"http://127.0.0.1:{ports[0]}/l")
        for port in ports:
            services.webhook_create(account=account, template_id=load_template, url=f"http://127.0.0.1:{port}/t")

        for _ in range(args.dispatchers):
            children.append(subprocess.Popen([PYTHON, "manage.py", "webhook_dispatcher"], cwd=ROOT, env=env))
        control = httpx.Client(base_url=f"http://127.0.0.1:{ports[0]}", trust_env=False)

        def received() -> int:
            return int(control.get("/count").text)

        def warm_up() -> None:
            """Wait until the dispatchers answer (Django start-up is slow on a busy machine)."""
            with transaction.atomic():
                services.event_emit(
                    account=account, event="video.done", payload={"warm": 1}, template_id=latency_template
                )
            deadline = time.monotonic() + 60
            while received() < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(1.5)  # both dispatchers past their first poll
            control.get("/reset")

        def video(n: int, template: str) -> dict:
            return {
                "accountID": account.public_id,
                "description": "bench",
                "duration": 2000,
                "name": f"v{n}",
                "templateID": template,
                "outFiles": [
                    {
                        "name": f"{n}.mp4",
                        "profile": "MP4_H264_AAC_640x480_24fps",
                        "size": 27841,
                        "storage": {"sezionID": f"{n}"},
                    }
                ],
                "status": {"code": "done"},
                "date": "2026-01-01T00:00:00.000Z",
                "id": f"{n:024x}",
                "data": "",
            }

        warm_up()

        # 1. latency
        committed: dict[str, float] = {}
        for n in range(args.latency_events):
            with transaction.atomic():
                [delivery] = services.event_emit(
                    account=account,
                    event="video.done",
                    payload=video(n, latency_template),
                    template_id=latency_template,
                )
            committed[delivery.msg_id] = time.time()
            time.sleep(args.spacing_ms / 1000)
        deadline = time.monotonic() + 60
        while received() < args.latency_events and time.monotonic() < deadline:
            time.sleep(0.05)
        arrivals = dict((i, t) for i, t in reversed(control.get("/dump").json()))  # first arrival per id
        in_order = [arrivals[i] - t for i, t in committed.items() if i in arrivals]
        slow = [(n, round(v, 2)) for n, v in enumerate(in_order) if v > 0.5]
        latencies = sorted(in_order)
        median_latency = statistics.median(latencies)
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        control.get("/reset")

        # 2. throughput
        total = args.throughput_events * ENDPOINTS
        with transaction.atomic():
            for n in range(args.throughput_events):
                services.event_emit(
                    account=account, event="video.done", payload=video(n, load_template), template_id=load_template
                )
        t0 = time.time()
        deadline = time.monotonic() + 300
        while received() < total and time.monotonic() < deadline:
            time.sleep(0.05)
        dump = control.get("/dump").json()
        last_arrival = max(t for _, t in dump)
        unique = len({i for i, _ in dump})
        recorded_deadline = time.monotonic() + 120
        queryset = WebhookDelivery.objects.for_account(account).filter(
            status="delivered", webhook__template_id=load_template
        )
        while queryset.count() < total and time.monotonic() < recorded_deadline:
            time.sleep(0.1)
        all_recorded = time.time()
        rate = unique / (last_arrival - t0)
        rate_recorded = queryset.count() / (all_recorded - t0)
        control.get("/reset")

        # 3. the bare client
        body = json.dumps(video(0, load_template)).encode()
        with httpx.Client(trust_env=False) as bare:
            started = time.perf_counter()
            for _ in range(2000):
                bare.post(
                    f"http://127.0.0.1:{ports[1]}/bare", content=body, headers={"Content-Type": "application/json"}
                )
            bare_rate = 2000 / (time.perf_counter() - started)

        print(f"\nwebhooks benchmark — {engine}, {args.dispatchers} dispatchers, {ENDPOINTS} endpoints")
        print(
            f"latency commit → receiver ({len(latencies)} events, {args.spacing_ms} ms apart): "
            f"median {median_latency * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms "
            f"(target ≤ 1000 ms: {1.0 / median_latency:.1f}× better)"
        )
        if slow:
            print(f"  events over 0.5 s (index, seconds): {slow[:20]}")
        print(
            f"throughput: {unique}/{total} delivered ({len(dump) - unique} duplicates) "
            f"at {rate:.0f} deliveries/s received, {rate_recorded:.0f}/s recorded as delivered "
            f"(target ≥ 300/s: {rate / 300:.2f}×)"
        )
        print(f"bare httpx keep-alive, one thread: {bare_rate:.0f} POST/s")
        return 0
    finally:
        for child in reversed(children):  # dispatchers first, Redis last
            if child.poll() is None:
                child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--receiver":
        receiver_main(int(sys.argv[2]))
    else:
        sys.exit(main())
