"""Campaigns at scale: ``.venv/bin/python bench/campaign.py [--users 1000000] [--recipients 1000] [--links 100000]``.

On PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/persona_campaign_bench,
created if missing) with a private embedded Redis: migrates, makes a fresh account with
``--users`` seed-004 users (COPY), a 3-second 640x480 video template saying ``Hello $first_name``,
then starts gunicorn (2 workers x 4 threads) and two ``rqworker render default`` processes
(SimpleWorker) and measures:

1. a render campaign of ``--recipients`` users selected by ``where`` (``country=ZZ``):
   recipients/minute against bare ffmpeg running the same graphs back to back on two cores
   (two threads, each one ffmpeg at a time; the mean of a run just before and one just after),
   and the time from POST to the first recipient done;
2. the RSS of the web and worker processes over the run (first, peak, last sample);
3. a link campaign of ``--links`` users (``country=LL``) and the time to stream its links CSV,
   with the web processes' RSS while it streams.

Prints each figure with its target. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import statistics
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psutil
from _common import Workspace, bench_account, ensure_postgres

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/persona_campaign_bench"
PROFILE = "MP4_H264_AAC_640x480_24fps"
SCRIPT = {
    "width": 640,
    "height": 480,
    "background": "#1E3A6E",
    "elements": [
        {"id": "hi", "type": "text", "text": "Hello $first_name", "duration": 3, "size": 48, "fadeIn": 0.5},
    ],
}
COUNTRIES = ["FR", "DE", "US", "GB", "ES", "IT", "NL", "BR", "JP", "IN"]
NAMES = ["Ana", "Bruno", "Carla", "Dirk", "Eva", "Femi", "Giulia", "Hiro", "Ines", "Jonas", "Kemal", "Lea"]


def load_users(account_id: int, users: int, recipients: int, links: int) -> float:
    """COPY ``users`` rows: ``recipients`` of them in country ZZ, ``links`` in LL, the rest spread out."""
    from django.db import connection

    every = max(users // max(recipients, 1), 1)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        copy_sql = (
            "COPY personalization_visitoruser (account_id, email, first_name, last_name, country, tags, attributes, created)"
            " FROM STDIN"
        )
        with raw.copy(copy_sql) as copy:
            chosen = 0
            for index in range(users):
                if index % every == 0 and chosen < recipients:
                    country, chosen = "ZZ", chosen + 1
                elif index % 10 == 1 and index // 10 < links:
                    country = "LL"
                else:
                    country = COUNTRIES[index % len(COUNTRIES)]
                copy.write_row(
                    (account_id, f"user{index}@bench.test", NAMES[index % len(NAMES)], f"Last{index % 7919}", country,
                     '["bench"]', "{}", now)
                )  # fmt: skip
        raw.execute("ANALYZE personalization_visitoruser")
    return time.perf_counter() - started


class RssSampler(threading.Thread):
    """The summed RSS of each group of processes (and their children), every 0.5 s."""

    def __init__(self, groups: dict[str, list[int]]) -> None:
        super().__init__(daemon=True)
        self.groups = groups
        self.samples: dict[str, list[int]] = {name: [] for name in groups}
        self.stop = threading.Event()

    def rss(self, pids: list[int]) -> int:
        total = 0
        for pid in pids:
            with contextlib.suppress(psutil.NoSuchProcess):
                process = psutil.Process(pid)
                for member in [process, *process.children(recursive=True)]:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        if "ffmpeg" not in member.name():
                            total += member.memory_info().rss
        return total

    def run(self) -> None:
        while not self.stop.is_set():
            for name, pids in self.groups.items():
                self.samples[name].append(self.rss(pids))
            time.sleep(0.5)

    def report(self, name: str) -> str:
        values = [v / 2**20 for v in self.samples[name]]
        if not values:
            return "no samples"
        return f"first {values[0]:.0f} MB, peak {max(values):.0f} MB, last {values[-1]:.0f} MB ({len(values)} samples)"


def bare(var: Path, names: list[str]) -> float:
    """Seconds for bare ffmpeg to run the campaign's graphs (with the poster) back to back on two cores."""
    import imageio_ffmpeg

    from templates_app.profiles import parse_profile
    from templates_app.scripts import parse_script, resolve_timeline
    from videos.compiler import compile_render, run_ffmpeg

    timeline = resolve_timeline(parse_script(SCRIPT), {})
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    work: queue.Queue = queue.Queue()
    for index, name in enumerate(names):
        work.put((index, name))

    def bare_worker() -> None:
        while True:
            try:
                index, name = work.get_nowait()
            except queue.Empty:
                return
            run_ffmpeg(
                compile_render(
                    timeline, inputs={}, variables={"first_name": name}, profile=parse_profile(PROFILE),
                    output_path=var / f"bare-{index % 4}.mp4", ffmpeg_exe=exe,
                    poster_path=var / f"bare-{index % 4}.jpg", poster_at=1.0,
                ),
                timeout_s=300,
            )  # fmt: skip

    started = time.perf_counter()
    threads = [threading.Thread(target=bare_worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--links", type=int, default=100_000)
    args = parser.parse_args()
    args.links = min(args.links, args.users // 10)

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_postgres(database_url)
    settings = {"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", "PUBLIC_BASE_URL": "https://persona.example"}
    with Workspace("campaign", **settings) as workspace:
        workspace.setup_django()
        run(args, workspace)


def run(args, workspace: Workspace) -> None:
    from django.db import transaction

    from campaigns.models import Campaign, Recipient
    from templates_app.services import template_create
    from videos.models import Video

    account, _, key = bench_account("Campaign bench", credits=10**8)
    var = workspace.dir
    load_s = load_users(account.pk, args.users, args.recipients, args.links)
    print(f"users: {args.users:,} loaded with COPY in {load_s:.1f} s ({args.users / load_s:,.0f} rows/s)")
    with transaction.atomic():
        template = template_create(account=account, name="Hello", input_scripts=SCRIPT, out_profiles=[PROFILE])[0]

    web, port = workspace.gunicorn("config.wsgi")
    workers = [workspace.worker("render", "default") for _ in range(2)]
    http = httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"ApiKey {key.raw}"}, timeout=120
    )
    for _ in range(200):
        with contextlib.suppress(httpx.HTTPError):
            if http.get("/healthz").status_code == 200:
                break
        time.sleep(0.1)
    time.sleep(3)  # the workers have imported Django
    sampler = RssSampler({"web": [web.pid], "workers": [w.pid for w in workers]})
    sampler.start()

    # 1. render campaign, between two bare runs of the same graphs (this machine is shared: only
    # same-moment ratios mean anything)
    names = [NAMES[index % len(NAMES)] for index in range(args.recipients)]
    bare_before_s = bare(var, names)
    started = time.perf_counter()
    response = http.post(
        "/v1/campaigns",
        json={
            "name": "Bench render",
            "templateId": template.public_id,
            "audience": {"where": "country=ZZ"},
            "fields": {"first_name": "first_name"},
            "mode": "render",
        },
    )
    post_s = time.perf_counter() - started
    accepted = response.json()
    campaign = Campaign.objects.unscoped().get(public_id=accepted["id"])
    recipients = Recipient.objects.unscoped().filter(campaign=campaign)
    first_done = None
    while True:
        finished = recipients.filter(status__in=["done", "error"]).count()
        if first_done is None and finished:
            first_done = time.perf_counter() - started
        if finished >= accepted["total"]:
            break
        time.sleep(0.05)
    total_s = time.perf_counter() - started
    failed = recipients.filter(status="error").count()
    rate = accepted["total"] / total_s * 60
    names = list(recipients.order_by("id").values_list("values__first_name", flat=True))

    bare_after_s = bare(var, names)
    bare_s = (bare_before_s + bare_after_s) / 2
    bare_rate = len(names) / bare_s * 60
    one_render = bare_s * 2 / max(len(names), 1)
    in_worker = [
        (v.finished_at - v.created_at).total_seconds()
        for v in Video.objects.unscoped().filter(pk__in=recipients.values("video_id"))
    ]

    # 3. links file of a link campaign
    response = http.post(
        "/v1/campaigns",
        json={
            "name": "Bench links",
            "templateId": template.public_id,
            "audience": {"where": "country=LL"},
            "fields": {"first_name": "first_name"},
            "mode": "link",
        },
    )
    links_id = response.json()["id"]
    build_started = time.perf_counter()
    while http.get(f"/v1/campaigns/{links_id}").json()["status"] != "done":
        time.sleep(0.2)
    build_s = time.perf_counter() - build_started
    web_before = sampler.rss([web.pid])
    peak = [web_before]
    rows = 0
    stream_started = time.perf_counter()
    with http.stream("GET", f"/v1/campaigns/{links_id}/recipients.csv") as stream:
        for _line in stream.iter_lines():
            rows += 1
            if rows % 5000 == 0:
                peak.append(sampler.rss([web.pid]))
    stream_s = time.perf_counter() - stream_started
    sampler.stop.set()

    print(f"render campaign: {accepted['total']:,} recipients by where from {args.users:,} users, 3 s {PROFILE},"
          f" 2 workers; POST answered in {post_s * 1000:.0f} ms; {failed} failed")  # fmt: skip
    print(f"  campaign: {total_s:.1f} s = {rate:.1f} recipients/min")
    print(f"  bare ffmpeg, same graphs, 2 at a time: {bare_s:.1f} s = {bare_rate:.1f} recipients/min"
          f" (mean of {bare_before_s:.1f} s before and {bare_after_s:.1f} s after)")  # fmt: skip
    print(f"  per video, created -> finished: median {statistics.median(in_worker):.2f} s")
    print(f"  campaign / bare: {100 * rate / bare_rate:.0f} %   (target >= 80 %)")
    print(f"  POST -> first recipient done: {first_done:.2f} s; one bare render {one_render:.2f} s"
          f" -> {first_done - one_render:.2f} s over one render   (target <= 2 s + one render)")  # fmt: skip
    print(f"  RSS web (gunicorn, 2 workers): {sampler.report('web')}")
    print(f"  RSS render workers (2, without ffmpeg): {sampler.report('workers')}")
    print(f"links file: {rows - 1:,} link-mode recipients (built in {build_s:.1f} s); streamed in {stream_s:.2f} s"
          f"   (target <= 5 s); web RSS {web_before / 2**20:.0f} MB before, peak {max(peak) / 2**20:.0f} MB while streaming")  # fmt: skip
    print(f"cpu count: {os.cpu_count()}; load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
