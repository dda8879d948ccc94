"""Seed 004 at scale: load users through /rest and time the look-ups.

    .venv/bin/python bench/personalization.py [--rows 1000000] [--threads 4]

On PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/persona_bench,
created if missing): migrates, creates a fresh account, starts gunicorn
(2 workers x 4 threads) with a private embedded Redis, then

1. POSTs the users in arrays of 1000 over keep-alive connections and prints rows/s;
2. times 1000 GET /rest/users/where/email=... and 1000 GET /rest/users/{id}
   one after another on a warm server (p50, p99);
3. times one unindexed GET /rest/users/where/first_name=... (a full scan).

Prints each figure with its ratio to the issue's target. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import threading
import time
from urllib.parse import urlsplit

import httpx
import psycopg
from _common import Workspace, bench_account, ensure_postgres

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/persona_bench"
BATCH = 1000
TARGET_ROWS_PER_S = 25_000
TARGET_P50_MS = 5.0
TARGET_P99_MS = 20.0
COUNTRIES = ["FR", "DE", "US", "GB", "ES", "IT", "NL", "BR", "JP", "IN"]


def user_row(index: int) -> dict:
    return {
        "email": f"user{index}@bench.test",
        "internal_id": f"u{index}",
        "first_name": f"First{index % 50_000}",
        "last_name": f"Last{index % 7919}",
        "country": COUNTRIES[index % len(COUNTRIES)],
        "tags": ["bench", "vip"] if index % 10 == 0 else ["bench"],
        "attributes": {"score": index % 100, "plan": "free"},
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def load(base: str, auth: httpx.BasicAuth, rows: int, threads: int, prefix: int) -> tuple[float, list[int]]:
    batches = list(range(0, rows, BATCH))
    ids: dict[int, list[int]] = {}
    lock = threading.Lock()
    errors: list[str] = []

    def worker() -> None:
        with httpx.Client(base_url=base, auth=auth, timeout=120) as http:
            while True:
                with lock:
                    if not batches or errors:
                        return
                    start = batches.pop(0)
                body = json.dumps([user_row(prefix + i) for i in range(start, min(start + BATCH, rows))])
                response = http.post("/rest/users", content=body, headers={"Content-Type": "application/json"})
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.text[:200]}")
                    return
                ids[start] = response.json()

    began = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(f"load failed: {errors[0]}")
    return elapsed, [i for start in sorted(ids) for i in ids[start]]


def timed_gets(http: httpx.Client, paths: list[str]) -> list[float]:
    for path in paths[:50]:  # warm-up: connections, caches, code paths
        http.get(path).raise_for_status()
    times = []
    for path in paths:
        began = time.perf_counter()
        response = http.get(path)
        times.append((time.perf_counter() - began) * 1000)
        response.raise_for_status()
        if not response.content.startswith(b"[{") and not response.content.startswith(b"{"):
            raise SystemExit(f"unexpected answer to {path}: {response.text[:200]}")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=4, help="concurrent loading connections")
    parser.add_argument("--lookups", type=int, default=1000)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith("postgres"):
        raise SystemExit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_postgres(database_url)
    settings = {"DATABASE_URL": database_url, "ALLOW_PLAIN_HTTP_API": "1", "LOG_LEVEL": "WARNING"}
    with Workspace("personalization", **settings) as workspace:
        workspace.setup_django()
        key = bench_account()[2].raw
        _, port = workspace.gunicorn("config.wsgi")
        base = f"http://127.0.0.1:{port}"
        auth = httpx.BasicAuth("api", key)

        print(
            f"PostgreSQL {urlsplit(database_url).path.lstrip('/')}, gunicorn 2 workers x 4 threads, "
            f"{args.threads} loading connections, {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.1f} (other work on the machine skews every figure)"
        )
        elapsed, ids = load(base, auth, args.rows, args.threads, prefix=0)
        rate = len(ids) / elapsed
        print(
            f"load: {len(ids):,} users in {elapsed:.1f} s = {rate:,.0f} rows/s "
            f"(target >= {TARGET_ROWS_PER_S:,}: x{rate / TARGET_ROWS_PER_S:.2f})"
        )

        # A fresh million-row load sets PostgreSQL's autovacuum to work on both cores right
        # when the look-ups start; settle the table first, as an operator would after a bulk load.
        began = time.perf_counter()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE) personalization_visitoruser")
        print(f"VACUUM (ANALYZE) after the load: {time.perf_counter() - began:.1f} s (not part of any figure)")

        rng = random.Random(4)
        picks = [rng.randrange(len(ids)) for _ in range(args.lookups)]
        with httpx.Client(base_url=base, auth=auth, timeout=60) as http:
            results = {
                "GET /rest/users/where/email=...": timed_gets(
                    http, [f"/rest/users/where/email=user{i}%40bench.test" for i in picks]
                ),
                "GET /rest/users/{id}": timed_gets(http, [f"/rest/users/{ids[i]}" for i in picks]),
            }
            for label, times in results.items():
                p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
                print(
                    f"{label}: p50 {p50:.2f} ms (target <= {TARGET_P50_MS:g}: x{TARGET_P50_MS / p50:.2f}), "
                    f"p99 {p99:.2f} ms (target <= {TARGET_P99_MS:g}: x{TARGET_P99_MS / p99:.2f}), "
                    f"mean {statistics.mean(times):.2f} ms over {len(times)}"
                )
            # The first one also counts the account's rows (cached for a minute) to know it is slow.
            for label, name in (("first, with the table count", "First12345"), ("second", "First23456")):
                began = time.perf_counter()
                response = http.get(f"/rest/users/where/first_name={name}/column/id")
                scan_ms = (time.perf_counter() - began) * 1000
                found = len(response.json()) if response.status_code == 200 else 0
                print(
                    f"unindexed GET /rest/users/where/first_name={name} ({label}): {scan_ms:.0f} ms, "
                    f"status {response.status_code}, {found} rows"
                )
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
