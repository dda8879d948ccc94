"""Helpers shared by the video tests: upload samples, make templates, render."""

from __future__ import annotations

import av

PROFILE = "MP4_H264_AAC_176x144_24fps"


def upload_media(upload, tenant, media_samples, name: str, content_type: str) -> str:
    response = upload(tenant, media_samples / name, content_type)
    assert response.status_code == 200, response.content
    return response.json()["mediaID"]


def greeting_script(photo_input: bool = True, bed_media: str | None = None, seconds: float = 1.0) -> dict:
    elements = [
        {"id": "back", "type": "image", "duration": seconds, "source": {"input": "photo"}, "fadeIn": 0.25},
        {"id": "hello", "type": "text", "text": "Hi $name", "duration": seconds, "size": 20, "height": 40},
    ]
    if bed_media:
        elements.append({"id": "bed", "type": "audio", "duration": seconds, "source": {"mediaID": bed_media}})
    return {"inputs": [{"inputID": "photo", "type": "image"}], "width": 176, "height": 144, "elements": elements}


def new_template(rpc, script: dict, profiles=(PROFILE,), name: str = "Greeting") -> dict:
    return rpc("Template_New", {"name": name, "inputScripts": script, "outProfiles": list(profiles)})


def render(rpc, run_jobs, capture, template_id: str, inputs: list[dict], **video) -> dict:
    with capture(execute=True):
        created = rpc("Template_Video_New", template_id, {"name": "Test", "inputMedias": inputs, **video})
    assert created["status"]["code"] == "queued"
    run_jobs("render")
    return rpc("Video_Get", created["id"])


def streams(path) -> dict:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        frames = sum(1 for _ in container.decode(video=0))
        return {
            "vcodec": video.codec_context.name,
            "size": (video.codec_context.width, video.codec_context.height),
            "fps": float(video.average_rate),
            "frames": frames,
            "duration": float(container.duration / 1_000_000) if container.duration else None,
            "acodec": audio.codec_context.name if audio else None,
        }
