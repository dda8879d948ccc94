"""Player page benchmark: ``.venv/bin/python bench/player.py``.

One command, three figures, each beside its reference measured in the same run:

1. Cached player pages: ``wrk`` (2 threads, 16 connections) against ``/p/<token>`` of a rendered
   video and against a bare Django view (``bench/bare.py`` ``/bare``: no middleware, no database, the
   same body size), both on gunicorn ``-w 2 --threads 4``; requests/s, their ratio (target >= 0.6),
   and the p50 of sequential keep-alive requests (target: page <= 20 ms).
2. Beacon ingestion: 4 client processes each POST ``--beacons`` beacons of 4 events (view, play,
   q25, a CTA click) over keep-alive connections; events/s (target >= 2,000) and, after the flush,
   whether ``Video_Get_Stats`` shows exactly the events sent.
3. First view of a video still rendering: headless Chromium opens the page of a just-queued video
   (one ``rqworker render`` running), waits for the swap to the player and for playback;
   the delay between the render's end and playback (target <= 1 s), with the render time.

Private SQLite database (or BENCH_DATABASE_URL), media folder and embedded Redis (unless REDIS_URL).
The machine is shared: figures are noisy; run it when you need them. Nothing asserts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import time

from _common import Workspace, bench_account

CLIENTS = 4
EVENTS = [{"e": "view"}, {"e": "play"}, {"e": "q25"}, {"e": "cta", "id": "buy"}]
UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
SCRIPT = {
    "width": 320,
    "height": 240,
    "elements": [
        {"id": "bg", "type": "rectangle", "duration": 3, "color": "#224488"},
        {"id": "hi", "type": "text", "text": "Hi $name", "duration": 3, "size": 28},
        {"id": "buy", "type": "cta", "text": "Buy now", "url": "https://example.com/buy", "play": 1, "duration": 1.5},
    ],
}
PROFILE = "MP4_H264_AAC_320x240_24fps"


def wrk_rps(url: str, seconds: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", url], capture_output=True, text=True, check=True
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])


def sequential_ms(port: int, path: str, n: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        conn.request("GET", path, headers={"User-Agent": UA})
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return times


def send_beacons(port: int, path: str, count: int, index: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    body = json.dumps({"events": EVENTS})
    accepted = 0
    for _ in range(count):
        conn.request("POST", path, body, {"Content-Type": "text/plain", "User-Agent": f"{UA} client{index}"})
        response = conn.getresponse()
        response.read()
        accepted += response.status == 204
    conn.close()
    return accepted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per run")
    parser.add_argument("--beacons", type=int, default=1500, help="beacons per client process")
    parser.add_argument("--first-views", type=int, default=3, help="first-view runs")
    args = parser.parse_args()
    with Workspace("player") as workspace:
        return run(args, workspace)


def new_video(account, template, name: str):
    from django.db import transaction

    from videos import services as video_services
    from videos.inputs import InputMedia

    with transaction.atomic():
        return video_services.video_create(
            account=account,
            template_id=template.public_id,
            name=name,
            inputs=[InputMedia(input_id="name", source="text", value=name, type="text")],
        )


def run(args, workspace: Workspace) -> int:
    workspace.setup_django()
    from templates_app import services as template_services
    from videos.models import Video
    from videos.player import services as player_services
    from videos.player import stats
    from videos.player.selectors import page_json

    account, _, _ = bench_account()
    template, _ = template_services.template_create(
        account=account, name="Bench", input_scripts=SCRIPT, out_profiles=[PROFILE]
    )
    workspace.worker("render", "default", scheduler=True)
    video = new_video(account, template, "Ana")
    while Video.objects.unscoped().filter(pk=video.pk, status="done").count() == 0:
        time.sleep(0.1)
    page = page_json(player_services.page_get_or_create(account=account, video_id=video.public_id))
    page_path = f"/p/{page['token']}"

    _, port = workspace.gunicorn("config.wsgi")
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", page_path, headers={"User-Agent": UA})
    page_bytes = len(conn.getresponse().read())
    conn.close()
    bare_env = {**workspace.env, "DJANGO_SETTINGS_MODULE": "bench.bare", "BARE_BODY_BYTES": str(page_bytes)}
    _, bare_port = workspace.gunicorn("django.core.wsgi:get_wsgi_application()", env=bare_env)
    sequential_ms(bare_port, "/bare", 5)  # both servers answered before wrk starts

    print(f"player page {page_bytes} bytes; gunicorn -w 2 --threads 4 for both; wrk -t2 -c16 -d{args.seconds}s")
    page_rps, bare_rps = [], []
    for _ in range(3):  # interleaved: the machine's load drifts
        bare_rps.append(wrk_rps(f"http://127.0.0.1:{bare_port}/bare", args.seconds))
        page_rps.append(wrk_rps(f"http://127.0.0.1:{port}{page_path}", args.seconds))
    page_p50 = statistics.median(sequential_ms(port, page_path, 500))
    bare_p50 = statistics.median(sequential_ms(bare_port, "/bare", 500))
    ratio = statistics.median(page_rps) / statistics.median(bare_rps)
    pair_ratios = ", ".join(f"{page / bare:.2f}" for page, bare in zip(page_rps, bare_rps, strict=True))
    print(
        f"cached page   {statistics.median(page_rps):8.0f} req/s  (runs {', '.join(f'{r:.0f}' for r in page_rps)})  p50 {page_p50:.2f} ms"
    )
    print(
        f"bare Django   {statistics.median(bare_rps):8.0f} req/s  (runs {', '.join(f'{r:.0f}' for r in bare_rps)})  p50 {bare_p50:.2f} ms"
    )
    print(
        f"  ratio {ratio:.2f}x of bare (target >= 0.6x: {'met' if ratio >= 0.6 else 'missed'}; back-to-back {pair_ratios}); page p50 {page_p50:.2f} ms (target <= 20 ms)"
    )

    # Beacons: a fresh video so the counts start at zero.
    counted = new_video(account, template, "Counted")
    while Video.objects.unscoped().filter(pk=counted.pk, status="done").count() == 0:
        time.sleep(0.1)
    beacon_path = f"/p/{page_json(player_services.page_get_or_create(account=account, video_id=counted.public_id))['token']}/events"
    start = time.perf_counter()
    with multiprocessing.Pool(CLIENTS) as pool:
        accepted = sum(pool.starmap(send_beacons, [(port, beacon_path, args.beacons, i) for i in range(CLIENTS)]))
    elapsed = time.perf_counter() - start
    events = accepted * len(EVENTS)
    counted.refresh_from_db()
    result = stats.video_stats(account=account, video=counted)
    exact = (
        all(result[k] == accepted for k in ("views", "plays", "ctaClicks"))
        and result["retention"][1]["viewers"] == accepted
    )
    print(
        f"beacons       {accepted} x {len(EVENTS)} events from {CLIENTS} processes in {elapsed:.2f} s: "
        f"{events / elapsed:,.0f} events/s ({accepted / elapsed:,.0f} beacons/s; target >= 2,000 events/s: "
        f"{'met' if events / elapsed >= 2000 else 'missed'})"
    )
    print(
        f"  counted after flush: views {result['views']}, plays {result['plays']}, q25 {result['retention'][1]['viewers']}, "
        f"CTA clicks {result['ctaClicks']}, unique viewers {result['uniqueViewers']} (sent {accepted} each, {CLIENTS} user agents): "
        f"{'exact' if exact and result['uniqueViewers'] == CLIENTS else 'NOT EXACT'}"
    )

    first_view(args, account, template, port, new_video)
    return 0


def first_view(args, account, template, port: int, new_video) -> None:
    import shutil

    from django.utils import timezone
    from playwright.sync_api import sync_playwright

    from videos.models import Video
    from videos.player import services as player_services
    from videos.player.selectors import page_json

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    delays, renders = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"],
        )
        for i in range(args.first_views):
            context = browser.new_context(user_agent=UA, viewport={"width": 390, "height": 844})
            page = context.new_page()
            video = new_video(account, template, f"First {i}")
            url = page_json(player_services.page_get_or_create(account=account, video_id=video.public_id))["url"]
            page.goto(f"http://127.0.0.1:{port}/p/{url.rsplit('/p/', 1)[1]}")
            page.wait_for_selector("#player", timeout=60000)
            page.evaluate(
                """() => new Promise(resolve => { const v = document.querySelector('#player'); v.muted = true;
                       v.addEventListener('playing', resolve, {once: true}); v.play(); })"""
            )
            playing = timezone.now()
            done = Video.objects.unscoped().get(pk=video.pk)
            delays.append((playing - done.finished_at).total_seconds() * 1000)
            renders.append((done.finished_at - done.created_at).total_seconds() * 1000)
            context.close()
        browser.close()
    delay = statistics.median(delays)
    print(
        f"first view    playback {delay:.0f} ms after the render finished (median of {len(delays)}: "
        f"{', '.join(f'{d:.0f}' for d in delays)}; target <= 1,000 ms: {'met' if delay <= 1000 else 'missed'}); "
        f"render incl. queue {statistics.median(renders):.0f} ms"
    )


if __name__ == "__main__":
    raise SystemExit(main())
