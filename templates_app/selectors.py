"""Reads of video templates, always for one account."""

from __future__ import annotations

from accounts.models import Account
from core import errors
from core.errors import AppError
from templates_app.models import VideoTemplate


def template_get(*, account: Account, template_id: str) -> VideoTemplate:
    template = VideoTemplate.objects.for_account(account).filter(public_id=template_id).first()
    if template is None:
        raise AppError(errors.TEMPLATE_NOT_FOUND, data=template_id, param="templateID")
    return template


def template_list(*, account: Account, offset: int = 0, limit: int = 50) -> tuple[int, list[VideoTemplate]]:
    queryset = VideoTemplate.objects.for_account(account)
    return queryset.count(), list(queryset[offset : offset + limit])


def template_count(*, account: Account) -> int:
    """Video templates of the account (the plan's template quota counts these)."""
    return VideoTemplate.objects.for_account(account).count()


def template_exists(*, account: Account) -> bool:
    """Whether the account made any video template (the overview's first steps)."""
    return VideoTemplate.objects.for_account(account).exists()
