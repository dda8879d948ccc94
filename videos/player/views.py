"""The public player page ``/p/<token>``, its files, its status and its analytics beacon.

No login and no cookies: the token is the permission. A finished video's page is
rendered once and kept in Redis and briefly in the process (see ``services.cached_page``),
so later opens cost a signature check and at most one Redis read.
"""

from __future__ import annotations

import json

from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.clientip import client_ip
from core.http import ranged_file_response
from templates_app.profiles import parse_profile
from videos.models import Video
from videos.player import stats, tokens
from videos.player.captions import webvtt
from videos.player.selectors import page_branding, page_ctas, page_sources, page_video
from videos.player.services import cached_page, page_cache_key, remember_page

PAGE_CACHE_S = 300
MAX_BEACON_BYTES = 4096
FILE_CACHE = "private, max-age=300"


def _not_found(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(render_to_string("player/not_found.html", request=request), status=404)
    response["Cache-Control"] = "no-store"
    return response


def _stage_context(request: HttpRequest, video: Video, token: str) -> dict:
    sources = []
    for source in page_sources(video):
        profile = parse_profile(source["profile"])
        url = reverse("player-file", args=[token, source["profile"]])
        sources.append({**source, "url": url, "width": profile.width, "height": profile.height})
    return {
        "video": video,
        "token": token,
        "sources": sources,
        "poster_url": reverse("player-file", args=[token, "poster"]) if video.poster_key else None,
        "ctas": page_ctas(video),
        "captions_url": reverse("player-captions", args=[token]) if video.captions else None,
    }


def _render_page(request: HttpRequest, video: Video, token: str, embed: bool) -> str:
    context = _stage_context(request, video, token)
    first = context["sources"][0] if context["sources"] else None
    context.update(
        brand=page_branding(video),
        embed=embed,
        page_url=request.build_absolute_uri(reverse("player-page", args=[token])),
        poster_abs=request.build_absolute_uri(context["poster_url"]) if context["poster_url"] else None,
        video_abs=request.build_absolute_uri(first["url"]) if first else None,
        first=first,
        status_url=reverse("player-status", args=[token]),
        beacon_url=reverse("player-beacon", args=[token]),
    )
    return render_to_string("player/page.html", context, request=None)


@require_GET
def page_view(request: HttpRequest, token: str) -> HttpResponse:
    key = tokens.key_of(token)
    if key is None:
        return _not_found(request)
    embed = request.GET.get("embed") == "1"
    cache_key = page_cache_key(key, embed=embed)
    html = cached_page(cache_key)
    if html is None:
        video = page_video(key)
        if video is None:
            return _not_found(request)
        html = _render_page(request, video, token, embed).encode()
        if video.status == Video.Status.DONE:
            ttl = PAGE_CACHE_S
            if video.page_expires_at is not None:
                ttl = min(ttl, int((video.page_expires_at - timezone.now()).total_seconds()))
            if ttl > 0:
                remember_page(cache_key, html, ttl)
    response = HttpResponse(html)
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if embed:
        response.xframe_options_exempt = True
    else:
        response["X-Frame-Options"] = "DENY"
    return response


@require_GET
def status_view(request: HttpRequest, token: str) -> HttpResponse:
    """``{"status": ...}``; once done, with the player's HTML for the page to swap in."""
    key = tokens.key_of(token)
    video = page_video(key) if key else None
    if video is None:
        return JsonResponse({"status": "gone"}, status=404)
    body: dict = {"status": video.status}
    if video.status in (Video.Status.DONE, Video.Status.ERROR):
        body["html"] = render_to_string("player/_stage.html", _stage_context(request, video, token))
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def file_view(request: HttpRequest, token: str, file_id: str) -> HttpResponse:
    key = tokens.key_of(token)
    video = page_video(key) if key else None
    if video is None or video.status != Video.Status.DONE:
        return HttpResponse(status=404)
    if file_id == "poster":
        storage_key, content_type = video.poster_key, "image/jpeg"
    else:
        found = next((f for f in video.out_files if f["profile"] == file_id), None)
        if found is None:
            return HttpResponse(status=404)
        storage_key = found["key"]
        content_type = {"mp4": "video/mp4", "webm": "video/webm"}.get(found["name"].rsplit(".", 1)[-1])
        if content_type is None:
            return HttpResponse(status=404)
    try:
        handle = default_storage.open(storage_key, "rb")
        size = default_storage.size(storage_key)
    except OSError:
        return HttpResponse(status=404)
    response = ranged_file_response(
        handle,
        size=size,
        range_header=request.headers.get("Range", ""),
        content_type=content_type,
        cache_control=FILE_CACHE,
    )
    response.xframe_options_exempt = True
    return response


@require_GET
def captions_view(request: HttpRequest, token: str) -> HttpResponse:
    """The video's texts with their times as a WebVTT captions track (``<track kind="captions">``)."""
    key = tokens.key_of(token)
    video = page_video(key) if key else None
    if video is None or video.status != Video.Status.DONE or not video.captions:
        return HttpResponse(status=404)
    response = HttpResponse(webvtt(video.captions), content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = FILE_CACHE
    response.xframe_options_exempt = True
    return response


@csrf_exempt
@require_POST
def beacon_view(request: HttpRequest, token: str) -> HttpResponse:
    """``navigator.sendBeacon`` target: ``{"events": [{"e": "view"}, {"e": "cta", "id": "buy"}, ...]}``.

    Answers 204 at once whatever it counted: counting is a few Redis increments, and
    a beacon's sender never reads the answer anyway.
    """
    key = tokens.key_of(token)
    if key is None or len(request.body) > MAX_BEACON_BYTES:
        return HttpResponse(status=204)
    try:
        events = json.loads(request.body).get("events")
    except (ValueError, AttributeError):
        return HttpResponse(status=204)
    if isinstance(events, list):
        stats.events_record(
            page_key=key,
            events=events[:20],
            address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    return HttpResponse(status=204)
