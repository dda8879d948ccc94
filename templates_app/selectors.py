"""Reads of video templates, always for one account."""

from __future__ import annotations

from django.db.models import Count, Q

from accounts.models import Account
from core import errors, prepared
from core.errors import AppError
from templates_app.models import VideoTemplate


def template_get(*, account: Account, template_id: str) -> VideoTemplate:
    template = VideoTemplate.objects.for_account(account).filter(public_id=template_id).first()
    if template is None:
        raise AppError(errors.TEMPLATE_NOT_FOUND, data=template_id, param="templateID")
    return template


def template_list(
    *, account: Account, status: str | None = None, search: str = "", offset: int = 0, limit: int = 50
) -> tuple[int, list[VideoTemplate]]:
    """The account's video templates, newest first; ``search`` matches the name, the description or the id."""
    queryset = VideoTemplate.objects.for_account(account)
    if status is not None:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(description__icontains=search) | Q(public_id=search.lower())
        )
    return queryset.count(), list(queryset[offset : offset + limit])


def template_names(*, account: Account) -> list[tuple[str, str]]:
    """(templateID, name) of every video template of the account, by name: the dashboard's template pickers."""
    return list(VideoTemplate.objects.for_account(account).order_by("name", "id").values_list("public_id", "name"))


def template_count(*, account: Account) -> int:
    """Video templates of the account (the plan's template quota counts these)."""
    return prepared.first("template_count", _template_count, account.pk) or 0


def _template_count(account_id: int):
    # COUNT as a one-column query (none when the account has no template), so core.prepared keeps its SQL.
    templates = VideoTemplate.objects.for_account(account_id).order_by().values("account_id")
    return templates.annotate(count=Count("pk")).values_list("count", flat=True)


def template_exists(*, account: Account) -> bool:
    """Whether the account made any video template (the overview's first steps)."""
    return VideoTemplate.objects.for_account(account).exists()
