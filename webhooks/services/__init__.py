"""Every write of the webhooks app, by concern: ``endpoints`` (create, change, rotate,
delete), ``events`` (what can be subscribed to, and emitting an event), ``deliveries``
(claiming, sending, recording, retrying, replaying and purging deliveries)."""

from webhooks.services.deliveries import (
    delivery_claim,
    delivery_record,
    delivery_redeliver,
    delivery_send,
    delivery_send_due,
    webhook_log_purge,
)
from webhooks.services.endpoints import (
    template_exists,
    webhook_create,
    webhook_delete,
    webhook_get,
    webhook_rotate_secret,
    webhook_send_test,
    webhook_update,
)
from webhooks.services.events import (
    DOCUMENT_EVENTS,
    MAKER_EVENTS,
    PLAYER_EVENTS,
    VIDEO_EVENTS,
    event_emit,
    wake_dispatchers,
)

__all__ = [
    "DOCUMENT_EVENTS",
    "MAKER_EVENTS",
    "PLAYER_EVENTS",
    "VIDEO_EVENTS",
    "delivery_claim",
    "delivery_record",
    "delivery_redeliver",
    "delivery_send",
    "delivery_send_due",
    "event_emit",
    "template_exists",
    "wake_dispatchers",
    "webhook_create",
    "webhook_delete",
    "webhook_get",
    "webhook_log_purge",
    "webhook_rotate_secret",
    "webhook_send_test",
    "webhook_update",
]
