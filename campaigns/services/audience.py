"""A campaign's audience and mapping: the template it fills, who receives it, what each input reads."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from accounts.models import Account
from campaigns import mapping
from campaigns.models import Campaign
from core import errors
from core.errors import AppError
from documents import services as document_services
from documents.models import DocumentTemplate
from personalization.models import VisitorUser
from personalization.objects import OBJECTS, SCHEMAS
from personalization.query import QueryError, parse_path
from templates_app.models import VideoTemplate
from templates_app.scripts import parse_script
from videos.services import video_cost

BUILD_BATCH = 1000
USER_COLUMNS = [name for name in OBJECTS["users"].fields]


def _invalid(param: str, detail: str) -> AppError:
    return AppError(errors.INVALID_REQUEST, param=param, detail=detail)


# -- the template and what it takes ------------------------------------------------


def _template_of(*, account: Account, template_id: str) -> VideoTemplate | DocumentTemplate:
    """A video template by its templateID or a document template by its UUID; 1000 for anyone else's."""
    video = VideoTemplate.objects.for_account(account).filter(public_id=template_id).first()
    if video is not None:
        return video
    try:
        document_id = uuid.UUID(template_id)
    except ValueError:
        document = None
    else:
        document = DocumentTemplate.objects.for_account(account).filter(template_id=document_id).first()
    if document is None:
        raise AppError(errors.TEMPLATE_NOT_FOUND, data=template_id, param="templateId")
    return document


def template_inputs(template: VideoTemplate | DocumentTemplate) -> tuple[dict[str, str], set[str]]:
    """What the template takes — ``{name: type}`` — and which of those a recipient must have."""
    if isinstance(template, VideoTemplate):
        script = parse_script(template.input_scripts)
        inputs = {name: "text" for name in script.variables()} | {i.id: i.type for i in script.inputs}
        return inputs, set(inputs)
    specs = document_services.specs_of(template)
    return {spec.name: spec.type for spec in specs}, {spec.name for spec in specs if spec.required}


def _unit_cost(template: VideoTemplate | DocumentTemplate) -> int:
    if isinstance(template, VideoTemplate):
        return video_cost(template)
    return document_services.CREDITS_PER_DOCUMENT


def _check_mapping(template, expressions: dict[str, mapping.Expression]) -> None:
    inputs, required = template_inputs(template)
    for name in expressions:
        if name not in inputs:
            known = ", ".join(sorted(inputs)) or "none"
            raise _invalid(f"fields.{name}", f"fields.{name}: the template has no input {name!r} (it takes: {known})")
    unmapped = sorted(required - set(expressions))
    if unmapped:
        raise _invalid("fields", f"fields: the template needs a value for {', '.join(unmapped)}")


# -- the audience ----------------------------------------------------------------------


def _where_query(where: str):
    try:
        query = parse_path(f"users/where/{where}", SCHEMAS)
    except QueryError as exc:
        raise _invalid("audience.where", f"audience.where: {exc}") from None
    if query.modifiers != {"where"}:
        raise _invalid("audience.where", "audience.where: a condition only (write a / inside a value as %2F)")
    return query


def _users(account: Account, where: str):
    """The account's users a `where` condition selects (all of them for an empty one), in id order."""
    users = VisitorUser.objects.for_account(account)
    if where.strip():
        users = users.filter(_where_query(where).filter_q())
    return users.order_by("id")


def _rows_of(audience: dict) -> tuple[str, list[str], list[dict[str, Any]]]:
    """A CSV or JSON audience → (kind, columns, rows)."""
    try:
        if "csv" in audience:
            if not isinstance(audience["csv"], str):
                raise _invalid("audience.csv", "audience.csv: the CSV text, header row first")
            columns, rows = mapping.parse_csv(audience["csv"])
            return "csv", columns, rows
    except mapping.MappingError as exc:
        raise _invalid(exc.param, str(exc)) from None
    rows = audience["rows"]
    if not isinstance(rows, list) or not rows:
        raise _invalid("audience.rows", "audience.rows: a non-empty list of objects")
    if len(rows) > mapping.MAX_CSV_ROWS:
        raise _invalid("audience.rows", f"audience.rows: at most {mapping.MAX_CSV_ROWS:,} rows")
    columns: dict[str, None] = {}
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise _invalid(f"audience.rows.{index}", f"audience.rows.{index}: each row is an object")
        if "\\u0000" in json.dumps(row):
            raise _invalid(f"audience.rows.{index}", f"audience.rows.{index}: NUL characters are not allowed")
        columns.update(dict.fromkeys(row))
    return "rows", list(columns), rows


def audience_preview(*, account: Account, audience: Any, fields: Any = None, count: int = 3) -> dict[str, Any]:
    """How many recipients the audience selects and the first ``count`` with their mapped values (the wizard)."""
    selected = _audience(account=account, audience=audience)
    try:
        expressions = mapping.parse_mapping(fields) if fields else {}
    except mapping.MappingError as exc:
        raise _invalid(exc.param, str(exc)) from None
    preview = []
    for key, email, row in selected.first(count):
        values, missing = mapping.evaluate(expressions, row)
        preview.append({"key": key, "email": email, "values": values, "missing": missing})
    return {
        "source": selected.source,
        "columns": selected.columns,
        "total": selected.total,
        "unknownColumns": mapping.unknown_columns(expressions, selected.columns),
        "preview": preview,
    }


@dataclass
class _Audience:
    source: str  # "where", "csv" or "rows"
    columns: list[str]
    total: int
    users: Any = None  # the queryset of a `where` audience
    rows: list[dict] | None = None  # the rows of a CSV or JSON audience

    def first(self, count: int) -> list[tuple[str, str, dict]]:
        if self.users is not None:
            return [(str(row["id"]), row["email"], row) for row in self.users.values(*USER_COLUMNS)[:count]]
        return [(str(n), str(row.get("email") or ""), row) for n, row in enumerate(self.rows[:count], start=1)]


def _audience(*, account: Account, audience: Any) -> _Audience:
    """The audience a client described; 400 naming what is wrong with it."""
    if not isinstance(audience, dict) or len(set(audience) & {"where", "csv", "rows"}) != 1:
        raise _invalid("audience", 'audience: exactly one of {"where": …}, {"csv": …}, {"rows": […]}')
    if "where" in audience:
        where = audience["where"]
        if not isinstance(where, str):
            raise _invalid("audience.where", "audience.where: a path condition like country=ES&first_name!=")
        users = _users(account, where)
        return _Audience("where", USER_COLUMNS, users.count(), users=users)
    source, columns, rows = _rows_of(audience)
    return _Audience(source, columns, len(rows), rows=rows)


# -- create --------------------------------------------------------------------------


def _missing_error(campaign: Campaign, missing: list[str]) -> tuple[int, str]:
    if campaign.kind == Campaign.Kind.VIDEO:
        return errors.VARIABLES_UNDEFINED.code, f"{errors.VARIABLES_UNDEFINED.message}: {', '.join(missing)}"
    return errors.INVALID_REQUEST.code, f"Missing values for: {', '.join(missing)}"
