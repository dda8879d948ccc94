"""Schema helpers shared by every REST endpoint: the seed 003 error shape."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorBody",
            {
                "code": serializers.CharField(help_text="Seed error code (number) or a REST error type"),
                "message": serializers.CharField(),
                "param": serializers.CharField(allow_null=True),
                "type": serializers.CharField(),
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
        }
    },
)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error responses of an endpoint; 401 and 429 apply to every authenticated one."""
    descriptions = {
        400: "Bad request: invalid format or parameters",
        401: "Invalid or missing API key",
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
