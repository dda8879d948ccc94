"""Documents from the dashboard in headless Chromium: Generate on a template's page, the
request page that follows the render without a reload and opens the result, preview zoom,
the Requests table refreshing itself, the code-to-copy tabs; at 1280 and 390 px."""

import re

import pytest
from playwright.sync_api import expect

from conftest import browser_login
from documents import services
from documents.tests.conftest import SEED_FIELDS, SEED_HTML

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def template(tenant):
    return services.template_create(
        account=tenant.account,
        name="Certificate",
        html=SEED_HTML.replace('<img src="logo.png" width="120" height="40">', ""),
        fields=SEED_FIELDS,
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_generate_png_then_zoom(chromium, live_server, tenant, template, run_jobs, tmp_path, width):
    context = chromium.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    browser_login(page, tenant)
    page.goto(f"/documents/templates/{template.template_id}/")
    assert page.input_value("#gen-field-0") == "Ada"
    page.screenshot(path=tmp_path / f"template-{width}.png", full_page=True)
    page.fill("#gen-field-0", "Grace")
    page.select_option("#gen-format", "PNG")
    page.click("#generate-form button[type=submit]")
    page.wait_for_url(re.compile(r"/documents/requests/[0-9a-f-]+/$"))
    expect(page.locator("#request-status")).to_have_text("InProgress")
    run_jobs("documents")  # the page long-polls and shows the pages once they exist, no reload by hand
    image = page.locator("[data-zoom] img")
    expect(image).to_have_count(1, timeout=20_000)
    expect(image).to_have_js_property("complete", True)  # (no wait_for_function: the page's CSP forbids eval)
    assert image.evaluate("img => img.naturalWidth") > 0
    fitted = image.bounding_box()["width"]
    page.click("[data-zoom-step='25']")
    expect(page.locator("[data-zoom-level]")).to_have_text(re.compile(r"^\d+ %$"))
    assert image.bounding_box()["width"] > fitted
    page.click("[data-zoom-fit]")
    assert image.bounding_box()["width"] == pytest.approx(fitted, abs=1)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=tmp_path / f"request-{width}.png", full_page=True)
    context.close()


def test_pdf_opens_when_ready_and_the_list_follows(browser_page, tenant, template, run_jobs):
    page = browser_page
    browser_login(page, tenant)
    waiting = services.content_request_create(account=tenant.account, template=template, fields={"First Name": "Li"})
    page.goto("/documents/")
    row = page.locator(f"#request-rows tr:has(a[href='/documents/requests/{waiting.request_id}/'])")
    expect(row.locator(".pill")).to_have_text("InProgress")
    run_jobs("documents")
    expect(row.locator(".pill")).to_have_text("Completed", timeout=10_000)  # the table refreshed itself
    expect(row.locator("a", has_text="download")).to_have_count(1)

    page.goto(f"/documents/templates/{template.template_id}/")
    page.click("#generate-form button[type=submit]")
    page.wait_for_url(re.compile(r"/documents/requests/[0-9a-f-]+/$"))
    run_jobs("documents")
    page.wait_for_url(re.compile(r"/v1/files/"), timeout=20_000)  # the PDF opened by itself


def test_code_tabs_switch_with_mouse_and_keys(browser_page, tenant, template):
    page = browser_page
    browser_login(page, tenant)
    page.goto(f"/documents/templates/{template.template_id}/")
    card = page.locator("[data-snippets]")
    expect(card.locator("[data-snippet=curl]")).to_be_visible()
    card.locator("[role=tab]", has_text="Python").click()
    expect(card.locator("[data-snippet=python]")).to_be_visible()
    expect(card.locator("[data-snippet=curl]")).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(card.locator("[data-snippet=javascript]")).to_be_visible()
    assert page.evaluate("document.activeElement.textContent") == "JavaScript"
