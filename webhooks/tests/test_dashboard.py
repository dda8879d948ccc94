"""The Webhooks dashboard pages, through the Django test client (screenshots: bench/ or README)."""

import json

from webhooks import services
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from webhooks.tests.conftest import TEMPLATE_ID, VIDEO, make_template, verify


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


def test_the_form_offers_the_accounts_templates_by_name(logged_in, tenant, other_tenant, video_template):
    theirs = make_template(other_tenant.account)
    page = logged_in.get("/webhooks/").content.decode()
    assert f'<option value="{TEMPLATE_ID}">Template “Webhook test” ({TEMPLATE_ID})</option>' in page
    assert theirs.public_id not in page
    refused = logged_in.post("/webhooks/", {"templateID": theirs.public_id, "url": "https://hooks.example.com/"})
    assert refused.status_code == 400 and ">1000</small>" in refused.content.decode()
    assert not Webhook.objects.for_account(tenant.account).exists()


def test_send_test_event_is_a_real_signed_delivery(logged_in, tenant, receiver):
    hook = services.webhook_create(account=tenant.account, template_id=TEMPLATE_ID, url=receiver.url())
    response = logged_in.post(f"/webhooks/{hook.public_id}/test")
    assert response.status_code == 302 and response["Location"] == f"/webhooks/{hook.public_id}/"
    services.delivery_send_due()
    [request] = receiver.requests
    assert verify(hook.secret, request.headers, request.body)
    body = json.loads(request.body)
    assert body["event"] == "webhook.test" and body["webhookID"] == hook.public_id
    assert body["accountID"] == tenant.account_id and body["templateID"] == TEMPLATE_ID
    page = logged_in.get(f"/webhooks/{hook.public_id}/").content.decode()
    assert "webhook.test" in page and "<span data-attempt-count>1 attempt</span>" in page


def test_send_again_counts_every_attempt(logged_in, tenant, receiver):
    hook = services.webhook_create(account=tenant.account, template_id=TEMPLATE_ID, url=receiver.url())
    receiver.answers["/hook"] = [(500, {}), (200, {})]
    [delivery] = services.event_emit(account=tenant.account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    services.delivery_send_due()
    status_url = f"/webhooks/{hook.public_id}/deliveries/status"
    assert logged_in.get(status_url, {"id": delivery.msg_id}).json() == {
        "deliveries": [{"id": delivery.msg_id, "status": "pending", "attempts": 1}]
    }
    logged_in.post(f"/webhooks/deliveries/{delivery.msg_id}/send")
    services.delivery_send_due()
    assert logged_in.get(status_url, {"id": delivery.msg_id}).json() == {
        "deliveries": [{"id": delivery.msg_id, "status": "delivered", "attempts": 2}]
    }
    page = logged_in.get(f"/webhooks/{hook.public_id}/").content.decode()
    assert "<span data-attempt-count>2 attempts</span>" in page
    numbers = WebhookAttempt.objects.for_account(tenant.account).values_list("number", flat=True)
    assert sorted(numbers) == [1, 2]


def test_test_event_and_status_of_another_account_are_not_found(client, tenant, other_tenant, receiver):
    hook = services.webhook_create(account=tenant.account, template_id=TEMPLATE_ID, url=receiver.url())
    [delivery] = services.event_emit(account=tenant.account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    client.force_login(other_tenant.user)
    assert client.post(f"/webhooks/{hook.public_id}/test").status_code == 404
    assert client.get(f"/webhooks/{hook.public_id}/deliveries/status", {"id": delivery.msg_id}).status_code == 404
    mine = services.webhook_create(account=other_tenant.account, url=receiver.url("/theirs"))
    status = client.get(f"/webhooks/{mine.public_id}/deliveries/status", {"id": delivery.msg_id}).json()
    assert status == {"deliveries": []}
    assert WebhookDelivery.objects.for_account(tenant.account).count() == 1
