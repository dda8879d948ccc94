"""Reads of videos, always for one account."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account
from core import errors, prepared
from core.errors import AppError
from videos.models import Video
from videos.player import tokens


def video_get(*, account: Account, video_id: str) -> Video:
    video = prepared.first("video", _video, account.pk, video_id)
    if video is None:
        raise AppError(errors.VIDEO_NOT_FOUND, data=video_id, param="videoID")
    return _owned_by(account, [video])[0]


def _video(account_id: int, public_id: str):
    return Video.objects.for_account(account_id).filter(public_id=public_id)[:1]


def _owned_by(account: Account, videos: list[Video]) -> list[Video]:
    """The videos with ``account`` as their account: the query pinned them to it, so no join
    (``select_related`` of the account compiled ~40 more columns on every read)."""
    for video in videos:
        video.account = account
    return videos


def video_map(*, account: Account, video_ids: list[str]) -> dict[str, Video]:
    """The account's videos among ``video_ids``, by id, in one query."""
    videos = Video.objects.for_account(account).filter(public_id__in=set(video_ids)).order_by()
    return {video.public_id: video for video in _owned_by(account, list(videos))}


def video_list(
    *,
    account: Account,
    template_id: str | None = None,
    status: str | None = None,
    search: str = "",
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[Video]]:
    """The account's videos, newest first; ``search`` matches the name or the id."""
    queryset = Video.objects.for_account(account)
    if template_id is not None:
        queryset = queryset.filter(template_public_id=template_id)
    if status is not None:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(public_id=search.lower()))
    return queryset.count(), _owned_by(account, list(queryset[offset : offset + limit]))


def video_rendered(*, account: Account) -> bool:
    """Whether any video of the account finished rendering (the overview's first steps)."""
    return Video.objects.for_account(account).filter(status=Video.Status.DONE).exists()


def page_url(video: Video) -> str | None:
    """The video's live player page (``Video_Get_Page``), or ``None``."""
    if not video.page_key or (video.page_expires_at is not None and video.page_expires_at <= timezone.now()):
        return None
    return f"{settings.PUBLIC_BASE_URL}/p/{tokens.token_for(video.page_key)}"
