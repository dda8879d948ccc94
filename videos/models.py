from __future__ import annotations

from django.db import models

from accounts.secrets import new_public_id
from core.tenancy import TenantModel


class Video(TenantModel):
    """One personalised video of a template; the row is the render job's unit of work."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        ERROR = "error", "Error"

    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    template = models.ForeignKey(
        "templates_app.VideoTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="videos"
    )
    template_public_id = models.CharField(max_length=24)
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    data = models.TextField(blank=True)
    metadata = models.TextField(blank=True)
    input_medias = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    status_code = models.IntegerField(null=True, blank=True)
    status_message = models.TextField(blank=True)
    out_files = models.JSONField(default=list)
    poster_key = models.CharField(max_length=300, blank=True)
    duration_ms = models.IntegerField(null=True, blank=True)
    stored_bytes = models.BigIntegerField(default=0)
    credits_charged = models.IntegerField(default=0)
    attempts = models.IntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "template", "created_at"])]

    def __str__(self) -> str:
        return self.name or self.public_id
