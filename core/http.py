"""Answers of the plain (non-DRF) Django views: their one JSON error helper and their
one way to stream a stored file."""

from __future__ import annotations

from typing import IO, Literal

from django.http import FileResponse, JsonResponse

from core.errors import AppError


def json_error(error: AppError, *, style: Literal["rest", "rpc"] = "rest", status: int | None = None) -> JsonResponse:
    """An error as JSON with its HTTP status and headers: seed 003's REST shape
    ``{"error": {code, message, param, type}}``, or for the video API's plain URLs
    (``/api/upload``, video and media files) the JSON-RPC error object ``{"error": {code, message, data}}``."""
    body = error.rest_error() if style == "rest" else {"error": error.rpc_error()}
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
