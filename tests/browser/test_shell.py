"""The dashboard shell in headless Chromium: log in, see the overview, run
Account_Get from the API Test page, and the phone layout."""

import json
import re

import pytest
from playwright.sync_api import expect

from conftest import browser_login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_login_overview_and_api_test(browser_page, tenant, tmp_path):
    page = browser_page
    browser_login(page, tenant)
    assert page.locator("h1").inner_text() == tenant.account.name
    assert page.locator(".meter").count() >= 3
    page.screenshot(path=tmp_path / "overview.png", full_page=True)

    page.click("text=API Test")
    page.wait_for_selector("#method option[value=Account_Get]", state="attached")
    assert page.input_value("#account-id") == tenant.account_id
    page.fill("#account-secret", tenant.key)
    page.select_option("#method", "Account_Get")
    page.click("#execute")
    expect(page.locator("#response-pane")).to_have_text(re.compile(r"^HTTP 200"))
    request_text = page.locator("#request-pane").inner_text()
    assert '"method": "PirsonalAPI.Account_Get"' in request_text and tenant.key not in request_text
    response_text = page.locator("#response-pane").inner_text()
    answer = json.loads(response_text.split("\n", 2)[2])
    assert answer["result"]["accountID"] == tenant.account_id


def test_wrong_secret_shows_the_seed_error(browser_page, tenant):
    page = browser_page
    browser_login(page, tenant)
    page.goto("/api-test/")
    page.fill("#account-secret", "psk_nope_nope")
    page.click("#execute")
    expect(page.locator("#response-pane")).to_have_text(re.compile(r"^HTTP"))
    assert '"code": 1018' in page.locator("#response-pane").inner_text()


def test_phone_layout_has_a_menu_button(chromium, live_server, tenant):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url, is_mobile=True)
    page = context.new_page()
    browser_login(page, tenant)
    nav = page.locator("#mainnav")
    assert not nav.is_visible()
    page.click("[data-menu-toggle]")
    assert nav.is_visible()
    # nothing overflows the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
