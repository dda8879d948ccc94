"""The "Video maker" dashboard page: one editor that talks to ``/me/…`` with the session."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.dashboard.views import account_required
from media_app.links import library_items
from media_app.models import MediaFile
from media_app.selectors import media_list
from videos.maker.public import style_preview_path
from videos.maker.styles import STYLES


@account_required
def maker(request: HttpRequest) -> HttpResponse:
    _, items = media_list(account=request.account, limit=500)
    library = library_items(items)
    styles = [style.as_json() | {"preview": style_preview_path(style.name)} for style in STYLES.values()]
    context = {
        "library": [m for m in library if m["kind"] != MediaFile.Kind.AUDIO],
        "music": [m for m in library if m["kind"] == MediaFile.Kind.AUDIO],
        "styles": styles,
    }
    return render(request, "dashboard/maker/maker.html", {"data": context})
