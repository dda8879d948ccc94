"""Dashboard pages of player pages: a video's page and its stats, a template's branding and stats, CSV exports."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.dashboard.errors import error_html
from accounts.dashboard.views import account_required
from core.errors import AppError
from core.http import attachment_response
from media_app.models import MediaFile
from templates_app.models import VideoTemplate
from templates_app.selectors import template_get
from videos.models import Video
from videos.player import charts, services, stats
from videos.player.selectors import page_json
from videos.selectors import page_url, video_get

COLOR = forms.TextInput(attrs={"type": "color"})


class BrandingForm(forms.Form):
    title = forms.CharField(
        required=False, max_length=200, help_text="Empty: the video's name. $name fills from inputs."
    )
    message = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    background_color = forms.CharField(label="Background", widget=COLOR)
    text_color = forms.CharField(label="Text", widget=COLOR)
    accent_color = forms.CharField(label="Accent", widget=COLOR)
    logo = forms.ChoiceField(required=False, label="Logo (a library image)")

    FIELDS = {"textColor": "text_color", "backgroundColor": "background_color", "accentColor": "accent_color"}

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        images = MediaFile.objects.for_account(account).filter(kind=MediaFile.Kind.IMAGE, per_video=False)
        self.fields["logo"].choices = [("", "No logo")] + [
            (m.public_id, m.filename or m.public_id) for m in images[:200]
        ]


def _video(request: HttpRequest, video_id: str) -> Video:
    try:
        return video_get(account=request.account, video_id=video_id)
    except AppError:
        raise Http404("video not found") from None


def _template(request: HttpRequest, template_id: str) -> VideoTemplate:
    try:
        return template_get(account=request.account, template_id=template_id)
    except AppError:
        raise Http404("template not found") from None


def _charts(summary: dict) -> dict:
    return {
        "views_chart": mark_safe(charts.views_per_day_svg(summary["days"], until=timezone.now().date())),  # noqa: S308 - built from numbers and escaped text
        "retention_chart": mark_safe(charts.retention_svg(summary["retention"])),  # noqa: S308
    }


@account_required
def video_player(request: HttpRequest, video_id: str) -> HttpResponse:
    """The video's page (publish / revoke) and its analytics."""
    video = _video(request, video_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                services.page_revoke(account=request.account, video_id=video_id)
                messages.success(request, "Page revoked: its link now answers “not available”.")
            else:
                services.page_get_or_create(account=request.account, video_id=video_id)
                messages.success(request, "Page published.")
        except AppError as exc:
            messages.error(request, error_html(exc))
        return redirect("dashboard:video-player", video_id)
    summary = stats.video_stats(account=request.account, video=video)
    context = {"video": video, "page": page_json(video) if page_url(video) else None, "summary": summary}
    return render(request, "dashboard/player/video.html", context | _charts(summary))


@account_required
def template_player(request: HttpRequest, template_id: str) -> HttpResponse:
    """The template's page branding and the analytics of all its videos' pages."""
    template = _template(request, template_id)
    branding = services.branding_get(account=request.account, template_id=template_id)
    initial = {
        "title": branding.title,
        "message": branding.message,
        "background_color": branding.background_color,
        "text_color": branding.text_color,
        "accent_color": branding.accent_color,
        "logo": branding.logo.public_id if branding.logo else "",
    }
    form = BrandingForm(request.POST or None, initial=initial, account=request.account)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.branding_set(
                    account=request.account,
                    template_id=template_id,
                    title=data["title"],
                    message=data["message"],
                    background_color=data["background_color"],
                    text_color=data["text_color"],
                    accent_color=data["accent_color"],
                    logo_media_id=data["logo"] or None,
                )
        except AppError as exc:
            form.add_error(BrandingForm.FIELDS.get(exc.param or "", None), error_html(exc))
        else:
            messages.success(request, "Page branding saved.")
            return redirect("dashboard:template-player", template_id)
    if request.method == "POST":
        status = 422
    summary = stats.template_stats(account=request.account, template=template)
    top = stats.top_videos(account=request.account, template=template)
    context = {"template": template, "form": form, "summary": summary, "top": top}
    return render(request, "dashboard/player/template.html", context | _charts(summary), status=status)


def _csv(body: str, name: str) -> HttpResponse:
    return attachment_response(
        body, filename=f"{name}-{dt.date.today().isoformat()}.csv", content_type="text/csv; charset=utf-8"
    )


@account_required
def video_player_csv(request: HttpRequest, video_id: str) -> HttpResponse:
    video = _video(request, video_id)
    return _csv(stats.stats_csv(account=request.account, video=video), f"video-{video.public_id}-stats")


@account_required
def template_player_csv(request: HttpRequest, template_id: str) -> HttpResponse:
    template = _template(request, template_id)
    return _csv(stats.stats_csv(account=request.account, template=template), f"template-{template.public_id}-stats")
