from __future__ import annotations

from django.db import models

from accounts.secrets import new_public_id
from core.tenancy import TenantModel


class MediaFile(TenantModel):
    """A probed upload: in the account's library, or kept for one video (``per_video``)."""

    class Kind(models.TextChoices):
        VIDEO = "video", "Video"
        IMAGE = "image", "Image"
        AUDIO = "audio", "Audio"

    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    mime = models.CharField(max_length=100)
    size = models.BigIntegerField()
    duration_ms = models.IntegerField(null=True, blank=True)
    width = models.IntegerField(null=True, blank=True)
    height = models.IntegerField(null=True, blank=True)
    video_codec = models.CharField(max_length=32, blank=True)
    audio_codec = models.CharField(max_length=32, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=1000, blank=True)
    storage_key = models.CharField(max_length=300)
    per_video = models.BooleanField(default=False)
    template = models.ForeignKey(
        "templates_app.VideoTemplate", null=True, blank=True, on_delete=models.CASCADE, related_name="uploads"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "per_video", "created_at"])]

    def __str__(self) -> str:
        return self.filename or self.public_id
