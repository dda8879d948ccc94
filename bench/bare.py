"""The reference of ``bench/api.py``: a bare Django app on the project's database.

No middleware, no authentication, ``CONN_MAX_AGE=600``; served by the same
gunicorn as the project (``DJANGO_SETTINGS_MODULE=bench.bare``,
``'django.core.wsgi:get_wsgi_application()'``).
"""

from __future__ import annotations

import os

import environ
from django.db import connection
from django.http import HttpRequest, JsonResponse
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


urlpatterns = [path("json", json_view), path("pk/<int:pk>", pk_view)]
