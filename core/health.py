"""/healthz: is the database reachable, is Redis reachable.

Answered by the first middleware, before the rest of the stack, from a check at
most ``settings.HEALTHZ_CACHE_SECONDS`` old per process: load balancers probe it
often, and a probe should cost about what a bare Django view does.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

from core import redis_client

PATH = "/healthz"


def check() -> tuple[dict[str, str], int]:
    """The answer's body and status: 200 when both answer, else 503 naming what failed."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure is the answer here
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        redis_client.shared().ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return {"status": "ok" if healthy else "degraded", **checks}, 200 if healthy else 503


class HealthzMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.last: tuple[float, dict[str, str], int] = (float("-inf"), {}, 0)

    def __call__(self, request: HttpRequest):
        if request.path_info != PATH:
            return self.get_response(request)
        checked_at, body, status = self.last
        now = time.monotonic()
        if now - checked_at >= settings.HEALTHZ_CACHE_SECONDS:
            body, status = check()
            self.last = (now, body, status)
        return JsonResponse(body, status=status)
