"""The /rest object API in the OpenAPI schema.

The /rest endpoints are plain Django views (bare numbers, plain-text errors), so
drf-spectacular cannot see them; this post-processing hook adds their paths and
one component per object, built from the same registry the API validates with.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

from personalization.objects import OBJECTS, READ_ONLY, ObjectType
from personalization.query import MAX_LIMIT, ColumnType

_TYPES: dict[ColumnType, dict[str, Any]] = {
    ColumnType.INT: {"type": "integer", "format": "int64"},
    ColumnType.FLOAT: {"type": "number"},
    ColumnType.DECIMAL: {"type": "number"},
    ColumnType.BOOL: {"type": "boolean"},
    ColumnType.TEXT: {"type": "string"},
    ColumnType.DATETIME: {"type": "string", "format": "date-time"},
}
_TEXT = {"text/plain": {"schema": {"type": "string"}}}


def _property(kind: ObjectType, name: str, field: models.Field) -> dict[str, Any]:
    column_type = kind.schema.columns[name]
    if column_type is ColumnType.JSON:
        schema: dict[str, Any] = (
            {"type": "array", "items": {"type": "string"}} if field.default is list else {"type": "object"}
        )
    elif column_type is ColumnType.BOOL:
        schema = {"anyOf": [{"type": "boolean"}, {"type": "integer", "enum": [0, 1]}]}
    else:
        schema = dict(_TYPES[column_type])
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    if column_type is ColumnType.DECIMAL:
        largest = float(
            Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(1).scaleb(-field.decimal_places)
        )
        schema.update(minimum=-largest, maximum=largest)
    if name in kind.required:
        schema["minLength"] = 1  # "" counts as missing
    elif field.null or column_type is ColumnType.TEXT:
        schema["nullable"] = True  # null text is stored as ""
    notes = [str(field.help_text)] if field.help_text else []
    if name in kind.schema.indexed:
        notes.append("Indexed: filtering on it is always fast.")
    if name in READ_ONLY:
        schema["readOnly"] = True
    if notes:
        schema["description"] = " ".join(notes)
    return schema


def _components(kind: ObjectType) -> dict[str, dict[str, Any]]:
    properties = {name: _property(kind, name, field) for name, field in kind.fields.items()}
    return {
        f"Rest{kind.label}": {"type": "object", "properties": properties},
        f"Rest{kind.label}New": {
            "type": "object",
            "properties": {k: v for k, v in properties.items() if k not in READ_ONLY},
            "required": list(kind.required),
            "additionalProperties": False,
        },
        f"Rest{kind.label}Change": {
            "type": "object",
            "properties": {k: v for k, v in properties.items() if k not in READ_ONLY},
            "minProperties": 1,
            "additionalProperties": False,
        },
    }


# A value the path can carry as is: no syntax character, no percent-escape (the pattern keeps to
# what the parser is sure to accept; docs/personalization-query.md has the whole language).
_TEXT_VALUE = r"[^%&|/,\x00]*"
_VALUES = {
    ColumnType.TEXT: _TEXT_VALUE,
    ColumnType.INT: r"-?[0-9]{1,15}",
    ColumnType.FLOAT: r"-?[0-9]{1,12}(\.[0-9]{1,6})?",
    ColumnType.DECIMAL: r"-?[0-9]{1,12}(\.[0-9]{1,2})?",
    ColumnType.BOOL: r"(0|1|true|false)",
    ColumnType.DATETIME: r"20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])",
}


def condition_pattern(kind: ObjectType) -> str:
    """``where`` conditions as a regular expression: terms on the object's filterable columns,
    joined by ``&`` and ``|``."""
    terms = []
    for column, column_type in kind.schema.columns.items():
        value = _VALUES.get(column_type)
        if value is not None:
            terms.append(f"{column}((!=|>=|<=|=|>|<){value}|(!:|:){value}(,{value}){{0,9}})")
    term = "(" + "|".join(terms) + ")"
    return f"^{term}([&|]{term})*$"


def _responses(ok: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": ok}}},
        "400": {"description": "Bad path or body: plain text naming the problem", "content": _TEXT},
        "409": {"description": "Duplicate `email` / `internal_id`: plain text naming the value", "content": _TEXT},
        "401": {"description": "Missing or invalid API key, or plain HTTP", "content": _TEXT},
        "500": {"description": "Unexpected error, with a request id", "content": _TEXT},
        "503": {
            "description": "Too many slow queries (filters on unindexed columns of a big table); retry later",
            "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}},
            "content": _TEXT,
        },
    }


def _paths(kind: ObjectType) -> dict[str, dict[str, Any]]:
    ref = {"$ref": f"#/components/schemas/Rest{kind.label}"}
    new = {"$ref": f"#/components/schemas/Rest{kind.label}New"}
    change = {"$ref": f"#/components/schemas/Rest{kind.label}Change"}
    tag, security = [f"rest: {kind.name}"], [{"BasicAuth": []}]
    count = {"type": "integer", "description": "Rows affected"}
    id_param = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
    }
    where_param = {
        "name": "condition",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": condition_pattern(kind)},
        "description": "Terms `{column}{op}{value}` with `= != > < >= <= : !:`, joined by `&` (binds tighter) "
        "and `|`; percent-encode `/ & | = , %` inside values. More modifiers may follow: "
        f"`/order_by/{{c1}},{{c2}}`, `/order_by_desc/...`, `/limit/{{n}}` or `/limit/{{offset}},{{n}}` (n ≤ {MAX_LIMIT}), "
        "`/columns/{c1},{c2}`, `/column/{c}`. See docs/personalization-query.md.",
    }
    body = {
        "required": True,
        "content": {"application/json": {"schema": {"oneOf": [new, {"type": "array", "items": new}]}}},
    }
    common = {"tags": tag, "security": security}
    by_id = {**common, "parameters": [id_param]}
    by_where = {**common, "parameters": [where_param]}
    return {
        f"/rest/{kind.name}": {
            "get": {
                **common,
                "operationId": f"rest_{kind.name}_list",
                "summary": f"List {kind.name} (by id, at most {MAX_LIMIT})",
                "responses": _responses({"type": "array", "items": ref}, f"A JSON array of {kind.name}"),
            },
            "post": {
                **common,
                "operationId": f"rest_{kind.name}_create",
                "summary": f"Add one {kind.label.lower()} (→ its id) or an array of them in one transaction (→ ids)",
                "requestBody": body,
                "responses": _responses(
                    {"oneOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}]},
                    "The new id, or the array of new ids",
                ),
            },
        },
        f"/rest/{kind.name}/{{id}}": {
            "get": {
                **by_id,
                "operationId": f"rest_{kind.name}_get",
                "summary": f"One {kind.label.lower()}, as an array",
                "responses": _responses(
                    {"type": "array", "items": ref, "maxItems": 1}, "[the record], or [] when there is none"
                ),
            },
            "put": {
                **by_id,
                "operationId": f"rest_{kind.name}_update",
                "summary": "Change the record",
                "requestBody": {"required": True, "content": {"application/json": {"schema": change}}},
                "responses": _responses(count, "Rows affected: 1, or 0"),
            },
            "delete": {
                **by_id,
                "operationId": f"rest_{kind.name}_delete",
                "summary": "Delete the record",
                "responses": _responses(count, "Rows affected: 1, or 0"),
            },
        },
        f"/rest/{kind.name}/where/{{condition}}": {
            "get": {
                **by_where,
                "operationId": f"rest_{kind.name}_select",
                "summary": f"Select {kind.name}",
                "responses": _responses({"type": "array", "items": ref}, "Matching records (or column values)"),
            },
            "put": {
                **by_where,
                "operationId": f"rest_{kind.name}_update_where",
                "summary": "Change every match",
                "requestBody": {"required": True, "content": {"application/json": {"schema": change}}},
                "responses": _responses(count, "Rows affected"),
            },
            "delete": {
                **by_where,
                "operationId": f"rest_{kind.name}_delete_where",
                "summary": "Delete every match",
                "responses": _responses(count, "Rows affected"),
            },
        },
    }


def add_rest_paths(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    components.setdefault("securitySchemes", {}).setdefault(
        "BasicAuth", {"type": "http", "scheme": "basic", "description": "User `api`, password = API key (seed 004)"}
    )
    paths = result.setdefault("paths", {})
    for kind in OBJECTS.values():
        schemas.update(_components(kind))
        paths.update(_paths(kind))
    return result
