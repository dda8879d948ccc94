"""REST endpoints of the accounts app: the account, its keys and notifications."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.auth import account_of
from accounts.serializers import AccountSerializer, NotificationSerializer, account_json, notification_json
from core.openapi import error_responses, page_parameters
from core.rest import StrictSerializer, page_params, query_flag


class KeySerializer(StrictSerializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(max_length=100)
    prefix = serializers.SerializerMethodField()
    created = serializers.DateTimeField(source="created_at", read_only=True)
    lastUsed = serializers.DateTimeField(source="last_used_at", read_only=True, allow_null=True)
    revoked = serializers.DateTimeField(source="revoked_at", read_only=True, allow_null=True)

    def get_prefix(self, key) -> str:
        return f"psk_{key.key_id}_…"


class IssuedKeySerializer(KeySerializer):
    key = serializers.CharField(read_only=True, help_text="The full key: shown once, never again")


class MarkReadSerializer(StrictSerializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True)


class AccountView(APIView):
    @extend_schema(responses={200: AccountSerializer, **error_responses()}, tags=["account"])
    def get(self, request):
        """The calling account: type, credits and quota usage."""
        return Response(account_json(selectors.account_get(account=account_of(request))))


class KeyListView(APIView):
    @extend_schema(responses={200: KeySerializer(many=True), **error_responses()}, tags=["account"])
    def get(self, request):
        """The account's API keys (secrets are never shown again)."""
        return Response(KeySerializer(selectors.api_key_list(account=account_of(request)), many=True).data)

    @extend_schema(
        request=KeySerializer,
        responses={201: IssuedKeySerializer, **error_responses(400)},
        tags=["account"],
    )
    def post(self, request):
        """Create a key; the response is the only time its secret is shown."""
        serializer = KeySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = services.api_key_create(account=account_of(request), name=serializer.validated_data["name"])
        body = KeySerializer(issued.key).data | {"key": issued.raw}
        return Response(body, status=status.HTTP_201_CREATED)


class KeyDetailView(APIView):
    @extend_schema(responses={200: KeySerializer, **error_responses(404)}, tags=["account"])
    def delete(self, request, key_id: int):
        """Revoke a key: it stops working at once."""
        key = services.api_key_revoke(account=account_of(request), key_id=key_id)
        return Response(KeySerializer(key).data)


class NotificationListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("unread", bool, description="Only unread notifications"),
            *page_parameters(),
        ],
        responses={
            200: NotificationSerializer(many=True),
            **error_responses(400),
        },
        tags=["notifications"],
    )
    def get(self, request):
        """The account's notifications, newest first."""
        unread = query_flag(request, "unread")
        offset, limit = page_params(request)
        items = selectors.notification_list(account=account_of(request), unread_only=unread, offset=offset, limit=limit)
        return Response([notification_json(n) for n in items])


class NotificationReadView(APIView):
    @extend_schema(
        request=MarkReadSerializer,
        responses={
            200: inline_serializer("Marked", {"marked": serializers.IntegerField()}),
            **error_responses(400),
        },
        tags=["notifications"],
    )
    def post(self, request):
        """Mark notifications read (all unread ones when ``ids`` is omitted)."""
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data.get("ids")
        return Response({"marked": services.notification_mark_read(account=account_of(request), notification_ids=ids)})


urlpatterns = [
    path("account", AccountView.as_view(), name="account"),
    path("keys", KeyListView.as_view(), name="keys"),
    path("keys/<int:key_id>", KeyDetailView.as_view(), name="key-detail"),
    path("notifications", NotificationListView.as_view(), name="notifications"),
    path("notifications/read", NotificationReadView.as_view(), name="notifications-read"),
]
