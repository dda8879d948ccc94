"""The Video maker page in headless Chromium: build a project, see a refusal in place, render, play, share."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import browser_login
from videos.models import Project

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_make_render_play_and_share(browser_page, tenant, library, run_jobs, tmp_path):
    page = browser_page
    browser_login(page, tenant)
    page.goto("/maker/")
    page.fill("#new-name", "Holiday")
    page.click("#new-project button[type=submit]")
    page.wait_for_selector("#editor:not([hidden])")
    assert page.locator("#status").get_attribute("data-status") == "initial"
    previews = page.locator(".style-card img")
    assert previews.count() == 4
    previews.first.scroll_into_view_if_needed()
    for image in page.locator(".style-card img").all():  # (wait_for_function's eval is refused by the CSP)
        expect(image).not_to_have_js_property("naturalWidth", 0)
    assert previews.first.evaluate("img => img.naturalWidth") == 640

    page.click("label.style-card:has(input[value=cinematic])")
    page.click(f"[data-add='{library['photo']}']")
    page.click(f"[data-add='{library['png']}']")
    page.fill("#frames li:nth-child(1) input", "Day one")
    page.fill("#frames li:nth-child(2) input", "Sunset")
    page.locator("#frames li:nth-child(2)").drag_to(page.locator("#frames li:nth-child(1)"))
    assert page.locator("#frames li:nth-child(1) input").input_value() == "Sunset"
    page.click("#add-credit")
    page.fill(".credit-key", "Camera")
    page.fill(".credit-value", "Ana")
    page.select_option("#quality", "480")

    page.click("#render")  # no music yet: the refusal shows next to the frames
    error = page.locator("[data-error-for=assets]")
    error.wait_for()
    expect(page.locator("[data-error-for=assets]")).not_to_have_text("")
    assert error.inner_text().startswith("7402 Music not defined")
    page.screenshot(path=tmp_path / "maker-refusal.png", full_page=True)

    page.select_option("#music", library["bed"])
    page.click("#render")
    page.wait_for_selector("#status[data-status=rendering]")
    project = Project.objects.for_account(tenant.account).get()
    assert [a.get("asset_id") for a in project.assets] == [library["png"], library["photo"], library["bed"]]
    assert project.assets[0]["text"] == "Sunset" and project.credit == [["Camera", "Ana"]]

    run_jobs("render")
    page.wait_for_selector("#result:not([hidden])", timeout=20000)  # the page polls until published
    assert page.locator("#status").get_attribute("data-status") == "published"
    link = page.locator("#public-link").input_value()
    assert f"/v/{project.public_id}/holiday.mp4?q=480" in link
    playback = page.evaluate(
        """async () => {
            const video = document.querySelector("#maker-player");
            video.muted = true;
            await video.play();
            await new Promise(resolve => setTimeout(resolve, 500));
            return {time: video.currentTime, error: video.error && video.error.code, height: video.videoHeight};
        }"""
    )
    assert playback["error"] is None and playback["time"] > 0 and playback["height"] == 480
    page.click("#copy-link")
    assert page.locator("#copy-link").inner_text() == "Copied"
    page.screenshot(path=tmp_path / "maker-published.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=tmp_path / "maker-phone.png", full_page=True)
    print(f"screenshots in {tmp_path}")
