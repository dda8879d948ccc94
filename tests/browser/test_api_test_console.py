"""API Test in headless Chromium: Execute works at once with the session's console key,
"Copy as cURL" gives a command that runs (its placeholder replaced by a key), and calls
with the secret field emptied leave no django-axes failure records."""

import json
import re
import subprocess

import pytest
from axes.models import AccessAttempt
from playwright.sync_api import expect

from conftest import browser_login
from tests.snippet_runner import missing_tool

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_console_key_and_copy_as_curl(chromium, live_server, tenant, tmp_path, width):
    context = chromium.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    browser_login(page, tenant)
    page.goto("/api-test/")
    page.wait_for_selector("#method option[value=Account_Get]", state="attached")
    page.select_option("#method", "Account_Get")
    page.click("#execute")  # nothing pasted: the console key is in the field
    expect(page.locator("#response-pane")).to_have_text(re.compile(r"^HTTP 200"))
    assert '"accountID": "' + tenant.account_id in page.locator("#response-pane").inner_text()

    page.click("#copy-curl")
    command = page.locator("#curl-pane").inner_text()
    assert "YOUR_ACCOUNT_SECRET" in command and "psk_" not in command
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=tmp_path / f"api-test-{width}.png", full_page=True)
    context.close()
    if missing_tool("curl"):
        pytest.skip("curl is not installed")
    done = subprocess.run(
        ["sh", "-c", command.replace("YOUR_ACCOUNT_SECRET", tenant.key)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"]["accountID"] == tenant.account_id


def test_revoked_console_key_and_empty_secret_count_nothing(browser_page, tenant, settings):
    page = browser_page
    browser_login(page, tenant)
    page.goto("/api-test/")
    page.click("#console-revoke")
    expect(page.locator("[data-console-key]")).to_contain_text("No console key")
    assert page.input_value("#account-secret") == ""
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        page.click("#execute")
        expect(page.locator("#response-pane")).to_contain_text('"code": 1018')
        page.locator("#response-pane").evaluate("pane => pane.textContent = ''")
    assert not AccessAttempt.objects.exists()
    page.fill("#account-secret", tenant.key)
    page.click("#execute")
    expect(page.locator("#response-pane")).to_have_text(re.compile(r"^HTTP 200"))
