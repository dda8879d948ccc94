"""RQ entry points of the accounts app."""

from __future__ import annotations

from datetime import datetime

from accounts import services


def api_key_touch(key_id: int, used_at: datetime) -> None:
    services.api_key_touch(key_id=key_id, used_at=used_at)
