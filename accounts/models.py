from __future__ import annotations

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from accounts.secrets import new_public_id
from core.tenancy import TenantModel

GB = 1024**3


class Plan(models.Model):
    """An account type and the limits the product enforces for it."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    max_video_bytes = models.BigIntegerField(help_text="Stored videos (2000)")
    max_media_bytes = models.BigIntegerField(help_text="Stored media (2001)")
    allowed_profiles = models.JSONField(
        default=list, blank=True, help_text="Video profile names this plan may use (2002); empty = all"
    )
    custom_profiles = models.BooleanField(default=True, help_text="May choose profiles per template (1032)")
    max_objects_per_template = models.PositiveIntegerField(help_text="Elements per template script (2003)")
    max_templates = models.PositiveIntegerField(help_text="Templates per account (2005)")
    monthly_credits = models.PositiveIntegerField(default=0)
    rate_limit_per_minute = models.PositiveIntegerField(default=600, help_text="REST requests per minute (429)")
    player_pages = models.BooleanField(default=True, help_text="May publish player pages /p/<token> (2004)")

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """The tenant. ``public_id`` is the seeds' ``accountID``."""

    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    name = models.CharField(max_length=200)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="accounts")
    is_active = models.BooleanField(default=True)
    credits = models.IntegerField(default=0)
    stored_media_bytes = models.BigIntegerField(default=0)
    stored_video_bytes = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(credits__gte=0), name="account_credits_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """An account manager (or staff operator): logs in with email + password."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MANAGER = "manager", "Manager"

    username = None
    email = models.EmailField(unique=True)
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="users")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MANAGER)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.email


class ApiKey(TenantModel):
    """One of an account's API secrets. The full key is ``psk_<key_id>_<secret>``;
    only the digest of the secret is stored."""

    name = models.CharField(max_length=100)
    key_id = models.CharField(max_length=16, db_index=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # A console key: issued to one dashboard session for API Test, short-lived, listed nowhere.
    console = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["account", "key_id"], name="apikey_unique_per_account")]

    def __str__(self) -> str:
        return f"{self.name} (psk_{self.key_id}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or timezone.now() < self.expires_at)


class Notification(TenantModel):
    class Kind(models.TextChoices):
        INFO = "info", "Information"
        WEBHOOK_FAILED = "webhook_failed", "Webhook failed"
        WEBHOOK_DISABLED = "webhook_disabled", "Webhook disabled"
        RENDER_FAILED = "render_failed", "Render failed"
        QUOTA_NEARLY_REACHED = "quota_nearly_reached", "Quota nearly reached"
        QUOTA_REACHED = "quota_reached", "Quota reached"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Set for notices that may exist once only, e.g. "quota:videos:80:2026-11" (one per threshold per month).
    once_key = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "once_key"], condition=~models.Q(once_key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.title


class UsageDay(TenantModel):
    """What an account did on one (UTC) day: the overview's usage history.

    Counters are added to as things happen; ``stored_bytes`` is the account's stored
    media and videos after the day's last change (``None``: no change that day)."""

    day = models.DateField()
    renders = models.PositiveIntegerField(default=0)
    documents = models.PositiveIntegerField(default=0)
    credits_spent = models.IntegerField(default=0, help_text="Charged minus refunded")
    stored_bytes = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["account", "day"], name="usageday_unique_per_account")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.day}"
