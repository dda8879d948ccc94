"""The visual template editor: its page and the JSON endpoints it calls with the dashboard session.

Every endpoint takes the posted — possibly unsaved — script (``{"script": ..., "inputMedias": [...]}``,
the samples in a video's own ``inputMedias`` shape) and answers an error as the video API does
(``{"error": {code, message, data}}``) plus ``elements``, the ids it is about, and ``text``, the
sentence the page shows. CSRF: the page sends ``X-CSRFToken``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.auth import action_admit
from accounts.dashboard.errors import error_text
from accounts.dashboard.views import account_required
from core import errors
from core.errors import AppError
from core.http import json_error, stored_file_response
from media_app.links import library_items
from media_app.selectors import media_list
from templates_app.models import VideoTemplate
from templates_app.selectors import template_get
from templates_app.services import script_check, template_update
from videos.editor import services
from videos.editor.services import MAX_SCRIPT_BYTES

DIGEST_RE = re.compile(r"[0-9a-f]{64}")


def _template(request: HttpRequest, template_id: str) -> VideoTemplate:
    return template_get(account=request.account, template_id=template_id)


def _posted(request: HttpRequest) -> dict[str, Any]:
    """The JSON body, within ``MAX_SCRIPT_BYTES``."""
    if len(request.body) > MAX_SCRIPT_BYTES:
        raise AppError(
            errors.BAD_SCRIPT, data={"element": None, "reason": f"the script is larger than {MAX_SCRIPT_BYTES} bytes"}
        )
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise AppError(errors.INVALID_REQUEST, detail="the body is not JSON") from None
    if not isinstance(body, dict):
        raise AppError(errors.INVALID_REQUEST, detail="the body is a JSON object")
    if not isinstance(body.get("inputMedias", []), list):
        raise AppError(errors.INVALID_REQUEST, detail="inputMedias is a list")
    return body


def _error(exc: AppError, body: dict[str, Any], inputs: dict[str, str] | None = None) -> JsonResponse:
    raw = body.get("script")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = None
    extra: dict[str, Any] = {
        "elements": services.error_elements(exc, raw, body.get("inputMedias")),
        "text": error_text(exc),
    }
    if inputs is not None:
        extra["inputs"] = [{"inputID": key, "type": kind} for key, kind in inputs.items()]
    return json_error(exc, style="rpc", extra=extra)


def _with_draft(request: HttpRequest, template_id: str, answer) -> HttpResponse:
    """Parse the body, check the script and its samples, and pass the draft to ``answer``; any failure
    is the error's JSON (another account's template: 1000, not found)."""
    body: dict[str, Any] = {}
    inputs = None
    try:
        template = _template(request, template_id)
        body = _posted(request)
        raw, script = script_check(account=request.account, input_scripts=body.get("script") or "")
        inputs = services.script_inputs(script)
        draft = services.draft_prepare(
            account=request.account, template=template, raw=raw, script=script, input_medias=body.get("inputMedias", [])
        )
        return answer(draft, body)
    except AppError as exc:
        return _error(exc, body, inputs)


@account_required
def editor(request: HttpRequest, template_id: str) -> HttpResponse:
    try:
        template = _template(request, template_id)
    except AppError:
        raise Http404("template not found") from None
    _, medias = media_list(account=request.account, limit=500)
    urls = {
        name: reverse(f"dashboard:template-editor-{name}", args=[template.public_id])
        for name in ("check", "frame", "clip", "save")
    }
    data = {
        "script": template.input_scripts,
        "profile": template.out_profiles[0] if template.out_profiles else services.DEFAULT_PROFILE,
        "library": library_items(medias),
        "urls": urls,
    }
    return render(request, "dashboard/editor/editor.html", {"template": template, "data": data})


@account_required
@require_POST
def check(request: HttpRequest, template_id: str) -> HttpResponse:
    """The script checked with its samples: its elements' times, its length, the inputs it takes."""

    def answer(draft: services.Draft, body: dict) -> JsonResponse:
        return JsonResponse(
            {
                "duration": draft.timeline.duration,
                "fps": draft.profile.fps,
                "items": [{"id": i.element.id, "start": i.start, "end": i.end} for i in draft.timeline.items],
                "inputs": [
                    {"inputID": key, "type": kind} for key, kind in services.script_inputs(draft.script).items()
                ],
            }
        )

    return _with_draft(request, template_id, answer)


@account_required
@require_POST
def frame(request: HttpRequest, template_id: str) -> HttpResponse:
    """The PNG of the frame a render shows at ``t`` seconds (``X-Frame-Time``: the frame's own time)."""

    def answer(draft: services.Draft, body: dict) -> HttpResponse:
        at = body.get("t", 0)
        if isinstance(at, bool) or not isinstance(at, (int, float)):
            raise AppError(errors.INVALID_REQUEST, detail="t is a number of seconds", param="t")
        found = services.frame_render(draft=draft, at=float(at))
        response = HttpResponse(found.png, content_type="image/png")
        response["Cache-Control"] = "private, no-store"
        response["X-Frame-Index"] = str(found.index)
        response["X-Frame-Time"] = f"{found.at:.3f}"
        response["X-Frame-Cache"] = "hit" if found.cached else "miss"
        return response

    return _with_draft(request, template_id, answer)


@account_required
@require_POST
def clip(request: HttpRequest, template_id: str) -> HttpResponse:
    """A draft MP4 of the whole template (free of credits, ``CLIPS_PER_MINUTE`` new ones a minute): its URL."""

    def admit() -> None:
        action_admit(
            request.account, action="preview-clip", per_minute=services.CLIPS_PER_MINUTE, described="Preview clips"
        )

    def answer(draft: services.Draft, body: dict) -> JsonResponse:
        made = services.clip_render(draft=draft, admit=admit)
        url = reverse("dashboard:template-editor-clip-file", args=[template_id, made.digest])
        return JsonResponse({"url": url, "cached": made.cached, "duration": draft.timeline.duration})

    return _with_draft(request, template_id, answer)


@account_required
@require_GET
def clip_file(request: HttpRequest, template_id: str, digest: str) -> HttpResponse:
    """A draft clip of this account's, Range-served for the page's <video>."""
    try:
        _template(request, template_id)
        key = services.clip_storage_key(request.account, digest)
        if not DIGEST_RE.fullmatch(digest) or not default_storage.exists(key):
            raise AppError(errors.VIDEO_FILE_NOT_FOUND, data=digest)
        handle = default_storage.open(key, "rb")
    except AppError as exc:
        return json_error(exc, style="rpc")
    return stored_file_response(request, handle, content_type="video/mp4", cache_control="private, max-age=600")


@account_required
@require_POST
def save(request: HttpRequest, template_id: str) -> HttpResponse:
    """Save the script as the template's (the same checks as every save)."""
    body: dict[str, Any] = {}
    try:
        body = _posted(request)
        template = template_update(
            account=request.account, template_id=template_id, input_scripts=body.get("script") or ""
        )
    except AppError as exc:
        return _error(exc, body)
    return JsonResponse({"saved": True, "updatedAt": template.updated_at.isoformat()})
