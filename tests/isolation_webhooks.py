"""Tenant-isolation cases of the Webhook_* methods (registered on import)."""

from __future__ import annotations

from tests.isolation import rpc_case
from tests.isolation_videos import _template
from webhooks import services
from webhooks.models import Webhook, WebhookDelivery

THEIR_URL = "http://127.0.0.1:9/theirs"  # loopback is allowed in tests; nothing is sent


def _webhook(other_tenant) -> Webhook:
    template = _template(other_tenant)
    return services.webhook_create(account=other_tenant.account, template_id=template.public_id, url=THEIR_URL)


def _unchanged(other_tenant) -> None:
    webhook = Webhook.objects.for_account(other_tenant.account).get()
    assert webhook.url == THEIR_URL and webhook.active


for _method, _extra in [
    ("Webhook_Update", ["http://127.0.0.1:9/mine", False]),
    ("Webhook_Delete", []),
    ("Webhook_RotateSecret", []),
    ("Webhook_Deliveries", []),
]:
    rpc_case(_method, expected_code=3001, check=lambda result, other_tenant: _unchanged(other_tenant))(
        lambda other_tenant, _extra=_extra: [_webhook(other_tenant).public_id, *_extra]
    )


@rpc_case("Webhook_New", expected_code=1000)
def _their_template_for_a_new_webhook(other_tenant):
    return [_template(other_tenant).public_id, "http://127.0.0.1:9/mine"]


def _nothing_listed(result, other_tenant):
    assert result == []
    _unchanged(other_tenant)


@rpc_case("Webhook_List", check=_nothing_listed)
def _their_template_listed(other_tenant):
    _webhook(other_tenant)
    return [Webhook.objects.for_account(other_tenant.account).get().template_id]


@rpc_case("Webhook_Redeliver", expected_code=3002)
def _their_delivery(other_tenant):
    webhook = _webhook(other_tenant)
    [delivery] = services.event_emit(
        account=other_tenant.account, event="video.done", payload={"id": "x"}, template_id=webhook.template_id
    )
    assert WebhookDelivery.objects.for_account(other_tenant.account).filter(pk=delivery.pk).exists()
    return [delivery.msg_id]
