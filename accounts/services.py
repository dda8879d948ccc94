"""Every write to accounts, users, keys, credits, quotas and notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts import authcache
from accounts.models import Account, ApiKey, Notification, Plan, UsageDay, User
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


CONSOLE_KEY_TTL = timedelta(minutes=30)


@transaction.atomic
def console_key_issue(*, account: Account, user: User, replaces: int | None = None) -> IssuedKey:
    """A key for one dashboard session's API Test: valid ``CONSOLE_KEY_TTL``, for this account
    only, listed nowhere; ``replaces`` (the session's previous console key) is revoked."""
    now = timezone.now()
    console_keys = ApiKey.objects.for_account(account).filter(console=True)
    if replaces is not None and console_keys.filter(pk=replaces, revoked_at__isnull=True).update(revoked_at=now):
        authcache.bump_generation()  # an UPDATE sends no post_save: every process forgets the old key now
    console_keys.filter(expires_at__lt=now - timedelta(days=1)).delete()
    key_id, secret = new_secret()[:16], new_secret()
    key = ApiKey.objects.create(
        account=account,
        name=f"API Test console of {user.email}"[:100],
        key_id=key_id,
        secret_hash=hash_secret(secret),
        console=True,
        expires_at=now + CONSOLE_KEY_TTL,
    )
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
    account.credits = Account.objects.values_list("credits", flat=True).get(pk=account.pk)
    _usage_add(account, credits_spent=F("credits_spent") + amount)
    monthly = account.plan.monthly_credits
    quota_notify(
        account=account,
        quota="credits",
        before=monthly - account.credits - amount,
        after=monthly - account.credits,
        limit=monthly,
    )


def credits_refund(*, account: Account, amount: int) -> None:
    Account.objects.filter(pk=account.pk).update(credits=F("credits") + amount)
    _usage_add(account, credits_spent=F("credits_spent") - amount)


_STORAGE = {
    "media": ("stored_media_bytes", "max_media_bytes", errors.STORED_MEDIAS_LIMIT),
    "video": ("stored_video_bytes", "max_video_bytes", errors.STORED_VIDEOS_LIMIT),
}


def storage_reserve(*, account: Account, kind: str, nbytes: int) -> None:
    """Count ``nbytes`` against the plan's storage quota, or raise 2000/2001.

    The check and the increment are one conditional UPDATE, so two uploads
    racing for the last megabytes cannot both pass. No transaction of its own:
    the "quota reached" notice must outlive the refusal it comes with.
    """
    field, limit_field, entry = _STORAGE[kind]
    limit = getattr(account.plan, limit_field)
    updated = Account.objects.filter(pk=account.pk, **{f"{field}__lte": limit - nbytes}).update(
        **{field: F(field) + nbytes}
    )
    quota = "media" if kind == "media" else "videos"
    if not updated:
        quota_notify(account=account, quota=quota, before=limit, after=limit, limit=limit, refused=True)
        raise AppError(entry)
    used = Account.objects.values_list(field, flat=True).get(pk=account.pk)
    setattr(account, field, used)
    _usage_storage(account)
    quota_notify(account=account, quota=quota, before=used - nbytes, after=used, limit=limit)


@transaction.atomic
def storage_release(*, account: Account, kind: str, nbytes: int) -> None:
    field = _STORAGE[kind][0]
    Account.objects.filter(pk=account.pk).update(**{field: F(field) - nbytes})
    _usage_storage(account)


# --- usage history -------------------------------------------------------------------


def usage_today() -> date:
    return timezone.now().date()


def _usage_add(account: Account, **changes) -> None:
    """Apply ``changes`` (F expressions or values) to the account's row of today, made if missing."""
    rows = UsageDay.objects.for_account(account).filter(day=usage_today())
    if rows.update(**changes):
        return
    try:
        with transaction.atomic():
            UsageDay.objects.create(account=account, day=usage_today())
    except IntegrityError:
        pass  # a concurrent request made it
    rows.update(**changes)


def _usage_storage(account: Account) -> None:
    """Today's stored bytes: the account's media and videos as they are now."""
    total = Account.objects.filter(pk=account.pk).annotate(total=F("stored_media_bytes") + F("stored_video_bytes"))
    _usage_add(account, stored_bytes=Subquery(total.values("total")[:1]))


def usage_count(*, account: Account, renders: int = 0, documents: int = 0) -> None:
    """Count finished renders and documents in today's usage."""
    _usage_add(account, renders=F("renders") + renders, documents=F("documents") + documents)


# --- notifications -------------------------------------------------------------------


def notification_create(
    *, account: Account, kind: str, title: str, message: str = "", data: dict | None = None, once_key: str = ""
) -> Notification | None:
    """A new notification; with ``once_key``, ``None`` when one with that key exists already."""
    fields = {"account": account, "kind": kind, "title": title, "message": message, "data": data or {}}
    if not once_key:
        return Notification.objects.create(**fields)
    try:
        with transaction.atomic():
            return Notification.objects.create(**fields, once_key=once_key)
    except IntegrityError:
        return None


# The plan's quotas (seed error codes 2000-2005): what the notices call them and what the API refuses with.
QUOTAS = {
    "videos": ("Stored videos", errors.STORED_VIDEOS_LIMIT, "New videos are not stored"),
    "media": ("Stored media", errors.STORED_MEDIAS_LIMIT, "New uploads are refused"),
    "objects": ("Elements per template", errors.TOO_MANY_OBJECTS, "A script with more elements is refused"),
    "credits": ("Monthly credits", errors.NO_CREDIT, "Renders and documents are refused"),
    "templates": ("Templates", errors.MAX_TEMPLATES, "New templates are refused"),
}
QUOTA_THRESHOLDS = (80, 100)


def quota_notify(
    *, account: Account, quota: str, before: int, after: int, limit: int, refused: bool = False
) -> list[Notification]:
    """A notice for each threshold (80 %, 100 % of ``limit``) that usage went past, from
    ``before`` to ``after``; ``refused``: the API just refused something over the limit.
    Each threshold is notified once per quota and calendar month (UTC)."""
    if limit <= 0:
        return []
    label, entry, consequence = QUOTAS[quota]
    period = usage_today().strftime("%Y-%m")
    created = []
    crossed = [t for t in QUOTA_THRESHOLDS if before < limit * t / 100 <= after]
    for threshold in [100] if refused else crossed:
        reached = threshold == 100
        notice = notification_create(
            account=account,
            kind=Notification.Kind.QUOTA_REACHED if reached else Notification.Kind.QUOTA_NEARLY_REACHED,
            title=f"{label} quota {'reached' if reached else f'at {threshold} %'}",
            message=(
                f"{consequence} (error {entry.code}) until you free space or upgrade your plan."
                if reached
                else f"You have used {threshold} % of this quota; at 100 % {consequence.lower()} (error {entry.code})."
            ),
            data={"quota": quota, "threshold": threshold, "code": entry.code, "period": period},
            once_key=f"quota:{quota}:{threshold}:{period}",
        )
        if notice is not None:
            created.append(notice)
    return created


@transaction.atomic
def notification_mark_read(*, account: Account, notification_ids: list[int] | None) -> int:
    """Mark the given notifications (or all when ``None``) read; returns how many changed."""
    queryset = Notification.objects.for_account(account).filter(read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())
