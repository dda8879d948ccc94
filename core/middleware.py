"""A request id on every request: in the logs and the X-Request-ID header, so
that the id a client sees with a 5000 error finds the stack trace."""

from __future__ import annotations

import logging
import uuid

logger = logging.getLogger("core.request")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response

    def process_exception(self, request, exception):
        logger.exception("unhandled error request_id=%s path=%s", getattr(request, "request_id", "-"), request.path)
