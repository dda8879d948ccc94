"""Querysets compiled to SQL once per database connection, then run again with new values.

Building a queryset and compiling it costs ~0.3 ms of CPU per query on this machine kind,
ten times the database's own work for a primary-key read (issue 12's profile): the hot
read paths pay it once. ``fetch(key, build, *args)`` returns ``list(build(*args))``; the
first call on a connection compiles ``build(*sentinels)``, where each sentinel is a value
of the argument's type that no real call uses, finds each sentinel among the compiled
parameters and keeps the SQL. Later calls with the same ``key`` put the real values in the
sentinels' places and run that SQL: same rows, same converters, same model instances.

``key`` must name everything about the query that is not an argument (which filters,
which columns, the slice), as Django compiles limits and offsets into the SQL text. A
query the sentinels cannot be traced through (a value Django rewrites, such as the
``%x%`` of ``contains`` or a date converted to text, an argument of another type, an
empty ``__in``, a prefetch) is never cached: it runs through the ORM each time, with the
same result. Tenant querysets are checked for their account scope when compiled, as when
run (``core.tenancy``).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler

from core.tenancy import TenantQuerySet

MAX_QUERIES_PER_CONNECTION = 256
_INT_SENTINEL = 1_987_654_000  # inside a 32-bit column's range: Django empties an out-of-range lookup
_NOT_CACHED = None

# How Django may have written an argument into the parameters (a UUID as itself, or as hex
# text on databases without a uuid type).
_TRANSFORMS: tuple[Callable[[Any], Any], ...] = (lambda value: value, lambda value: value.hex, str)


def _sentinel(position: int, value: Any) -> Any:
    kind = type(value)
    if kind is int:
        return _INT_SENTINEL + position
    if kind is str:
        return f"\ue000prepared-{position}\ue000"
    if kind is uuid.UUID:
        return uuid.UUID(int=(0xE000 << 112) + position)
    return None


@dataclass
class _Prepared:
    compiler: SQLCompiler
    sql: str
    slots: list[tuple[int, Callable[[Any], Any]] | None]  # per parameter: (argument, transform) or a constant
    constants: list[Any]
    converters: dict
    shape: Callable[[_Prepared, list], list]
    names: list[str]
    model_start: int = 0
    model_end: int = 0
    init_list: list[str] | None = None
    populators: list | None = None
    annotations: dict[str, int] | None = None

    def run(self, args: tuple) -> list:
        params = [
            self.constants[index] if slot is None else slot[1](args[slot[0]]) for index, slot in enumerate(self.slots)
        ]
        connection = self.compiler.connection
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        return self.shape(self, rows)


def _models(prepared: _Prepared, rows: list) -> list:
    model = prepared.compiler.klass_info["model"]
    db = prepared.compiler.using
    objects = []
    for row in rows:
        obj = model.from_db(db, prepared.init_list, row[prepared.model_start : prepared.model_end])
        for populator in prepared.populators:
            populator.populate(row, obj)
        for name, position in prepared.annotations.items():
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects


def _dicts(prepared: _Prepared, rows: list) -> list:
    names = prepared.names
    return [dict(zip(names, row, strict=True)) for row in rows]


def _tuples(prepared: _Prepared, rows: list) -> list:
    return [tuple(row) for row in rows]


def _flat(prepared: _Prepared, rows: list) -> list:
    return [row[0] for row in rows]


_SHAPES = {ModelIterable: _models, ValuesIterable: _dicts, ValuesListIterable: _tuples, FlatValuesListIterable: _flat}


def _slot(param: Any, sentinels: list[Any]) -> tuple[int, Callable[[Any], Any]] | None:
    for position, sentinel in enumerate(sentinels):
        for transform in _TRANSFORMS:
            try:
                written = transform(sentinel)
            except AttributeError:
                continue
            if type(written) is type(param) and written == param:
                return position, transform
    return None


def _prepare(build: Callable[..., QuerySet], args: tuple, alias: str) -> _Prepared | None:
    sentinels = [_sentinel(position, value) for position, value in enumerate(args)]
    if any(sentinel is None for sentinel in sentinels):
        return _NOT_CACHED
    queryset = build(*sentinels)
    if isinstance(queryset, TenantQuerySet):
        queryset._guard()
    shape = _SHAPES.get(queryset._iterable_class)
    if shape is None or queryset._prefetch_related_lookups or queryset._known_related_objects:
        return _NOT_CACHED
    compiler = queryset.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except (EmptyResultSet, FullResultSet):
        return _NOT_CACHED
    if not sql or compiler.has_extra_select or compiler.col_count != len(compiler.select):
        return _NOT_CACHED
    slots = [_slot(param, sentinels) for param in params]
    placed = [slot[0] for slot in slots if slot is not None]
    if sorted(placed) != list(range(len(args))):  # each argument exactly once
        return _NOT_CACHED
    query = queryset.query
    prepared = _Prepared(
        compiler=compiler,
        sql=sql,
        slots=slots,
        constants=list(params),
        converters=compiler.get_converters([column[0] for column in compiler.select]),
        shape=shape,
        names=[*query.extra_select, *query.values_select, *query.annotation_select],
    )
    if shape is _models:
        select_fields = compiler.klass_info["select_fields"]
        prepared.model_start, prepared.model_end = select_fields[0], select_fields[-1] + 1
        prepared.init_list = [
            column[0].target.attname for column in compiler.select[prepared.model_start : prepared.model_end]
        ]
        prepared.populators = get_related_populators(compiler.klass_info, compiler.select, alias)
        prepared.annotations = compiler.annotation_col_map
    return prepared


def first(key: Hashable, build: Callable[..., QuerySet], *args: Any) -> Any:
    """The first of :func:`fetch`'s rows, or ``None``."""
    rows = fetch(key, build, *args)
    return rows[0] if rows else None


def fetch(key: Hashable, build: Callable[..., QuerySet], *args: Any, using: str = DEFAULT_DB_ALIAS) -> list:
    """``list(build(*args))``, from SQL compiled once per connection for ``key``."""
    connection = connections[using]
    cache: OrderedDict | None = connection.__dict__.get("_prepared_queries")
    if cache is None:
        cache = connection.__dict__["_prepared_queries"] = OrderedDict()
    if key in cache:
        prepared = cache[key]
        cache.move_to_end(key)
    else:
        prepared = cache[key] = _prepare(build, args, using)
        if len(cache) > MAX_QUERIES_PER_CONNECTION:
            cache.popitem(last=False)
    if prepared is _NOT_CACHED:
        return list(build(*args))
    return prepared.run(args)
