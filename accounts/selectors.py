"""Reads of accounts, usage, keys and notifications (always for one account)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from accounts.models import Account, ApiKey, Notification


def account_get(*, account: Account) -> Account:
    """The account's row as it is now (the request's copy may be a cached one, up to
    ``AUTH_CACHE_SECONDS`` old, so credits and usage are read again)."""
    return Account.objects.select_related("plan").get(pk=account.pk)


@dataclass(frozen=True)
class Meter:
    key: str
    label: str
    used: int
    limit: int
    unit: str  # "bytes" | "count" | "credits"

    @property
    def percent(self) -> int:
        if self.limit <= 0:
            return 100 if self.used else 0
        return min(100, round(100 * self.used / self.limit))


def account_usage(*, account: Account) -> list[Meter]:
    """The usage snapshot shown on the overview and returned by Account_Get."""
    # Templates live in an app above this one: settings name the selector that counts them.
    template_count = import_string(settings.TEMPLATE_COUNT_SELECTOR)
    plan = account.plan
    return [
        Meter("videos", "Stored videos", account.stored_video_bytes, plan.max_video_bytes, "bytes"),
        Meter("media", "Stored media", account.stored_media_bytes, plan.max_media_bytes, "bytes"),
        Meter("templates", "Templates", template_count(account=account), plan.max_templates, "count"),
    ]


def api_key_list(*, account: Account) -> list[ApiKey]:
    return list(ApiKey.objects.for_account(account).order_by("revoked_at", "-created_at"))


def _notifications(account: Account, unread_only: bool):
    queryset = Notification.objects.for_account(account)
    return queryset.filter(read_at__isnull=True) if unread_only else queryset


def notification_list(*, account: Account, unread_only: bool = False, offset: int = 0, limit: int = 50):
    return _notifications(account, unread_only)[offset : offset + limit]


def notification_count(*, account: Account, unread_only: bool = False) -> int:
    return _notifications(account, unread_only).count()


def notification_unread_count(*, account: Account) -> int:
    return Notification.objects.for_account(account).filter(read_at__isnull=True).count()
