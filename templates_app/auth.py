"""Per-video uploads prove themselves with a template's secret (seeds 000/001)."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.auth import request_admit, secret_check
from accounts.models import Account
from accounts.secrets import secret_matches
from core import errors
from core.errors import AppError
from templates_app.models import VideoTemplate


def template_authenticate(request: HttpRequest, *, account_id: str, template_id: str, secret: str) -> VideoTemplate:
    """``accountID`` + ``templateID`` + ``templateSecret`` (per-video uploads): 1010, 1000, 1018, 1021, 1033, 4290.

    Checked by the same lockout-guarded secret check as account secrets and API keys."""
    account = Account.objects.select_related("plan").filter(public_id=account_id).first() if account_id else None
    if account is None:
        raise AppError(errors.ACCOUNT_NOT_FOUND, param="accountID")
    template = VideoTemplate.objects.for_account(account).filter(public_id=template_id).first() if template_id else None
    if template is None:
        raise AppError(errors.TEMPLATE_NOT_FOUND, param="templateID")

    def verify(raw: str) -> VideoTemplate | None:
        return template if secret_matches(raw, template.secret_hash) else None

    if secret_check(request, account=account, secret=secret, verify=verify) is None:
        raise AppError(errors.BAD_SECRET, param="templateSecret")
    request_admit(request, account)  # 1033, 1021, the plan's rate limit
    template.account = account
    return template
