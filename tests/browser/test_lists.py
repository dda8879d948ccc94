"""Lists, deletes, the webhook test event and the error pages in headless Chromium, at laptop and
phone widths (screenshots in $SCREENSHOT_DIR, default the test's temporary folder)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import browser_login
from templates_app.models import VideoTemplate
from tests.browser.test_videos import shoot
from videos.models import Video
from webhooks import services as webhook_services

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def shots(tmp_path) -> Path:
    out = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_videos_list_filters_and_a_template_is_deleted_after_confirming(browser_page, tenant, shots):
    template = VideoTemplate.objects.create(
        account=tenant.account,
        name="Spring promo",
        input_scripts={"elements": [{"id": "bg", "type": "rectangle", "duration": 1}]},
        out_profiles=["MP4_H264_AAC_176x144_24fps"],
        secret_hash="0" * 64,
    )
    for i in range(30):
        Video.objects.create(
            account=tenant.account,
            template=template,
            template_public_id=template.public_id,
            name=f"Clip {i:02d}",
            status="error" if i == 3 else "done",
            status_code=1012 if i == 3 else None,
            status_message="Error processing video: element “logo” (media “m1”) could not be decoded" if i == 3 else "",
            duration_ms=6000,
        )
    page = browser_page
    browser_login(page, tenant)
    page.goto("/videos/")
    expect(page.locator("[data-listing-count]")).to_have_text("30 videos · showing 1–24")
    page.select_option("select[name=status]", "error")
    page.click(".listing-controls button[type=submit]")
    expect(page.locator("[data-listing-count]")).to_have_text("Matches: 1 video")
    expect(page.locator("[data-video-error]")).to_contain_text("The video could not be made. (element “logo”")
    shoot(page, shots, "videos-filtered")
    page.fill("input[name=q]", "clip 1")
    page.click(".listing-controls button[type=submit]")
    expect(page.locator("[data-listing-count]")).to_have_text("Matches: 0 videos")
    page.click("text=Clear")
    page.click("text=Next →")
    expect(page.locator("[data-listing-count]")).to_have_text("30 videos · showing 25–30")
    shoot(page, shots, "videos-page-2")

    page.goto("/templates/")
    page.click(f"a[href='/templates/{template.public_id}/delete']")
    expect(page.locator("h1")).to_have_text("Delete “Spring promo”?")
    shoot(page, shots, "template-delete")
    page.click("#confirm-delete")
    expect(page.locator(".flash")).to_contain_text("Template “Spring promo” deleted.")
    assert not VideoTemplate.objects.for_account(tenant.account).exists()


def test_send_test_event_and_watch_its_attempt_arrive(browser_page, tenant, shots):
    hook = webhook_services.webhook_create(account=tenant.account, url="http://127.0.0.1:9/hook")
    page = browser_page
    browser_login(page, tenant)
    page.goto(f"/webhooks/{hook.public_id}/")
    page.click("#send-test")
    expect(page.locator(".flash")).to_contain_text("Test event")
    expect(page.locator("[data-attempt-count]")).to_have_text("0 attempts")
    webhook_services.delivery_send_due()  # the dispatcher's pass: nothing listens on port 9, so it fails
    # the page follows the pending delivery and shows the attempt without a manual reload
    expect(page.locator("[data-attempt-count]")).to_have_text("1 attempt", timeout=10_000)
    shoot(page, shots, "webhook-test-event")


def test_the_404_page_at_both_widths(browser_page, tenant, shots, settings):
    settings.DEBUG = False
    page = browser_page
    browser_login(page, tenant)
    response = page.goto("/videos/0123456789abcdef01234567/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("This page does not exist")
    shoot(page, shots, "404")
