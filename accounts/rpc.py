"""JSON-RPC methods of the accounts app."""

from __future__ import annotations

from accounts import selectors, services
from accounts.serializers import AccountSerializer, NotificationPageSerializer, account_json, notification_json
from core import rpc

rpc.struct_from(AccountSerializer)
rpc.struct_from(NotificationPageSerializer)


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
