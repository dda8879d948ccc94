"""/healthz: is the database reachable, is Redis reachable."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse

from core import redis_client


def healthz(request: HttpRequest) -> JsonResponse:
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
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503)
