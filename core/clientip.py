"""The client's address, honouring exactly ``settings.TRUSTED_PROXY_COUNT`` proxies.

Each proxy appends the address it received the connection from to
X-Forwarded-For, and the nearest one is REMOTE_ADDR. With N trusted proxies the
client is therefore the N-th entry from the right; anything left of it was sent
by the client and is ignored. (django-ipware's ``proxy_count`` counts proxies
inside the header instead, which returns a client-chosen address for the usual
one-load-balancer set-up — so this is written out here.)
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
