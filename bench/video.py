"""Video render benchmark: ``.venv/bin/python bench/video.py [N]``.

Renders the issue's 10 s 640x480 24 fps template (background image, two text
lines with ``$name``, a fade in, a music bed) end to end: JSON-RPC call ->
``render`` queue -> a real ``rqworker`` process (SimpleWorker: no fork per job)
-> ffmpeg -> storage. Compares with the bare ffmpeg command of the same graph.
Everything runs in a throw-away VAR_DIR, with an embedded Redis unless
REDIS_URL is set.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from _common import Workspace, bench_account

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def main() -> None:
    with Workspace("video") as workspace:
        workspace.setup_django()
        run(workspace)


def run(workspace: Workspace) -> None:
    import imageio_ffmpeg
    import psutil
    from django.test import Client
    from PIL import Image, ImageDraw

    from media_app.services import media_upload
    from templates_app.profiles import parse_profile
    from templates_app.scripts import parse_script, resolve_timeline
    from videos.compiler import compile_render, run_ffmpeg
    from videos.models import Video

    var, workers = workspace.dir, []
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    account, _, key = bench_account(credits=100000)
    background = var / "background.jpg"
    image = Image.new("RGB", (640, 480), (20, 40, 90))
    ImageDraw.Draw(image).ellipse((120, 60, 520, 420), fill=(60, 120, 200))
    image.save(background, quality=90)
    music = var / "music.m4a"
    subprocess.run(
        [
            exe,
            "-nostdin",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=330:duration=12",
            "-c:a",
            "aac",
            str(music),
        ],
        check=True,
    )

    def stored(path: Path, content_type: str) -> str:
        with open(path, "rb") as handle:
            media = media_upload(
                account=account, read=handle.read, content_length=path.stat().st_size, content_type=content_type
            )
        return media.public_id

    bg_id, music_id = stored(background, "image/jpeg"), stored(music, "audio/mp4")
    script = {
        "width": 640, "height": 480,
        "elements": [
            {"id": "bg", "type": "image", "source": {"mediaID": bg_id}, "duration": 10, "fadeIn": 1},
            {"id": "line1", "type": "text", "text": "Hello $name", "play": 0.5, "duration": 9.5, "y": 140,
             "height": 80, "size": 48, "fadeIn": 0.5},
            {"id": "line2", "type": "text", "text": "$name, this video was made for you", "play": "line1.start + 1",
             "duration": 8.5, "y": 280, "height": 60, "size": 28, "fadeIn": 0.5},
            {"id": "music", "type": "audio", "source": {"mediaID": music_id}, "duration": 10, "volume": 0.8,
             "fadeOut": 1},
        ],
    }  # fmt: skip
    profile_name = "MP4_H264_AAC_640x480_24fps"
    client = Client()
    url = f"/api?accountID={account.public_id}&accountSecret={key.raw}"
    counter = iter(range(1, 10**6))

    def call(method: str, *params):
        response = client.post(
            url,
            {"jsonrpc": "2.0", "method": method, "params": list(params), "id": next(counter)},
            content_type="application/json",
        )
        answer = response.json()
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer["result"]

    template = call("Template_New", {"name": "Bench", "inputScripts": script, "outProfiles": [profile_name]})

    def submit(name: str) -> str:
        return call(
            "Template_Video_New",
            template["templateID"],
            {"inputMedias": [{"inputID": "name", "type": "text", "text": name}]},
        )["id"]

    def wait(ids: list[str]) -> None:
        while True:
            states = set(Video.objects.unscoped().filter(public_id__in=ids).values_list("status", flat=True))
            if states <= {"done", "error"}:
                if "error" in states:
                    raise RuntimeError(
                        list(Video.objects.unscoped().filter(status="error").values_list("status_message"))
                    )
                return
            time.sleep(0.01)

    peak_rss = [0]
    stop = threading.Event()

    def sample_rss():
        while not stop.is_set():
            for worker in workers:
                with contextlib.suppress(psutil.NoSuchProcess):
                    peak_rss[0] = max(peak_rss[0], psutil.Process(worker.pid).memory_info().rss)
            time.sleep(0.05)

    threading.Thread(target=sample_rss, daemon=True).start()
    workers.append(workspace.worker("render"))
    wait([submit("Warm Up")])  # the worker has imported Django and opened its connections

    end_to_end = []
    for i in range(N):
        started = time.perf_counter()
        wait([submit(f"Person {i}")])
        end_to_end.append(time.perf_counter() - started)

    timeline = resolve_timeline(parse_script(script), {})
    from media_app.models import MediaFile
    from media_app.services import media_local_path

    medias = {m.public_id: m for m in MediaFile.objects.for_account(account)}
    inputs = {
        media_id: stack_path
        for media_id in (bg_id, music_id)
        for stack_path in [media_local_path(medias[media_id]).__enter__()]
    }
    bare = []
    for i in range(N):
        args = compile_render(
            timeline,
            inputs=inputs,
            variables={"name": f"Person {i}"},
            profile=parse_profile(profile_name),
            output_path=var / f"bare{i}.mp4",
            ffmpeg_exe=exe,
        )
        started = time.perf_counter()
        run_ffmpeg(args, timeout_s=300)
        bare.append(time.perf_counter() - started)

    # Throughput: two workers on 2*N videos vs 2*N back-to-back bare runs.
    workers.append(workspace.worker("render"))
    time.sleep(3)  # second worker ready
    started = time.perf_counter()
    wait([submit(f"Batch {i}") for i in range(2 * N)])
    two_workers_rate = 2 * N / (time.perf_counter() - started)
    bare_rate = 1 / statistics.median(bare)
    stop.set()

    e2e, raw = statistics.median(end_to_end), statistics.median(bare)
    print(
        f"videos: {N} x 10 s {profile_name} (end to end: JSON-RPC -> render queue -> rqworker SimpleWorker -> ffmpeg -> storage)"
    )
    print(f"end to end median : {e2e:.3f} s/video   (runs: {', '.join(f'{t:.2f}' for t in end_to_end)})")
    print(f"bare ffmpeg median: {raw:.3f} s/video   (runs: {', '.join(f'{t:.2f}' for t in bare)})")
    print(f"ratio end to end / bare: {e2e / raw:.2f}x   (target <= 1.3x)")
    print(f"realtime factor   : {10 / e2e:.1f}x   (target >= 8x)")
    print(
        f"throughput, 2 workers: {two_workers_rate:.2f} videos/s vs bare back-to-back {bare_rate:.2f} videos/s"
        f" = {100 * two_workers_rate / bare_rate:.0f} %   (target >= 80 %)"
    )
    print(f"worker RSS peak (excluding ffmpeg): {peak_rss[0] / 2**20:.0f} MB   (target <= 300 MB)")
    print(f"cpu count: {os.cpu_count()}")


if __name__ == "__main__":
    main()
