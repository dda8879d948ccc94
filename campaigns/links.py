"""A recipient's link: ``/c/<token>``, signed, expiring ``linkTtlDays`` after the campaign was created.

The token (``core.links``) names the recipient row and its expiry, so it needs no storage and
the links file can be written for 100,000 recipients without a query per row.
Videos: the link leads to the recipient's video page (rendered on the first open
in link mode). Documents in render mode: to a fresh download of the rendered file;
in link mode the recipient's link is seed 003's on-demand URL itself (``/d/<token>``).
The page itself is ``campaigns.views.recipient_link_view``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings

from campaigns.models import Campaign
from core.links import link_token_maker

PURPOSE = "campaign"


def expires_at(campaign: Campaign) -> datetime:
    return campaign.created_at + timedelta(days=campaign.link_ttl_days)


def recipient_links(campaign: Campaign) -> Callable[[int, str | None], str]:
    """``link(recipient_pk, on_demand_token)``: the absolute links of a campaign's recipients
    (from ``PUBLIC_BASE_URL``), with one signer for all of them."""
    base = settings.PUBLIC_BASE_URL
    token = link_token_maker(PURPOSE, expires_at=expires_at(campaign))

    def link(recipient_pk: int, on_demand_token: str | None = None) -> str:
        if on_demand_token:
            return f"{base}/d/{on_demand_token}"
        return f"{base}/c/{token({'r': recipient_pk})}"

    return link
