"""The Webhooks dashboard pages, through the Django test client (screenshots: bench/ or README)."""

import pytest

from webhooks import services
from webhooks.models import Webhook
from webhooks.tests.conftest import TEMPLATE_ID, VIDEO


@pytest.fixture
def logged_in(client, tenant):
    client.force_login(tenant.user)
    return client


def test_add_webhook_shows_the_secret_once(logged_in, tenant, receiver):
    response = logged_in.post("/webhooks/", {"templateID": TEMPLATE_ID, "url": receiver.url()})
    assert response.status_code == 302
    hook = Webhook.objects.for_account(tenant.account).get()
    page = logged_in.get(response["Location"])
    assert hook.secret in page.content.decode()
    assert hook.secret not in logged_in.get(response["Location"]).content.decode()
    listing = logged_in.get("/webhooks/").content.decode()
    assert receiver.url() in listing and hook.secret not in listing


def test_add_refuses_a_private_url_next_to_the_field(logged_in, tenant):
    response = logged_in.post("/webhooks/", {"templateID": TEMPLATE_ID, "url": "http://169.254.169.254/"})
    assert response.status_code == 400
    assert "cloud metadata" in response.content.decode()
    assert not Webhook.objects.for_account(tenant.account).exists()


def test_account_webhook_with_chosen_events(logged_in, tenant, receiver):
    logged_in.post("/webhooks/", {"url": receiver.url(), "events": ["document.completed"]})
    assert Webhook.objects.for_account(tenant.account).get().events == ["document.completed"]


def test_edit_rotate_log_send_again_delete(logged_in, tenant, receiver):
    hook = services.webhook_create(account=tenant.account, template_id=TEMPLATE_ID, url=receiver.url())
    url = f"/webhooks/{hook.public_id}/"
    assert logged_in.post(url, {"url": receiver.url("/v2")}).status_code == 302  # no "active": switched off
    hook.refresh_from_db()
    assert hook.url == receiver.url("/v2") and not hook.active
    logged_in.post(url, {"url": receiver.url("/v2"), "active": "on"})
    old = hook.secret
    logged_in.post(url + "rotate")
    hook.refresh_from_db()
    assert hook.secret != old and hook.secret in logged_in.get(url).content.decode()

    receiver.answers["/v2"] = [(500, {}), (200, {})]
    [delivery] = services.event_emit(account=tenant.account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    services.delivery_send_due()
    page = logged_in.get(url).content.decode()
    assert delivery.msg_id in page and "Send again" in page and "status 500" in page and "webhook-signature" in page
    response = logged_in.post(f"/webhooks/deliveries/{delivery.msg_id}/send")
    assert response.status_code == 302
    services.delivery_send_due()
    assert receiver.ids() == [delivery.msg_id] * 2

    assert logged_in.post(url + "delete").status_code == 302
    assert not Webhook.objects.for_account(tenant.account).exists()


def test_another_accounts_webhook_pages_are_not_found(client, tenant, other_tenant, receiver):
    hook = services.webhook_create(account=tenant.account, template_id=TEMPLATE_ID, url=receiver.url())
    [delivery] = services.event_emit(account=tenant.account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    client.force_login(other_tenant.user)
    url = f"/webhooks/{hook.public_id}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"url": "https://1.2.3.4/", "active": "on"}).status_code == 404
    assert client.post(url + "rotate").status_code == 404
    assert client.post(url + "delete").status_code == 404
    assert client.post(f"/webhooks/deliveries/{delivery.msg_id}/send").status_code == 404
    assert receiver.url() not in client.get("/webhooks/").content.decode()
    hook.refresh_from_db()
    assert hook.url == receiver.url() and hook.active


def test_pages_need_a_login(client):
    assert client.get("/webhooks/").status_code == 302


def test_send_again_on_a_disabled_webhook_explains_and_never_redirects_off_site(logged_in, tenant, receiver):
    hook = services.webhook_create(account=tenant.account, template_id=TEMPLATE_ID, url=receiver.url())
    [delivery] = services.event_emit(account=tenant.account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    services.webhook_update(account=tenant.account, webhook_id=hook.public_id, active=False)
    response = logged_in.post(f"/webhooks/deliveries/{delivery.msg_id}/send", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/webhooks/"
    assert "not active" in logged_in.get("/webhooks/").content.decode()
