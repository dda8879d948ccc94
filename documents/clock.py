"""The documents app's one source of "now", so tests can move time (link expiry)
by patching ``documents.clock.now`` instead of sleeping."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
