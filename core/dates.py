"""The one way a time goes on the wire: ISO 8601 in UTC with a ``Z``, as the seeds write it."""

from __future__ import annotations

from datetime import datetime


def iso_z(value: datetime, timespec: str = "auto") -> str:
    """``2014-03-25T11:21:00.047Z`` for an aware UTC datetime (``timespec`` as ``datetime.isoformat``)."""
    return value.isoformat(timespec=timespec).replace("+00:00", "Z")
