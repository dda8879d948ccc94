"""The overview in headless Chromium: the usage history's SVG charts, the first-steps
panel of a new account, at laptop and phone widths (screenshots kept under ``tmp_path``)."""

import pytest

from accounts import services
from conftest import browser_login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_usage_history_and_first_steps(chromium, live_server, tenant, tmp_path, width):
    services.usage_count(account=tenant.account, renders=2, documents=5)
    services.credits_charge(account=tenant.account, amount=7)
    context = chromium.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    browser_login(page, tenant)
    steps = page.locator("[data-first-steps] li")
    assert steps.count() == 4 and page.locator("[data-first-steps] li.done").count() == 0
    chart = page.locator('[data-chart="documents"] svg')
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 60
    assert page.locator('[data-chart="credits"] rect title').last.text_content().endswith(": 7 credits")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("text=90 days")
    assert page.locator('[data-chart="renders"] rect').count() == 90
    page.screenshot(path=tmp_path / f"overview-{width}.png", full_page=True)
    context.close()
