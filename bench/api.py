"""Speed of the request path against a bare Django view on the same database and gunicorn.

    .venv/bin/python bench/api.py [--db sqlite,postgres] [--duration 3] [--rounds 2] [--requests 200]

For each database (SQLite in a scratch directory; PostgreSQL at BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/persona_bench_api, created if missing):
migrates, creates accounts and data, starts two gunicorns (2 workers x 4 threads each,
one private embedded Redis): the project, and ``bench/bare.py`` (no middleware,
``CONN_MAX_AGE=600``) on the same database. Then, interleaved so that both see the
same machine:

1. throughput: wrk (2 threads, 16 connections, ``--duration`` s) on every case, the
   references included, ``--rounds`` times; the median req/s and its ratio to the
   reference (bare ``JsonResponse`` for /healthz, the bare primary-key view otherwise),
   and the CPU ms per request of the serving processes (gunicorn, Redis, PostgreSQL
   backends) with its ratio: throughput moves with whatever else runs, CPU per request
   much less;
2. latency: ``--requests`` sequential keep-alive requests per case, one of each case
   in turn; p50 and its ratio to the reference's p50;
3. a JSON-RPC batch of 20 reads against 20 single calls (calls/s);
4. the security properties the speed must not cost: five wrong secrets lock out that
   account at this address (another account at the same address still served), and
   a free-plan account is throttled with 429 + Retry-After.

Prints each figure with its ratio to the target of issue 12. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _common import ROOT, Workspace, bench_plan, ensure_postgres, free_port

sys.path.insert(0, str(ROOT))

from tools import embedded_redis  # noqa: E402

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/persona_bench_api"
WRK = "/usr/bin/wrk"
BATCH_SIZE = 20
READ_RATIO_TARGET = 0.6
READ_P50_RATIO_TARGET = 1.6
HEALTHZ_RATIO_TARGET = 0.8
BATCH_RATIO_TARGET = 5.0
USERS = 1000


@dataclass
class Case:
    label: str
    server: str  # "bare" or "project"
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    reference: str | None = None  # the label of the case this one is compared with
    calls: int = 1  # JSON-RPC calls per request
    rps: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # of the serving processes, per request under wrk
    times_ms: list[float] = field(default_factory=list)


def seed() -> dict:
    """Inside the project's settings: accounts and rows no HTTP call creates."""
    from accounts import services
    from accounts.models import Account
    from videos.models import Video

    stamp = time.time_ns()
    accounts = {}
    for role, plan in (("main", bench_plan()), ("suspect", "bench"), ("victim", "bench"), ("free", "free")):
        account, _, issued = services.account_create(
            name=f"Bench {role}", email=f"{role}{stamp}@bench.test", password=f"bench password {stamp}", plan_code=plan
        )
        accounts[role] = {"id": account.public_id, "key": issued.raw}
    main = Account.objects.get(public_id=accounts["main"]["id"])
    video = Video.objects.create(account=main, template_public_id="0" * 24, name="bench", status=Video.Status.DONE)
    return {"accounts": accounts, "videoID": video.public_id}


def wait_until_up(base: str, process: subprocess.Popen, path: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + path, timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"gunicorn at {base} did not start") from None
            time.sleep(0.2)


def gunicorn(app: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    args = [sys.executable, "-m", "gunicorn", app, "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "4"]
    return subprocess.Popen([*args, "--log-level", "warning"], cwd=ROOT, env=env)


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"api:{key}".encode()).decode()


def rpc_body(method: str, *params: object, count: int = 1) -> str:
    calls = [{"jsonrpc": "2.0", "method": method, "params": list(params), "id": i + 1} for i in range(count)]
    return json.dumps(calls[0] if count == 1 else calls)


def wrk(
    case: Case, bases: dict[str, str], scratch: Path, duration: float, serving: Callable[[], list[int]]
) -> tuple[float, float]:
    """Requests/s under wrk, and the CPU ms per request of the ``serving()`` processes (the gunicorn,
    Redis and database backends of that server): a figure that other work on the machine barely moves.
    A database backend that ends during the run (a connection past ``CONN_MAX_AGE``) takes its CPU
    with it; one that starts counts from zero."""
    script = scratch / "wrk.lua"
    lines = [f'wrk.method = "{case.method}"']
    if case.body:
        lines.append(f"wrk.body = [==[{case.body}]==]")
    for name, value in case.headers.items():
        lines.append(f'wrk.headers["{name}"] = "{value}"')
    script.write_text("\n".join(lines) + "\n")
    url = bases[case.server] + case.path
    cpu_before = _cpu_by_pid(serving())
    output = subprocess.run(
        [WRK, "-t2", "-c16", f"-d{duration:g}s", "-s", str(script), url], capture_output=True, text=True, check=True
    ).stdout
    cpu = sum(seconds - cpu_before.get(pid, 0.0) for pid, seconds in _cpu_by_pid(serving()).items())
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        print(f"  ! {case.label}: {match.group(1)} answers were not 2xx")
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), cpu * 1000 / requests


def serving_pids(server: subprocess.Popen, others: list[int], database_url: str) -> list[int]:
    """The gunicorn master and its workers, ``others`` (Redis), and the database's backends of this
    database (PostgreSQL starts one process per connection; they live as long as the connections)."""
    pids = [server.pid, *map(int, Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()), *others]
    if database_url.startswith("postgres"):
        name = database_url.rsplit("/", 1)[1]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    title = (entry / "cmdline").read_bytes().decode(errors="replace")
                except OSError:
                    continue
                if title.startswith("postgres: ") and f" {name} " in title:
                    pids.append(int(entry.name))
    return pids


def timed(client: httpx.Client, case: Case) -> float:
    began = time.perf_counter()
    response = client.request(case.method, case.path, headers=case.headers, content=case.body or None)
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200 or (
        case.server == "project" and case.path.startswith("/api") and '"error"' in response.text
    ):
        raise SystemExit(f"{case.label}: {response.status_code} {response.text[:300]}")
    return elapsed


def security_checks(base: str, data: dict) -> None:
    main, victim, free = (data["accounts"][role] for role in ("main", "victim", "free"))
    with httpx.Client(base_url=base, timeout=30) as http:
        for _ in range(5):
            http.post(f"/api?accountID={victim['id']}&accountSecret=psk_x_wrong", content=rpc_body("Account_Get"))
        locked = http.post(
            f"/api?accountID={victim['id']}&accountSecret={victim['key']}", content=rpc_body("Account_Get")
        )
        neighbour = http.post(
            f"/api?accountID={main['id']}&accountSecret={main['key']}", content=rpc_body("Account_Get")
        )
        locked_code = locked.json().get("error", {}).get("code")
        neighbour_ok = "result" in neighbour.json()
        print(
            f"lockout: 5 wrong secrets -> the right key answers {locked_code} (1033 expected); "
            f"another account at the same address {'served' if neighbour_ok else 'REFUSED'}"
        )
        statuses = []
        left = 60 - time.time() % 60
        if left < 5:  # the rate limit's one-minute window: all 130 calls in one
            time.sleep(left + 0.1)
        for _ in range(130):
            response = http.get("/v1/account", headers={"Authorization": f"ApiKey {free['key']}"})
            statuses.append(response.status_code)
        retry_after = response.headers.get("Retry-After")
        print(
            f"throttling: free plan (120/min), 130 calls -> {statuses.count(200)} x 200, "
            f"{statuses.count(429)} x 429, last Retry-After {retry_after}"
        )


def run(database: str, args: argparse.Namespace) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="persona-bench-api-"))
    if database == "postgres":
        database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL)
        ensure_postgres(database_url)
    else:
        database_url = f"sqlite:///{scratch / 'db.sqlite3'}"
    redis_socket = scratch / "redis.sock"
    redis = embedded_redis.start(redis_socket, scratch / "redis", persist=False)
    env = {
        **os.environ,
        "VAR_DIR": str(scratch),
        "DATABASE_URL": database_url,
        "REDIS_URL": f"unix://{redis_socket}",
        "ALLOW_PLAIN_HTTP_API": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
    }
    servers: list[subprocess.Popen] = []
    try:
        python = sys.executable
        subprocess.run([python, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
        seeded = subprocess.run(
            [python, __file__, "--seed"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        data = json.loads(seeded.stdout.strip().splitlines()[-1])
        bases = {"project": f"http://127.0.0.1:{free_port()}", "bare": f"http://127.0.0.1:{free_port()}"}
        servers.append(gunicorn("config.wsgi", int(bases["project"].rsplit(":", 1)[1]), env))
        bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.bare"}
        bare_app = "django.core.wsgi:get_wsgi_application()"
        servers.append(gunicorn(bare_app, int(bases["bare"].rsplit(":", 1)[1]), bare_env))
        wait_until_up(bases["project"], servers[0], "/healthz")
        wait_until_up(bases["bare"], servers[1], "/json")

        main, suspect = data["accounts"]["main"], data["accounts"]["suspect"]
        json_headers = {"Content-Type": "application/json"}
        with httpx.Client(base_url=bases["project"], timeout=60) as http:
            rows = [{"email": f"user{i}@bench.test", "first_name": f"First{i}", "country": "FR"} for i in range(USERS)]
            created = http.post("/rest/users", json=rows, headers={"Authorization": basic(main["key"])})
            created.raise_for_status()
            user_id = created.json()[USERS // 2]
            template = http.post(
                "/v1/templates",
                json={"Name": "Bench", "Html": "<p>Hello</p>"},
                headers={"Authorization": f"ApiKey {main['key']}"},
            )
            template.raise_for_status()
            template_id = template.json()["TemplateId"]
            # One failed secret: the suspect account now pays the lockout look-up on every call.
            http.post(f"/api?accountID={suspect['id']}&accountSecret=psk_x_wrong", content=rpc_body("Account_Get"))

        rpc_url = f"/api?accountID={main['id']}&accountSecret={main['key']}"
        video_get = rpc_body("Video_Get", data["videoID"])
        cases = [
            Case("bare JsonResponse", "bare", "/json"),
            Case("bare primary-key SELECT", "bare", f"/pk/{user_id}"),
            Case("GET /healthz", "project", "/healthz", reference="bare JsonResponse"),
            Case(
                "GET /rest/users/{id} (Basic)",
                "project",
                f"/rest/users/{user_id}",
                headers={"Authorization": basic(main["key"])},
            ),
            Case(
                "GET /rest/users/where/email=... (Basic)",
                "project",
                f"/rest/users/where/email=user{USERS // 2}%40bench.test",
                headers={"Authorization": basic(main["key"])},
            ),
            Case(
                "GET /v1/templates/{id} (ApiKey)",
                "project",
                f"/v1/templates/{template_id}",
                headers={"Authorization": f"ApiKey {main['key']}"},
            ),
            Case("JSON-RPC Video_Get", "project", rpc_url, "POST", json_headers, video_get),
            Case("JSON-RPC Account_Get", "project", rpc_url, "POST", json_headers, rpc_body("Account_Get")),
            Case(
                "JSON-RPC Account_Get, account with a recent failure",
                "project",
                f"/api?accountID={suspect['id']}&accountSecret={suspect['key']}",
                "POST",
                json_headers,
                rpc_body("Account_Get"),
            ),
            Case(
                f"JSON-RPC batch of {BATCH_SIZE} Video_Get",
                "project",
                rpc_url,
                "POST",
                json_headers,
                rpc_body("Video_Get", data["videoID"], count=BATCH_SIZE),
                calls=BATCH_SIZE,
            ),
        ]
        for case in cases:
            if case.server == "project" and case.reference is None and case.calls == 1:
                case.reference = "bare primary-key SELECT"
        by_label = {case.label: case for case in cases}

        print(
            f"\n== {database}: gunicorn 2 workers x 4 threads each; wrk -t2 -c16 -d{args.duration:g}s x {args.rounds} "
            f"rounds; {args.requests} sequential requests per case; {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.1f} (other work on the machine skews every figure)"
        )
        clients = {name: httpx.Client(base_url=base, timeout=60) for name, base in bases.items()}
        try:
            for case in cases:  # warm-up: connections, caches, code paths
                for _ in range(20):
                    timed(clients[case.server], case)
            for _ in range(args.requests):
                for case in cases:
                    case.times_ms.append(timed(clients[case.server], case))
        finally:
            for client in clients.values():
                client.close()
        serving = {
            "project": lambda: serving_pids(servers[0], [redis.pid], database_url),
            "bare": lambda: serving_pids(servers[1], [], database_url),
        }
        for _ in range(args.rounds):
            for case in cases:
                rps, cpu_ms = wrk(case, bases, scratch, args.duration, serving[case.server])
                case.rps.append(rps)
                case.cpu_ms.append(cpu_ms)

        print(f"{'request':<52} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'ratio':>6} {'CPU ms':>7} {'ratio':>6}")
        for case in cases:
            rps, p50, cpu = (statistics.median(values) for values in (case.rps, case.times_ms, case.cpu_ms))
            if case.reference:
                ref = by_label[case.reference]
                ratio = rps / statistics.median(ref.rps)
                p50_ratio = p50 / statistics.median(ref.times_ms)
                cpu_ratio = cpu / statistics.median(ref.cpu_ms)
                print(
                    f"{case.label:<52} {rps:>8,.0f} {ratio:>6.2f} {p50:>7.2f} {p50_ratio:>6.2f} "
                    f"{cpu:>7.3f} {cpu_ratio:>6.2f}"
                )
            else:
                print(f"{case.label:<52} {rps:>8,.0f} {'':>6} {p50:>7.2f} {'':>6} {cpu:>7.3f}")
        single = by_label["JSON-RPC Video_Get"]
        batch = by_label[f"JSON-RPC batch of {BATCH_SIZE} Video_Get"]
        batch_ratio = statistics.median(batch.rps) * BATCH_SIZE / statistics.median(single.rps)
        print(
            f"targets: reads >= {READ_RATIO_TARGET}x bare PK throughput and p50 <= {READ_P50_RATIO_TARGET}x; "
            f"/healthz >= {HEALTHZ_RATIO_TARGET}x bare JsonResponse; batch of {BATCH_SIZE}: "
            f"{statistics.median(batch.rps) * BATCH_SIZE:,.0f} calls/s = {batch_ratio:.1f}x single calls "
            f"(target >= {BATCH_RATIO_TARGET:g}x)"
        )
        security_checks(bases["project"], data)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)
        redis.terminate()
        redis.wait(timeout=10)


class _BareRequest:
    """Marks a request of the in-process profile for the bare reference's URLconf (``bench/bare.py``)."""

    urlconf = "bench.bare"


def _cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """CPU seconds of each of ``pids`` still running."""
    found = {}
    for pid in pids:
        try:
            found[pid] = _cpu_of(pid)
        except OSError:
            continue
    return found


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) of another process on this machine, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def profile(args: argparse.Namespace) -> None:
    """Where the CPU goes, in process (a WSGI handler called directly, as gunicorn calls it): per
    case the CPU per request of this process and of Redis (and of the PostgreSQL backend), against
    the bare views of ``bench/bare.py`` run through Django with no middleware; the cost of the
    middleware (the case again through the project's URLs with none); every SQL statement, every
    Redis command (MONITOR) and cProfile's top functions by CPU time."""
    import cProfile
    import io
    import pstats

    database = args.db.split(",")[0].strip()
    env = {"ALLOW_PLAIN_HTTP_API": "1", "LOG_LEVEL": "ERROR"}
    if database == "postgres":
        env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL)
        ensure_postgres(env["DATABASE_URL"])
    with Workspace("api-profile", **env) as workspace:
        workspace.setup_django()
        import redis
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
        from django.db import connection
        from django.test.utils import override_settings

        data = seed()
        main = data["accounts"]["main"]
        bare_request = type("BareRequest", (_BareRequest, WSGIRequest), {})

        def handler_with(middleware: list[str], *, bare: bool = False) -> WSGIHandler:
            with override_settings(MIDDLEWARE=middleware):
                handler = WSGIHandler()
            if bare:
                handler.request_class = bare_request
            return handler

        def call(handler: WSGIHandler, method: str, path: str, headers: dict[str, str], body: str) -> tuple[int, bytes]:
            path, _, query = path.partition("?")
            raw = body.encode()
            environ = {
                "REQUEST_METHOD": method,
                "PATH_INFO": path,
                "RAW_URI": path + (f"?{query}" if query else ""),
                "QUERY_STRING": query,
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "8000",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "REMOTE_ADDR": "127.0.0.1",
                "HTTP_HOST": "127.0.0.1:8000",
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(raw),
                "CONTENT_LENGTH": str(len(raw)),
                "CONTENT_TYPE": headers.get("Content-Type", ""),
                **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()},
            }
            statuses = []
            response = handler(environ, lambda status, _headers: statuses.append(status))
            content = b"".join(response)
            response.close()
            return int(statuses[0].split()[0]), content

        full = handler_with(list(settings.MIDDLEWARE))
        no_middleware = handler_with([])
        bare = handler_with([], bare=True)
        basic_auth = {"Authorization": basic(main["key"])}
        rows = json.dumps([{"email": f"user{i}@bench.test", "first_name": f"First{i}"} for i in range(USERS)])
        _, created = call(full, "POST", "/rest/users", {**basic_auth, "Content-Type": "application/json"}, rows)
        user_id = json.loads(created)[USERS // 2]
        apikey = {"Authorization": f"ApiKey {main['key']}"}
        json_headers = {"Content-Type": "application/json"}
        template = {"Name": "Bench", "Html": "<p>Hello</p>"}
        _, created = call(full, "POST", "/v1/templates", {**apikey, **json_headers}, json.dumps(template))
        template_id = json.loads(created)["TemplateId"]
        rpc_url = f"/api?accountID={main['id']}&accountSecret={main['key']}"
        pk = "bare primary-key SELECT"
        # (label, bare reference, method, path, headers, body)
        cases = [
            ("bare JsonResponse", None, "GET", "/json", {}, ""),
            (pk, None, "GET", f"/pk/{user_id}", {}, ""),
            ("GET /healthz", "bare JsonResponse", "GET", "/healthz", {}, ""),
            ("GET /rest/users/{id} (Basic)", pk, "GET", f"/rest/users/{user_id}", basic_auth, ""),
            (
                "GET /rest/users/where/email=...",
                pk,
                "GET",
                f"/rest/users/where/email=user{USERS // 2}%40bench.test",
                basic_auth,
                "",
            ),
            ("GET /v1/templates/{id} (ApiKey)", pk, "GET", f"/v1/templates/{template_id}", apikey, ""),
            ("JSON-RPC Video_Get", pk, "POST", rpc_url, json_headers, rpc_body("Video_Get", data["videoID"])),
            ("JSON-RPC Account_Get", pk, "POST", rpc_url, json_headers, rpc_body("Account_Get")),
        ]
        monitor_client = redis.Redis.from_url(settings.REDIS_URL)
        redis_pid = int(monitor_client.info("server")["process_id"])
        backend_pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend_pid = cursor.fetchone()[0]
        servers = [redis_pid] + ([backend_pid] if backend_pid else [])

        def measure(handler: WSGIHandler, case: tuple) -> tuple[float, float, float, int]:
            """Per request over ``args.requests`` requests: this process's CPU ms, Redis's and
            the database backend's CPU ms, wall ms; and the last status."""
            _, _, method, path, headers, body = case
            for _ in range(20):
                call(handler, method, path, headers, body)
            status = 0
            servers_before = sum(_cpu_of(pid) for pid in servers)
            cpu_before, wall_before = time.process_time(), time.perf_counter()
            for _ in range(args.requests):
                status, _ = call(handler, method, path, headers, body)
            cpu = (time.process_time() - cpu_before) * 1000 / args.requests
            wall = (time.perf_counter() - wall_before) * 1000 / args.requests
            server = (sum(_cpu_of(pid) for pid in servers) - servers_before) * 1000 / args.requests
            return cpu, server, wall, status

        print(
            f"\n== in process on {connection.vendor}: {args.requests} requests per figure, "
            f"load average {os.getloadavg()[0]:.1f}. CPU ms per request: this process (x the bare "
            "reference), Redis + database server; the same case with no middleware at all"
        )
        print(
            f"{'request':<40} {'CPU ms':>7} {'x bare':>7} {'servers':>8} {'wall ms':>8} "
            f"{'no mw':>7} {'mw ms':>7} {'status':>6}"
        )
        results: dict[str, float] = {}
        for case in cases:
            label, reference = case[0], case[1]
            cpu, server, wall, status = measure(bare if reference is None else full, case)
            results[label] = cpu
            if reference is None:
                print(f"{label:<40} {cpu:>7.3f} {'':>7} {server:>8.3f} {wall:>8.3f} {'':>7} {'':>7} {status:>6}")
                continue
            stripped = measure(no_middleware, case)[0]
            print(
                f"{label:<40} {cpu:>7.3f} {cpu / results[reference]:>7.2f} {server:>8.3f} {wall:>8.3f} "
                f"{stripped:>7.3f} {cpu - stripped:>7.3f} {status:>6}"
            )

        queries: list[str] = []

        def record(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        for label, reference, method, path, headers, body in cases:
            if reference is None:
                continue
            commands: list[str] = []
            queries.clear()
            with monitor_client.monitor() as monitor:
                with connection.execute_wrapper(record):
                    call(full, method, path, headers, body)
                monitor_client.echo("bench-end")
                while (command := monitor.next_command()["command"]) != "ECHO bench-end":
                    commands.append(command[:90])
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.requests):
                call(full, method, path, headers, body)
            profiler.disable()
            print(f"\n== {label}: SQL ({len(queries)}), Redis ({len(commands)})")
            for query in queries:
                print(f"  SQL {query[:150]}")
            for command in commands:
                print(f"  Redis {command}")
            if args.dump:
                profiler.dump_stats(Path(args.dump) / f"{re.sub(r'[^a-z0-9]+', '-', label.lower()).strip('-')}.prof")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--duration", type=float, default=3, help="seconds of wrk per case and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per case")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="in process (the first --db): CPU per request against bare and without middleware, SQL, Redis, cProfile",
    )
    parser.add_argument("--dump", help="with --profile: a directory to write each case's cProfile stats to")
    parser.add_argument("--top", type=int, default=25, help="with --profile: cProfile's top functions per case")
    args = parser.parse_args()
    if args.seed:
        import django

        django.setup()
        print(json.dumps(seed()))
        return 0
    if args.profile:
        profile(args)
        return 0
    for database in args.db.split(","):
        run(database.strip(), args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
