"""Reads of placeholders, products and users, always within one account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache

from accounts.models import Account
from core import prepared
from personalization.objects import ObjectType
from personalization.query import Query


def _queryset(*, account: Account | int, kind: ObjectType, query: Query):
    return kind.model.objects.for_account(account).filter(query.filter_q())


def record_list(*, account: Account, kind: ObjectType, query: Query) -> list[Any]:
    """The page of records the query selects: dicts, or bare values for ``column``."""

    def page(account_id: int, *values: Any):
        return _page(account_id=account_id, kind=kind, query=query.with_values(values))

    return prepared.fetch(("records", query.shape()), page, account.pk, *query.values())


def _page(*, account_id: int, kind: ObjectType, query: Query):
    ordering = query.ordering()
    if query.order_by and "id" not in query.order_by:
        ordering.append("-id" if query.descending else "id")  # a total order, so pages never overlap
    queryset = _queryset(account=account_id, kind=kind, query=query).order_by(*ordering)
    page = slice(query.offset, query.offset + query.limit)
    if query.column:
        return queryset.values_list(query.column, flat=True)[page]
    return queryset.values(*(query.columns or kind.fields))[page]


def record_count(*, account: Account, kind: ObjectType, query: Query | None = None) -> int:
    queryset = kind.model.objects.for_account(account)
    if query is not None:
        queryset = queryset.filter(query.filter_q())
    return queryset.count()


def table_size_estimate(*, account: Account, kind: ObjectType) -> int:
    """The account's row count of this object, at most a minute old (one COUNT a minute)."""
    key = f"pers:rows:{account.pk}:{kind.name}"
    size = cache.get(key)
    if size is None:
        size = record_count(account=account, kind=kind)
        cache.set(key, size, settings.PERSONALIZATION_TABLE_SIZE_CACHE_SECONDS)
    return size


def is_slow(*, account: Account, kind: ObjectType, query: Query) -> bool:
    """A filter on an unindexed column of a big table: a full scan of the account's rows."""
    if query.id is not None or not query.uses_unindexed_filter(kind.schema):
        return False
    return table_size_estimate(account=account, kind=kind) > settings.PERSONALIZATION_SLOW_TABLE_ROWS
