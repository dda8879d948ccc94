"""JSON-RPC methods of the accounts app."""

from __future__ import annotations

import json

from accounts import selectors, services
from accounts.models import Account, Notification
from core import rpc
from core.dates import iso_z

rpc.struct(
    "Meter",
    {"key": "string", "label": "string", "used": "int", "limit": "int", "unit": "string", "percent": "int"},
)
rpc.struct(
    "Account",
    {
        "accountID": "string",
        "name": "string",
        "accountType": "string",
        "active": "bool",
        "credits": "int",
        "usage": "[]Meter",
    },
)
rpc.struct(
    "Notification",
    {
        "id": "string",
        "kind": "string",
        "title": "string",
        "message": "string",
        "data": "string",
        "date": "string",
        "read": "bool",
    },
)
rpc.struct("NotificationPage", {"total": "int", "unread": "int", "items": "[]Notification"})


def account_json(account: Account) -> dict:
    return {
        "accountID": account.public_id,
        "name": account.name,
        "accountType": account.plan.code,
        "active": account.is_active,
        "credits": account.credits,
        "usage": [
            {"key": m.key, "label": m.label, "used": m.used, "limit": m.limit, "unit": m.unit, "percent": m.percent}
            for m in selectors.account_usage(account=account)
        ],
    }


def notification_json(notification: Notification) -> dict:
    return {
        "id": str(notification.pk),
        "kind": notification.kind,
        "title": notification.title,
        "message": notification.message,
        "data": json.dumps(notification.data),
        "date": iso_z(notification.created_at),
        "read": notification.read_at is not None,
    }


@rpc.method("Account_Get", returns="Account", comment="The calling account: type, credits and quota usage", reads=True)
def account_get(ctx: rpc.Context) -> dict:
    return account_json(selectors.account_get(account=ctx.account))


@rpc.method(
    "Notification_List",
    params=[("offset", "int?"), ("limit", "int?"), ("unreadOnly", "bool?")],
    returns="NotificationPage",
    comment="The account's notifications, newest first (limit at most 100)",
    reads=True,
)
def notification_list(ctx: rpc.Context, offset: int | None, limit: int | None, unread_only: bool | None) -> dict:
    offset, limit = rpc.page_bounds(offset, limit, default=20)
    items = selectors.notification_list(account=ctx.account, unread_only=bool(unread_only), offset=offset, limit=limit)
    return {
        "total": selectors.notification_count(account=ctx.account, unread_only=bool(unread_only)),
        "unread": selectors.notification_unread_count(account=ctx.account),
        "items": [notification_json(n) for n in items],
    }


@rpc.method(
    "Notification_MarkRead",
    params=[("notificationIDs", "[]string?")],
    returns="int",
    comment="Mark the given notifications read (all when omitted); returns how many changed",
)
def notification_mark_read(ctx: rpc.Context, notification_ids: list[str] | None) -> int:
    ids = None if notification_ids is None else [int(i) for i in notification_ids if i.isdigit()]
    return services.notification_mark_read(account=ctx.account, notification_ids=ids)
