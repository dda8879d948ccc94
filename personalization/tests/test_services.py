"""Services and selectors of personalization data, on whichever database runs the tests
(the COPY path on PostgreSQL, bulk_create elsewhere)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import override_settings

from core.errors import AppError
from personalization import selectors, services
from personalization.models import Product, VisitorUser
from personalization.objects import OBJECTS, SCHEMAS, validate_record
from personalization.query import parse_path

USERS = OBJECTS["users"]
PRODUCTS = OBJECTS["products"]


def _query(path: str):
    return parse_path(path, SCHEMAS)


def test_bulk_create_returns_ids_in_order_and_fills_defaults(account):
    rows = [validate_record(USERS, {"email": f"{i}@x.test", "first_name": f"N{i}"}, partial=False) for i in range(2500)]
    ids = services.record_bulk_create(account=account, kind=USERS, rows=rows)
    assert len(ids) == len(set(ids)) == 2500
    stored = dict(VisitorUser.objects.for_account(account).values_list("id", "email"))
    assert [stored[i] for i in ids] == [f"{i}@x.test" for i in range(2500)]
    user = VisitorUser.objects.for_account(account).get(id=ids[0])
    assert user.tags == [] and user.attributes == {} and user.created.tzinfo is not None and user.last_seen is None
    # The sequence moves on: the next single insert gets a fresh id.
    assert services.record_create(account=account, kind=USERS, values={"email": "next@x.test"}) > max(ids)


def test_bulk_create_keeps_types(account):
    values = validate_record(
        PRODUCTS,
        {"name": "Mug", "price": "9.999", "in_stock": 0, "attributes": {"a": [1, {"b": None}], "q": 'it\'s \\ "x"\t'}},
        partial=False,
    )
    [pid] = services.record_bulk_create(account=account, kind=PRODUCTS, rows=[values])
    product = Product.objects.for_account(account).get(id=pid)
    assert product.price == Decimal("10.00") and product.in_stock is False
    assert product.attributes == {"a": [1, {"b": None}], "q": 'it\'s \\ "x"\t'}
    assert product.internal_id is None


def test_products_without_internal_id_may_repeat_but_ids_are_unique(account, other_account):
    services.record_bulk_create(account=account, kind=PRODUCTS, rows=[{"name": "a"}, {"name": "b"}])
    services.record_create(account=account, kind=PRODUCTS, values={"name": "c", "internal_id": "X"})
    services.record_create(account=other_account, kind=PRODUCTS, values={"name": "c", "internal_id": "X"})
    with pytest.raises(AppError) as raised:
        services.record_create(account=account, kind=PRODUCTS, values={"name": "d", "internal_id": "X"})
    assert raised.value.message == 'Duplicate internal_id: "X" already exists'


def test_failed_bulk_create_leaves_nothing(account):
    services.record_create(account=account, kind=USERS, values={"email": "taken@x.test"})
    rows = [{"email": f"{i}@x.test"} for i in range(1500)] + [{"email": "taken@x.test"}]
    with pytest.raises(AppError):
        services.record_bulk_create(account=account, kind=USERS, rows=rows)
    assert VisitorUser.objects.for_account(account).count() == 1


def test_update_and_delete_are_scoped(account, other_account):
    mine = services.record_create(account=account, kind=USERS, values={"email": "a@x.test", "country": "FR"})
    theirs = services.record_create(account=other_account, kind=USERS, values={"email": "a@x.test", "country": "FR"})
    selector = _query(f"users/where/id:{mine},{theirs}").filter_q()
    assert services.record_update(account=account, kind=USERS, selector=selector, values={"country": "DE"}) == 1
    assert services.record_delete(account=account, kind=USERS, selector=selector) == 1
    assert VisitorUser.objects.for_account(other_account).get(id=theirs).country == "FR"


def test_record_list_pages_in_a_total_order(account):
    rows = [{"email": f"{i}@x.test", "country": "FR" if i % 2 else "DE"} for i in range(10)]
    services.record_bulk_create(account=account, kind=USERS, rows=rows)
    pages = [
        selectors.record_list(
            account=account, kind=USERS, query=_query(f"users/order_by/country/limit/{o},3/column/email")
        )
        for o in range(0, 10, 3)
    ]
    flat = [email for page in pages for email in page]
    assert len(flat) == len(set(flat)) == 10


def test_datetimes_are_stored_in_utc(account):
    values = validate_record(USERS, {"email": "a@x.test", "last_seen": "2024-06-01T10:00:00+02:00"}, partial=False)
    uid = services.record_create(account=account, kind=USERS, values=values)
    [row] = selectors.record_list(account=account, kind=USERS, query=parse_path(f"users/{uid}", SCHEMAS))
    assert row["last_seen"] == datetime(2024, 6, 1, 8, tzinfo=UTC)


@override_settings(PERSONALIZATION_SLOW_TABLE_ROWS=1, PERSONALIZATION_SLOW_QUERIES_PER_MINUTE=2)
def test_table_size_is_cached_and_slow_queries_are_counted_per_account(account, other_account):
    services.record_bulk_create(account=account, kind=USERS, rows=[{"email": "a@x.test"}, {"email": "b@x.test"}])
    slow = _query("users/where/first_name=Al")
    assert selectors.is_slow(account=account, kind=USERS, query=slow)
    assert not selectors.is_slow(account=account, kind=USERS, query=_query("users/where/email=a"))
    assert not selectors.is_slow(account=other_account, kind=USERS, query=slow)  # empty table
    services.record_create(account=other_account, kind=USERS, values={"email": "a@x.test"})
    services.record_create(account=other_account, kind=USERS, values={"email": "b@x.test"})
    assert not selectors.is_slow(account=other_account, kind=USERS, query=slow)  # the count is a minute old
    cache.clear()
    assert selectors.is_slow(account=other_account, kind=USERS, query=slow)

    services.slow_query_admit(account=account)
    services.slow_query_admit(account=account)
    with pytest.raises(AppError) as raised:
        services.slow_query_admit(account=account)
    assert raised.value.entry.http_status == 503 and "Retry-After" in raised.value.headers
    services.slow_query_admit(account=other_account)
