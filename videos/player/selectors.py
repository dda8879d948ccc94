"""Reads of player pages: the video behind a token, what its page shows."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils import timezone

from core.dates import iso_z
from media_app.links import media_url
from templates_app.scripts import VARIABLE_RE
from videos.models import PageBranding, Video
from videos.player import tokens
from videos.player.services import readable_on
from videos.selectors import page_url


def page_video(page_key: str) -> Video | None:
    """The video whose live page has this key (the token is the permission: no account here)."""
    video = (
        Video.objects.unscoped()
        .select_related("account__plan", "template")
        .filter(page_key=page_key, account__is_active=True)
        .first()
    )
    if video is None or not video.account.plan.player_pages:
        return None
    if video.page_expires_at is not None and video.page_expires_at <= timezone.now():
        return None
    return video


def page_json(video: Video) -> dict:
    """``{url, token, expires}`` of the video's live page."""
    token = tokens.token_for(video.page_key)
    expires = video.page_expires_at
    return {
        "url": page_url(video),
        "token": token,
        "expires": iso_z(expires, "seconds") if expires else None,
    }


def fill(text: str, variables: dict[str, str]) -> str:
    """``$name`` from the video's inputs; one that is missing reads as nothing (a page never fails on it)."""
    return VARIABLE_RE.sub(lambda m: "$" if m[1] == "$" else variables.get(m[1], ""), text)


def safe_link(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) link, else ``None`` (never ``javascript:`` and friends)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


@dataclass(frozen=True)
class Cta:
    id: str
    text: str
    url: str | None
    start: float
    end: float
    style: str


def _cta_style(cta: dict) -> str:
    family = {"DejaVu Serif": "Georgia, serif", "DejaVu Sans Mono": "ui-monospace, monospace"}.get(
        cta.get("font"), "system-ui, sans-serif"
    )
    # Canvas pixels (32 by default) become a readable page size: 16 px to 22 px.
    size = min(max(round((cta.get("size") or 32) * 0.55), 16), 22)
    return f"color:{cta.get('color') or '#FFFFFF'};background:{cta.get('background') or '#000000AA'};font-family:{family};font-size:{size}px"


def page_ctas(video: Video) -> list[Cta]:
    return [
        Cta(
            id=cta["id"],
            text=cta.get("text") or cta.get("url") or "",
            url=safe_link(cta.get("url")),
            start=float(cta["start"]),
            end=float(cta["end"]),
            style=_cta_style(cta),
        )
        for cta in video.ctas
    ]


def page_branding(video: Video) -> dict:
    """What the page shows around the video, from the template's branding (or the defaults)."""
    branding = None
    if video.template_id is not None:
        branding = (
            PageBranding.objects.for_account(video.account)
            .select_related("logo")
            .filter(template_id=video.template_id)
            .first()
        )
    branding = branding or PageBranding()
    variables = {item["inputID"]: item["text"] for item in video.input_medias if "text" in item}
    title = fill(branding.title, variables).strip() or video.name or (video.template.name if video.template else "")
    return {
        "title": title or "Your video",
        "message": fill(branding.message, variables).strip(),
        "logo_url": media_url(branding.logo) if branding.logo else None,
        "background": branding.background_color,
        "text": branding.text_color,
        "accent": branding.accent_color,
        "on_accent": readable_on(branding.accent_color),
    }


def page_sources(video: Video) -> list[dict]:
    """Playable files, MP4 first then WebM (the browser takes the first it can play)."""
    order = {"mp4": 0, "webm": 1}
    files = [f for f in video.out_files if f["name"].rsplit(".", 1)[-1] in order]
    files.sort(key=lambda f: order[f["name"].rsplit(".", 1)[-1]])
    return [{"profile": f["profile"], "type": f"video/{f['name'].rsplit('.', 1)[-1]}"} for f in files]
