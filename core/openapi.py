"""Schema helpers shared by every REST endpoint: the seed 003 error shape."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

from core import errors

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
                "type": serializers.ChoiceField(
                    choices=sorted({e.type for e in errors.catalog()}), help_text="The error's family (seed 003)"
                ),
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


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error responses of an endpoint; 401 and 429 apply to every authenticated one."""
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
    return {
        code: OpenApiResponse(ErrorSerializer, description=descriptions[code], examples=[_EXAMPLE]) for code in codes
    }
