"""Reads of the media library, always for one account."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import Account
from core import errors
from core.errors import AppError
from media_app.models import MediaFile


def media_get(*, account: Account, media_id: str) -> MediaFile:
    media = MediaFile.objects.for_account(account).filter(public_id=media_id).first()
    if media is None:
        raise AppError(errors.MEDIA_NOT_FOUND, data=media_id, param="mediaID")
    return media


def media_list(
    *,
    account: Account,
    offset: int = 0,
    limit: int = 50,
    kind: str | None = None,
    per_video: bool = False,
    search: str = "",
) -> tuple[int, list[MediaFile]]:
    """The library, newest first; ``search`` matches the file name, the description or the id."""
    queryset = MediaFile.objects.for_account(account).filter(per_video=per_video)
    if kind:
        queryset = queryset.filter(kind=kind)
    if search:
        queryset = queryset.filter(
            Q(filename__icontains=search) | Q(description__icontains=search) | Q(public_id=search.lower())
        )
    return queryset.count(), list(queryset[offset : offset + limit])


def media_uploaded(*, account: Account) -> bool:
    """Whether the account has any media in its library (the overview's first steps)."""
    return MediaFile.objects.for_account(account).filter(per_video=False).exists()
