"""One pooled Redis client per process for the request path (``settings.REDIS_URL``).

``django_rq.get_connection`` builds a new client, and so a new connection, on
every call; the request path needs a connection it can reuse.
"""

from __future__ import annotations

import functools

import redis
from django.conf import settings


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, health_check_interval=30)


def shared() -> redis.Redis:
    return _client(settings.REDIS_URL)
