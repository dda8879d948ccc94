"""Expiring preview links of library media, for the dashboard's <img>, <video> and <audio>.

A ``core.links`` token names the file and is the permission, so the browser's media
elements need no session.
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
from media_app.models import MediaFile

PURPOSE = "media.preview"
DEFAULT_TTL_S = 3600


def media_url(media: MediaFile, ttl_s: int = DEFAULT_TTL_S) -> str:
    token = link_token(PURPOSE, {"m": media.public_id}, expires_at=timezone.now() + timedelta(seconds=ttl_s))
    return reverse("media-file", args=[token])


def library_items(medias: list[MediaFile]) -> list[dict]:
    """The media library as the dashboard's pickers show it: id, name, kind, preview link, seconds."""
    return [
        {
            "id": m.public_id,
            "name": m.filename or m.public_id,
            "kind": m.kind,
            "url": media_url(m),
            "duration": (m.duration_ms or 0) / 1000,
        }
        for m in medias
    ]


def media_file_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claims = link_claims(PURPOSE, token, invalid=errors.MEDIA_NOT_FOUND)
        media = MediaFile.objects.unscoped().filter(public_id=claims.get("m")).first()
        if media is None:
            raise AppError(errors.MEDIA_NOT_FOUND)
        try:
            handle = default_storage.open(media.storage_key, "rb")
        except OSError:
            raise AppError(errors.MEDIA_NOT_FOUND) from None
    except AppError as exc:
        return json_error(exc, style="rpc")
    return stored_file_response(request, handle, content_type=media.mime, cache_control="private, max-age=300")
