"""``POST /api/upload``: the raw body is the file (seeds 000/001).

A plain Django view rather than DRF: the body is read from the WSGI stream in
chunks (``request.read``), never through ``request.body``, so a 50 MB upload
never sits in memory whole and DATA_UPLOAD_MAX_MEMORY_SIZE does not apply.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from accounts.auth import authenticate_request
from core import errors
from core.errors import AppError
from core.http import json_error
from media_app import services
from media_app.json import media_json


def _header(request: HttpRequest, *names: str) -> str:
    for name in names:
        value = request.META.get(name)
        if value is not None:
            return value
    return ""


def bad_header(name: str, limit: int) -> AppError:
    """An over-long optional header: the seeds' 1029 Bad input media, naming the header."""
    return AppError(errors.BAD_INPUT_MEDIA, data=f"{name} is longer than {limit} characters")


@csrf_exempt
def upload_view(request: HttpRequest, *, authenticate_template: Callable[..., models.Model]) -> HttpResponse:
    """``authenticate_template`` (templates_app's, given by config/urls.py: that app sits above this
    one) checks ``?templateID=&templateSecret=`` and returns the template a per-video upload joins."""
    if request.method != "POST":
        return json_error(
            AppError(errors.RPC_INVALID_REQUEST, data="POST the raw file to this URL"), style="rpc", status=405
        )
    try:
        template = None
        if "templateID" in request.GET:
            template = authenticate_template(
                request,
                account_id=request.GET.get("accountID", ""),
                template_id=request.GET.get("templateID", ""),
                secret=request.GET.get("templateSecret", ""),
            )
            account = template.account
        else:
            principal = authenticate_request(request)
            if principal is None:
                raise AppError(errors.AUTHENTICATION_ERROR, data="add ?accountID=...&accountSecret=... to the URL")
            if principal.via == "session":
                # The dashboard uploads with its session cookie: that needs the CSRF token.
                refusal = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
                if refusal is not None:
                    return refusal
            account = principal.account

        content_type = request.META.get("CONTENT_TYPE", "")
        if not services.content_type_ok(content_type):
            raise AppError(errors.INVALID_CONTENT_TYPE, data="Content-Type must be video/*, image/* or audio/*")
        raw_length = request.META.get("CONTENT_LENGTH", "")
        if not raw_length.strip().isdigit():
            raise AppError(errors.NO_SIZE_SPECIFIED)
        length = int(raw_length)
        if length < 1:
            raise AppError(errors.NO_SIZE_SPECIFIED, data="Content-Length must be 1 to 50000000")
        if length > services.MAX_UPLOAD_BYTES:
            # Seed 000/001's code for Content-Length out of 1..50000000, with the HTTP status that says why.
            too_large = AppError(
                errors.NO_SIZE_SPECIFIED, data=f"Content-Length {length} is over the 50,000,000 byte limit"
            )
            return json_error(too_large, style="rpc", status=413)
        filename = _header(request, "HTTP_X_SZN_FILENAME")
        description = _header(request, "HTTP_X_SZN_DESCRIPTION")
        if len(filename) > 200:
            return json_error(bad_header("X-SZN-FILENAME", 200), style="rpc", status=400)
        if len(description) > 1000:
            return json_error(bad_header("X-SZN_DESCRIPTION", 1000), style="rpc", status=400)
        media = services.media_upload(
            account=account,
            read=request.read,
            content_length=length,
            content_type=content_type,
            filename=filename,
            description=description,
            template=template,
        )
    except AppError as exc:
        return json_error(exc, style="rpc")
    return JsonResponse(media_json(media))
