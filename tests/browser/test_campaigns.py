"""The campaign wizard in headless Chromium: template → audience (live count, three recipients) →
mapping (a wrong column shown in place) → mode; then the campaign page's live progress and links."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign
from campaigns.tests.conftest import make_users, make_video_template
from conftest import RpcCaller, browser_login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"


def test_wizard_creates_a_campaign_and_shows_its_progress(browser_page, client, tenant, run_jobs):
    page = browser_page
    template_id = make_video_template(RpcCaller(client, tenant))
    make_users(tenant.account)
    browser_login(page, tenant)
    page.goto("/campaigns/")
    page.click("text=New campaign")

    page.click("[data-next]")
    assert page.locator('[data-error="templateId"]').inner_text() == "Choose a template."
    page.select_option("#c-template", template_id)
    page.click("[data-next]")

    page.fill("#c-where", "country=ES")
    expect(page.locator("[data-count]").first).to_have_text("3")
    page.fill("#c-where", "nope=1")
    page.wait_for_selector('[data-error="audience"]:not([hidden])')
    assert 'Unknown column "nope"' in page.locator('[data-error="audience"]').inner_text()
    page.fill("#c-where", "country=ES")
    expect(page.locator("[data-count]").first).to_have_text("3")
    page.click("[data-next]")

    mapping = page.locator("#map-name")
    assert mapping.input_value() == 'first_name|"friend"'  # guessed from the columns
    mapping.fill("firstname")
    page.wait_for_selector("[data-mapping] .field-error:not([hidden])")
    assert page.locator("[data-mapping] .field-error").inner_text() == "No such column: firstname"
    mapping.fill('first_name|"friend"')
    expect(page.locator("[data-mapped] tbody").first).to_contain_text("friend")
    assert page.locator("[data-mapped] tbody").inner_text().split() == [
        "ana@example.com", "Ana", "bruno@example.com", "Bruno", "carla@example.com", "friend",
    ]  # fmt: skip
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "campaign-wizard-mapping.png", full_page=True)
    page.click("[data-next]")

    page.fill("#c-name", "Spring greetings")
    page.click("[data-create]")
    page.wait_for_url(re.compile(r".*/campaigns/[0-9a-f]{24}/$"))
    campaign = Campaign.objects.for_account(tenant.account).get()
    assert (campaign.name, campaign.mode, campaign.fields) == (
        "Spring greetings",
        "render",
        {"name": 'first_name|"friend"'},
    )

    run_jobs("default", "render")
    # The page follows the progress, then reloads itself once to show the final table.
    expect(page.locator("[data-progress-url]").first).to_have_attribute("data-running", "0", timeout=20000)
    assert page.locator("[data-stat=status]").inner_text() == "done"
    assert page.locator("[data-stat=done]").inner_text() == "3"
    assert page.locator("tbody tr").count() == 3
    links = page.locator(".link-cell a")
    assert all("/c/" in links.nth(i).get_attribute("href") for i in range(3))
    page.screenshot(path=SCREENSHOTS / "campaign-detail.png", full_page=True)
    page.select_option("select[name=status]", "error")
    page.click(".listing-controls button[type=submit]")
    assert page.locator("tbody").inner_text().strip() == "No recipients with status error."
