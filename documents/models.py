"""Document templates, their uploaded assets, rendering requests and on-demand links."""

from __future__ import annotations

import uuid

from django.db import models

from core.tenancy import TenantModel


class DocumentTemplate(TenantModel):
    """An HTML/CSS template with declared fields (``documents.renderer.FieldSpec`` dicts)."""

    class PageSize(models.TextChoices):
        A3 = "A3"
        A4 = "A4"
        A5 = "A5"
        LETTER = "Letter"
        LEGAL = "Legal"

    class Orientation(models.TextChoices):
        PORTRAIT = "portrait"
        LANDSCAPE = "landscape"

    template_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    html = models.TextField()
    css = models.TextField(blank=True, default="")
    fields = models.JSONField(default=list, blank=True)
    page_size = models.CharField(max_length=10, choices=PageSize.choices, default=PageSize.A4)
    orientation = models.CharField(max_length=10, choices=Orientation.choices, default=Orientation.PORTRAIT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.template_id})"


class DocumentAsset(TenantModel):
    """A file a template may refer to by ``name`` (``<img src="logo.png">``); bytes in default_storage."""

    template = models.ForeignKey(DocumentTemplate, on_delete=models.CASCADE, related_name="assets")
    name = models.CharField(max_length=100)
    storage_key = models.CharField(max_length=500)
    content_type = models.CharField(max_length=100, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "template", "name"], name="document_asset_unique_name"),
        ]


class DocumentRequest(TenantModel):
    """One ``POST /v1/content``: the job's unit of work."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        COMPLETED = "completed"
        FAILED = "failed"

    API_STATUS = {
        Status.QUEUED: "InProgress",
        Status.RUNNING: "InProgress",
        Status.COMPLETED: "Completed",
        Status.FAILED: "Failed",
    }

    request_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.ForeignKey(DocumentTemplate, on_delete=models.SET_NULL, null=True, related_name="requests")
    template_name = models.CharField(max_length=200, blank=True, default="")
    fields = models.JSONField(default=dict)
    output = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    failure_description = models.TextField(blank=True, default="")
    # [{"name": ..., "key": ..., "content_type": ..., "size": ...}] in output order
    outputs = models.JSONField(default=list, blank=True)
    charged_credits = models.PositiveIntegerField(default=0)
    attempts = models.IntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)  # the running attempt's lease (core/jobs.py)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def api_status(self) -> str:
        return self.API_STATUS[self.status]


class OnDemandLink(TenantModel):
    """``POST /v1/content/url``: rendered (and charged) on first open, then served from the cache."""

    token = models.CharField(max_length=64, unique=True)
    template = models.ForeignKey(DocumentTemplate, on_delete=models.CASCADE, related_name="links")
    fields = models.JSONField(default=dict)
    output = models.JSONField(default=dict)
    expires_at = models.DateTimeField()
    opens = models.PositiveIntegerField(default=0)
    cached_key = models.CharField(max_length=500, blank=True, default="")
    cached_content_type = models.CharField(max_length=100, blank=True, default="")
    cached_filename = models.CharField(max_length=200, blank=True, default="")
    charged_credits = models.PositiveIntegerField(default=0)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
