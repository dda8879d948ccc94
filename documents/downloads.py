"""Public downloads of documents: no API key, the signed or random token is the credential.
Each download counts against the owning account's plan rate limit, like its API calls
(``RateLimit-*`` headers; 429 with ``Retry-After`` beyond it), before anything is read or rendered."""

from __future__ import annotations

import io

from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.auth import request_admit
from core.errors import AppError
from core.http import json_error, ranged_file_response, stored_file_response
from documents import services


@require_GET
def file_download(request: HttpRequest, token: str) -> HttpResponse:
    """``/v1/files/<signed token>``: an output of a completed request, for 30 minutes."""
    try:
        account, entry = services.download_open(token=token)
        request_admit(request, account)
    except AppError as exc:
        return json_error(exc)
    return stored_file_response(
        request,
        default_storage.open(entry["key"], "rb"),
        filename=entry["name"],
        content_type=entry["content_type"],
        cache_control="private, no-store",
    )


@require_GET
def link_download(request: HttpRequest, token: str) -> HttpResponse:
    """``/d/<token>``: the on-demand document (rendered on the first open, then from the cache)."""
    try:
        link = services.link_get(token=token)
        request_admit(request, link.account)
        link, data = services.link_open(link=link)
    except AppError as exc:
        return json_error(exc)
    if data is not None:  # rendered by this request
        return ranged_file_response(
            io.BytesIO(data),
            size=len(data),
            range_header=request.headers.get("Range", ""),
            filename=link.cached_filename,
            content_type=link.cached_content_type,
            cache_control="private, no-store",
        )
    return stored_file_response(
        request,
        default_storage.open(link.cached_key, "rb"),
        filename=link.cached_filename,
        content_type=link.cached_content_type,
        cache_control="private, no-store",
    )


urlpatterns = [path("d/<str:token>", link_download, name="document-link")]
