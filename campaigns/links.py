"""A recipient's link: ``/c/<token>``, signed, expiring ``linkTtlDays`` after the campaign was created.

The token (``core.links``) names the recipient row and its expiry, so it needs no storage and
the links file can be written for 100,000 recipients without a query per row.
Videos: the link leads to the recipient's video page (rendered on the first open
in link mode). Documents in render mode: to a fresh download of the rendered file;
in link mode the recipient's link is seed 003's on-demand URL itself (``/d/<token>``).
The page itself is ``campaigns.views.recipient_link_view``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from campaigns.models import Campaign
from core.links import link_token

PURPOSE = "campaign"


def expires_at(campaign: Campaign) -> datetime:
    return campaign.created_at + timedelta(days=campaign.link_ttl_days)


def recipient_link(
    campaign: Campaign, recipient_pk: int, *, on_demand_token: str | None = None, base_url: str | None = None
) -> str:
    """The absolute link of a recipient (``PUBLIC_BASE_URL`` unless told otherwise)."""
    base = settings.PUBLIC_BASE_URL if base_url is None else base_url
    if on_demand_token:
        return f"{base}/d/{on_demand_token}"
    return f"{base}/c/{link_token(PURPOSE, {'r': recipient_pk}, expires_at=expires_at(campaign))}"
