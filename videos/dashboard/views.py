"""Dashboard pages of media and videos (the template editor is in ``template_views``)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse

from accounts.dashboard.errors import error_html
from accounts.dashboard.listing import Filter, Listing, choices_of
from accounts.dashboard.views import account_required
from core import errors
from core.errors import AppError
from media_app import selectors as media_selectors
from media_app import services as media_services
from media_app.links import media_url
from media_app.models import MediaFile
from templates_app import selectors as template_selectors
from templates_app import services as template_services
from templates_app.models import VideoTemplate
from videos import selectors
from videos import services as video_services
from videos.links import video_links
from videos.models import Video
from webhooks import selectors as webhook_selectors


@account_required
def media(request: HttpRequest) -> HttpResponse:
    listing = Listing(
        request,
        noun="file",
        search="File name, description or mediaID",
        filters=[Filter("kind", "Type", choices_of(MediaFile.Kind))],
    )
    total, items = media_selectors.media_list(
        account=request.account,
        kind=listing.value("kind"),
        search=listing.search,
        offset=listing.offset,
        limit=listing.limit,
    )
    listing.fill(total, [{"media": m, "url": media_url(m)} for m in items])
    return render(request, "dashboard/videos/media.html", {"listing": listing})


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
        messages.error(request, error_html(exc))
    else:
        messages.success(request, f"“{item.filename or item.public_id}” deleted.")
    return redirect("dashboard:media")


def _confirm(request: HttpRequest, **context) -> HttpResponse:
    return render(request, "dashboard/videos/confirm_delete.html", context)


@account_required
def template_delete(request: HttpRequest, template_id: str) -> HttpResponse:
    """GET asks for confirmation, saying what stays and what stops; POST deletes."""
    try:
        template = template_selectors.template_get(account=request.account, template_id=template_id)
    except AppError:
        raise Http404("template not found") from None
    if request.method != "POST":
        made, _ = selectors.video_list(account=request.account, template_id=template.public_id, limit=0)
        hooks = len(webhook_selectors.webhook_list(account=request.account, template_id=template.public_id))
        consequences = [
            f"Its {made} video{pluralize(made)} stay, with their files and links.",
            "Videos of it still queued or rendering fail (1000) and get their credits back.",
            "Its templateSecret stops working, and its per-video uploads are deleted.",
        ]
        if hooks:
            consequences.append(f"Its {hooks} webhook{pluralize(hooks)} will receive nothing more.")
        return _confirm(
            request,
            what="video template",
            name=template.name,
            public_id=template.public_id,
            consequences=consequences,
            cancel_url=reverse("dashboard:templates"),
            back_label="Video templates",
        )
    try:
        template_services.template_delete(account=request.account, template_id=template_id)
    except AppError as exc:
        if exc.entry is errors.TEMPLATE_NOT_FOUND:
            raise Http404("template not found") from None
        messages.error(request, error_html(exc))
        return redirect("dashboard:template-edit", template_id)
    messages.success(request, f"Template “{template.name}” deleted.")
    return redirect("dashboard:templates")


@account_required
def templates(request: HttpRequest) -> HttpResponse:
    listing = Listing(
        request,
        noun="template",
        search="Name, description or templateID",
        filters=[Filter("status", "Status", choices_of(VideoTemplate.Status))],
    )
    total, items = template_selectors.template_list(
        account=request.account,
        status=listing.value("status"),
        search=listing.search,
        offset=listing.offset,
        limit=listing.limit,
    )
    return render(request, "dashboard/videos/templates.html", {"listing": listing.fill(total, items)})


def _links(request: HttpRequest, video) -> dict | None:
    try:
        return video_links(request, video)
    except AppError:
        return None


@account_required
def videos(request: HttpRequest) -> HttpResponse:
    listing = Listing(
        request,
        noun="video",
        per_page=24,
        search="Video name or id",
        filters=[
            Filter("status", "Status", choices_of(Video.Status)),
            Filter("template", "Template", template_selectors.template_names(account=request.account)),
        ],
    )
    total, items = selectors.video_list(
        account=request.account,
        template_id=listing.value("template"),
        status=listing.value("status"),
        search=listing.search,
        offset=listing.offset,
        limit=listing.limit,
    )
    prefetch_related_objects(items, "template")  # each card names its template
    listing.fill(total, [{"video": video, "links": _links(request, video)} for video in items])
    return render(request, "dashboard/videos/videos.html", {"listing": listing})


@account_required
def video(request: HttpRequest, video_id: str) -> HttpResponse:
    try:
        item = selectors.video_get(account=request.account, video_id=video_id)
    except AppError:
        raise Http404("video not found") from None
    return render(request, "dashboard/videos/video.html", {"video": item, "links": _links(request, item)})


@account_required
def video_delete(request: HttpRequest, video_id: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes the video and its files (1030 when storage refuses)."""
    try:
        item = selectors.video_get(account=request.account, video_id=video_id)
    except AppError:
        raise Http404("video not found") from None
    if request.method != "POST":
        consequences = [
            "Its files, poster and player page are removed; download links stop working.",
            "The space it took goes back to your video storage; the credits spent are not refunded.",
        ]
        if item.status in (Video.Status.QUEUED, Video.Status.PROCESSING):
            consequences.append("It is still rendering: what the render makes is thrown away.")
        return _confirm(
            request,
            what="video",
            name=item.name or item.public_id,
            public_id=item.public_id,
            consequences=consequences,
            cancel_url=reverse("dashboard:video", args=[item.public_id]),
            back_label=item.name or item.public_id,
        )
    try:
        video_services.video_delete(account=request.account, video_id=video_id)
    except AppError as exc:
        if exc.entry is errors.VIDEO_NOT_FOUND:
            raise Http404("video not found") from None
        messages.error(request, error_html(exc))
        return redirect("dashboard:video", video_id)
    messages.success(request, f"Video “{item.name or item.public_id}” deleted.")
    return redirect("dashboard:videos")


@account_required
def video_status(request: HttpRequest) -> JsonResponse:
    """Statuses of the listed videos, polled by the page while any is queued or processing."""
    found = selectors.video_map(account=request.account, video_ids=request.GET.getlist("id")[:100])
    return JsonResponse({"videos": [{"id": video_id, "status": video.status} for video_id, video in found.items()]})
