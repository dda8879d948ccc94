"""The player page /p/<token> in headless Chromium at phone size: poster, a CTA that appears at
its start and vanishes at its end, a click that is counted and then navigates, a watch to the
end counted as 100 %, axe-core's WCAG 2 A/AA rules, the revoked page, and a video still
rendering that swaps in the player without a reload."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from conftest import browser_login
from tests.browser.axe import axe_violations
from tests.browser.test_videos import shoot
from videos.player import stats
from videos.tests.test_player import PHONE_UA, beacon, cta_script, make_video, path_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "user_agent": PHONE_UA}


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, **PHONE)
    yield context.new_page()
    context.close()


def wait_for_stats(rpc, video_id: str, **expected) -> dict:
    """Beacons travel asynchronously: read the stats until they show what the page sent."""
    for _ in range(100):
        result = rpc("Video_Get_Stats", video_id)
        if all(result[k] == v for k, v in expected.items()):
            return result
        time.sleep(0.1)
    raise AssertionError(f"stats never reached {expected}: {result}")


def test_play_cta_timing_click_and_completion_on_a_phone(
    phone, rpc, run_jobs, django_capture_on_commit_callbacks, live_server, tmp_path
):
    target = f"{live_server.url}/healthz"
    video = make_video(rpc, run_jobs, django_capture_on_commit_callbacks, script=cta_script(url=target))
    page_path = path_of(rpc("Video_Get_Page", video["id"])["url"])
    page = phone
    response = page.goto(page_path)
    assert response.status == 200 and "set-cookie" not in response.headers
    assert page.title() == "For Ana"
    player = page.locator("#player")
    assert player.get_attribute("poster").endswith("/files/poster")
    cta = page.locator("[data-cta=buy]")
    assert cta.is_hidden()
    assert axe_violations(page) == []

    # Watch to the end: the button shows from 0.5 s to 1.5 s only.
    seen = page.evaluate(
        """async () => {
            const video = document.querySelector("#player");
            const cta = document.querySelector("[data-cta=buy]");
            const shown = [];
            cta.hidden || shown.push(-1);
            new MutationObserver(() => shown.push([cta.hidden, video.currentTime]))
                .observe(cta, {attributes: true, attributeFilter: ["hidden"]});
            video.muted = true;
            await video.play();
            await new Promise(resolve => video.addEventListener("ended", resolve, {once: true}));
            return {shown, hiddenAtEnd: cta.hidden, duration: video.duration};
        }"""
    )
    assert seen["hiddenAtEnd"] is True and abs(seen["duration"] - 2.0) < 0.1
    (hidden_at_start, appeared), (hidden_at_end, vanished) = seen["shown"]
    assert (hidden_at_start, hidden_at_end) == (False, True)
    assert 0.5 <= appeared < 1.0 and 1.5 <= vanished <= 2.1
    wait_for_stats(rpc, video["id"], views=1, plays=1, completions=1)

    # Back to the button's time: it is a real link; its click is counted, then the browser follows it.
    page.evaluate("document.querySelector('#player').currentTime = 0.9")
    cta.wait_for(state="visible")
    assert cta.inner_text() == "Buy now, Ana"
    assert axe_violations(page) == []
    page.screenshot(path=str(tmp_path / "player-phone-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = cta.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a thumb-sized target
    cta.click()
    page.wait_for_url(target)
    result = wait_for_stats(rpc, video["id"], ctaClicks=1)
    assert result["retention"][-1] == {"percent": 100, "viewers": 1}
    assert result["ctas"] == [{"id": "buy", "label": "Buy now, Ana", "clicks": 1, "clickThrough": 1.0}]

    rpc("Video_Revoke_Page", video["id"])
    gone = page.goto(page_path)
    assert gone.status == 404
    assert page.locator("h1").inner_text() == "This video is not available"
    stats.stats_flush()


def test_a_video_still_rendering_swaps_in_the_player_without_a_reload(
    phone, rpc, run_jobs, django_capture_on_commit_callbacks, tmp_path
):
    video = make_video(rpc, run_jobs, django_capture_on_commit_callbacks, render=False)
    page = phone
    page.goto(path_of(rpc("Video_Get_Page", video["id"])["url"]))
    assert "being prepared" in page.locator("[role=status]").inner_text()
    page.screenshot(path=str(tmp_path / "player-rendering-390.png"), full_page=True)
    page.evaluate("window.sameDocument = true")
    run_jobs("render")
    page.wait_for_selector("#player", timeout=20000)
    assert page.evaluate("window.sameDocument") is True
    played = page.evaluate(
        """async () => {
            const video = document.querySelector("#player");
            video.muted = true;
            await video.play();
            for (let waited = 0; video.currentTime === 0 && waited < 10000; waited += 100) {
                await new Promise(resolve => setTimeout(resolve, 100));
            }
            return video.currentTime;
        }"""
    )
    assert played > 0
    wait_for_stats(rpc, video["id"], views=1, plays=1)


def test_dashboard_analytics_pages(browser_page, tenant, rpc, run_jobs, django_capture_on_commit_callbacks, tmp_path):
    video = make_video(rpc, run_jobs, django_capture_on_commit_callbacks)
    page_path = path_of(rpc("Video_Get_Page", video["id"])["url"])
    for index in range(4):
        events = [{"e": "view"}, {"e": "play"}, {"e": "q25"}, {"e": "q50"}] + [{"e": "q75"}, {"e": "q100"}] * (
            index % 2
        )
        beacon(Client(), page_path, *events, ip=f"203.0.113.{index}")
    beacon(Client(), page_path, {"e": "view"}, {"e": "cta", "id": "buy"})
    page = browser_page
    browser_login(page, tenant)
    page.goto(f"/videos/{video['id']}/player/")
    assert page.locator("[data-stat=views]").inner_text() == "5"
    assert page.locator("svg.chart").count() == 2
    shoot(page, tmp_path, "player-video-stats")
    page.goto(f"/templates/{video['templateID']}/player/")
    assert page.locator("[data-stat=plays]").inner_text() == "4"
    shoot(page, tmp_path, "player-template-stats")
