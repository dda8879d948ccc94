"""The path-parameter query language of ``/rest/{object}[/{id}][/{modifier}/{value}]...``.

A pure engine: :func:`parse_path` takes the raw, still percent-encoded path after
``/rest/`` and the caller's object schemas, and returns a :class:`Query` whose
``filter_q()`` is a parameterized ``Q``. Every client mistake raises
:class:`QueryError` with a plain-English message (the REST surface answers 400 with
it); nothing else escapes. Syntax is split on the encoded text and values are decoded
last, so ``%2F %26 %7C %3D %2C %25`` inside a value are literal characters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from functools import reduce
from operator import and_, or_
from typing import Any, NamedTuple
from urllib.parse import unquote

from django.db.models import Q

MAX_LIMIT = 1000
MAX_LIST_VALUES = 1000
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

# Longest first, so ">=" is not read as ">" followed by a value starting with "=".
OPERATORS = ("!=", ">=", "<=", "!:", "=", ">", "<", ":")
_LOOKUPS = {
    "=": ("exact", False),
    "!=": ("exact", True),
    ">": ("gt", False),
    "<": ("lt", False),
    ">=": ("gte", False),
    "<=": ("lte", False),
    ":": ("in", False),
    "!:": ("in", True),
}
_OPERATOR_START = re.compile(r"[!=<>:]")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_DIGITS = re.compile(r"[0-9]+")
_INTEGER = re.compile(r"[-+]?[0-9]+")
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_LIMIT = re.compile(r"(?:([0-9]+),)?([0-9]+)")
_TRUE, _FALSE = {"1", "true"}, {"0", "false"}


class QueryError(Exception):
    """The client's path is wrong; ``str(error)`` is the message for the 400 body."""


class ColumnType(StrEnum):
    INT = "int"
    FLOAT = "float"
    DECIMAL = "decimal"
    BOOL = "bool"
    TEXT = "text"
    DATETIME = "datetime"
    JSON = "json"


@dataclass(frozen=True)
class ObjectSchema:
    name: str
    columns: dict[str, ColumnType]
    indexed: set[str] = field(default_factory=set)


class Term(NamedTuple):
    column: str
    op: str
    value: Any  # already converted to the column's type; a list for ":" and "!:"


@dataclass
class Query:
    object_name: str
    id: int | None = None
    where: list[list[Term]] = field(default_factory=list)  # OR of AND-groups
    order_by: list[str] = field(default_factory=list)
    descending: bool = False
    offset: int = 0
    limit: int = MAX_LIMIT
    columns: list[str] | None = None
    column: str | None = None
    modifiers: set[str] = field(default_factory=set)  # the ones the path gave, for per-method checks

    def filter_q(self) -> Q:
        q = Q(id=self.id) if self.id is not None else Q()
        if self.where:
            q &= reduce(or_, (reduce(and_, map(_term_q, group)) for group in self.where))
        return q

    def ordering(self) -> list[str]:
        prefix = "-" if self.descending else ""
        return [prefix + name for name in self.order_by] or ["id"]

    def uses_unindexed_filter(self, schema: ObjectSchema) -> bool:
        return any(term.column not in schema.indexed for group in self.where for term in group)

    def has_selector(self) -> bool:
        return self.id is not None or bool(self.where)

    def values(self) -> list[Any]:
        """The values the path gave, in order: the id, then each condition's (a list's one by one)."""
        values = [] if self.id is None else [self.id]
        for group in self.where:
            for term in group:
                values.extend(term.value if isinstance(term.value, list) else [term.value])
        return values

    def shape(self) -> tuple:
        """Everything but :meth:`values`: queries of one shape compile to the same SQL."""
        where = tuple(
            tuple((term.column, term.op, len(term.value) if isinstance(term.value, list) else None) for term in group)
            for group in self.where
        )
        columns = tuple(self.columns) if self.columns is not None else None
        order = (tuple(self.order_by), self.descending)
        return (self.object_name, self.id is not None, where, order, self.offset, self.limit, columns, self.column)

    def with_values(self, values: Sequence[Any]) -> Query:
        """This query with other :meth:`values` (of the same types, in the same order)."""
        given = iter(values)
        query_id = None if self.id is None else next(given)
        where = [
            [
                term._replace(value=[next(given) for _ in term.value] if isinstance(term.value, list) else next(given))
                for term in group
            ]
            for group in self.where
        ]
        return replace(self, id=query_id, where=where)


def _term_q(term: Term) -> Q:
    lookup, negated = _LOOKUPS[term.op]
    q = Q(**{f"{term.column}__{lookup}": term.value})
    return ~q if negated else q


def parse_path(raw_path: str, schemas: Mapping[str, ObjectSchema]) -> Query:
    try:
        raw_path.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError("The path is not valid text") from None
    segments = raw_path.strip("/").split("/")
    if not segments[0]:
        raise QueryError("Missing object name: use /rest/{object}")
    name = _decode(segments[0], "object name")
    schema = schemas.get(name)
    if schema is None:
        raise QueryError(f"Unknown object {_quote(name)}")
    query = Query(object_name=name)

    rest = segments[1:]
    if rest and _DIGITS.fullmatch(rest[0]):
        if len(rest[0]) > 19 or int(rest[0]) > _INT64_MAX:
            raise QueryError(f"id: {_quote(rest[0])} is too large")
        query.id = int(rest[0])
        rest = rest[1:]

    seen: set[str] = set()
    for index in range(0, len(rest), 2):
        modifier = rest[index]
        if not modifier:
            raise QueryError("Empty path segment (two slashes in a row?)")
        if modifier not in _MODIFIERS:
            expected = ", ".join(_MODIFIERS)
            if query.id is None and index == 0:
                expected = "a numeric id or " + expected
            raise QueryError(f"Unknown modifier {_quote(modifier)}: expected {expected}")
        if modifier in seen:
            raise QueryError(f'Modifier "{modifier}" is given more than once')
        rival = _EXCLUSIVE.get(modifier)
        if rival in seen:
            raise QueryError(f'Modifiers "{rival}" and "{modifier}" cannot be used together')
        seen.add(modifier)
        if index + 1 >= len(rest) or not rest[index + 1]:
            raise QueryError(f'Modifier "{modifier}" needs a value: /{modifier}/{{value}}')
        _MODIFIERS[modifier](query, schema, rest[index + 1])
    query.modifiers = seen
    return query


def _parse_where(query: Query, schema: ObjectSchema, raw: str) -> None:
    query.where = [[_parse_term(raw_term, schema) for raw_term in raw_group.split("&")] for raw_group in raw.split("|")]


def _parse_term(raw: str, schema: ObjectSchema) -> Term:
    if not raw:
        raise QueryError("where: empty condition (a doubled or trailing & or |?)")
    match = _OPERATOR_START.search(raw)
    if match is None:
        raise QueryError(f"where: no operator in {_quote(raw)}; use one of {' '.join(OPERATORS)}")
    position = match.start()
    op = next((candidate for candidate in OPERATORS if raw.startswith(candidate, position)), None)
    if op is None:
        raise QueryError(f"where: bad operator in {_quote(raw)}; use one of {' '.join(OPERATORS)}")
    if position == 0:
        raise QueryError(f'where: missing column name before "{op}"')
    column = _known_column(_decode(raw[:position], "where"), schema, "where")
    column_type = schema.columns[column]
    if column_type is ColumnType.JSON:
        raise QueryError(f'where: column "{column}" holds JSON and cannot be filtered')
    raw_value = raw[position + len(op) :]
    if op not in (":", "!:"):
        return Term(column, op, _convert(_decode(raw_value, "where"), column_type, column))
    if not raw_value:
        raise QueryError(f'where: "{column}{op}" needs a comma-separated list of values')
    items = raw_value.split(",")
    if len(items) > MAX_LIST_VALUES:
        raise QueryError(f"where: at most {MAX_LIST_VALUES} values in a list")
    return Term(column, op, [_convert(_decode(item, "where"), column_type, column) for item in items])


def _parse_order_by(query: Query, schema: ObjectSchema, raw: str) -> None:
    query.order_by = _column_list(raw, schema, "order_by")


def _parse_order_by_desc(query: Query, schema: ObjectSchema, raw: str) -> None:
    query.order_by = _column_list(raw, schema, "order_by_desc")
    query.descending = True


def _parse_limit(query: Query, schema: ObjectSchema, raw: str) -> None:
    match = _LIMIT.fullmatch(raw)
    if match is None:
        raise QueryError(
            f"limit: expected /limit/{{count}} or /limit/{{offset}},{{count}} with whole numbers, got {_quote(raw)}"
        )
    offset, count = match.group(1) or "0", match.group(2)
    if len(count) > 4 or int(count) > MAX_LIMIT:
        raise QueryError(f"limit: at most {MAX_LIMIT} records per request")
    if len(offset) > 19 or int(offset) > _INT64_MAX:
        raise QueryError("limit: offset is too large")
    query.offset, query.limit = int(offset), int(count)


def _parse_columns(query: Query, schema: ObjectSchema, raw: str) -> None:
    query.columns = _column_list(raw, schema, "columns")


def _parse_column(query: Query, schema: ObjectSchema, raw: str) -> None:
    query.column = _known_column(_decode(raw, "column"), schema, "column")


_MODIFIERS: dict[str, Callable[[Query, ObjectSchema, str], None]] = {
    "where": _parse_where,
    "order_by": _parse_order_by,
    "order_by_desc": _parse_order_by_desc,
    "limit": _parse_limit,
    "columns": _parse_columns,
    "column": _parse_column,
}
_EXCLUSIVE = {
    "order_by": "order_by_desc",
    "order_by_desc": "order_by",
    "columns": "column",
    "column": "columns",
}


def _column_list(raw: str, schema: ObjectSchema, modifier: str) -> list[str]:
    names: list[str] = []
    for item in raw.split(","):
        name = _known_column(_decode(item, modifier), schema, modifier)
        if name in names:
            raise QueryError(f'{modifier}: column "{name}" is listed twice')
        names.append(name)
    return names


def _known_column(name: str, schema: ObjectSchema, modifier: str) -> str:
    if not name:
        raise QueryError(f"{modifier}: empty column name")
    if name not in schema.columns:
        raise QueryError(f'Unknown column {_quote(name)} for object "{schema.name}"')
    return name


def _decode(raw: str, context: str) -> str:
    if _BAD_ESCAPE.search(raw):
        raise QueryError(f'{context}: "%" must be followed by two hex digits (write %25 for a literal %)')
    try:
        text = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise QueryError(f"{context}: percent-encoded bytes are not valid UTF-8") from None
    if "\x00" in text:
        raise QueryError(f"{context}: NUL characters are not allowed")
    return text


def _convert(text: str, column_type: ColumnType, column: str) -> Any:
    if column_type is ColumnType.TEXT:
        return text
    if column_type is ColumnType.INT:
        # The length check comes first: int() refuses strings over 4300 digits.
        if len(text) <= 20 and _INTEGER.fullmatch(text) and _INT64_MIN <= int(text) <= _INT64_MAX:
            return int(text)
        expected = "a whole number"
    elif column_type is ColumnType.FLOAT:
        if len(text) <= 400 and _NUMBER.fullmatch(text) and math.isfinite(float(text)):
            return float(text)
        expected = "a number"
    elif column_type is ColumnType.DECIMAL:
        if len(text) <= 100 and _NUMBER.fullmatch(text):
            return Decimal(text)
        expected = "a decimal number"
    elif column_type is ColumnType.BOOL:
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        expected = "1, 0, true or false"
    elif column_type is ColumnType.DATETIME:
        try:
            moment = datetime.fromisoformat(text)
        except (ValueError, OverflowError):
            expected = "an ISO 8601 date or date-time like 2024-05-31T12:00:00Z"
        else:
            # A naive time is read as UTC, so the caller never compares naive with aware.
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    else:
        raise QueryError(f'where: column "{column}" cannot be filtered')
    raise QueryError(f'where: column "{column}" expects {expected}, got {_quote(text)}')


def _quote(text: str, limit: int = 80) -> str:
    shown = "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text[:limit])
    return f'"{shown}…"' if len(text) > limit else f'"{shown}"'
