"""Every write to accounts, users, keys, credits, quotas and notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts import authcache
from accounts.models import Account, ApiKey, Notification, Plan, User
from accounts.secrets import hash_secret, new_secret
from core import errors
from core.errors import AppError

DEFAULT_PLAN = "free"


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    raw: str  # shown once, never stored


def plan_get(*, code: str) -> Plan:
    try:
        return Plan.objects.get(code=code)
    except Plan.DoesNotExist:
        raise AppError(errors.ACCOUNT_TYPE_NOT_FOUND, data=code, param="plan") from None


@transaction.atomic
def api_key_create(*, account: Account, name: str) -> IssuedKey:
    key_id = new_secret()[:16]
    secret = new_secret()
    key = ApiKey.objects.create(account=account, name=name, key_id=key_id, secret_hash=hash_secret(secret))
    return IssuedKey(key=key, raw=f"psk_{key_id}_{secret}")


@transaction.atomic
def api_key_revoke(*, account: Account, key_id: int) -> ApiKey:
    key = ApiKey.objects.for_account(account).filter(pk=key_id).first()
    if key is None:
        raise AppError(errors.NOT_FOUND_ERROR, param="keyID", detail="API key not found")
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_touch(*, key_id: int, used_at: datetime) -> None:
    """Record a key's last use: the request path asks for it at most once a minute per key
    across all processes (a Redis ``SET NX`` with a one-minute expiry decides which request)."""
    ApiKey.objects.unscoped().filter(pk=key_id).update(
        last_used_at=Greatest(Coalesce(F("last_used_at"), used_at), used_at)
    )


@transaction.atomic
def user_create(*, account: Account, email: str, password: str, role: str = User.Role.MANAGER) -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise AppError(errors.EMAIL_ALREADY_USED, param="email", data=email)
    try:
        validate_password(password)
    except ValidationError as exc:
        raise AppError(errors.BAD_PASSWORD, param="password", detail=" ".join(exc.messages)) from None
    try:
        return User.objects.create_user(email=email, password=password, account=account, role=role)
    except IntegrityError:
        raise AppError(errors.EMAIL_ALREADY_USED, param="email", data=email) from None


@transaction.atomic
def account_create(
    *, name: str, email: str, password: str, plan_code: str = DEFAULT_PLAN, credits: int | None = None
) -> tuple[Account, User, IssuedKey]:
    """A new tenant with its owner and a first API key."""
    plan = plan_get(code=plan_code)
    account = Account.objects.create(name=name, plan=plan, credits=plan.monthly_credits if credits is None else credits)
    user = user_create(account=account, email=email, password=password, role=User.Role.OWNER)
    issued = api_key_create(account=account, name="Default key")
    return account, user, issued


@transaction.atomic
def account_set_active(*, account: Account, active: bool) -> Account:
    Account.objects.filter(pk=account.pk).update(is_active=active)
    authcache.bump_generation()
    account.is_active = active
    return account


def credits_charge(*, account: Account, amount: int) -> None:
    """Take ``amount`` credits or raise 2004; safe against concurrent charges."""
    if amount <= 0:
        return
    updated = Account.objects.filter(pk=account.pk, credits__gte=amount).update(credits=F("credits") - amount)
    if not updated:
        raise AppError(errors.NO_CREDIT, detail=f"No credit: {amount} needed")
    account.credits -= amount


def credits_refund(*, account: Account, amount: int) -> None:
    Account.objects.filter(pk=account.pk).update(credits=F("credits") + amount)


_STORAGE = {
    "media": ("stored_media_bytes", "max_media_bytes", errors.STORED_MEDIAS_LIMIT, "Stored media"),
    "video": ("stored_video_bytes", "max_video_bytes", errors.STORED_VIDEOS_LIMIT, "Stored videos"),
}


def storage_reserve(*, account: Account, kind: str, nbytes: int) -> None:
    """Count ``nbytes`` against the plan's storage quota, or raise 2000/2001.

    The check and the increment are one conditional UPDATE, so two uploads
    racing for the last megabytes cannot both pass. No transaction of its own:
    the "quota reached" notice must outlive the refusal it comes with.
    """
    field, limit_field, entry, label = _STORAGE[kind]
    limit = getattr(account.plan, limit_field)
    updated = Account.objects.filter(pk=account.pk, **{f"{field}__lte": limit - nbytes}).update(
        **{field: F(field) + nbytes}
    )
    if not updated:
        notification_quota(account=account, label=label, reached=True)
        raise AppError(entry)
    used = Account.objects.values_list(field, flat=True).get(pk=account.pk)
    setattr(account, field, used)
    if used - nbytes < 0.8 * limit <= used:
        notification_quota(account=account, label=label, reached=False)


@transaction.atomic
def storage_release(*, account: Account, kind: str, nbytes: int) -> None:
    field = _STORAGE[kind][0]
    Account.objects.filter(pk=account.pk).update(**{field: F(field) - nbytes})


def notification_create(
    *, account: Account, kind: str, title: str, message: str = "", data: dict | None = None
) -> Notification:
    return Notification.objects.create(account=account, kind=kind, title=title, message=message, data=data or {})


@transaction.atomic
def notification_quota(*, account: Account, label: str, reached: bool) -> None:
    """One notice per quota and level while the previous one is unread."""
    kind = Notification.Kind.QUOTA_REACHED if reached else Notification.Kind.QUOTA_NEARLY_REACHED
    title = f"{label} quota {'reached' if reached else 'at 80 %'}"
    if Notification.objects.for_account(account).filter(kind=kind, title=title, read_at__isnull=True).exists():
        return
    message = (
        "New items are refused until you free space or upgrade your plan."
        if reached
        else "You have used 80 % of this quota."
    )
    notification_create(account=account, kind=kind, title=title, message=message)


@transaction.atomic
def notification_mark_read(*, account: Account, notification_ids: list[int] | None) -> int:
    """Mark the given notifications (or all when ``None``) read; returns how many changed."""
    queryset = Notification.objects.for_account(account).filter(read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())
