"""The bare Django reference of the benchmarks: no middleware, no authentication, ``CONN_MAX_AGE=600``,
served by the same gunicorn as the project (``DJANGO_SETTINGS_MODULE=bench.bare``,
``'django.core.wsgi:get_wsgi_application()'``). ``/json`` and ``/pk/<id>`` (a row of the project's
database) for ``bench/api.py``; ``/bare``, an HTML body of ``BARE_BODY_BYTES`` (the size of the player
page, no database), for ``bench/player.py``.
"""

from __future__ import annotations

import os

import environ
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

SECRET_KEY = "bench-bare-reference"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.bare"
MIDDLEWARE: list[str] = []
INSTALLED_APPS: list[str] = []
USE_TZ = True
DATABASES = {"default": environ.Env.db_url_config(os.environ["DATABASE_URL"]) | {"CONN_MAX_AGE": 600}}


def json_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def pk_view(request: HttpRequest, pk: int) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, email, first_name FROM personalization_visitoruser WHERE id = %s", [pk])
        row = cursor.fetchone()
    return JsonResponse({"id": row[0], "email": row[1], "first_name": row[2]})


BODY = b"<!doctype html>" + b"x" * max(int(os.environ.get("BARE_BODY_BYTES", "4000")) - 15, 0)


def page_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY)


urlpatterns = [path("json", json_view), path("pk/<int:pk>", pk_view), path("bare", page_view)]
