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
    # A video-maker render (seed 002) has no template: it carries its project and the script compiled from it.
    project = models.ForeignKey("Project", null=True, blank=True, on_delete=models.CASCADE, related_name="renders")
    script = models.JSONField(null=True, blank=True)
    out_profiles = models.JSONField(default=list, blank=True)
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


class Project(TenantModel):
    """A video-maker project (seed 002): frames, a style, music, credits and a quality.

    Rendering compiles it to a script and queues a :class:`Video` of that script
    (``Video.project``); the newest render is the project's video.
    """

    class Status(models.TextChoices):
        INITIAL = "initial", "Draft"
        RENDERING = "rendering", "Rendering"
        PUBLISHED = "published", "Published"
        ERROR = "error", "Error"

    # Also the permanent public link's id (/v/<public_id>/...): 96 random bits.
    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    name = models.CharField(max_length=200, blank=True)
    style = models.CharField(max_length=40, blank=True)
    assets = models.JSONField(default=list, blank=True)
    credit = models.JSONField(default=list, blank=True)
    quality = models.PositiveSmallIntegerField(default=360)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INITIAL)
    error_code = models.IntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    duration_ms = models.IntegerField(default=0)
    views = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "created_at"]), models.Index(fields=["account", "status"])]

    def __str__(self) -> str:
        return self.name or self.public_id
