"""The REST surface's one mapping from errors to seed 003's shape:
``{"error": {"code", "message", "param", "type"}}`` with its HTTP status."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import page_not_found, server_error
from rest_framework import exceptions as drf
from rest_framework import parsers, serializers
from rest_framework.response import Response

from core import errors
from core.errors import AppError
from core.http import json_error

logger = logging.getLogger("core.rest")


def _first_error(detail: Any, prefix: str = "") -> tuple[str | None, str]:
    """The first (field path, message) of a DRF validation error tree."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            path = f"{prefix}.{name}" if prefix and name else (name or prefix)
            return _first_error(value, path)
    if isinstance(detail, list) and detail:
        if all(isinstance(item, (dict, list)) for item in detail):  # one entry per list item: name its index
            index = next((i for i, item in enumerate(detail) if item), 0)
            return _first_error(detail[index], f"{prefix}.{index}" if prefix else str(index))
        return _first_error(detail[0], prefix)
    return (prefix or None), str(detail)


class JSONParser(parsers.JSONParser):
    """DRF's, with JSON nested deeper than Python's recursion limit a parse error (400), not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise drf.ParseError("JSON is nested too deeply") from None


def app_error_for(exc: Exception) -> AppError | None:
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, drf.ValidationError):
        param, message = _first_error(exc.detail)
        text = f"{param}: {message}" if param else message
        return AppError(errors.INVALID_REQUEST, param=param, detail=text)
    if isinstance(exc, drf.ParseError):
        return AppError(errors.INVALID_REQUEST, detail=f"Request body is not valid JSON: {exc.detail}")
    if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        return AppError(errors.UNAUTHORIZED, detail=str(exc.detail))
    if isinstance(exc, (drf.NotFound, Http404)):
        return AppError(errors.NOT_FOUND_ERROR)
    if isinstance(exc, (drf.PermissionDenied, PermissionDenied)):
        return AppError(errors.FORBIDDEN)
    if isinstance(exc, drf.Throttled):
        wait = int(exc.wait or 1)
        return AppError(errors.RATE_LIMITED, headers={"Retry-After": str(wait)})
    if isinstance(exc, drf.APIException):
        entry = errors.ErrorEntry(
            4000 + exc.status_code % 100, str(exc.detail), exc.status_code, "invalid_request_error"
        )
        return AppError(entry)
    return None


DATABASE_GONE = (OperationalError, InterfaceError)  # the connection dropped or the server went away


def unavailable(exc: Exception) -> AppError | None:
    """503 for a database connection lost mid-request: nothing about it is the client's
    fault, and the next request gets a fresh connection (Django drops an unusable one)."""
    if not isinstance(exc, DATABASE_GONE):
        return None
    logger.warning("database unavailable: %s", exc)
    return AppError(errors.SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})


def exception_handler(exc: Exception, context: dict) -> Response:
    error = app_error_for(exc) or unavailable(exc)
    if error is None:
        request = context.get("request")
        request_id = getattr(request, "request_id", "-")
        logger.exception("unhandled REST error request_id=%s", request_id, exc_info=exc)
        error = AppError(errors.INTERNAL_ERROR, detail=f"Internal Error (request id {request_id})")
    return Response(error.rest_error(), status=error.entry.http_status, headers=error.headers)


API_PREFIXES = ("/v1/", "/api", "/rest/", "/me/", "/v/")


def not_found_page(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIXES):
        return json_error(AppError(errors.NOT_FOUND_ERROR))
    return page_not_found(request, exception)


def server_error_page(request: HttpRequest) -> HttpResponse:
    request_id = getattr(request, "request_id", "-")
    if request.path.startswith(API_PREFIXES):
        return json_error(AppError(errors.INTERNAL_ERROR, detail=f"Internal Error (request id {request_id})"))
    try:
        # With the request: the page has the dashboard's navigation (which reads the database).
        return render(request, "500.html", {"request_id": request_id}, status=500)
    except Exception:  # noqa: BLE001 - the database may be what failed: the page without navigation
        logger.warning("the 500 page could not be drawn with its navigation", exc_info=True)
        return server_error(request)


MAX_OFFSET = 2**63 - 1


def page_params(request, *, default_limit: int = 20, max_limit: int = 100) -> tuple[int, int]:
    """``?offset=&limit=`` of a paged REST list: non-negative integers (else a 400 naming
    the parameter), the limit clamped to 1..max_limit and the offset to what the databases'
    64-bit OFFSET holds (beyond any row: an empty page)."""
    values = {}
    for name, default in (("offset", 0), ("limit", default_limit)):
        raw = request.query_params.get(name)
        try:
            values[name] = default if raw is None else serializers.IntegerField(min_value=0).run_validation(raw)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({name: exc.detail}) from None
    return min(values["offset"], MAX_OFFSET), min(max(values["limit"], 1), max_limit)


def query_flag(request, name: str) -> bool:
    """A boolean ``?name=`` (``true``/``false``, ``1``/``0``, ...; absent is false), else a 400 naming it."""
    raw = request.query_params.get(name)
    if raw is None:
        return False
    try:
        return serializers.BooleanField().run_validation(raw)
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({name: exc.detail}) from None


_JSON_TYPES: list[tuple[type[serializers.Field], tuple[type, ...], str]] = [
    (serializers.BooleanField, (bool,), "a boolean"),
    (serializers.IntegerField, (int,), "an integer"),
    (serializers.FloatField, (int, float), "a number"),
    (serializers.DecimalField, (int, float), "a number"),
    (serializers.ListField, (list,), "an array"),
    (serializers.ListSerializer, (list,), "an array"),
    (serializers.DictField, (dict,), "an object"),
    (serializers.Serializer, (dict,), "an object"),
    (serializers.CharField, (str,), "a string"),
    (serializers.ChoiceField, (str,), "a string"),
    (serializers.DateTimeField, (str,), "a string"),
    (serializers.UUIDField, (str,), "a string"),
]


class StrictSerializer(serializers.Serializer):
    """Input serializer that takes a JSON body at its word: DRF coerces ``1`` into ``"1"`` and
    ``"true"`` into ``True``; here a value of the wrong JSON type is a 400, as the schema says.
    Form bodies (all strings) are left to DRF's coercion."""

    def to_internal_value(self, data):
        if type(data) is dict:
            wrong = {}
            for name, field in self.fields.items():
                if name not in data or field.read_only or (data[name] is None and field.allow_null):
                    continue
                value = data[name]
                expected = next(((types, what) for kind, types, what in _JSON_TYPES if isinstance(field, kind)), None)
                if expected is None:
                    continue
                types, what = expected
                if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                    wrong[name] = [f"Expected {what}"]
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)
