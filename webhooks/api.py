"""REST endpoints of the webhooks app under /v1/webhooks (the JSON-RPC methods' twins)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import account_of
from core.openapi import error_responses, page_parameters
from core.rest import StrictSerializer, page_params
from webhooks import selectors, services
from webhooks.serializers import (
    WebhookDeliveryPageSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
    delivery_json,
    webhook_json,
)

HTTP_URL = RegexValidator(r"^https?://", "Use an http or https URL")


class WebhookCreateSerializer(StrictSerializer):
    templateID = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=24)
    url = serializers.CharField(max_length=2000, validators=[HTTP_URL])
    events = serializers.ListField(child=serializers.CharField(max_length=40), required=False, allow_empty=True)


class WebhookUpdateSerializer(StrictSerializer):
    url = serializers.CharField(max_length=2000, required=False, validators=[HTTP_URL])
    active = serializers.BooleanField(required=False)


class WebhookListView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("templateID", str, description="Only this template's webhooks")],
        responses={200: WebhookSerializer(many=True), **error_responses()},
        tags=["webhooks"],
    )
    def get(self, request):
        """The account's webhooks (or one template's)."""
        hooks = selectors.webhook_list(account=account_of(request), template_id=request.query_params.get("templateID"))
        return Response([webhook_json(w) for w in hooks])

    @extend_schema(
        request=WebhookCreateSerializer,
        responses={201: WebhookSerializer, **error_responses(400, 404)},
        tags=["webhooks"],
    )
    def post(self, request):
        """Add a webhook: with templateID for that template's video events, without for document events."""
        serializer = WebhookCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        webhook = services.webhook_create(
            account=account_of(request), template_id=data.get("templateID"), url=data["url"], events=data.get("events")
        )
        return Response(webhook_json(webhook, with_secret=True), status=status.HTTP_201_CREATED)


class WebhookDetailView(APIView):
    @extend_schema(responses={200: WebhookSerializer, **error_responses(404)}, tags=["webhooks"])
    def get(self, request, webhook_id: str):
        """One webhook."""
        return Response(webhook_json(services.webhook_get(account=account_of(request), webhook_id=webhook_id)))

    @extend_schema(
        request=WebhookUpdateSerializer,
        responses={200: WebhookSerializer, **error_responses(400, 404)},
        tags=["webhooks"],
    )
    def patch(self, request, webhook_id: str):
        """Change the URL or switch the webhook on/off."""
        serializer = WebhookUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        webhook = services.webhook_update(
            account=account_of(request), webhook_id=webhook_id, **serializer.validated_data
        )
        return Response(webhook_json(webhook))

    @extend_schema(responses={204: None, **error_responses(404)}, tags=["webhooks"])
    def delete(self, request, webhook_id: str):
        """Delete the webhook and its delivery log."""
        services.webhook_delete(account=account_of(request), webhook_id=webhook_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretView(APIView):
    @extend_schema(request=None, responses={200: WebhookSerializer, **error_responses(404)}, tags=["webhooks"])
    def post(self, request, webhook_id: str):
        """A new signing secret, shown in this answer only; the old one keeps signing for 24 hours."""
        webhook = services.webhook_rotate_secret(account=account_of(request), webhook_id=webhook_id)
        return Response(webhook_json(webhook, with_secret=True))


class WebhookDeliveriesView(APIView):
    @extend_schema(
        parameters=page_parameters(),
        responses={200: WebhookDeliveryPageSerializer, **error_responses(400, 404)},
        tags=["webhooks"],
    )
    def get(self, request, webhook_id: str):
        """The webhook's delivery log, newest first, with each attempt."""
        account = account_of(request)
        webhook = services.webhook_get(account=account, webhook_id=webhook_id)
        offset, limit = page_params(request)
        total, items = selectors.delivery_list(account=account, webhook=webhook, offset=offset, limit=limit)
        return Response({"total": total, "items": [delivery_json(d) for d in items]})


class DeliveryRedeliverView(APIView):
    @extend_schema(
        request=None, responses={202: WebhookDeliverySerializer, **error_responses(404, 409)}, tags=["webhooks"]
    )
    def post(self, request, delivery_id: str):
        """Send a delivery again (same body, same webhook-id)."""
        delivery = services.delivery_redeliver(account=account_of(request), delivery_id=delivery_id)
        return Response(delivery_json(delivery, with_log=False), status=status.HTTP_202_ACCEPTED)


urlpatterns = [
    path("webhooks", WebhookListView.as_view(), name="webhooks"),
    path("webhooks/deliveries/<str:delivery_id>/redeliver", DeliveryRedeliverView.as_view(), name="webhook-redeliver"),
    path("webhooks/<str:webhook_id>", WebhookDetailView.as_view(), name="webhook-detail"),
    path("webhooks/<str:webhook_id>/rotate-secret", WebhookRotateSecretView.as_view(), name="webhook-rotate-secret"),
    path("webhooks/<str:webhook_id>/deliveries", WebhookDeliveriesView.as_view(), name="webhook-deliveries"),
]
