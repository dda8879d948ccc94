"""Expiring preview links of library media, for the dashboard's <img>, <video> and <audio>.

The same scheme as ``videos.links``: a signed token (``TimestampSigner``) names the
file and is the permission, so the browser's media elements need no session.
"""

from __future__ import annotations

from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from core import errors
from core.errors import AppError
from media_app.models import MediaFile

SALT = "media.preview"
DEFAULT_TTL_S = 3600


def media_url(media: MediaFile, ttl_s: int = DEFAULT_TTL_S) -> str:
    token = signing.TimestampSigner(salt=SALT).sign_object({"m": media.public_id, "t": ttl_s})
    return reverse("media-file", args=[token])


def media_file_view(request: HttpRequest, token: str) -> HttpResponse:
    signer = signing.TimestampSigner(salt=SALT)
    try:
        try:
            claims = signer.unsign_object(token)
            signer.unsign_object(token, max_age=int(claims["t"]))
        except signing.SignatureExpired:
            raise AppError(errors.GONE) from None
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise AppError(errors.MEDIA_NOT_FOUND, data="bad link") from None
        media = MediaFile.objects.unscoped().filter(public_id=claims["m"]).first()
        if media is None:
            raise AppError(errors.MEDIA_NOT_FOUND)
        try:
            handle = default_storage.open(media.storage_key, "rb")
        except OSError:
            raise AppError(errors.MEDIA_NOT_FOUND) from None
    except AppError as exc:
        return JsonResponse({"error": exc.rpc_error()}, status=exc.entry.http_status)
    response = FileResponse(handle, content_type=media.mime)
    response["Cache-Control"] = "private, max-age=300"
    return response
