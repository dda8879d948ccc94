"""Every write to video-maker projects (seed 002): create, update, render, delete.

A render compiles the project (:func:`videos.maker.styles.compose`) into a script
and queues an ordinary :class:`~videos.models.Video` carrying that script, one
output profile per rendition; the render job, storage, quotas, credits and the
stale sweep are the JSON-RPC videos' own. When the render ends the video app
sends ``render_finished`` and :func:`render_finished` here moves the project on.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Account
from accounts.services import credits_charge
from core import errors
from core.errors import AppError
from media_app.models import MediaFile
from videos.maker.selectors import RENDITIONS, project_get, project_webhook_json, renditions
from videos.maker.styles import STYLES, Frame, Music, compose, total_seconds
from videos.models import Project, Video
from videos.services import render_enqueue, video_delete
from webhooks.services import event_emit

Status = Project.Status
MAX_FRAMES = 100


def project_create(*, account: Account, name: str | None = None) -> tuple[Project, bool]:
    """A new project, or the account's newest draft (``initial``) if it has one; ``name`` renames it.

    Returns the project and whether it was created. ``created_at`` strictly
    increases per account, so the list's epoch cursors never tie.
    """
    with transaction.atomic():
        draft = Project.objects.for_account(account).select_for_update().filter(status=Status.INITIAL).first()
        if draft is not None:
            if name:
                draft.name = name
                draft.save(update_fields=["name", "modified_at"])
            return draft, False
        now = timezone.now()
        latest = Project.objects.for_account(account).values_list("created_at", flat=True).first()
        if latest is not None and now <= latest:
            now = latest + timedelta(microseconds=1)
        return Project.objects.create(account=account, name=name or "", created_at=now), True


def _resolve(account: Account, assets: list[dict[str, Any]]) -> tuple[list[Frame], Music | None]:
    """Library media of each asset: frames in order and at most one music block (7403, 7402)."""
    ids = {a["asset_id"] for a in assets if a.get("asset_id")}
    media = {m.public_id: m for m in MediaFile.objects.for_account(account).filter(public_id__in=ids, per_video=False)}
    frames: list[Frame] = []
    music: Music | None = None
    for index, asset in enumerate(assets):
        text, seconds = asset.get("text", ""), asset.get("duration")
        media_id = asset.get("asset_id")
        if not media_id:
            frames.append(Frame(kind="title", text=text, duration_s=seconds))
            continue
        found = media.get(media_id)
        if found is None:
            raise AppError(
                errors.INSUFFICIENT_ASSETS,
                param=f"assets.{index}.asset_id",
                detail=f"Insufficient Assets: no media {media_id} in the media library",
            )
        if found.kind == MediaFile.Kind.AUDIO:
            if music is not None:
                raise AppError(
                    errors.MUSIC_NOT_DEFINED,
                    param=f"assets.{index}.asset_id",
                    detail="Music not defined: give one music block, not several",
                )
            music = Music(media_id=media_id)
            continue
        kind = "video" if found.kind == MediaFile.Kind.VIDEO and found.mime != "image/gif" else "image"
        frames.append(
            Frame(
                kind=kind,
                text=text,
                media_id=media_id,
                width=found.width,
                height=found.height,
                media_s=(found.duration_ms or 0) / 1000 or None,
                duration_s=seconds,
            )
        )
    return frames, music


def project_update(*, account: Account, project_id: str, changes: dict[str, Any]) -> Project:
    """Apply validated ``changes`` (name, style, credit, quality, assets); 7401, 7402, 7403."""
    project = project_get(account=account, project_id=project_id)
    if "style" in changes and changes["style"] not in STYLES:
        raise AppError(
            errors.STYLE_NOT_DEFINED,
            param="style",
            detail=f"Style not defined: {changes['style']!r} is not one of {', '.join(STYLES)}",
        )
    if "assets" in changes:
        if len(changes["assets"]) > MAX_FRAMES:
            raise AppError(
                errors.INSUFFICIENT_ASSETS, param="assets", detail=f"Insufficient Assets: at most {MAX_FRAMES} assets"
            )
        _resolve(account, changes["assets"])
    for field in ("name", "style", "credit", "quality", "assets"):
        if field in changes:
            setattr(project, field, changes[field])
    style = STYLES.get(project.style)
    if style is not None:
        frames, _ = _resolve(account, project.assets)
        seconds = total_seconds(name=project.name, style=style, frames=frames, credit=project.credit)
        project.duration_ms = round(seconds * 1000)
    project.save()
    return project


def project_render(*, account: Account, project_id: str) -> Project:
    """Queue the render: 7401 style, 7402 music, 7403 frames, 7404 name, 7405 credits, 2000 storage.

    A project already rendering is left alone (the answer is 7201 again, nothing is charged twice).
    """
    with transaction.atomic():
        project = project_get(account=account, project_id=project_id)
        # Locked until the render is queued: two render calls at once charge and queue once.
        Project.objects.for_account(account).select_for_update().filter(pk=project.pk).get()
        project.refresh_from_db()
        if project.status == Status.RENDERING:
            return project
        _queue_render(account, project)
    return project


def _queue_render(account: Account, project: Project) -> None:
    """Check the project, charge its renditions and queue a video of its compiled script."""
    style = STYLES.get(project.style)
    if style is None:
        raise AppError(errors.STYLE_NOT_DEFINED, param="style")
    frames, music = _resolve(account, project.assets)
    if music is None and style.needs_music:
        raise AppError(
            errors.MUSIC_NOT_DEFINED,
            param="assets",
            detail=f"Music not defined: the {style.name} style needs an audio asset",
        )
    if not any(f.kind != "title" for f in frames):
        raise AppError(
            errors.INSUFFICIENT_ASSETS, param="assets", detail="Insufficient Assets: add at least one image or video"
        )
    if not project.name.strip():
        raise AppError(errors.NO_TITLE, param="name")
    script = compose(name=project.name, style=style, frames=frames, music=music, credit=project.credit)
    profiles = [RENDITIONS[q] for q in renditions(project.quality)]
    account.refresh_from_db(fields=["stored_video_bytes", "credits"])
    if account.stored_video_bytes >= account.plan.max_video_bytes:
        raise AppError(errors.STORED_VIDEOS_LIMIT)
    try:
        credits_charge(account=account, amount=len(profiles))
    except AppError as exc:
        raise AppError(
            errors.INSUFFICIENT_CREDITS,
            detail=f"Insufficient credits amount: {len(profiles)} needed, {account.credits} left",
        ) from exc
    video = Video.objects.create(
        account=account,
        project=project,
        template_public_id="",
        name=project.name,
        script=script,
        out_profiles=profiles,
        credits_charged=len(profiles),
    )
    project.status, project.error_code, project.error_message = Status.RENDERING, None, ""
    project.save(update_fields=["status", "error_code", "error_message", "modified_at"])
    render_enqueue(video)


def project_delete(*, account: Account, project_id: str) -> None:
    """The project, every render of it and their files (their bytes go back to the quota)."""
    project = project_get(account=account, project_id=project_id)
    for video_id in Video.objects.for_account(account).filter(project=project).values_list("public_id", flat=True):
        video_delete(account=account, video_id=video_id)
    project.delete()


def project_view_count(*, project: Project) -> None:
    Project.objects.unscoped().filter(pk=project.pk).update(views=F("views") + 1)


def render_finished(*, video: Video, event: str) -> None:
    """The render of ``video`` ended (``video.done`` or ``video.error``): publish or fail its project.

    Runs in the render's finishing transaction. A render that a newer one has
    replaced changes nothing; a published render retires the project's older ones.
    """
    account = video.account
    project = Project.objects.for_account(account).select_for_update().filter(pk=video.project_id).first()
    if project is None:
        return
    renders = Video.objects.for_account(account).filter(project=project)
    if renders.order_by("-id").values_list("pk", flat=True).first() != video.pk:
        return
    if event == "video.done":
        project.status, project.duration_ms = Status.PUBLISHED, video.duration_ms or 0
        older = list(renders.exclude(pk=video.pk).values_list("public_id", flat=True))
        transaction.on_commit(lambda: _retire(account, older))
    else:
        project.status = Status.ERROR
        project.error_code, project.error_message = video.status_code, video.status_message
    project.save(update_fields=["status", "duration_ms", "error_code", "error_message", "modified_at"])
    event_emit(
        account=account,
        event="maker.published" if event == "video.done" else "maker.error",
        payload=project_webhook_json(project, base_url=settings.PUBLIC_BASE_URL),
    )


def _retire(account: Account, video_ids: list[str]) -> None:
    """Delete a project's replaced renders and their files (one deleted meanwhile is no error)."""
    for video_id in video_ids:
        with contextlib.suppress(AppError):
            video_delete(account=account, video_id=video_id)


def on_render_finished(sender: type, *, video: Video, event: str, **kwargs: Any) -> None:
    render_finished(video=video, event=event)
