"""The bare reference of ``bench/player.py``: a Django app with no middleware, no database and one
view answering ``BARE_BODY_BYTES`` bytes of HTML (the size of the player page), served by the same
gunicorn settings as the product. ``gunicorn bench.bare_django:application``."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)
BODY = b"<!doctype html>" + b"x" * max(int(os.environ.get("BARE_BODY_BYTES", "4000")) - 15, 0)


def bare(request):
    return HttpResponse(BODY)


urlpatterns = [path("bare", bare)]
application = get_wsgi_application()
