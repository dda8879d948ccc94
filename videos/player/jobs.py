"""RQ entry points of the player."""

from __future__ import annotations

from videos.player import stats


def stats_flush() -> int:
    return stats.stats_flush()
