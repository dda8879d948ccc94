"""RQ entry points of the webhooks app (the dispatcher calls the same services)."""

from __future__ import annotations

from webhooks import services


def deliver_due(limit: int = 200) -> int:
    """Send what is due once (for RQ's scheduler, or when no dispatcher runs)."""
    return services.delivery_send_due(limit=limit)


def purge_log() -> int:
    """Drop delivery logs older than WEBHOOK_LOG_RETENTION_DAYS."""
    return services.webhook_log_purge()
