"""The output shapes of webhooks, declared once: the REST answers, the OpenAPI components
and the JSON-RPC structs (``core.rpc.struct_from``) all come from these classes."""

from __future__ import annotations

from rest_framework import serializers

from core.shapes import JSONTextField
from webhooks.models import Webhook, WebhookDelivery


class SecretHintField(serializers.CharField):
    def to_representation(self, value: str) -> str:
        return value[:10] + "…"


class WebhookSerializer(serializers.Serializer):
    """secret is only present when it was just created (Webhook_New, Webhook_RotateSecret)"""

    webhookID = serializers.CharField(source="public_id")
    templateID = serializers.CharField(source="template_id", allow_null=True)
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    active = serializers.BooleanField()
    secret = serializers.CharField(
        allow_null=True, help_text="Only when just created or rotated: keep it, it is not shown again"
    )
    secretHint = SecretHintField(source="secret")
    failingSince = serializers.DateTimeField(source="failing_since", allow_null=True)
    disabledReason = serializers.CharField(source="disabled_reason")
    date = serializers.DateTimeField(source="created_at")

    def to_representation(self, instance: Webhook) -> dict:
        data = super().to_representation(instance)
        if not self.context.get("with_secret"):
            data["secret"] = None
        return data


class WebhookAttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    date = serializers.DateTimeField(source="created_at")
    requestHeaders = JSONTextField(source="request_headers", help_text="JSON text")
    requestBody = serializers.CharField(source="request_body")
    responseStatus = serializers.IntegerField(source="response_status", allow_null=True)
    responseBody = serializers.CharField(source="response_body", help_text="The first 1 KB")
    durationMs = serializers.FloatField(source="duration_ms")
    error = serializers.CharField()


class WebhookDeliverySerializer(serializers.Serializer):
    deliveryID = serializers.CharField(source="msg_id", help_text="Also the webhook-id header")
    webhookID = serializers.CharField(source="webhook.public_id")
    event = serializers.CharField()
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.values)
    attempts = serializers.IntegerField(source="attempt_count")
    nextAttempt = serializers.DateTimeField(source="next_attempt_at", allow_null=True)
    lastStatus = serializers.IntegerField(source="last_status", allow_null=True)
    lastError = serializers.CharField(source="last_error")
    date = serializers.DateTimeField(source="created_at")
    deliveredAt = serializers.DateTimeField(source="delivered_at", allow_null=True)
    body = serializers.CharField()
    log = WebhookAttemptSerializer(source="attempts.all", many=True, help_text="Empty in a redeliver answer")

    def get_fields(self) -> dict:
        fields = super().get_fields()
        if not self.context.get("with_log", True):
            del fields["log"]  # not even queried
        return fields

    def to_representation(self, instance: WebhookDelivery) -> dict:
        data = super().to_representation(instance)
        data.setdefault("log", [])
        return data


class WebhookDeliveryPageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = WebhookDeliverySerializer(many=True)


def webhook_json(webhook: Webhook, *, with_secret: bool = False) -> dict:
    return WebhookSerializer(webhook, context={"with_secret": with_secret}).data


def delivery_json(delivery: WebhookDelivery, *, with_log: bool = True) -> dict:
    return WebhookDeliverySerializer(delivery, context={"with_log": with_log}).data
