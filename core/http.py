"""Answers of the plain (non-DRF) Django views: their one JSON error helper, their
one way to stream a stored file and one way to send a generated file as a download."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO, Any, Literal

from django.core.files import File
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from core.errors import AppError

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def json_error(
    error: AppError,
    *,
    style: Literal["rest", "rpc"] = "rest",
    status: int | None = None,
    extra: dict[str, Any] | None = None,
) -> JsonResponse:
    """An error as JSON with its HTTP status and headers: seed 003's REST shape
    ``{"error": {code, message, param, type}}``, or for the video API's plain URLs
    (``/api/upload``, video and media files) the JSON-RPC error object ``{"error": {code, message, data}}``;
    ``extra`` adds members beside ``error`` (the template editor's elements at fault)."""
    body = error.rest_error() if style == "rest" else {"error": error.rpc_error()}
    body.update(extra or {})
    response = JsonResponse(body, status=status or error.entry.http_status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def file_response(
    handle: IO[bytes],
    *,
    content_type: str,
    cache_control: str,
    filename: str = "",
) -> FileResponse:
    """A stored file, streamed inline; ``nosniff`` so a browser never guesses another type."""
    response = FileResponse(handle, content_type=content_type, filename=filename)
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response


def ranged_file_response(
    handle: IO[bytes], *, size: int, range_header: str, content_type: str, cache_control: str, filename: str = ""
) -> HttpResponse:
    """A stored file for players: one ``bytes=a-b`` / ``bytes=a-`` / ``bytes=-n`` range as 206,
    416 for a range past the end, the whole file otherwise (several ranges included)."""
    match = RANGE_RE.match(range_header.strip())
    if match is None or match[1] == match[2] == "":
        response = file_response(handle, content_type=content_type, cache_control=cache_control, filename=filename)
        response["Accept-Ranges"] = "bytes"
        return response
    if match[1]:
        start, end = int(match[1]), int(match[2]) if match[2] else size - 1
    else:
        start, end = max(size - int(match[2]), 0), size - 1
    end = min(end, size - 1)
    if start > end or start >= size:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle.seek(start)

    def chunks(remaining: int = end - start + 1):
        try:
            while remaining > 0:
                data = handle.read(min(CHUNK, remaining))
                if not data:
                    return
                remaining -= len(data)
                yield data
        finally:
            handle.close()

    response = StreamingHttpResponse(chunks(), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    if filename:
        response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def attachment_response(
    content: str | bytes | Iterable[str | bytes], *, filename: str, content_type: str
) -> HttpResponse | StreamingHttpResponse:
    """A generated file as a download (``Content-Disposition: attachment``): a whole body, or
    streamed from an iterator so a large file (a campaign's 100,000-row links file) never sits in memory."""
    if isinstance(content, (str, bytes)):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def stored_file_response(
    request: HttpRequest, handle: File, *, content_type: str, cache_control: str, filename: str = ""
) -> HttpResponse:
    """A download view's answer for a file opened from storage, honouring the request's ``Range``."""
    return ranged_file_response(
        handle,
        size=handle.size,
        range_header=request.headers.get("Range", ""),
        content_type=content_type,
        cache_control=cache_control,
        filename=filename,
    )
