"""Every write to videos: creation, the render itself, updates, deletion.

Credits: a video costs one credit per output profile of its template. They are
taken when the video is accepted (so queued videos can never overspend) and
given back if the render fails.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Notification
from accounts.services import (
    credits_charge,
    credits_refund,
    notification_create,
    storage_release,
    storage_reserve,
    usage_count,
)
from core import errors
from core.errors import AppError
from core.jobs import RowJob
from media_app.models import MediaFile
from media_app.services import ffmpeg_exe, media_delete_files, media_local_path, scratch_dir
from templates_app.models import VideoTemplate
from templates_app.profiles import Profile, parse_profile
from templates_app.scripts import parse_script, resolve_timeline, substitute
from templates_app.selectors import template_get
from videos import fetch
from videos.compiler import compile_render, media_labels, run_ffmpeg
from videos.inputs import InputMedia, inputs_check, usable_media
from videos.models import Video
from videos.player.services import page_forget
from videos.selectors import video_get
from videos.serializers import video_webhook_json
from videos.signals import render_finished
from webhooks.services import event_emit

logger = logging.getLogger("videos")

_FPS_SUFFIX_RE = re.compile(r"_\d+fps$")
FFMPEG_TIMEOUT_S = settings.RENDER_FFMPEG_TIMEOUT_S


def video_cost(template: VideoTemplate) -> int:
    return max(1, len(template.out_profiles))


@transaction.atomic
def video_create(
    *,
    account: Account,
    template_id: str,
    inputs: list[InputMedia],
    name: str = "",
    description: str = "",
    data: str = "",
) -> Video:
    """Accept a video for rendering: 1000, 1028, 1001-1004, 2005, 2000, 2004."""
    template = template_get(account=account, template_id=template_id)
    if template.status != VideoTemplate.Status.ACTIVE:
        raise AppError(errors.TEMPLATE_INACTIVE, data=template_id)
    script = parse_script(template.input_scripts)
    normalised, _ = inputs_check(account=account, template=template, script=script, inputs=inputs)
    account.refresh_from_db(fields=["stored_video_bytes", "credits"])
    if account.stored_video_bytes >= account.plan.max_video_bytes:
        raise AppError(errors.STORED_VIDEOS_LIMIT)
    cost = video_cost(template)
    credits_charge(account=account, amount=cost)
    created = Video.objects.create(
        account=account,
        template=template,
        template_public_id=template.public_id,
        name=name.strip()[:200],
        description=description.strip()[:5000],
        data=data,
        input_medias=normalised,
        credits_charged=cost,
    )
    render_enqueue(created)
    return created


@transaction.atomic
def video_update(
    *, account: Account, video_id: str, name: str | None = None, description: str | None = None, data: str | None = None
) -> Video:
    """Change any of name, description, data (``None`` leaves it as it is)."""
    video = video_get(account=account, video_id=video_id)
    if name is not None:
        video.name = name.strip()[:200]
    if description is not None:
        video.description = description.strip()[:5000]
    if data is not None:
        video.data = data
    video.save(update_fields=["name", "description", "data"])
    return video


@transaction.atomic
def video_update_metadata(*, account: Account, video_id: str, metadata: str) -> Video:
    video = video_get(account=account, video_id=video_id)
    video.metadata = metadata
    video.save(update_fields=["metadata"])
    return video


def _stored_keys(video: Video) -> list[str]:
    keys = [f["key"] for f in video.out_files if f.get("key")]
    return keys + ([video.poster_key] if video.poster_key else [])


@transaction.atomic
def video_delete(*, account: Account, video_id: str) -> None:
    """Remove the files, give their bytes back to the quota (1007; 1030 if storage refuses)."""
    video = video_get(account=account, video_id=video_id)
    try:
        for key in _stored_keys(video):
            default_storage.delete(key)
    except OSError as exc:
        raise AppError(errors.ERROR_DELETING_VIDEO_FILES, data=str(exc)) from exc
    if video.stored_bytes:
        storage_release(account=account, kind="video", nbytes=video.stored_bytes)
    page_forget(video)
    video.delete()


# -- the render ----------------------------------------------------------------


class VideoRender(RowJob):
    """A video row is the render job's unit of work (core/jobs.py runs its lifecycle)."""

    model = Video
    queue = "render"
    entry = "videos.jobs.render_video"
    running = Video.Status.PROCESSING
    done = Video.Status.DONE
    failed = Video.Status.ERROR
    related = ("account__plan", "template")

    def job_id(self, video: Video) -> str:
        return f"render-{video.public_id}-{video.attempts}"

    def stale_failure(self, video: Video) -> dict[str, Any]:
        reason = f"render did not finish after {video.attempts} attempts"
        return _failure_fields(AppError(errors.ERROR_PROCESSING_VIDEO, data=reason))

    def on_failed(self, video: Video) -> None:
        """Give the credits back, tell the account."""
        if video.credits_charged:
            credits_refund(account=video.account, amount=video.credits_charged)
        notification_create(
            account=video.account,
            kind=Notification.Kind.RENDER_FAILED,
            title=f"Video “{video.name or video.public_id}” failed",
            message=video.status_message[:1000],
            data={"videoID": video.public_id, "templateID": video.template_public_id, "code": video.status_code},
        )
        _emit(video, "video.error")


RENDER = VideoRender()


def render_enqueue(video: Video) -> None:
    """Queue the video's next render attempt once the current transaction commits."""
    RENDER.enqueue(video)


def video_render(*, video_pk: int) -> None:
    """The render job: claim, fetch, compile, encode each profile, poster, store, mark done."""
    RENDER.run(video_pk, _render)


def requeue_stale() -> int:
    """Take videos back from dead workers (re-queued, or failed after the last attempt)."""
    return RENDER.sweep()


def _render(video: Video) -> None:
    workdir = scratch_dir() / f"render-{video.public_id}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    try:
        result = _render_files(video, workdir)
    except AppError as exc:
        _fail(video, exc)
        return
    except Exception:  # a bug or a killed subprocess: the customer sees 1012 (the traceback goes to the log)
        logger.exception("render of video %s failed", video.public_id)
        _fail(video, AppError(errors.ERROR_PROCESSING_VIDEO, data="an internal error stopped the render"))
        return
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _finish(video, *result)


def _render_files(video: Video, workdir: Path) -> tuple[list[dict], str, int, int]:
    account, template = video.account, video.template
    if video.script is not None:  # a video-maker render carries its own script and profiles
        script, profiles = parse_script(video.script), video.out_profiles
    elif template is not None:
        script, profiles = parse_script(template.input_scripts), template.out_profiles
    else:
        raise AppError(errors.TEMPLATE_NOT_FOUND, data=video.template_public_id)
    paths: dict[str, Path] = {}
    durations: dict[str, float] = {}
    variables: dict[str, str] = {}
    with contextlib.ExitStack() as stack:

        def local(media: MediaFile, key: str) -> None:
            paths[key] = stack.enter_context(media_local_path(media, workdir))
            if media.duration_ms:
                durations[key] = media.duration_ms / 1000

        def drawn_by(key: str) -> str:
            """The elements drawing the media or input ``key``: what a failure names first."""
            return ", ".join(e.id for e in script.elements if e.source is not None and e.source.key == key)

        for media_id in script.media_ids():
            media = MediaFile.objects.for_account(account).filter(public_id=media_id, per_video=False).first()
            if media is None:
                raise AppError(
                    errors.ERROR_DOWNLOADING_MEDIAS,
                    data={"element": drawn_by(media_id), "mediaID": media_id, "reason": "media deleted"},
                )
            local(media, media_id)
        for item in video.input_medias:
            input_id = item["inputID"]
            if "text" in item:
                variables[input_id] = item["text"]
            elif "mediaID" in item:
                media = usable_media(account=account, template=template, media_id=item["mediaID"])
                if media is None:
                    raise AppError(
                        errors.ERROR_DOWNLOADING_MEDIAS,
                        data={
                            "element": drawn_by(input_id),
                            "inputID": input_id,
                            "mediaID": item["mediaID"],
                            "reason": "media deleted",
                        },
                    )
                local(media, input_id)
            else:
                try:
                    path, info = fetch.download(item["http"], workdir / f"input-{input_id}", expected=item["type"])
                except AppError as exc:
                    exc.data = {"element": drawn_by(input_id), "inputID": input_id, **(exc.data or {})}
                    raise
                paths[input_id] = path
                if info.duration_ms:
                    durations[input_id] = info.duration_ms / 1000

        timeline = resolve_timeline(script, durations)
        labels = media_labels(timeline, paths)
        video.ctas = [{**cta, "text": substitute(cta["text"] or "", variables)} for cta in timeline.ctas()]
        video.captions = [{**cue, "text": substitute(cue["text"], variables)} for cue in timeline.captions()]
        exe = ffmpeg_exe()
        poster = workdir / f"{video.public_id}.poster.jpg"
        parsed = [parse_profile(name) for name in profiles]
        files = {p.name: workdir / f"{video.public_id}.{p.name}.{p.extension}" for p in parsed}
        for index, (profile, smaller) in enumerate(profile_runs(parsed, renditions=video.project_id is not None)):
            args = compile_render(
                timeline,
                inputs=paths,
                variables=variables,
                profile=profile,
                output_path=files[profile.name],
                ffmpeg_exe=exe,
                # The first run also writes the poster (no second ffmpeg process).
                poster_path=poster if index == 0 else None,
                poster_at=min(1.0, timeline.duration / 2),
                smaller=[(p, files[p.name]) for p in smaller],
            )
            run_ffmpeg(args, timeout_s=FFMPEG_TIMEOUT_S, labels=labels)
        outputs = [(p.name, files[p.name], p.extension) for p in parsed]

    prefix = f"videos/{account.public_id}/{video.public_id}"
    out_files, total = [], 0
    for profile_name, path, extension in outputs:
        key = _store(f"{prefix}/{video.public_id}.{profile_name}.{extension}", path)
        size = path.stat().st_size
        total += size
        file_id = f"{video.public_id}.{profile_name}"
        out_files.append(
            {
                # Seed 001's form: the profile without its frame rate (MP4_H264_AAC_640x480_24fps -> .MP4_H264_AAC_640x480.mp4).
                "name": f"{video.public_id}.{_FPS_SUFFIX_RE.sub('', profile_name)}.{extension}",
                "profile": profile_name,
                "size": size,
                "storage": {"sezionID": file_id, "fileID": file_id},
                "key": key,
            }
        )
    poster_key = _store(f"{prefix}/{video.public_id}.poster.jpg", poster)
    total += poster.stat().st_size
    return out_files, poster_key, round(timeline.duration * 1000), total


def profile_runs(profiles: list[Profile], *, renditions: bool) -> list[tuple[Profile, list[Profile]]]:
    """The ffmpeg runs of a render: one per profile, or for a video maker's renditions (one family,
    rate and aspect ratio) one run drawing the largest and scaling it down for the others
    (bench/maker.py: about 20 % faster than a run each)."""
    if not renditions or len(profiles) < 2:
        return [(p, []) for p in profiles]
    largest = max(profiles, key=lambda p: p.height)
    return [(largest, [p for p in profiles if p is not largest])]


def _store(key: str, path: Path) -> str:
    """Save under exactly ``key`` (the storage overwrites a previous attempt's file)."""
    with open(path, "rb") as handle:
        return default_storage.save(key, File(handle, name=key))


class _Superseded(Exception):
    """The video changed hands (deleted, or re-queued after this worker's lease ran out)."""


def _finish(video: Video, out_files: list[dict], poster_key: str, duration_ms: int, total: int) -> None:
    account = video.account
    try:
        with transaction.atomic():
            storage_reserve(account=account, kind="video", nbytes=total)
            updated = RENDER.complete(
                video,
                out_files=out_files,
                poster_key=poster_key,
                duration_ms=duration_ms,
                ctas=video.ctas,
                captions=video.captions,
                stored_bytes=total,
                status_code=None,
                status_message="",
                finished_at=timezone.now(),
            )
            if not updated:
                raise _Superseded
            usage_count(account=account, renders=1)
            video.refresh_from_db()
            uploads = [
                MediaFile.objects.for_account(account).filter(public_id=item["mediaID"], per_video=True).first()
                for item in video.input_medias
                if "mediaID" in item
            ]
            media_delete_files(account=account, medias=[m for m in uploads if m is not None])
            _emit(video, "video.done")
    except _Superseded:
        if not Video.objects.unscoped().filter(pk=video.pk).exists():
            for key in [f["key"] for f in out_files] + [poster_key]:
                default_storage.delete(key)
    except AppError as exc:  # 2000: no room for the files
        for key in [f["key"] for f in out_files] + [poster_key]:
            default_storage.delete(key)
        _fail(video, exc)


def _emit(video: Video, event: str) -> None:
    render_finished.send(sender=Video, video=video, event=event)
    if video.project_id is not None:  # a video-maker project's render: its own maker.* events
        return
    event_emit(
        account=video.account, event=event, payload=video_webhook_json(video), template_id=video.template_public_id
    )


def failure_text(exc: AppError) -> str:
    """What the customer reads about a failed render: the catalogue message and what failed, in their terms.

    Details are the script's own names (element, media, input, URL) and a reason, never a Python repr.
    """
    detail = errors.describe(exc.data) if exc.data is not None else exc.detail
    return f"{exc.entry.message}: {detail}" if detail else exc.entry.message


def _failure_fields(exc: AppError) -> dict[str, Any]:
    code = exc.entry.code
    if code not in (errors.ERROR_DOWNLOADING_MEDIAS.code, errors.STORED_VIDEOS_LIMIT.code):
        code = errors.ERROR_PROCESSING_VIDEO.code if code != errors.TEMPLATE_NOT_FOUND.code else code
    return {"status_code": code, "status_message": failure_text(exc)[:2000], "finished_at": timezone.now()}


def _fail(video: Video, exc: AppError) -> None:
    """Mark the video failed, give the credits back, tell the account."""
    RENDER.fail(video, **_failure_fields(exc))
