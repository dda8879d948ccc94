"""A video template's code to copy in headless Chromium, at 1280 and 390 px: the tabs, the
copy button, and long lines scrolling inside the code block rather than widening the page."""

import pytest
from playwright.sync_api import expect

from conftest import browser_login
from videos.tests.helpers import greeting_script, new_template

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_video_template_snippets(chromium, live_server, tenant, rpc, tmp_path, width):
    template = new_template(rpc, greeting_script())
    context = chromium.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    browser_login(page, tenant)
    page.goto(f"/templates/{template['templateID']}/")
    card = page.locator("[data-snippets]")
    card.locator("[role=tab]", has_text="JavaScript").click()
    panel = card.locator("[data-snippet=javascript]")
    expect(panel).to_be_visible()
    panel.locator(".snippet-copy").click()
    expect(panel.locator(".snippet-copy")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Template_Video_New" in copied and template["templateID"] in copied
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    card.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / f"video-template-{width}.png", full_page=True)
    context.close()
