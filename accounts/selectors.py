"""Reads of accounts, usage, keys and notifications (always for one account)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import Account, ApiKey, Notification, UsageDay
from core import prepared


def account_get(*, account: Account) -> Account:
    """The account's row as it is now (the request's copy may be a cached one, up to
    ``AUTH_CACHE_SECONDS`` old, so credits and usage are read again)."""
    return prepared.first("account", _account, account.pk)


def _account(account_id: int):
    return Account.objects.select_related("plan").filter(pk=account_id)


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
    meters = [
        Meter("videos", "Stored videos", account.stored_video_bytes, plan.max_video_bytes, "bytes"),
        Meter("media", "Stored media", account.stored_media_bytes, plan.max_media_bytes, "bytes"),
        Meter("templates", "Templates", template_count(account=account), plan.max_templates, "count"),
    ]
    if plan.monthly_credits:
        # Renders and documents alike spend credits: the month's allowance less what is left.
        used = max(0, plan.monthly_credits - account.credits)
        meters.append(Meter("credits", "Monthly credits used", used, plan.monthly_credits, "credits"))
    return meters


@dataclass(frozen=True)
class UsageSeries:
    key: str
    label: str
    unit: str  # "count" | "credits" | "bytes"
    values: list[int]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class UsageHistory:
    days: list[date]
    series: list[UsageSeries]


def usage_history(*, account: Account, days: int, today: date | None = None) -> UsageHistory:
    """Per day over the last ``days`` days (today included): renders and documents finished,
    credits spent (net of refunds), and stored bytes (the day's last value, carried forward)."""
    today = today or timezone.now().date()
    first = today - timedelta(days=days - 1)
    span = [first + timedelta(days=i) for i in range(days)]
    rows = {row.day: row for row in UsageDay.objects.for_account(account).filter(day__gte=first, day__lte=today)}
    earlier = (
        UsageDay.objects.for_account(account)
        .filter(day__lt=first, stored_bytes__isnull=False)
        .order_by("-day")
        .values_list("stored_bytes", flat=True)
        .first()
    )
    if earlier is None and not any(row.stored_bytes is not None for row in rows.values()):
        earlier = account.stored_media_bytes + account.stored_video_bytes  # no change recorded: as it is now
    stored, level = [], earlier or 0
    for day in span:
        row = rows.get(day)
        if row is not None and row.stored_bytes is not None:
            level = row.stored_bytes
        stored.append(level)

    def counter(name: str) -> list[int]:
        return [max(0, getattr(rows[day], name)) if day in rows else 0 for day in span]

    return UsageHistory(
        days=span,
        series=[
            UsageSeries("renders", "Renders", "count", counter("renders")),
            UsageSeries("documents", "Documents", "count", counter("documents")),
            UsageSeries("credits", "Credits spent", "credits", counter("credits_spent")),
            UsageSeries("storage", "Storage", "bytes", stored),
        ],
    )


def usage_this_month(*, account: Account) -> dict[str, int]:
    """Renders, documents and credits spent since the first of the month (UTC)."""
    today = timezone.now().date()
    totals = (
        UsageDay.objects.for_account(account)
        .filter(day__gte=today.replace(day=1))
        .aggregate(renders=Sum("renders"), documents=Sum("documents"), credits=Sum("credits_spent"))
    )
    return {key: max(0, value or 0) for key, value in totals.items()}


@dataclass(frozen=True)
class FirstStep:
    label: str
    url_name: str  # the dashboard page where it is done
    done: bool


def first_steps(*, account: Account) -> list[FirstStep]:
    """The new account's way in (settings.FIRST_STEPS), each ticked once done."""
    return [
        FirstStep(label, url_name, import_string(selector)(account=account))
        for label, selector, url_name in settings.FIRST_STEPS
    ]


def api_key_used(*, account: Account) -> bool:
    """Whether any key of the account (not API Test's console key) authenticated an API call."""
    return ApiKey.objects.for_account(account).filter(console=False, last_used_at__isnull=False).exists()


def api_key_list(*, account: Account) -> list[ApiKey]:
    return list(ApiKey.objects.for_account(account).filter(console=False).order_by("revoked_at", "-created_at"))


def _notifications(account: Account, unread_only: bool):
    queryset = Notification.objects.for_account(account)
    return queryset.filter(read_at__isnull=True) if unread_only else queryset


def notification_list(*, account: Account, unread_only: bool = False, offset: int = 0, limit: int = 50):
    return _notifications(account, unread_only)[offset : offset + limit]


def notification_count(*, account: Account, unread_only: bool = False) -> int:
    return _notifications(account, unread_only).count()


def notification_unread_count(*, account: Account) -> int:
    return Notification.objects.for_account(account).filter(read_at__isnull=True).count()
