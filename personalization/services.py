"""Writes of placeholders, products and users, always within one account.

Values arrive already validated and converted (``personalization.objects``).
A bulk insert is one transaction: on PostgreSQL the ids are drawn from the
table's sequence in one statement and the rows streamed with ``COPY`` (about
8x ``bulk_create``); elsewhere ``bulk_create`` returns the ids.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from accounts.models import Account
from core import errors
from core.errors import AppError
from personalization.objects import ObjectType
from personalization.query import ColumnType

BULK_BATCH = 1000
# Columns whose duplicates the unique constraints refuse, by object.
_UNIQUE = {"users": "email", "products": "internal_id"}


def _duplicate_error(*, account: Account, kind: ObjectType, rows: list[dict[str, Any]]) -> AppError:
    """Name the value that broke a unique constraint, for a person to fix it."""
    column = _UNIQUE.get(kind.name)
    if column is None:  # pragma: no cover - only objects with a unique column raise IntegrityError
        return AppError(errors.DUPLICATE_VALUE)
    values = [row[column] for row in rows if row.get(column) is not None]
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            return AppError(errors.DUPLICATE_VALUE, param=column, detail=f'Duplicate {column} "{value}" in the request')
        seen.add(value)
    taken = (
        kind.model.objects.for_account(account)
        .filter(**{f"{column}__in": values[: BULK_BATCH * 10]})
        .values_list(column, flat=True)
        .first()
    )
    detail = f'Duplicate {column}: "{taken}" already exists' if taken is not None else f"Duplicate {column}"
    return AppError(errors.DUPLICATE_VALUE, param=column, detail=detail)


def record_create(*, account: Account, kind: ObjectType, values: dict[str, Any]) -> int:
    return record_bulk_create(account=account, kind=kind, rows=[values])[0]


def record_bulk_create(*, account: Account, kind: ObjectType, rows: list[dict[str, Any]]) -> list[int]:
    """Insert every row or none; the new ids, in the order of ``rows``."""
    if not rows:
        return []
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                return _copy_rows(account=account, kind=kind, rows=rows)
            objects = [kind.model(account=account, **values) for values in rows]
            return [obj.pk for obj in kind.model.objects.bulk_create(objects, batch_size=BULK_BATCH)]
    except IntegrityError:
        raise _duplicate_error(account=account, kind=kind, rows=rows) from None


def _copy_rows(*, account: Account, kind: ObjectType, rows: list[dict[str, Any]]) -> list[int]:
    table = kind.model._meta.db_table
    fields = [field for name, field in kind.fields.items() if name != "id"]
    # Per column: its name, whether it is JSON (sent as text), and its default.
    plan = [(field.name, kind.schema.columns[field.name] is ColumnType.JSON, field.get_default) for field in fields]
    quote = connection.ops.quote_name
    # ``cursor.copy`` is psycopg's own: wrap it so its errors become Django's (IntegrityError).
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(quote(name) for name in ["id", "account_id", *(f.column for f in fields)])
        dumps = json.dumps
        with cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            account_id = account.pk
            write_row = copy.write_row
            for new_id, values in zip(ids, rows, strict=True):
                record = [new_id, account_id]
                for name, is_json, default in plan:
                    value = values[name] if name in values else default()
                    record.append(dumps(value) if is_json else value)
                write_row(record)
    return ids


def _selected(*, account: Account, kind: ObjectType, selector: Q):
    return kind.model.objects.for_account(account).filter(selector)


def record_update(*, account: Account, kind: ObjectType, selector: Q, values: dict[str, Any]) -> int:
    """Change the selected records; the number of rows affected."""
    try:
        with transaction.atomic():
            return _selected(account=account, kind=kind, selector=selector).update(**values)
    except IntegrityError:
        raise _duplicate_error(account=account, kind=kind, rows=[values]) from None


def record_delete(*, account: Account, kind: ObjectType, selector: Q) -> int:
    """Delete the selected records; the number of rows affected."""
    with transaction.atomic():
        # Nothing references these rows, so Django issues one DELETE (no fetch first).
        deleted, _ = _selected(account=account, kind=kind, selector=selector).delete()
        return deleted


def slow_query_admit(*, account: Account) -> None:
    """Count a slow query against the account's per-minute allowance, or refuse it (503)."""
    window = 60
    now = time.time()
    key = f"pers:slow:{account.pk}:{int(now // window)}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, window + 5)
        count = 1
    if count > settings.PERSONALIZATION_SLOW_QUERIES_PER_MINUTE:
        retry_after = max(1, math.ceil(window - now % window))
        raise AppError(
            errors.SLOW_QUERIES_LIMIT,
            detail=f"Too many slow queries (filters on unindexed columns); retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )
