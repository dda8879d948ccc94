"""Schema helpers shared by every REST endpoint: the seed 003 error shape, and the check of an
answer against the schema (used by the test client on every REST answer)."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    inline_serializer,
)
from jsonschema import Draft202012Validator
from rest_framework import serializers

from core import errors

ERROR_TYPES = sorted({e.type for e in errors.catalog()})  # ErrorTypeEnum (config.settings ENUM_NAME_OVERRIDES)

ErrorSerializer = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorBody",
            {
                "code": serializers.CharField(
                    help_text="Stable error code string, e.g. template_not_found, no_credit, account_locked"
                ),
                "message": serializers.CharField(),
                "param": serializers.CharField(allow_null=True),
                "type": serializers.ChoiceField(choices=ERROR_TYPES, help_text="The error's family (seed 003)"),
                "number": serializers.IntegerField(
                    help_text="The catalogue number; the JSON-RPC API uses it as its code for the same error"
                ),
            },
        )
    },
)

_EXAMPLE = OpenApiExample(
    "Invalid request",
    value={
        "error": {
            "code": "invalid_request_error",
            "message": "The request was invalid. Check the request parameters and try again.",
            "param": "templateId",
            "type": "invalid_request_error",
            "number": 4000,
        }
    },
)


def page_parameters(max_limit: int = 100) -> list[OpenApiParameter]:
    """``?offset=&limit=`` as ``core.rest.page_params`` reads them."""
    return [
        OpenApiParameter("offset", {"type": "integer", "minimum": 0}),
        OpenApiParameter("limit", {"type": "integer", "minimum": 0}, description=f"At most {max_limit}"),
    ]


def error_responses(*statuses: int, body: Any = None) -> dict[int, OpenApiResponse]:
    """The error responses of an endpoint; 401 and 429 apply to every authenticated one.
    ``body``: another error shape than seed 003's (seed 002's ``{status, message, param}``)."""
    descriptions = {
        400: "Bad request: invalid format or parameters",
        401: "Invalid or missing API key",
        402: "Payment required: not enough credits (2004 No credit)",
        403: "Forbidden (inactive account or quota)",
        404: "Not found (also for another account's ids)",
        409: "Conflict",
        410: "Gone: the link has expired",
        413: "Payload too large",
        415: "Unsupported media type",
        422: "Unprocessable input",
        429: "Too many requests or locked out (see Retry-After)",
        500: "Internal error (with a request id)",
    }
    codes = sorted(set(statuses) | {401, 429, 500})
    examples = [] if body is not None else [_EXAMPLE]
    return {
        code: OpenApiResponse(body or ErrorSerializer, description=descriptions[code], examples=examples)
        for code in codes
    }


# -- answers against the schema ----------------------------------------------------------


def _nullable_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema (``anyOf`` with null)."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _nullable_to_json_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@functools.cache
def _document() -> dict[str, Any]:
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    return _nullable_to_json_schema(document)


@functools.cache
def _path_patterns() -> list[tuple[re.Pattern, str]]:
    patterns = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path) for path in _document()["paths"]]
    # literal segments before parameters: /webhooks/deliveries/... wins over /webhooks/{id}/...
    return sorted(patterns, key=lambda item: item[1].count("{"))


def answer_errors(method: str, path: str, status: int, content_type: str, body: bytes) -> list[str]:
    """Where a REST answer departs from the schema: an undeclared path, method or status, or a
    JSON body that does not validate against the declared one. Empty when it conforms."""
    document = _document()
    template = next((template for pattern, template in _path_patterns() if pattern.match(path)), None)
    if template is None:
        return []  # not a schema-described URL (dashboard, downloads)
    operation = document["paths"][template].get(method.lower())
    if operation is None:
        return [f"{method} {template}: method not in the schema"] if status != 405 else []
    response = operation["responses"].get(str(status))
    if response is None:
        return [f"{method} {template}: status {status} not in the schema"]
    declared = response.get("content", {}).get("application/json", {}).get("schema")
    if declared is None or not content_type.startswith("application/json"):
        return []
    validator = Draft202012Validator({**declared, "components": document["components"]})
    return [
        f"{method} {template} {status}: {error.message} at {list(error.absolute_path)}"
        for error in validator.iter_errors(json.loads(body))
    ]
