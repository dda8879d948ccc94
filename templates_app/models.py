from __future__ import annotations

from django.db import models

from accounts.secrets import new_public_id
from core.tenancy import TenantModel


class VideoTemplate(TenantModel):
    """A video template: one script (``inputScripts``) rendered to each output profile."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"

    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    input_scripts = models.JSONField()
    out_profiles = models.JSONField(default=list)
    media_ids = models.JSONField(default=list, help_text="mediaIDs the script uses (1008 on delete)")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name
