"""Pure parts of the page analytics: who is a bot, the viewer's daily hash, which events count.

No ORM and no Redis here, so these rules are tested on their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

# Crawlers, link-preview fetchers of chat apps and mail clients, headless tools, HTTP libraries.
BOT_RE = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|facebookcatalog|embedly|quora link|whatsapp|telegram"
    r"|skypeuripreview|discord|slack|vkshare|pinterest|bitlybot|outbrain|nuzzel|redditbot|applebot|google-read"
    r"|googleother|lighthouse|pagespeed|headlesschrome|phantomjs|python-|httpx|curl/|wget/|go-http-client|java/"
    r"|okhttp|libwww|apache-httpclient|node-fetch|axios/|^$",
    re.IGNORECASE,
)

QUARTILES = ("q25", "q50", "q75", "q100")
COUNTERS = ("views", "plays", *QUARTILES)
MAX_CTA_ID = 64


def is_bot(user_agent: str) -> bool:
    return bool(BOT_RE.search(user_agent or ""))


def viewer_hash(*, secret: str, day: dt.date, address: str, user_agent: str) -> str:
    """A viewer's id for one day: HMAC of address + user agent under a salt that changes every day.

    The address is never stored; the next day the same viewer hashes differently,
    so viewers cannot be followed across days.
    """
    salt = hmac.new(secret.encode(), f"player-viewer:{day.isoformat()}".encode(), hashlib.sha256).digest()
    return hmac.new(salt, f"{address}\n{user_agent}".encode(), hashlib.sha256).hexdigest()[:32]


def counter_of(event: object, cta_ids: frozenset[str]) -> str | None:
    """The counter a beacon event adds one to (``views``, ``plays``, ``q25``..``q100``, ``cta:<id>``), or ``None``.

    An event is ``{"e": "view" | "play" | "q25" | "q50" | "q75" | "q100" | "cta", "id": <ctaID>}``;
    anything else, or a CTA the video does not have, is ignored.
    """
    if not isinstance(event, dict):
        return None
    kind = event.get("e")
    if kind == "view":
        return "views"
    if kind == "play":
        return "plays"
    if kind in QUARTILES:
        return kind
    if kind == "cta":
        cta_id = event.get("id")
        if isinstance(cta_id, str) and cta_id in cta_ids:
            return f"cta:{cta_id}"
    return None
