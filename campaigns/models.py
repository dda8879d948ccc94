"""Campaigns: a template + an audience + a field mapping + a mode, and one row per recipient."""

from __future__ import annotations

from django.db import models

from accounts.secrets import new_public_id
from core.tenancy import TenantModel


class Campaign(TenantModel):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        PARTIAL = "partial"  # finished, some recipients failed
        CANCELLED = "cancelled"

    class Mode(models.TextChoices):
        RENDER = "render"
        LINK = "link"

    class Kind(models.TextChoices):
        VIDEO = "video"
        DOCUMENT = "document"

    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    video_template = models.ForeignKey(
        "templates_app.VideoTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document_template = models.ForeignKey(
        "documents.DocumentTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    template_public_id = models.CharField(max_length=40)
    # {"where": "country=ES"} | {"csv": {"columns": [...]}} | {"rows": {"columns": [...]}};
    # the rows of a CSV or JSON audience are in storage at ``rows_key``.
    audience = models.JSONField(default=dict)
    rows_key = models.CharField(max_length=300, blank=True)
    fields = models.JSONField(default=dict)
    mode = models.CharField(max_length=8, choices=Mode.choices)
    link_ttl_days = models.PositiveIntegerField(default=30)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    completed_event_sent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "status"], name="campaign_account_status")]

    def __str__(self) -> str:
        return self.name


class CampaignBuild(TenantModel):
    """One pass that turns the audience into recipient rows (on create, and on each refresh): a job row."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="builds")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.IntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    added = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]


class Recipient(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending"
        RENDERING = "rendering"
        DONE = "done"
        ERROR = "error"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    key = models.CharField(max_length=200, help_text="The user's id, or the CSV / JSON row number")
    email = models.CharField(max_length=254, blank=True)
    values = models.JSONField(default=dict, help_text="The mapped template inputs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error_code = models.IntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    video = models.ForeignKey("videos.Video", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    document_request = models.ForeignKey(
        "documents.DocumentRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document_link = models.ForeignKey(
        "documents.OnDemandLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="recipient_campaign_key")]
        indexes = [
            models.Index(fields=["campaign", "status", "id"], name="recipient_campaign_status"),
            models.Index(fields=["account", "status"], name="recipient_account_status"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.key}"
