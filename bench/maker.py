"""Video-maker benchmark (seed 002): ``.venv/bin/python bench/maker.py [N]``.

A project of six 2-second photo frames with captions and a music bed, style
``clean``, quality 480 (so two renditions, 360 and 480, plus the opening title
card: 14 s of video), rendered end to end: ``POST /me/videos/<id>/render`` ->
``render`` queue -> a real ``rqworker`` process (SimpleWorker) -> ffmpeg ->
storage, until the project reads ``published``. The reference is
the bare ffmpeg command of the same compiled graph (the worker's one run that
draws 480 and scales it to 360, poster included), run right after each end-to-end one.
Everything runs in a throw-away VAR_DIR with an embedded Redis unless REDIS_URL is set.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import Workspace, bench_account

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5
FRAMES = 6


def main() -> None:
    with Workspace("maker") as workspace:
        workspace.setup_django()
        run(workspace)


def run(workspace: Workspace) -> None:
    import imageio_ffmpeg
    from django.test import Client
    from PIL import Image, ImageDraw

    from media_app.models import MediaFile
    from media_app.services import media_local_path, media_upload
    from templates_app.profiles import parse_profile
    from templates_app.scripts import parse_script, resolve_timeline
    from videos.compiler import compile_render, run_ffmpeg
    from videos.models import Project, Video
    from videos.services import profile_runs

    var = workspace.dir
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    account, _, key = bench_account(credits=100000)

    def stored(path: Path, content_type: str) -> str:
        with open(path, "rb") as handle:
            media = media_upload(
                account=account, read=handle.read, content_length=path.stat().st_size, content_type=content_type
            )
        return media.public_id

    photos = []
    for index in range(FRAMES):
        path = var / f"photo{index}.jpg"
        image = Image.new("RGB", (1024, 768), (20 + 30 * index, 60, 140 - 15 * index))
        ImageDraw.Draw(image).ellipse((200, 100, 820, 700), fill=(240, 200 - 20 * index, 80))
        image.save(path, quality=90)
        photos.append(stored(path, "image/jpeg"))
    music = var / "music.m4a"
    subprocess.run(
        [exe, "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=330:duration=16"]
        + ["-c:a", "aac", str(music)],
        check=True,
    )
    music_id = stored(music, "audio/mp4")
    assets = [{"asset_id": p, "text": f"Day {i + 1} of the trip", "duration": 2} for i, p in enumerate(photos)]
    assets.append({"asset_id": music_id})

    client = Client(HTTP_X_ACCESS_KEY=account.public_id, HTTP_X_ACCESS_TOKEN=key.raw)

    def project() -> str:
        project_id = client.post("/me/videos", {"name": "Holiday"}).json()["id"]
        body = {"style": "clean", "quality": "480", "assets": assets}
        answer = client.post(f"/me/videos/{project_id}", body, content_type="application/json")
        assert answer.status_code == 200, answer.content
        return project_id

    def render(project_id: str) -> float:
        started = time.perf_counter()
        answer = client.post(f"/me/videos/{project_id}/render")
        assert answer.json()["status"] == 7201, answer.content
        # Poll the row (as bench/video.py does): an API call every 10 ms would take CPU from the render.
        rows = Project.objects.for_account(account).filter(public_id=project_id)
        while (status := rows.values_list("status", flat=True).get()) == "rendering":
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        body = client.get(f"/me/videos/{project_id}").json()
        if status != "published":
            raise RuntimeError(body["error"])
        assert sorted(body["video"]) == ["360", "480"], body
        return elapsed

    workspace.worker("render")
    render(project())  # warm-up: the worker has imported Django and opened its connections

    # The bare reference: the very commands the worker ran, from the stored script, run right after
    # each end-to-end render so that both see the same load on this shared machine.
    video = Video.objects.for_account(account).order_by("-id").first()
    timeline = resolve_timeline(parse_script(video.script), {})
    medias = {m.public_id: m for m in MediaFile.objects.for_account(account)}
    end_to_end, bare = [], []
    with contextlib.ExitStack() as stack:
        inputs = {mid: stack.enter_context(media_local_path(m, var)) for mid, m in medias.items()}
        runs = profile_runs([parse_profile(name) for name in video.out_profiles], renditions=True)
        commands = [
            compile_render(
                timeline,
                inputs=inputs,
                variables={},
                profile=profile,
                output_path=var / f"bare-{profile.height}.mp4",
                ffmpeg_exe=exe,
                poster_path=var / "bare.jpg" if index == 0 else None,
                poster_at=min(1.0, timeline.duration / 2),
                smaller=[(p, var / f"bare-{p.height}.mp4") for p in smaller],
            )
            for index, (profile, smaller) in enumerate(runs)
        ]
        for _ in range(N):
            end_to_end.append(render(project()))
            started = time.perf_counter()
            for args in commands:
                run_ffmpeg(args, timeout_s=300)
            bare.append(time.perf_counter() - started)

    e2e, raw = statistics.median(end_to_end), statistics.median(bare)
    print(
        f"projects: {N} x {FRAMES} two-second captioned frames + music, style clean, quality 480 "
        f"({timeline.duration:g} s; renditions {', '.join(video.out_profiles)})"
    )
    print("end to end: POST /me/videos/<id>/render -> render queue -> rqworker SimpleWorker -> ffmpeg -> storage")
    print(f"end to end median : {e2e:.3f} s/project   (runs: {', '.join(f'{t:.2f}' for t in end_to_end)})")
    print(f"bare ffmpeg median: {raw:.3f} s/project   (runs: {', '.join(f'{t:.2f}' for t in bare)})")
    print(f"ratio end to end / bare: {e2e / raw:.2f}x   (target <= 1.3x)")
    print(f"realtime factor   : {timeline.duration / e2e:.1f}x")
    print(f"cpu count: {os.cpu_count()}, load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
