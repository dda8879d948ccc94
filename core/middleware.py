"""A request id on every request: in the logs and the X-Request-ID header, so
that the id a client sees with a 5000 error finds the stack trace; and a clean
503 when the database connection drops mid-request. Headers the request path
asked for (``request.response_headers``, e.g. the rate limit's) go on whatever
answer the request gets."""

from __future__ import annotations

import logging
import uuid

from django.http import HttpResponse

from core import rest
from core.http import json_error

logger = logging.getLogger("core.request")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        for name, value in getattr(request, "response_headers", {}).items():
            response[name] = value
        return response

    def process_exception(self, request, exception):
        if (error := rest.unavailable(exception)) is not None:
            if request.path.startswith(rest.API_PREFIXES):
                return json_error(error, style="rpc" if request.path.startswith("/api") else "rest")
            response = HttpResponse(error.message, status=503, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = error.headers["Retry-After"]
            return response
        logger.exception("unhandled error request_id=%s path=%s", getattr(request, "request_id", "-"), request.path)
