"""Reads of video templates, always for one account."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.auth import _check_lockout, _record_failure
from accounts.models import Account
from accounts.secrets import secret_matches
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


def template_authenticate(request: HttpRequest, *, account_id: str, template_id: str, secret: str) -> VideoTemplate:
    """``accountID`` + ``templateID`` + ``templateSecret`` (per-video uploads): 1010, 1000, 1018, 1021, 1033.

    Failed secrets count toward the same lockout as account secrets."""
    account = Account.objects.select_related("plan").filter(public_id=account_id).first() if account_id else None
    if account is None:
        raise AppError(errors.ACCOUNT_NOT_FOUND, param="accountID")
    _check_lockout(request, account.public_id)
    template = VideoTemplate.objects.for_account(account).filter(public_id=template_id).first() if template_id else None
    if template is None:
        raise AppError(errors.TEMPLATE_NOT_FOUND, param="templateID")
    if not secret_matches(secret or "", template.secret_hash):
        _record_failure(request, account.public_id)
        raise AppError(errors.BAD_SECRET, param="templateSecret")
    if not account.is_active:
        raise AppError(errors.ACCOUNT_NOT_ACTIVE)
    template.account = account
    return template
