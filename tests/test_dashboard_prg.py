"""Post/redirect/get on every dashboard form: a successful POST answers a redirect, so refreshing the
page it lands on repeats nothing (a second template, key, webhook, record...)."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.models import ApiKey, Notification
from campaigns.models import Campaign
from documents.models import DocumentTemplate
from media_app.models import MediaFile
from personalization.objects import OBJECTS
from templates_app.models import VideoTemplate
from videos.models import Video
from videos.tests.helpers import PROFILE, greeting_script, new_template
from webhooks import services as webhook_services
from webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


def post_then_refresh(client: Client, url: str, data: dict | None = None, **files) -> str:
    """POST, check the answer is a redirect, follow it twice (the refresh) and give the page."""
    response = client.post(url, {**(data or {}), **files})
    assert response.status_code in (302, 303), (url, response.status_code, response.content[:500])
    target = response["Location"]
    first = client.get(target)
    assert first.status_code == 200, (target, first.status_code)
    again = client.get(target)
    assert again.status_code == 200
    return first.content.decode()


def test_create_template_redirects_and_a_refresh_makes_no_second_one(logged_in, tenant):
    form = {
        "name": "Spring",
        "description": "",
        "input_scripts": json.dumps(greeting_script()),
        "out_profiles": PROFILE,
    }
    response = logged_in.post("/templates/new/", form)
    assert response.status_code == 302
    template = VideoTemplate.objects.for_account(tenant.account).get()
    assert response["Location"] == f"/templates/{template.public_id}/"
    page = logged_in.get(response["Location"]).content.decode()
    assert "data-secret-notice" in page and "Template “Spring” created." in page
    refreshed = logged_in.get(response["Location"]).content.decode()
    assert "data-secret-notice" not in refreshed  # the secret is shown once
    assert VideoTemplate.objects.for_account(tenant.account).count() == 1

    rotated = post_then_refresh(logged_in, f"/templates/{template.public_id}/secret")
    assert "data-secret-notice" in rotated
    assert "data-secret-notice" not in logged_in.get(f"/templates/{template.public_id}/").content.decode()


def test_every_form_of_the_video_pages_redirects(logged_in, rpc, tenant):
    template = new_template(rpc, greeting_script())
    tid = template["templateID"]
    form = {
        "name": "Renamed",
        "description": "",
        "input_scripts": json.dumps(greeting_script()),
        "out_profiles": PROFILE,
    }
    post_then_refresh(logged_in, f"/templates/{tid}/", form)
    post_then_refresh(logged_in, f"/templates/{tid}/status", {"status": "inactive"})
    post_then_refresh(
        logged_in,
        f"/templates/{tid}/player/",
        {
            "title": "Hi",
            "message": "",
            "background_color": "#000000",
            "text_color": "#ffffff",
            "accent_color": "#ff0000",
            "logo": "",
        },
    )
    video = Video.objects.create(account=tenant.account, template_public_id=tid, name="v", status="done")
    post_then_refresh(logged_in, f"/videos/{video.public_id}/delete")
    media = MediaFile.objects.create(account=tenant.account, kind="image", mime="image/png", size=1, storage_key="k")
    post_then_refresh(logged_in, f"/media/{media.public_id}/delete")
    post_then_refresh(logged_in, f"/templates/{tid}/delete")
    assert not VideoTemplate.objects.for_account(tenant.account).exists()


def test_every_form_of_the_account_pages_redirects(logged_in, tenant):
    post_then_refresh(logged_in, "/keys/new", {"name": "CI"})
    assert ApiKey.objects.filter(account=tenant.account, name="CI").count() == 1
    key = ApiKey.objects.filter(account=tenant.account, name="CI").get()
    post_then_refresh(logged_in, f"/keys/{key.pk}/revoke")
    Notification.objects.create(account=tenant.account, kind="info", title="hello")
    post_then_refresh(logged_in, "/notifications/read")
    assert post_then_refresh(Client(), "/login/", {"email": tenant.user.email, "password": tenant.password})
    response = logged_in.post("/logout/")
    assert response.status_code == 302


def test_every_form_of_the_webhook_pages_redirects(logged_in, tenant):
    template = VideoTemplate.objects.create(
        account=tenant.account, name="T", input_scripts={"elements": []}, out_profiles=[PROFILE], secret_hash="0" * 64
    )
    post_then_refresh(logged_in, "/webhooks/", {"templateID": template.public_id, "url": "http://127.0.0.1:9/a"})
    assert Webhook.objects.for_account(tenant.account).count() == 1
    hook = Webhook.objects.for_account(tenant.account).get()
    url = f"/webhooks/{hook.public_id}/"
    post_then_refresh(logged_in, url, {"url": "http://127.0.0.1:9/b", "active": "on"})
    post_then_refresh(logged_in, url + "rotate")
    post_then_refresh(logged_in, url + "test")
    delivery = WebhookDelivery.objects.for_account(tenant.account).get()
    post_then_refresh(logged_in, f"/webhooks/deliveries/{delivery.msg_id}/send")
    assert WebhookDelivery.objects.for_account(tenant.account).count() == 1
    post_then_refresh(logged_in, url + "delete")


def test_every_form_of_the_document_data_and_campaign_pages_redirects(logged_in, tenant):
    fields = {"field_name": ["First Name"], "field_type": ["text"], "field_default": [""], "field_sample": ["Ada"]}
    document = {"name": "Letter", "html": "<p>Hi</p>", "css": "", "page_size": "A4", "orientation": "portrait"}
    post_then_refresh(logged_in, "/documents/templates/new", {**document, **fields})
    template = DocumentTemplate.objects.for_account(tenant.account).get()
    base = f"/documents/templates/{template.template_id}/"
    post_then_refresh(logged_in, base, {**document, "name": "Letter 2", **fields})
    response = logged_in.post(base + "assets", {"file": _png("logo.png")})
    assert response.status_code == 302
    post_then_refresh(logged_in, base + "assets/logo.png/delete")
    post_then_refresh(logged_in, base + "delete")
    assert not DocumentTemplate.objects.for_account(tenant.account).exists()

    post_then_refresh(
        logged_in,
        "/data/users/new",
        {"email": "ann@example.test", "first_name": "Ann", "tags": "[]", "attributes": "{}"},
    )
    user = OBJECTS["users"].model.objects.for_account(tenant.account).get()
    post_then_refresh(
        logged_in,
        f"/data/users/{user.id}/",
        {"email": "ann@example.test", "first_name": "Anne", "tags": "[]", "attributes": "{}"},
    )
    post_then_refresh(logged_in, f"/data/users/{user.id}/delete")

    campaign = Campaign.objects.create(
        account=tenant.account, name="C", kind="video", mode="render", template_public_id="0" * 24, status="done"
    )
    post_then_refresh(logged_in, f"/campaigns/{campaign.public_id}/delete")


def _png(name: str) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (4, 4), (255, 0, 0)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_the_webhook_test_event_refuses_a_switched_off_endpoint_in_words(logged_in, tenant):
    hook = webhook_services.webhook_create(account=tenant.account, url="http://127.0.0.1:9/a")
    webhook_services.webhook_update(account=tenant.account, webhook_id=hook.public_id, active=False)
    page = post_then_refresh(logged_in, f"/webhooks/{hook.public_id}/test")
    assert "This webhook is switched off; enable it first." in page and ">3005</small>" in page
    assert not WebhookDelivery.objects.for_account(tenant.account).exists()
