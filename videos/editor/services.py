"""The template editor's previews: the frame at a moment, and a low-resolution draft clip.

Both draw the posted — possibly unsaved — script with sample inputs (the same ``inputMedias`` a
video takes) through the render's own compiler and ffmpeg (``videos/compiler.py``), so what the
editor shows is what a render makes. Neither costs credits nor creates a video. Each runs under
a budget (script size, ffmpeg time, output size) and is cached by a digest of everything it
depends on: the script, the sample values, the media files' versions, the size, the frame.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage

from accounts.models import Account
from core import errors, redis_client
from core.errors import AppError
from media_app.models import MediaFile
from media_app.services import ffmpeg_exe, media_local_path, scratch_dir
from templates_app.models import VideoTemplate
from templates_app.profiles import Profile, parse_profile
from templates_app.scripts import Script, Timeline, resolve_timeline, text_variables
from videos.compiler import compile_frame, compile_render, frame_index, media_labels, run_ffmpeg
from videos.inputs import inputs_check, parse_input_medias, usable_media

MAX_SCRIPT_BYTES = 256 * 1024  # a posted script (with its sample values)
FRAME_BOX = (640, 480)  # a frame fits in this, in the aspect of the template's first profile
CLIP_BOX = (320, 240)
CLIP_MAX_FPS = 24
FRAME_TIMEOUT_S = 10.0
CLIP_TIMEOUT_S = 60.0
MAX_FRAME_BYTES = 4 * 1024 * 1024
FRAME_CACHE_S = 600  # a scrubbing session: frames of tens of KB (bench: 32 KB at 640x360), in the Redis the queues share
CLIPS_KEPT = 5  # draft clips kept per account (older ones are deleted)
CLIPS_PER_MINUTE = 4  # renders of new draft clips per account (a cached one is free)
CLIP_PREFIX = "editor-previews"
DEFAULT_PROFILE = "MP4_H264_AAC_640x480_24fps"


@dataclass(frozen=True)
class Draft:
    """A posted script, checked, placed in time, with the library files and texts its sample inputs give."""

    account: Account
    raw: Any
    script: Script
    timeline: Timeline
    files: dict[str, MediaFile]  # mediaID or inputID -> the library media drawn for it
    variables: dict[str, str]
    profile: Profile  # the template's first output profile

    def digest(self, **more: Any) -> str:
        """What the preview depends on, hashed: the account, the script, the samples, the files' versions."""
        basis = {
            "account": self.account.pk,
            "script": self.raw,
            "variables": self.variables,
            "files": {key: [m.public_id, m.storage_key, m.size] for key, m in self.files.items()},
            **more,
        }
        return hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()


def script_inputs(script: Script) -> dict[str, str]:
    """The inputs a video of ``script`` must supply: those declared, and a text for each ``$variable``."""
    needed = {i.id: i.type for i in script.inputs}
    for name in sorted(script.variables()):
        needed.setdefault(name, "text")
    return needed


def draft_prepare(
    *, account: Account, template: VideoTemplate, raw: Any, script: Script, input_medias: list[dict]
) -> Draft:
    """A script checked by ``script_check`` with its sample inputs, checked as a video's are (1002-1004,
    1001, 2005), its elements placed in time.

    Samples for inputs the script no longer uses are left out, not refused: the editor keeps
    what was typed for a ``$variable`` while its text is being rewritten.
    """
    needed = script_inputs(script)
    samples = [item for item in input_medias if isinstance(item, dict) and item.get("inputID") in needed]
    normalised, variables = inputs_check(
        account=account, template=template, script=script, inputs=parse_input_medias(samples)
    )
    files: dict[str, MediaFile] = {}
    for media_id in script.media_ids():
        media = MediaFile.objects.for_account(account).filter(public_id=media_id, per_video=False).first()
        if media is None:
            raise AppError(errors.MEDIA_NOT_FOUND, data=media_id, param="inputScripts")
        files[media_id] = media
    for item in normalised:
        if "mediaID" in item:
            media = usable_media(account=account, template=template, media_id=item["mediaID"])
            if media is None:
                raise AppError(errors.MEDIA_NOT_FOUND, data=item["mediaID"], param="mediaID")
            files[item["inputID"]] = media
    durations = {key: m.duration_ms / 1000 for key, m in files.items() if m.duration_ms}
    timeline = resolve_timeline(script, durations)
    profile = parse_profile(template.out_profiles[0] if template.out_profiles else DEFAULT_PROFILE)
    return Draft(account, raw, script, timeline, files, variables, profile)


def _fit(profile: Profile, box: tuple[int, int], *, fps: int, preset: str = "veryfast") -> Profile:
    """``profile`` scaled down (never up) to fit ``box``, even sides, as an MP4 at ``fps``."""
    scale = min(1.0, box[0] / profile.width, box[1] / profile.height)
    width = max(2, round(profile.width * scale / 2) * 2)
    height = max(2, round(profile.height * scale / 2) * 2)
    mp4 = parse_profile(f"MP4_H264_AAC_{profile.width}x{profile.height}_{profile.fps}fps")
    return replace(mp4, name=f"preview_{width}x{height}_{fps}fps", width=width, height=height, fps=fps, preset=preset)


def frame_profile(draft: Draft) -> Profile:
    """The size and rate frames are drawn at: the first profile's rate, its size fitted in ``FRAME_BOX``."""
    return _fit(draft.profile, FRAME_BOX, fps=draft.profile.fps)


@contextlib.contextmanager
def _ffmpeg_run(draft: Draft, name: str, timeout_s: float, compile_args, **options: Any) -> Iterator[Path]:
    """Run ``compile_args`` (``compile_frame`` or ``compile_render``) on the draft with its media as local
    files, in a scratch folder, within ``timeout_s``; yields the output file (gone after the block)."""
    workdir = Path(tempfile.mkdtemp(dir=scratch_dir(), prefix="editor-"))
    try:
        with contextlib.ExitStack() as stack:
            paths = {key: stack.enter_context(media_local_path(m, workdir)) for key, m in draft.files.items()}
            output = workdir / name
            args = compile_args(
                draft.timeline,
                inputs=paths,
                variables=draft.variables,
                output_path=output,
                ffmpeg_exe=ffmpeg_exe(),
                **options,
            )
            run_ffmpeg(args, timeout_s=timeout_s, labels=media_labels(draft.timeline, paths))
            yield output
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass(frozen=True)
class Frame:
    png: bytes
    index: int  # the render's frame number
    at: float  # its time, seconds
    cached: bool


def frame_render(*, draft: Draft, at: float) -> Frame:
    """The PNG of the frame a render of ``draft`` (in its first profile's frame rate) shows at ``at`` seconds,
    at most ``FRAME_BOX`` in size; from the cache when this exact frame was drawn before."""
    profile = frame_profile(draft)
    index = frame_index(draft.timeline.duration, profile.fps, at)
    key = "editor:frame:" + draft.digest(kind="frame", size=[profile.width, profile.height, profile.fps], frame=index)
    cache = redis_client.shared()
    found = cache.get(key)
    if found is not None:
        return Frame(found, index, index / profile.fps, cached=True)
    with _ffmpeg_run(draft, "frame.png", FRAME_TIMEOUT_S, compile_frame, profile=profile, frame=index) as output:
        png = output.read_bytes()
    if len(png) > MAX_FRAME_BYTES:
        raise AppError(errors.ERROR_PROCESSING_VIDEO, data=f"the frame is larger than {MAX_FRAME_BYTES} bytes")
    cache.set(key, png, ex=FRAME_CACHE_S)
    return Frame(png, index, index / profile.fps, cached=False)


@dataclass(frozen=True)
class Clip:
    key: str  # storage key
    digest: str
    cached: bool


def clip_storage_key(account: Account, digest: str) -> str:
    return f"{CLIP_PREFIX}/{account.public_id}/{digest}.mp4"


def clip_render(*, draft: Draft, admit) -> Clip:
    """A draft MP4 of the whole of ``draft``: small, fast preset, at most 24 fps, with its sound.

    A clip made before (same digest) is reused; a new one first passes ``admit()`` (the rate
    limit), is rendered under ``CLIP_TIMEOUT_S``, and the account's oldest clips beyond
    ``CLIPS_KEPT`` are deleted.
    """
    profile = _fit(draft.profile, CLIP_BOX, fps=min(CLIP_MAX_FPS, draft.profile.fps), preset="ultrafast")
    digest = draft.digest(kind="clip", size=[profile.width, profile.height, profile.fps])
    key = clip_storage_key(draft.account, digest)
    kept = f"editor:clips:{draft.account.pk}"
    cache = redis_client.shared()
    if default_storage.exists(key):
        cache.zadd(kept, {key: time.time()})
        return Clip(key, digest, cached=True)
    admit()
    with (
        _ffmpeg_run(draft, "clip.mp4", CLIP_TIMEOUT_S, compile_render, profile=profile) as output,
        open(output, "rb") as handle,
    ):
        default_storage.save(key, File(handle, name=key))
    cache.zadd(kept, {key: time.time()})
    for old in cache.zrange(kept, 0, -CLIPS_KEPT - 1):
        default_storage.delete(old.decode())
        cache.zrem(kept, old)
    return Clip(key, digest, cached=False)


def error_elements(exc: AppError, raw: Any, input_medias: Any = None) -> list[str]:
    """The ids of the elements an error of the script or of its sample inputs is about (``#n`` for an element
    without a usable id), so the editor shows it on them; empty when it concerns the whole script."""
    elements = raw.get("elements") if isinstance(raw, dict) else None
    elements = [e for e in elements if isinstance(e, dict)] if isinstance(elements, list) else []
    data = exc.data
    entry = exc.entry
    if isinstance(data, dict) and "element" in data:
        return [data["element"]] if isinstance(data["element"], str) else []
    if entry in (errors.CTA_START_EMPTY, errors.CTA_FIELD_REQUIRED, errors.CTA_SAME_START, errors.CTA_SAME_END):
        return [data] if isinstance(data, str) else [str(i) for i in data or []]
    names: set[str] = set()
    if entry is errors.VARIABLES_UNDEFINED:
        names = set(data or [])
    elif entry in (errors.INPUTS_MISMATCH, errors.MEDIA_ID_NOT_IN_SCRIPTS) and data is not None:
        names = {data.get("inputID") if isinstance(data, dict) else data}
    elif entry is errors.MEDIA_NOT_FOUND:
        samples = input_medias if isinstance(input_medias, list) else []
        names = {i.get("inputID") for i in samples if isinstance(i, dict) and i.get("mediaID") == data}
        names.add(data)
    found = []
    for element in elements:
        source = element.get("source") if isinstance(element.get("source"), dict) else {}
        text = element.get("text") if isinstance(element.get("text"), str) else ""
        used = {source.get("mediaID"), source.get("input")} | text_variables(text)
        if names & used and isinstance(element.get("id"), str):
            found.append(element["id"])
    return found
