"""The output shapes of the account and its notifications, declared once: the REST answers,
the OpenAPI components and the JSON-RPC structs (``core.rpc.struct_from``) come from these."""

from __future__ import annotations

from rest_framework import serializers

from accounts import selectors
from accounts.models import Account, Notification
from core.shapes import JSONTextField, represent


class MeterSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    used = serializers.IntegerField()
    limit = serializers.IntegerField()
    unit = serializers.CharField()
    percent = serializers.IntegerField()


# Serializes {"account": Account, "usage": [Meter]}, see account_json.
class AccountSerializer(serializers.Serializer):
    accountID = serializers.CharField(source="account.public_id")
    name = serializers.CharField(source="account.name")
    accountType = serializers.CharField(source="account.plan.code")
    active = serializers.BooleanField(source="account.is_active")
    credits = serializers.IntegerField(source="account.credits")
    usage = MeterSerializer(many=True)


class NotificationSerializer(serializers.Serializer):
    id = serializers.CharField(source="pk")
    kind = serializers.CharField()
    title = serializers.CharField()
    message = serializers.CharField()
    data = JSONTextField(help_text="JSON text")
    date = serializers.DateTimeField(source="created_at")
    read = serializers.BooleanField(source="is_read")


class NotificationPageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    unread = serializers.IntegerField()
    items = NotificationSerializer(many=True)


def account_json(account: Account) -> dict:
    return represent(AccountSerializer, {"account": account, "usage": selectors.account_usage(account=account)})


def notification_json(notification: Notification) -> dict:
    return NotificationSerializer(notification).data
