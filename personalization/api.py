"""Seed 004's object API: ``/rest/{object}[/{id}][/{modifier}/{value}]...``.

A plain Django view, not DRF: the seed answers with bare JSON numbers and
plain-text errors. Every status of the seed: 200, 400 (plain text naming the
problem), 401 (bad key, or plain HTTP), 500 (with a request id), 503 with
``Retry-After`` (too many slow queries).

The path is parsed from the *raw* request URI, so ``%2F`` and ``%26`` inside a
value stay literal: gunicorn passes it as ``RAW_URI``, uWSGI and mod_wsgi as
``REQUEST_URI``. Without either (Django's runserver), ``PATH_INFO`` is already
decoded and re-encoded here, which cannot tell ``%2F`` from ``/``.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from accounts.auth import authenticate_request
from accounts.models import Account
from core.errors import AppError
from personalization import selectors, services
from personalization.objects import OBJECTS, SCHEMAS, InputError, ObjectType, record_json, to_json, validate_record
from personalization.query import MAX_LIMIT, Query, QueryError, parse_path

logger = logging.getLogger("personalization.api")

PREFIX = "/rest/"
MAX_BULK_ROWS = 10_000
# What a decoded path may keep as is when re-encoded: the syntax characters.
_SYNTAX = "/&|=!<>:,"


def _text(body: str, status: int, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(body + "\n", status=status, content_type="text/plain; charset=utf-8")
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _json(value: Any) -> HttpResponse:
    return HttpResponse(json.dumps(value, ensure_ascii=False, separators=(",", ":")), content_type="application/json")


def raw_rest_path(request: HttpRequest) -> str:
    """The still percent-encoded part of the path after ``/rest/``."""
    raw_uri = request.META.get("RAW_URI") or request.META.get("REQUEST_URI")
    if raw_uri:
        raw_path = urlsplit(raw_uri).path if "://" in raw_uri.split("?", 1)[0] else raw_uri.split("?", 1)[0]
        prefix = request.META.get("SCRIPT_NAME", "").rstrip("/") + PREFIX
        if raw_path.startswith(prefix):
            return raw_path[len(prefix) :]
    return quote(request.path_info[len(PREFIX) :], safe=_SYNTAX)


def _authenticate(request: HttpRequest) -> Account | HttpResponse:
    if not (request.is_secure() or settings.ALLOW_PLAIN_HTTP_API):
        return _text("HTTPS required: this API does not answer over plain HTTP", 401)
    try:
        principal = authenticate_request(request)
    except AppError as error:
        return _text(error.message, error.entry.http_status, error.headers)
    if principal is None or principal.via == "session":
        # A session cookie is not a credential here: the view is CSRF-exempt.
        return _text(
            'Authentication required: HTTP Basic with user "api" and your API key as password',
            401,
            {"WWW-Authenticate": 'Basic realm="api"'},
        )
    return principal.account


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _body(request: HttpRequest) -> Any:
    raw = request.body or b"null"
    try:
        parsed = json.loads(raw)
        if _SURROGATE_ESCAPE.search(raw):
            # A "\ud800" escape decodes to a lone surrogate that no database can store as
            # text; refuse it here so SQLite and PostgreSQL answer the same. Pairs pass.
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        return parsed
    except UnicodeEncodeError:
        raise InputError("A value cannot be stored: text must be valid Unicode (no lone surrogates)") from None
    except (ValueError, UnicodeDecodeError):
        raise InputError("The request body is not valid JSON") from None
    except RecursionError:
        raise InputError("The request body is nested too deeply") from None


def _refuse(query: Query, method: str, *modifiers: str) -> None:
    for modifier in modifiers:
        if modifier in query.modifiers:
            raise QueryError(f'Modifier "{modifier}" cannot be used with {method}')


def _get(request: HttpRequest, account: Account, kind: ObjectType, query: Query) -> HttpResponse:
    """Seed 004: "GET requests return JSON array of requested records" — with an id too: ``[record]``, or ``[]``."""
    rows = selectors.record_list(account=account, kind=kind, query=query)
    if query.column:
        return _json([to_json(value) for value in rows])
    return _json([record_json(row) for row in rows])


def _not_allowed(message: str, allow: str) -> HttpResponse:
    return _text(message, 405, {"Allow": allow})


def _post(request: HttpRequest, account: Account, kind: ObjectType, query: Query) -> HttpResponse:
    if query.id is not None or query.modifiers:
        return _not_allowed(
            "POST takes no id or modifiers: send the new record(s) to /rest/{object}", "GET, PUT, DELETE"
        )
    data = _body(request)
    if isinstance(data, list):
        if len(data) > MAX_BULK_ROWS:
            raise InputError(f"At most {MAX_BULK_ROWS} records per request")
        rows = [validate_record(kind, item, partial=False, where=f"record {index}") for index, item in enumerate(data)]
        return _json(services.record_bulk_create(account=account, kind=kind, rows=rows))
    values = validate_record(kind, data, partial=False)
    return _json(services.record_create(account=account, kind=kind, values=values))


def _put(request: HttpRequest, account: Account, kind: ObjectType, query: Query) -> HttpResponse:
    _refuse(query, "PUT", "order_by", "order_by_desc", "limit", "columns", "column")
    if not query.has_selector():
        return _not_allowed(_REFUSALS["PUT"], "GET, POST")
    values = validate_record(kind, _body(request), partial=True)
    return _json(services.record_update(account=account, kind=kind, selector=query.filter_q(), values=values))


def _delete(request: HttpRequest, account: Account, kind: ObjectType, query: Query) -> HttpResponse:
    _refuse(query, "DELETE", "order_by", "order_by_desc", "limit", "columns", "column")
    if not query.has_selector():
        return _not_allowed(_REFUSALS["DELETE"], "GET, POST")
    return _json(services.record_delete(account=account, kind=kind, selector=query.filter_q()))


_METHODS = {"GET": _get, "POST": _post, "PUT": _put, "DELETE": _delete}


_REFUSALS = {
    "POST": "POST takes no id or modifiers: send the new record(s) to /rest/{object}",
    "PUT": "PUT needs an id or a where condition: /rest/{object}/{id} or /rest/{object}/where/...",
    "DELETE": "DELETE needs an id or a where condition: /rest/{object}/{id} or /rest/{object}/where/...",
}


@csrf_exempt
def rest_view(request: HttpRequest, raw: str = "") -> HttpResponse:
    raw_path = raw_rest_path(request)
    # /rest/{object} takes GET and POST; a path with an id or a condition GET, PUT and DELETE.
    allowed = ("GET", "PUT", "DELETE") if "/" in raw_path.strip("/") else ("GET", "POST")
    if request.method not in allowed:
        default = f"Method {request.method} not allowed: use {', '.join(allowed)}"
        return _not_allowed(_REFUSALS.get(request.method or "", default), ", ".join(allowed))
    handler = _METHODS[request.method]
    authenticated = _authenticate(request)
    if isinstance(authenticated, HttpResponse):
        return authenticated
    account = authenticated
    try:
        query = parse_path(raw_path, SCHEMAS)
        if query.limit > MAX_LIMIT:  # pragma: no cover - the parser refuses it first
            raise QueryError(f"limit: at most {MAX_LIMIT} records per request")
        kind = OBJECTS[query.object_name]
        if selectors.is_slow(account=account, kind=kind, query=query):
            services.slow_query_admit(account=account)
        return handler(request, account, kind, query)
    except QueryError as error:
        return _text(str(error), 400)
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _text(f"The request body is larger than {limit:,} bytes: send fewer records per request", 413)
    except (UnicodeEncodeError, DataError) as error:
        # Text the database cannot store, e.g. a lone UTF-16 surrogate from "\ud800" in the JSON.
        logger.info("value refused by the database request_id=%s: %s", getattr(request, "request_id", "-"), error)
        return _text("A value cannot be stored: text must be valid Unicode (no lone surrogates)", 400)
    except AppError as error:
        return _text(error.message, error.entry.http_status, error.headers)
    except Exception:
        request_id = getattr(request, "request_id", "-")
        logger.exception("unhandled /rest error request_id=%s method=%s", request_id, request.method)
        return _text(f"Internal server error; quote request id {request_id} to support", 500)


# Any text after /rest/, newlines included (``<path:>`` stops at a decoded "\n").
urlpatterns = [re_path(r"^(?P<raw>(?s:.*))\Z", rest_view, name="rest")]
