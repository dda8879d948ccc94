"""Template editor frame preview benchmark: ``.venv/bin/python bench/editor.py [N]``.

A 12 s 1280x720 template (a background picture with a fade and a slow zoom, a 640x360 clip from 4 s, two
texts with ``$name``, a translucent box, music) whose first profile is MP4_H264_AAC_1280x720_30fps, so
frames are drawn at 640x360. For N moments spread over the template it measures, through the
dashboard's frame endpoint (Django test client with a logged-in session: middleware, auth, script
check, sample check, digest, Redis, ffmpeg):

- cold: each moment's first request (a frame never drawn: ffmpeg runs);
- cached: the same requests again (the PNG comes from Redis);
- bare ffmpeg: the very command line the endpoint runs for that frame, run directly.

Prints medians (p50) and ratios. Runs in a throw-away VAR_DIR with an embedded Redis unless
REDIS_URL is set.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import Workspace, bench_account

N = int(sys.argv[1]) if len(sys.argv) > 1 else 15


def main() -> None:
    with Workspace("editor") as workspace:
        workspace.setup_django()
        run(workspace)


def run(workspace: Workspace) -> None:
    import imageio_ffmpeg
    from django.core.files.storage import default_storage
    from django.test import Client
    from PIL import Image, ImageDraw

    from media_app.services import media_upload
    from templates_app import services as template_services
    from templates_app.scripts import parse_script
    from videos.compiler import compile_frame, frame_index
    from videos.editor import services

    var = workspace.dir
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    account, user, _ = bench_account()

    def ffmpeg(*args) -> None:
        subprocess.run([exe, "-nostdin", "-y", "-loglevel", "error", *map(str, args)], check=True)

    background = var / "background.jpg"
    image = Image.new("RGB", (1280, 720), (20, 40, 90))
    ImageDraw.Draw(image).ellipse((340, 60, 940, 660), fill=(60, 120, 200))
    image.save(background, quality=90)
    clip, music = var / "clip.mp4", var / "music.m4a"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30:duration=6", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip
    )
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:duration=12", "-c:a", "aac", music)

    def stored(path: Path, content_type: str) -> str:
        with open(path, "rb") as handle:
            media = media_upload(
                account=account, read=handle.read, content_length=path.stat().st_size, content_type=content_type
            )
        return media.public_id

    bg_id, clip_id, music_id = stored(background, "image/jpeg"), stored(clip, "video/mp4"), stored(music, "audio/mp4")
    script = {
        "width": 1280, "height": 720,
        "elements": [
            {"id": "bg", "type": "image", "source": {"mediaID": bg_id}, "duration": 12, "fadeIn": 1, "zoom": 1.2},
            {"id": "band", "type": "rectangle", "play": 1, "duration": 10, "y": 480, "height": 160,
             "color": "#FFFFFF33"},
            {"id": "line1", "type": "text", "text": "Hello $name", "play": 0.5, "duration": 11, "y": 480,
             "height": 160, "size": 72, "fadeIn": 0.5},
            {"id": "clip", "type": "video", "source": {"mediaID": clip_id}, "play": 4, "x": 640, "y": 60,
             "width": 560, "height": 315, "volume": 0},
            {"id": "line2", "type": "text", "text": "$name, this was made for you", "play": "clip.end",
             "duration": 2, "y": 120, "height": 80, "size": 40},
            {"id": "music", "type": "audio", "source": {"mediaID": music_id}, "duration": 12, "fadeOut": 1},
        ],
    }  # fmt: skip
    template, _ = template_services.template_create(
        account=account, name="Bench", input_scripts=script, out_profiles=["MP4_H264_AAC_1280x720_30fps"]
    )
    client = Client()
    client.force_login(user)
    url = f"/templates/{template.public_id}/editor/frame"
    samples = [{"inputID": "name", "type": "text", "text": "Ana"}]
    moments = [round(0.2 + i * 11.5 / max(1, N - 1), 2) for i in range(N)]

    sizes = []

    def frame(at: float) -> tuple[float, str]:
        started = time.perf_counter()
        response = client.post(
            url, json.dumps({"script": script, "inputMedias": samples, "t": at}), content_type="application/json"
        )
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(response.content)
        sizes.append(len(response.content))
        return elapsed, response["X-Frame-Cache"]

    frame(6.0)  # warm: imports, fonts, the first ffmpeg start
    cold, cached = [], []
    for at in moments:
        elapsed, state = frame(at)
        assert state == "miss", at
        cold.append(elapsed)
    for at in moments:
        elapsed, state = frame(at)
        assert state == "hit", at
        cached.append(elapsed)

    draft = services.draft_prepare(
        account=account, template=template, raw=script, script=parse_script(script), input_medias=samples
    )
    profile = services.frame_profile(draft)
    paths = {key: default_storage.path(m.storage_key) for key, m in draft.files.items()}
    bare = []
    for at in moments:
        args = compile_frame(
            draft.timeline,
            inputs=paths,
            variables=draft.variables,
            profile=profile,
            frame=frame_index(draft.timeline.duration, profile.fps, at),
            output_path=var / "bare.png",
            ffmpeg_exe=exe,
        )
        started = time.perf_counter()
        subprocess.run(args, check=True)
        bare.append(time.perf_counter() - started)

    cold_p50, cached_p50, bare_p50 = statistics.median(cold), statistics.median(cached), statistics.median(bare)
    early = statistics.median(cold[: N // 2])
    late = statistics.median(cold[N // 2 :])
    print(f"frames: {N} moments over a 12 s 1280x720 template, drawn at {profile.width}x{profile.height}")
    print(
        f"endpoint, cold (ffmpeg runs): p50 {1000 * cold_p50:.0f} ms   (runs: {', '.join(f'{1000 * t:.0f}' for t in cold)})"
    )
    print(f"endpoint, cached (Redis)    : p50 {1000 * cached_p50:.1f} ms")
    print(f"bare ffmpeg, same command   : p50 {1000 * bare_p50:.0f} ms")
    print(f"ratio cold endpoint / bare ffmpeg: {cold_p50 / bare_p50:.2f}x")
    print(f"PNG size p50: {statistics.median(sizes) / 1024:.0f} KB")
    print(f"cold p50, first half of the template {1000 * early:.0f} ms, second half {1000 * late:.0f} ms")
    print(f"target: a frame within ~300 ms (p50); load average {os.getloadavg()[0]:.1f}, cpu count {os.cpu_count()}")


if __name__ == "__main__":
    main()
