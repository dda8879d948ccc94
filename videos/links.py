"""Expiring download links: a ``core.links`` token naming a video's file, served by :func:`download_view`.

Local storage has no URLs of its own, so the token is the permission; with S3 a
presigned ``storage.url`` would do the same job.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from core import errors
from core.errors import AppError
from core.http import json_error, stored_file_response
from core.links import link_claims, link_token
from videos.models import Video

PURPOSE = "videos.download"
DEFAULT_TTL_S = 3600
MAX_TTL_S = 7 * 24 * 3600


def file_url(request: HttpRequest | None, video: Video, file_id: str, ttl_s: int) -> str:
    expires_at = timezone.now() + timedelta(seconds=ttl_s)
    token = link_token(PURPOSE, {"v": video.public_id, "f": file_id}, expires_at=expires_at)
    path = reverse("video-file", args=[token])
    return request.build_absolute_uri(path) if request is not None else path


def video_links(request: HttpRequest | None, video: Video, ttl_s: int | None = None) -> dict:
    """URLs of every output file and the poster (1006 until the video has files)."""
    ttl = min(max(int(ttl_s or DEFAULT_TTL_S), 60), MAX_TTL_S)
    if video.status != Video.Status.DONE or not video.out_files:
        raise AppError(errors.VIDEO_FILE_NOT_FOUND, data=f"video {video.public_id} is {video.status}")
    files = [
        {
            "profile": f["profile"],
            "name": f["name"],
            "size": f["size"],
            "url": file_url(request, video, f["profile"], ttl),
        }
        for f in video.out_files
    ]
    return {
        "id": video.public_id,
        "expiresIn": ttl,
        "files": files,
        "thumbnail": file_url(request, video, "poster", ttl),
    }


def _key(video: Video, file_id: str) -> tuple[str, str]:
    if file_id == "poster" and video.poster_key:
        return video.poster_key, "image/jpeg"
    for f in video.out_files:
        if f["profile"] == file_id:
            ext = f["name"].rsplit(".", 1)[-1]
            return f["key"], {"mp4": "video/mp4", "webm": "video/webm", "gif": "image/gif"}.get(
                ext, "application/octet-stream"
            )
    raise AppError(errors.VIDEO_FILE_NOT_FOUND)


def download_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claims = link_claims(PURPOSE, token, invalid=errors.VIDEO_FILE_NOT_FOUND)
        video = Video.objects.unscoped().filter(public_id=claims.get("v"), status=Video.Status.DONE).first()
        if video is None:
            raise AppError(errors.VIDEO_FILE_NOT_FOUND)
        key, content_type = _key(video, claims.get("f"))
        try:
            handle = default_storage.open(key, "rb")
        except (FileNotFoundError, OSError):
            raise AppError(errors.VIDEO_FILE_NOT_FOUND) from None
    except AppError as exc:
        return json_error(exc, style="rpc")
    return stored_file_response(request, handle, content_type=content_type, cache_control="private, max-age=300")
