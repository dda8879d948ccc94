"""Writes of player pages: issuing and revoking a video's page, a template's branding.

A video has at most one live page; its token is ``tokens.token_for(video.page_key)``.
Revoking clears the key, so every copy of the old token stops working at once
(the cached page goes with it); asking for a page again issues a new token.
"""

from __future__ import annotations

import functools
import re
import time
from datetime import timedelta

import django_rq
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from core import errors
from core.errors import AppError
from media_app.models import MediaFile
from templates_app.selectors import template_get
from videos.models import PageBranding, Video
from videos.player import tokens
from videos.selectors import video_get

MIN_EXPIRES_S = 60
MAX_EXPIRES_S = 5 * 365 * 24 * 3600
HEX_COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
MIN_CONTRAST = 4.5


# Finished pages are kept in Redis (shared by every web process) and, for a moment, in the
# process itself, so most opens of a popular page cost no round trip at all. A revoke, branding
# change or delete drops both here and Redis at once; other processes let their copy go within
# LOCAL_PAGE_S (the video files and beacons of a revoked page are refused at once).
LOCAL_PAGE_S = 2.0
LOCAL_PAGES_MAX = 1000
_local_pages: dict[str, tuple[bytes, float]] = {}


@functools.cache
def redis_client():
    """One Redis client (and connection pool) per process: ``django_rq.get_connection`` makes one per call."""
    return django_rq.get_connection("default")


def page_cache_key(page_key: str, *, embed: bool) -> str:
    return f"player:page:{page_key}:{int(embed)}"


def info_cache_key(page_key: str) -> str:
    return f"player:info:{page_key}"


def cached_page(cache_key: str) -> bytes | None:
    local = _local_pages.get(cache_key)
    if local is not None and local[1] > time.monotonic():
        return local[0]
    html = redis_client().get(cache_key)
    if html is not None:
        remember_page(cache_key, html)
    return html


def remember_page(cache_key: str, html: bytes, ttl_s: int | None = None) -> None:
    """Keep a finished page: locally for LOCAL_PAGE_S, and in Redis for ``ttl_s`` when given."""
    if len(_local_pages) >= LOCAL_PAGES_MAX:
        _local_pages.clear()
    _local_pages[cache_key] = (html, time.monotonic() + LOCAL_PAGE_S)
    if ttl_s is not None and ttl_s > 0:
        redis_client().set(cache_key, html, ex=ttl_s)


def page_forget_key(page_key: str) -> None:
    keys = [page_cache_key(page_key, embed=False), page_cache_key(page_key, embed=True), info_cache_key(page_key)]
    for key in keys:
        _local_pages.pop(key, None)
    redis_client().delete(*keys)


def page_forget(video: Video) -> None:
    """Drop what is cached of ``video``'s page (after a change the page shows)."""
    if video.page_key:
        page_forget_key(video.page_key)


def _check_plan(account: Account) -> None:
    if not account.plan.player_pages:
        raise AppError(errors.UPGRADE_FOR_STATIC_TEMPLATES)


def page_get_or_create(*, account: Account, video_id: str, expires_in: int | None = None) -> Video:
    """The video with a live page: the current one, or a new token when there is none (or it expired).

    ``expires_in`` (seconds, 60 s to 5 years) sets when the page stops working; without it a
    new page never expires and an existing one keeps its expiry. 2004 when the plan has no player.
    """
    _check_plan(account)
    with transaction.atomic():
        video = video_get(account=account, video_id=video_id)
        Video.objects.for_account(account).select_for_update().filter(pk=video.pk).first()
        video.refresh_from_db(fields=["page_key", "page_expires_at"])
        now = timezone.now()
        live = video.page_key and (video.page_expires_at is None or video.page_expires_at > now)
        if live and expires_in is None:
            return video
        if not live:
            page_forget(video)
            video.page_key = tokens.new_key()
            video.page_expires_at = None
        if expires_in is not None:
            seconds = min(max(int(expires_in), MIN_EXPIRES_S), MAX_EXPIRES_S)
            video.page_expires_at = now + timedelta(seconds=seconds)
            page_forget(video)
        video.save(update_fields=["page_key", "page_expires_at"])
    return video


def page_revoke(*, account: Account, video_id: str) -> Video:
    """End the video's page: its token answers 404 from now on."""
    with transaction.atomic():
        video = video_get(account=account, video_id=video_id)
        page_forget(video)
        Video.objects.for_account(account).filter(pk=video.pk).update(page_key=None, page_expires_at=None)
    video.page_key, video.page_expires_at = None, None
    return video


def _luminance(color: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable_on(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    return "#000000" if contrast(background, "#000000") >= contrast(background, "#FFFFFF") else "#FFFFFF"


def branding_get(*, account: Account, template_id: str) -> PageBranding:
    """The template's branding, or an unsaved one with the defaults."""
    template = template_get(account=account, template_id=template_id)
    branding = PageBranding.objects.for_account(account).filter(template=template).first()
    return branding or PageBranding(account=account, template=template)


def branding_set(
    *,
    account: Account,
    template_id: str,
    title: str,
    message: str,
    background_color: str,
    text_color: str,
    accent_color: str,
    logo_media_id: str | None,
) -> PageBranding:
    """Save a template's page branding. Colours are ``#RRGGBB``; text on the background must
    reach a 4.5:1 contrast (1001 otherwise, naming the field); the logo is a library image."""
    colors = {"backgroundColor": background_color, "textColor": text_color, "accentColor": accent_color}
    for param, value in colors.items():
        if not HEX_COLOR_RE.match(value or ""):
            raise AppError(errors.INVALID_REQUEST, param=param, detail=f"{param} must be #RRGGBB")
    if contrast(background_color, text_color) < MIN_CONTRAST:
        raise AppError(
            errors.INVALID_REQUEST,
            param="textColor",
            detail=f"textColor on backgroundColor has a contrast below {MIN_CONTRAST}:1; pick a darker or lighter one",
        )
    if contrast(background_color, accent_color) < 3:
        raise AppError(
            errors.INVALID_REQUEST,
            param="accentColor",
            detail="accentColor is hard to see on backgroundColor (contrast below 3:1)",
        )
    logo = None
    if logo_media_id:
        logo = (
            MediaFile.objects.for_account(account)
            .filter(public_id=logo_media_id, per_video=False, kind=MediaFile.Kind.IMAGE)
            .first()
        )
        if logo is None:
            raise AppError(errors.MEDIA_NOT_FOUND, param="logoMediaID", data=logo_media_id)
    branding = branding_get(account=account, template_id=template_id)
    branding.title = title.strip()[:200]
    branding.message = message.strip()[:2000]
    branding.background_color = background_color.upper()
    branding.text_color = text_color.upper()
    branding.accent_color = accent_color.upper()
    branding.logo = logo
    branding.save()
    pages = Video.objects.for_account(account).filter(template=branding.template, page_key__isnull=False)
    for page_key in pages.values_list("page_key", flat=True):
        page_forget_key(page_key)
    return branding
