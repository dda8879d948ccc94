"""Dashboard pages of media and videos (the template editor is in ``template_views``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from accounts.dashboard.views import account_required
from core import errors
from core.errors import AppError
from media_app import selectors as media_selectors
from media_app import services as media_services
from media_app.links import media_url
from templates_app import selectors as template_selectors
from videos import selectors
from videos.dashboard.forms import error_text
from videos.links import video_links
from videos.serializers import video_json


@account_required
def media(request: HttpRequest) -> HttpResponse:
    total, items = media_selectors.media_list(account=request.account, limit=100)
    rows = [{"media": m, "url": media_url(m)} for m in items]
    return render(request, "dashboard/videos/media.html", {"rows": rows, "total": total})


@account_required
def media_delete(request: HttpRequest, media_id: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes (1008 while a template uses the media)."""
    try:
        item = media_selectors.media_get(account=request.account, media_id=media_id)
    except AppError:
        raise Http404("media not found") from None
    if request.method != "POST":
        return render(request, "dashboard/videos/media_delete.html", {"media": item, "url": media_url(item)})
    try:
        media_services.media_delete(account=request.account, media_id=media_id)
    except AppError as exc:
        if exc.entry is errors.MEDIA_NOT_FOUND:
            raise Http404("media not found") from None
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"“{item.filename or item.public_id}” deleted.")
    return redirect("dashboard:media")


@account_required
def templates(request: HttpRequest) -> HttpResponse:
    total, items = template_selectors.template_list(account=request.account, limit=100)
    return render(request, "dashboard/videos/templates.html", {"items": items, "total": total})


def _links(request: HttpRequest, video) -> dict | None:
    try:
        return video_links(request, video)
    except AppError:
        return None


@account_required
def videos(request: HttpRequest) -> HttpResponse:
    total, items = selectors.video_list(account=request.account, limit=100)
    rows = [{"video": video, "links": _links(request, video)} for video in items]
    return render(request, "dashboard/videos/videos.html", {"rows": rows, "total": total})


@account_required
def video(request: HttpRequest, video_id: str) -> HttpResponse:
    try:
        item = selectors.video_get(account=request.account, video_id=video_id)
    except AppError:
        raise Http404("video not found") from None
    return render(request, "dashboard/videos/video.html", {"video": item, "links": _links(request, item)})


@account_required
def video_status(request: HttpRequest) -> JsonResponse:
    """Statuses of the listed videos, polled by the page while any is queued or processing."""
    ids = request.GET.getlist("id")[:100]
    found = [video_json(v) for v in selectors.video_list(account=request.account, limit=100)[1] if v.public_id in ids]
    return JsonResponse({"videos": [{"id": v["id"], "status": v["status"]["code"]} for v in found]})
