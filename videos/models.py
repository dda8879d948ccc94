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
    ctas = models.JSONField(default=list, help_text="The script's calls to action as rendered, for the player page")
    captions = models.JSONField(
        default=list, help_text="The script's texts as rendered, with their times: the player page's captions track"
    )
    # The public player page (/p/<token>): the random half of its token; empty when none or revoked.
    page_key = models.CharField(max_length=32, null=True, blank=True, unique=True)
    page_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "template", "created_at"])]

    def __str__(self) -> str:
        return self.name or self.public_id

    @property
    def poster_storage(self) -> dict[str, str] | None:
        """The poster as the API names its files (``thumbnail``), or None before the render."""
        return {"fileID": f"{self.public_id}.poster"} if self.poster_key else None


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


class PageBranding(TenantModel):
    """How a template's player pages look (``/p/<token>``); every field has a default that looks good."""

    template = models.OneToOneField(
        "templates_app.VideoTemplate", on_delete=models.CASCADE, related_name="page_branding"
    )
    logo = models.ForeignKey("media_app.MediaFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200, blank=True, help_text="Page title; $variables from the video's inputs")
    message = models.TextField(blank=True, help_text="Shown under the video; $variables from the video's inputs")
    background_color = models.CharField(max_length=7, default="#F8FAFC")
    text_color = models.CharField(max_length=7, default="#0F172A")
    accent_color = models.CharField(max_length=7, default="#1D4ED8")

    def __str__(self) -> str:
        return f"branding of {self.template_id}"


class VideoStatsDay(TenantModel):
    """One video's page analytics for one UTC day: counters only, no row per view or play."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="stats_days")
    template_public_id = models.CharField(max_length=24, db_index=True)
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    unique_viewers = models.PositiveIntegerField(default=0)
    plays = models.PositiveIntegerField(default=0)
    q25 = models.PositiveIntegerField(default=0)
    q50 = models.PositiveIntegerField(default=0)
    q75 = models.PositiveIntegerField(default=0)
    q100 = models.PositiveIntegerField(default=0)
    cta_clicks = models.JSONField(default=dict, help_text="{ctaID: clicks}")

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["account", "video", "day"], name="video_stats_one_row_per_day")]

    def __str__(self) -> str:
        return f"{self.video_id} {self.day}"


class PageViewer(TenantModel):
    """A viewer's daily hash (salted, rotating; never the address) for unique counts; kept 30 days."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(db_index=True)
    viewer = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "video", "day", "viewer"], name="page_viewer_once_a_day")
        ]
