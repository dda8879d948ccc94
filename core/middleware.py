"""A request id on every request: in the logs and the X-Request-ID header, so
that the id a client sees with a 5000 error finds the stack trace; and a clean
503 when the database connection drops mid-request. Headers the request path
asked for (``request.response_headers``, e.g. the rate limit's) go on whatever
answer the request gets. And the web pages' own middleware, run only where a
page or a session cookie needs it."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpResponse
from django.utils.module_loading import import_string

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


class PageMiddleware:
    """``settings.PAGE_MIDDLEWARE`` (CSP, sessions, CSRF, login, messages, the lockout
    page), in that order, for web pages and for any request carrying the session cookie.

    An API call or a file link without the cookie (the paths of ``settings.NON_PAGE_PATHS``
    and ``NON_PAGE_PATH_PREFIXES``) skips them: none of them does anything for it (no
    session to load, CSRF-exempt views, no messages, no page to put a policy or a lockout
    page on) yet together they cost ~0.2 ms of CPU per request. With the cookie (the API
    Test console, a session on ``/v1``) the request gets them all, so session credentials
    keep their CSRF check. Django's handler calls only the top-level middleware's
    ``process_view``: this one calls theirs (CSRF's) in order.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        handler = get_response
        instances = []
        for path in reversed(settings.PAGE_MIDDLEWARE):
            instance = import_string(path)(handler)
            instances.insert(0, instance)
            handler = convert_exception_to_response(instance)
        self.pages = handler
        self.view_hooks = [instance.process_view for instance in instances if hasattr(instance, "process_view")]
        self.non_page_paths = frozenset(settings.NON_PAGE_PATHS)
        self.non_page_prefixes = tuple(settings.NON_PAGE_PATH_PREFIXES)

    def _is_page(self, request) -> bool:
        path = request.path_info
        if path in self.non_page_paths or path.startswith(self.non_page_prefixes):
            return settings.SESSION_COOKIE_NAME in request.COOKIES
        return True

    def __call__(self, request):
        if self._is_page(request):
            request.page_middleware = True
            return self.pages(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(request, "page_middleware", False):
            for hook in self.view_hooks:
                if (response := hook(request, view_func, view_args, view_kwargs)) is not None:
                    return response
        return None
