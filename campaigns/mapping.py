"""The pure parts of a campaign: field-mapping expressions and the CSV audience.

No ORM here. A mapping names, for each template input (a video's ``$variable`` or
input, a document's field), an expression over one recipient's row:

- ``first_name`` — a column of the audience (a user column, a CSV header, a key of
  a JSON row); ``attributes.plan`` reads a key inside a JSON column;
- ``"friend"`` — a constant (a JSON string literal);
- ``first_name|nickname|"friend"`` — alternatives, the first non-empty one wins.

A value is missing when every alternative is empty; the recipient then fails
alone, naming what was missing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_CSV_ROWS = 100_000
MAX_EXPRESSION_LENGTH = 500
_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_ -]*(?:\.[A-Za-z_][A-Za-z0-9_ -]*)*")


class MappingError(Exception):
    """A client mistake in a mapping or an audience; ``param`` names the field, the message the fix."""

    def __init__(self, message: str, *, param: str) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Expression:
    source: str
    alternatives: tuple[tuple[str, str], ...]  # ("column", "first_name") or ("const", "friend")

    def columns(self) -> set[str]:
        """The audience columns read (the part before any dot)."""
        return {value.split(".", 1)[0] for kind, value in self.alternatives if kind == "column"}

    def evaluate(self, row: Mapping[str, Any]) -> str | None:
        for kind, value in self.alternatives:
            text = value if kind == "const" else _text(_lookup(row, value))
            if text:
                return text
        return None


def _lookup(row: Mapping[str, Any], path: str) -> Any:
    value: Any = row
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value if item not in (None, ""))
    return str(value).strip()


def _split_alternatives(text: str) -> list[str]:
    """``a|"x|y"|b`` → ``['a', '"x|y"', 'b']``: bars inside string literals do not split."""
    parts, current, quoted, escaped = [], [], False, False
    for char in text:
        if quoted:
            current.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
            current.append(char)
        elif char == "|":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if quoted:
        raise ValueError('a string constant is not closed (missing ")')
    parts.append("".join(current))
    return parts


def parse_expression(text: Any, *, param: str) -> Expression:
    if not isinstance(text, str) or not text.strip():
        raise MappingError(f'{param}: give a column name, a "constant" or column|"fallback"', param=param)
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise MappingError(f"{param}: at most {MAX_EXPRESSION_LENGTH} characters", param=param)
    try:
        parts = _split_alternatives(text)
    except ValueError as exc:
        raise MappingError(f"{param}: {exc}", param=param) from None
    alternatives = []
    for raw in parts:
        part = raw.strip()
        if part.startswith('"'):
            try:
                constant = json.loads(part)
            except json.JSONDecodeError:
                raise MappingError(f'{param}: {part} is not a valid "string constant"', param=param) from None
            alternatives.append(("const", constant))
        elif _COLUMN.fullmatch(part):
            alternatives.append(("column", part))
        else:
            shown = part or "(empty)"
            raise MappingError(
                f'{param}: {shown} is neither a column name nor a "string constant"',
                param=param,
            )
    return Expression(source=text, alternatives=tuple(alternatives))


def parse_mapping(fields: Any) -> dict[str, Expression]:
    """``{"name": "first_name|\\"friend\\""}`` → expressions; 400-worthy errors name ``fields.<name>``."""
    if not isinstance(fields, dict) or not fields:
        raise MappingError("fields: an object mapping each template input to an expression", param="fields")
    return {str(name): parse_expression(text, param=f"fields.{name}") for name, text in fields.items()}


def unknown_columns(mapping: Mapping[str, Expression], columns: Iterable[str]) -> dict[str, list[str]]:
    """Per mapped field, the columns it reads that the audience does not have."""
    known = set(columns)
    found = {name: sorted(expression.columns() - known) for name, expression in mapping.items()}
    return {name: missing for name, missing in found.items() if missing}


def evaluate(mapping: Mapping[str, Expression], row: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """One recipient's values and the (sorted) names of the fields that came out empty."""
    values, missing = {}, []
    for name, expression in mapping.items():
        value = expression.evaluate(row)
        if value is None:
            missing.append(name)
        else:
            values[name] = value
    return values, sorted(missing)


def parse_csv(text: str, *, max_rows: int = MAX_CSV_ROWS) -> tuple[list[str], list[dict[str, str]]]:
    """A UTF-8 CSV with a header row → (columns, rows); a ``MappingError`` names the line of a bad row."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise MappingError(f"csv: line {line} contains a NUL character", param="audience.csv")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise MappingError("csv: line 1 must be a header row naming the columns", param="audience.csv")
        columns = [cell.strip() for cell in header]
        for position, name in enumerate(columns, start=1):
            if not name:
                raise MappingError(f"csv: line 1, column {position} has no name", param="audience.csv")
            if columns.index(name) != position - 1:
                raise MappingError(f'csv: line 1 names the column "{name}" twice', param="audience.csv")
        rows = []
        for record in reader:
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # blank lines
            if len(record) != len(columns):
                raise MappingError(
                    f"csv: line {reader.line_num} has {len(record)} values, the header has {len(columns)}",
                    param="audience.csv",
                )
            if len(rows) == max_rows:
                raise MappingError(f"csv: at most {max_rows:,} rows (line {reader.line_num})", param="audience.csv")
            rows.append(dict(zip(columns, (cell.strip() for cell in record), strict=True)))
    except csv.Error as exc:
        raise MappingError(f"csv: line {reader.line_num}: {exc}", param="audience.csv") from None
    if not rows:
        raise MappingError("csv: no rows after the header", param="audience.csv")
    return columns, rows
