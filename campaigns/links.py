"""A recipient's link: ``/c/<token>``, signed, expiring ``linkTtlDays`` after the campaign was created.

The token names the recipient row and its expiry, so it needs no storage and
the links file can be written for 100,000 recipients without a query per row.
Videos: the link leads to the recipient's video page (rendered on the first open
in link mode). Documents in render mode: to a fresh download of the rendered file;
in link mode the recipient's link is seed 003's on-demand URL itself (``/d/<token>``).
The page itself is ``campaigns.views.recipient_link_view``.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from campaigns.models import Campaign

SALT = "campaigns.link"


def expires_at(campaign: Campaign) -> int:
    return int(campaign.created_at.timestamp()) + campaign.link_ttl_days * 86400


def recipient_token(recipient_pk: int, expires: int) -> str:
    return signing.dumps([recipient_pk, expires], salt=SALT)


def recipient_link(
    campaign: Campaign, recipient_pk: int, *, on_demand_token: str | None = None, base_url: str | None = None
) -> str:
    """The absolute link of a recipient (``PUBLIC_BASE_URL`` unless told otherwise)."""
    base = settings.PUBLIC_BASE_URL if base_url is None else base_url
    if on_demand_token:
        return f"{base}/d/{on_demand_token}"
    return f"{base}/c/{recipient_token(recipient_pk, expires_at(campaign))}"
