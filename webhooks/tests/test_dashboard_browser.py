"""The Webhooks pages in headless Chromium at desktop and phone widths.

Screenshots go to $SCREENSHOT_DIR (default: the test run's temporary folder)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from webhooks import services
from webhooks.tests.conftest import TEMPLATE_ID, VIDEO

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_webhooks_pages_render_at_desktop_and_phone_width(chromium, live_server, tenant, receiver):
    out = Path(os.environ.get("SCREENSHOT_DIR", settings.TEST_TMP / "screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    hook = services.webhook_create(account=tenant.account, template_id=TEMPLATE_ID, url=receiver.url("/videos"))
    services.webhook_create(account=tenant.account, url=receiver.url("/documents"))
    receiver.answers["/videos"] = [(500, {}), (200, {})]
    [delivery] = services.event_emit(account=tenant.account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    services.event_emit(account=tenant.account, event="video.error", payload=VIDEO, template_id=TEMPLATE_ID)
    services.delivery_send_due()

    for width in (1280, 390):
        page = chromium.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=email]", tenant.user.email)
        page.fill("input[name=password]", tenant.password)
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/webhooks/")
        assert page.locator("text=Your webhooks").is_visible()
        page.screenshot(path=str(out / f"webhooks-{width}.png"), full_page=True)
        page.goto(f"{live_server.url}/webhooks/{hook.public_id}/")
        page.locator("details.delivery summary").first.click()
        assert page.locator("text=Send again").first.is_visible()
        page.screenshot(path=str(out / f"webhook-detail-{width}.png"), full_page=True)
        # no horizontal scrolling of the page itself
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        page.click("text=Send again")
        assert (
            page.locator(f"text=Delivery {delivery.msg_id} queued").is_visible()
            or page.locator(".flash").first.is_visible()
        )
        page.close()
