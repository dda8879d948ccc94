"""Dashboard pages of media, templates and videos (one module: each page is a thin list)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from accounts.dashboard.views import account_required
from core.errors import AppError
from media_app import selectors as media_selectors
from templates_app import selectors as template_selectors
from videos import selectors
from videos.links import video_links
from videos.selectors import video_json


@account_required
def media(request: HttpRequest) -> HttpResponse:
    total, items = media_selectors.media_list(account=request.account, limit=100)
    return render(request, "dashboard/videos/media.html", {"items": items, "total": total})


@account_required
def templates(request: HttpRequest) -> HttpResponse:
    total, items = template_selectors.template_list(account=request.account, limit=100)
    return render(request, "dashboard/videos/templates.html", {"items": items, "total": total})


@account_required
def videos(request: HttpRequest) -> HttpResponse:
    total, items = selectors.video_list(account=request.account, limit=100)
    rows = []
    for video in items:
        try:
            links = video_links(request, video)
        except AppError:
            links = None
        rows.append({"video": video, "links": links})
    return render(request, "dashboard/videos/videos.html", {"rows": rows, "total": total})


@account_required
def video_status(request: HttpRequest) -> JsonResponse:
    """Statuses of the listed videos, polled by the page while any is queued or processing."""
    ids = request.GET.getlist("id")[:100]
    found = [video_json(v) for v in selectors.video_list(account=request.account, limit=100)[1] if v.public_id in ids]
    return JsonResponse({"videos": [{"id": v["id"], "status": v["status"]["code"]} for v in found]})
