"""core.prepared: SQL compiled once per connection gives the ORM's own answers."""

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification
from accounts.services import notification_create
from core import prepared
from core.tenancy import UnscopedQuery
from documents import selectors as document_selectors
from documents.services import template_create


@pytest.fixture
def notes(account, other_account):
    mine = [
        notification_create(account=account, kind="info", title=f"mine {n}", data={"n": n, "ü": [n]}) for n in range(3)
    ]
    theirs = notification_create(account=other_account, kind="info", title="theirs")
    return mine, theirs


def _rows(account_id, note_id):
    return Notification.objects.for_account(account_id).filter(id=note_id)


def _snapshot(rows):
    return [
        {key: value for key, value in vars(row).items() if key != "_state"} if isinstance(row, Notification) else row
        for row in rows
    ]


BUILDS = {
    "models": _rows,
    "dicts": lambda account_id, note_id: _rows(account_id, note_id).values("id", "title", "data", "created_at"),
    "tuples": lambda account_id, note_id: _rows(account_id, note_id).values_list("title", "data"),
    "flat": lambda account_id, note_id: _rows(account_id, note_id).values_list("created_at", flat=True),
}


@pytest.mark.parametrize("shape", BUILDS)
def test_compiled_once_then_the_same_rows_as_the_orm(notes, account, shape, monkeypatch):
    mine, _ = notes
    build = BUILDS[shape]
    first = prepared.fetch(("test", shape), build, account.pk, mine[0].pk)
    assert _snapshot(first) == _snapshot(build(account.pk, mine[0].pk))

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again")

    expected = _snapshot(build(account.pk, mine[2].pk))
    monkeypatch.setattr(SQLCompiler, "as_sql", no_compiling)
    with CaptureQueriesContext(connection) as queries:
        again = prepared.fetch(("test", shape), build, account.pk, mine[2].pk)
    assert _snapshot(again) == expected and len(again) == 1
    assert len(queries) == 1


def test_another_accounts_row_is_not_found(notes, account, other_account):
    mine, theirs = notes
    prepared.fetch(("test", "isolation"), _rows, account.pk, mine[0].pk)
    assert prepared.fetch(("test", "isolation"), _rows, account.pk, theirs.pk) == []
    assert [row.pk for row in prepared.fetch(("test", "isolation"), _rows, other_account.pk, theirs.pk)] == [theirs.pk]


def test_a_query_without_an_account_fails_closed(notes):
    with pytest.raises(UnscopedQuery):
        prepared.fetch(("test", "unscoped"), lambda title: Notification.objects.filter(title=title), "mine 0")


def test_a_value_django_rewrites_runs_through_the_orm_each_time(notes, account):
    def containing(account_id, text):
        return Notification.objects.for_account(account_id).filter(title__contains=text).order_by("id")

    assert [n.title for n in prepared.fetch(("test", "contains"), containing, account.pk, "1")] == ["mine 1"]
    assert [n.title for n in prepared.fetch(("test", "contains"), containing, account.pk, "mine")] == [
        "mine 0",
        "mine 1",
        "mine 2",
    ]
    assert connection._prepared_queries[("test", "contains")] is None  # not cached: '%1%' is not the sentinel


def test_a_uuid_argument_is_traced_on_this_database(account, other_account):
    template = template_create(account=account, name="T", html="<p>Hi</p>")
    other = template_create(account=other_account, name="T", html="<p>Hi</p>")
    assert document_selectors.template_get(account=account, template_id=str(template.template_id)).pk == template.pk
    assert connection._prepared_queries["document_template"] is not None  # compiled SQL, not the ORM fallback
    with pytest.raises(Exception, match="not found"):
        document_selectors.template_get(account=account, template_id=str(other.template_id))
    assert document_selectors.template_get(account=other_account, template_id=str(other.template_id)).pk == other.pk
