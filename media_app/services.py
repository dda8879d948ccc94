"""Every write to the media library: streamed uploads, deletes, analysis."""

from __future__ import annotations

import contextlib
import mimetypes
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import imageio_ffmpeg
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models, transaction

from accounts.models import Account
from accounts.services import storage_release, storage_reserve
from core import errors
from core.errors import AppError
from media_app.models import MediaFile
from media_app.probe import audio_loudness, matches_declared, probe
from media_app.selectors import media_get

MAX_UPLOAD_BYTES = 50_000_000
CHUNK_BYTES = 1024 * 1024
ACCEPTED_MAJOR_TYPES = ("video", "image", "audio")


def ffmpeg_exe() -> str:
    """The configured ffmpeg binary, else the one the imageio-ffmpeg wheel ships."""
    return settings.FFMPEG_BINARY or imageio_ffmpeg.get_ffmpeg_exe()


def scratch_dir() -> Path:
    path = Path(settings.SCRATCH_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def content_type_ok(content_type: str) -> bool:
    major, _, minor = content_type.split(";")[0].strip().lower().partition("/")
    return major in ACCEPTED_MAJOR_TYPES and bool(minor)


def _extension(mime: str) -> str:
    ext = mimetypes.guess_extension(mime) or ""
    return {".jpe": ".jpg", ".jpeg": ".jpg", ".mp4v": ".mp4"}.get(ext, ext)


def media_upload(
    *,
    account: Account,
    read: Callable[[int], bytes],
    content_length: int,
    content_type: str,
    filename: str = "",
    description: str = "",
    template: models.Model | None = None,
) -> MediaFile:
    """Stream an upload to scratch, probe it, store it and record it.

    The media quota (2001) is checked before reading, and reserved chunk by
    chunk while streaming, so concurrent uploads cannot overshoot it. A file
    that is not what it claims to be (1029) leaves nothing behind.
    """
    plan = account.plan
    account.refresh_from_db(fields=["stored_media_bytes"])
    if account.stored_media_bytes + content_length > plan.max_media_bytes:
        raise AppError(errors.STORED_MEDIAS_LIMIT, data={"limit": plan.max_media_bytes})
    reserved = 0
    with tempfile.NamedTemporaryFile(dir=scratch_dir(), prefix="upload-", suffix=".part") as tmp:
        try:
            received = 0
            while received < content_length:
                chunk = read(min(CHUNK_BYTES, content_length - received))
                if not chunk:
                    break
                storage_reserve(account=account, kind="media", nbytes=len(chunk))
                reserved += len(chunk)
                tmp.write(chunk)
                received += len(chunk)
            if received != content_length:
                raise AppError(errors.BAD_INPUT_MEDIA, detail=f"body ended after {received} of {content_length} bytes")
            tmp.flush()
            info = probe(tmp.name)
            if not matches_declared(info, content_type):
                raise AppError(errors.BAD_INPUT_MEDIA, detail=f"declared {content_type} but the file is {info.mime}")
            media = MediaFile(
                account=account,
                kind=info.kind,
                mime=info.mime,
                size=received,
                duration_ms=info.duration_ms,
                width=info.width,
                height=info.height,
                video_codec=info.video_codec or "",
                audio_codec=info.audio_codec or "",
                filename=filename[:200],
                description=description[:1000],
                per_video=template is not None,
                template=template,
            )
            key = f"media/{account.public_id}/{media.public_id}{_extension(info.mime)}"
            tmp.seek(0)
            media.storage_key = default_storage.save(key, File(tmp, name=key))
            try:
                media.save()
            except BaseException:
                default_storage.delete(media.storage_key)
                raise
        except BaseException:
            if reserved:
                storage_release(account=account, kind="media", nbytes=reserved)
            raise
    return media


@transaction.atomic
def media_delete_files(*, account: Account, medias: list[MediaFile]) -> None:
    """Remove the files and rows of ``medias`` and give their bytes back to the quota."""
    for media in medias:
        media.delete()  # first: a pre_delete receiver may refuse (templates_app: 1008, in use)
        with contextlib.suppress(FileNotFoundError):
            default_storage.delete(media.storage_key)
        storage_release(account=account, kind="media", nbytes=media.size)


@transaction.atomic
def media_delete(*, account: Account, media_id: str) -> None:
    """1001 when not found; 1008 while a template's script uses it (refused by templates_app's receiver)."""
    media = MediaFile.objects.for_account(account).filter(public_id=media_id).first()
    if media is None:
        raise AppError(errors.MEDIA_NOT_FOUND, data=media_id, param="mediaID")
    media_delete_files(account=account, medias=[media])


@contextlib.contextmanager
def media_local_path(media: MediaFile, workdir: Path | None = None) -> Iterator[Path]:
    """A local file holding the media: the stored file itself, or a copy for remote storages."""
    try:
        yield Path(default_storage.path(media.storage_key))
        return
    except NotImplementedError:
        pass
    target_dir = workdir or Path(tempfile.mkdtemp(dir=scratch_dir(), prefix="media-"))
    target = target_dir / f"{media.public_id}{Path(media.storage_key).suffix}"
    try:
        with default_storage.open(media.storage_key, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK_BYTES)
        yield target
    finally:
        if workdir is None:
            shutil.rmtree(target_dir, ignore_errors=True)


def media_audio_level(*, account: Account, media_id: str) -> dict:
    """The loudness of a stored media (EBU R128 and volumedetect)."""
    media = media_get(account=account, media_id=media_id)
    with media_local_path(media) as path:
        return audio_loudness(path, ffmpeg_exe())
