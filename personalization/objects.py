"""The three objects of seed 004 as the API sees them: the query schema of each
(derived from the model, so a new column is filterable the day it exists), the
validation of incoming JSON and the JSON shape of a record.

This is the edge: services receive values already converted to Python types.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from core.dates import iso_z
from personalization.models import Placeholder, Product, VisitorUser
from personalization.query import ColumnType, ObjectSchema, QueryError

# Columns a client never sets: the id is assigned, the account is the caller's.
READ_ONLY = {"id"}


@dataclass(frozen=True)
class ObjectType:
    name: str  # the path segment: "users"
    label: str  # for people: "User"
    model: type[models.Model]
    schema: ObjectSchema
    required: tuple[str, ...]  # keys a new record must carry
    fields: dict[str, models.Field]  # API name -> model field, id first
    # For the fast path of validation: text columns -> max length; JSON columns -> list or dict.
    text_limits: dict[str, float]
    json_shapes: dict[str, type]

    def writable(self) -> list[str]:
        return [name for name in self.fields if name not in READ_ONLY]


def _column_type(field: models.Field) -> ColumnType:
    if isinstance(field, models.BooleanField):
        return ColumnType.BOOL
    if isinstance(field, models.DecimalField):
        return ColumnType.DECIMAL
    if isinstance(field, models.FloatField):
        return ColumnType.FLOAT
    if isinstance(field, models.IntegerField):
        return ColumnType.INT
    if isinstance(field, models.DateTimeField):
        return ColumnType.DATETIME
    if isinstance(field, models.JSONField):
        return ColumnType.JSON
    return ColumnType.TEXT


def _object_type(name: str, label: str, model: type[models.Model], required: tuple[str, ...], indexed: set[str]):
    fields = {field.name: field for field in model._meta.concrete_fields if field.name != "account"}
    schema = ObjectSchema(name=name, columns={key: _column_type(f) for key, f in fields.items()}, indexed=indexed)
    text_limits = {
        key: float(f.max_length or "inf") for key, f in fields.items() if schema.columns[key] is ColumnType.TEXT
    }
    json_shapes = {
        key: list if f.default is list else dict for key, f in fields.items() if schema.columns[key] is ColumnType.JSON
    }
    return ObjectType(
        name=name,
        label=label,
        model=model,
        schema=schema,
        required=required,
        fields=fields,
        text_limits=text_limits,
        json_shapes=json_shapes,
    )


OBJECTS: dict[str, ObjectType] = {
    "placeholders": _object_type("placeholders", "Placeholder", Placeholder, ("name",), {"id"}),
    "products": _object_type("products", "Product", Product, ("name",), {"id", "internal_id"}),
    "users": _object_type("users", "User", VisitorUser, ("email",), {"id", "email", "internal_id"}),
}
SCHEMAS: dict[str, ObjectSchema] = {name: kind.schema for name, kind in OBJECTS.items()}


class InputError(QueryError):
    """The request body is wrong; the message names the field (400, plain text)."""


def validate_record(kind: ObjectType, data: Any, *, partial: bool, where: str = "") -> dict[str, Any]:
    """A JSON object from a client → model values. ``partial`` for updates."""
    prefix = f"{where}: " if where else ""
    if not isinstance(data, dict):
        raise InputError(f"{prefix}expected a JSON object of {kind.name} fields")
    values: dict[str, Any] = {}
    fields, columns, text_limits, json_shapes = kind.fields, kind.schema.columns, kind.text_limits, kind.json_shapes
    for key, raw in data.items():
        # The common cases first: bulk loads validate millions of values.
        limit = text_limits.get(key)
        if limit is not None:
            if type(raw) is str and len(raw) <= limit and "\x00" not in raw:
                values[key] = raw
                continue
        else:
            shape = json_shapes.get(key)
            if shape is dict and type(raw) is dict:
                values[key] = raw
                continue
            if shape is list and type(raw) is list and all(type(item) is str for item in raw):
                values[key] = raw
                continue
        field = fields.get(key)
        if field is None or key in READ_ONLY:
            if key in READ_ONLY:
                raise InputError(f'{prefix}"{key}" is assigned by the server and cannot be set')
            raise InputError(f'{prefix}unknown field "{key}" for object "{kind.name}"')
        values[key] = _value(field, raw, f"{prefix}{key}", columns[key])
    if partial:
        if not values:
            raise InputError("expected a JSON object with at least one field to change")
        for key in kind.required:
            if key in values and values[key] in (None, ""):
                raise InputError(f'{prefix}"{key}" cannot be empty')
    else:
        for key in kind.required:
            if values.get(key) in (None, ""):
                raise InputError(f'{prefix}"{key}" is required')
    return values


def _value(field: models.Field, raw: Any, name: str, kind: ColumnType) -> Any:
    if raw is None:
        if field.null:
            return None
        if isinstance(field, (models.CharField, models.TextField)):
            return ""
        raise InputError(f"{name}: cannot be null")
    if kind is ColumnType.TEXT:
        if not isinstance(raw, str):
            raise InputError(f"{name}: expected a string")
        if "\x00" in raw:
            raise InputError(f"{name}: NUL characters are not allowed")
        if field.max_length and len(raw) > field.max_length:
            raise InputError(f"{name}: at most {field.max_length} characters")
        return raw
    if kind is ColumnType.BOOL:
        if isinstance(raw, bool):
            return raw
        if raw in (0, 1) and isinstance(raw, int):
            return bool(raw)
        raise InputError(f"{name}: expected true or false")
    if kind is ColumnType.DECIMAL:
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise InputError(f"{name}: expected a number")
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            raise InputError(f"{name}: expected a number") from None
        if not number.is_finite():
            raise InputError(f"{name}: expected a finite number")
        # too large before rounding, or quantize itself raises InvalidOperation (beyond 28 digits)
        if number.adjusted() >= field.max_digits - field.decimal_places:
            raise InputError(f"{name}: too large")
        number = number.quantize(Decimal(1).scaleb(-field.decimal_places))
        if len(number.as_tuple().digits) > field.max_digits:
            raise InputError(f"{name}: too large")
        return number
    if kind is ColumnType.DATETIME:
        if not isinstance(raw, str):
            raise InputError(f"{name}: expected an ISO 8601 date-time string")
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise InputError(f"{name}: expected an ISO 8601 date-time like 2024-05-31T12:00:00Z") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if kind is ColumnType.JSON:
        if field.default is list:
            if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
                raise InputError(f"{name}: expected an array of strings")
        elif not isinstance(raw, dict):
            raise InputError(f"{name}: expected a JSON object")
        return raw
    raise InputError(f"{name}: cannot be set")  # pragma: no cover - every column type is handled above


def to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        # A number, as clients of the seed expect; prices have two decimals.
        return float(value)
    if isinstance(value, datetime):
        return iso_z(value)
    return value


def record_json(row: dict[str, Any]) -> dict[str, Any]:
    return {key: to_json(value) for key, value in row.items()}


def column_names(kind: ObjectType, columns: Iterable[str] | None) -> list[str]:
    return list(columns) if columns else list(kind.fields)
