"""Webhook endpoints, the durable deliveries of events to them, and each attempt."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.tenancy import TenantModel


class Webhook(TenantModel):
    """An endpoint of one template (video events) or of the whole account (document events)."""

    public_id = models.CharField(max_length=24, unique=True)  # webhookID, 24 hex
    template_id = models.CharField(max_length=24, null=True, blank=True, db_index=True)  # the template's public id
    events = models.JSONField(default=list)
    url = models.CharField(max_length=2000)
    active = models.BooleanField(default=True)
    secret = models.CharField(max_length=100)
    # While a rotation is recent, both secrets sign each message.
    previous_secret = models.CharField(max_length=100, blank=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.public_id} → {self.url}"


class WebhookDelivery(TenantModel):
    """One event for one endpoint: the body is frozen at emit time, the message id
    (``webhook-id``) stays the same across retries and replays."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    msg_id = models.CharField(max_length=40, unique=True)  # deliveryID and the webhook-id header
    event = models.CharField(max_length=40)
    body = models.TextField()  # the exact JSON sent, UTF-8
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)  # attempts in the current cycle
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)  # a dispatcher's lease
    claim_token = models.CharField(max_length=32, blank=True)
    failure_notified = models.BooleanField(default=False)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhookdelivery_due")]

    def __str__(self) -> str:
        return f"{self.msg_id} {self.event} {self.status}"


class WebhookAttempt(TenantModel):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    request_headers = models.JSONField(default=dict)
    request_body = models.TextField()
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_headers = models.JSONField(default=dict)
    response_body = models.TextField(blank=True)  # the first 1 KB
    duration_ms = models.FloatField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    @property
    def ok(self) -> bool:
        return not self.error and self.response_status is not None and 200 <= self.response_status < 300
