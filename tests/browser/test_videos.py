"""Media, template editor and video player in headless Chromium: upload through the
dashboard, write a template (an error shown in place first), render a test video,
run its render job and play the MP4 (H.264/AAC) in the page's <video>."""

import json

import pytest

from conftest import browser_login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PROFILE = "MP4_H264_AAC_426x240_24fps"
SCRIPT = {
    "width": 426,
    "height": 240,
    "inputs": [{"inputID": "photo", "type": "image"}],
    "elements": [
        {"id": "back", "type": "image", "source": {"input": "photo"}, "duration": 2, "fadeIn": 0.5},
        {"id": "hello", "type": "text", "text": "Hello $name", "play": "back.start + 0.25", "duration": 1.75},
    ],
}


def shoot(page, path, name: str) -> None:
    """Full-page screenshots at laptop and phone widths; the phone one must not scroll sideways."""
    page.set_viewport_size({"width": 1280, "height": 860})
    page.screenshot(path=path / f"{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=path / f"{name}-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    page.set_viewport_size({"width": 1280, "height": 860})


def test_upload_template_render_and_play(browser_page, tenant, media_samples, run_jobs, tmp_path):
    page = browser_page
    browser_login(page, tenant)

    page.goto("/media/")
    page.set_input_files("#file", str(media_samples / "photo.jpg"))
    page.wait_for_selector(".filename:text('photo.jpg')")
    row = page.locator("tr[data-media]").first
    media_id = row.get_attribute("data-media")
    assert row.locator(".preview img").evaluate("img => img.decode().then(() => img.naturalWidth)") == 64
    shoot(page, tmp_path, "media")

    page.goto("/templates/")
    page.click("text=New template")
    page.fill("#id_name", "Greeting")
    broken = {**SCRIPT, "elements": [SCRIPT["elements"][0], {**SCRIPT["elements"][1], "play": "intro.end"}]}
    page.fill("#id_input_scripts", json.dumps(broken, indent=2))
    page.uncheck("input[value=MP4_H264_AAC_640x480_24fps]")
    page.check(f"input[value={PROFILE}]")
    page.click("#template-form button[type=submit]")
    error = page.locator("[data-field-error=input_scripts]")
    assert (
        error.inner_text() == "The script has a mistake. (element “hello”: play refers to unknown element 'intro') 1005"
    )
    shoot(page, tmp_path, "template-error")

    page.fill("#id_input_scripts", json.dumps(SCRIPT, indent=2))
    page.click("#template-form button[type=submit]")
    page.wait_for_selector("[data-secret-notice]")
    assert len(page.locator("#template-secret").inner_text()) >= 20
    shoot(page, tmp_path, "template-created")

    page.fill("#id_render-video_name", "For Ana")
    page.fill("#id_render-input_name", "Ana")
    page.select_option("#id_render-input_photo", media_id)
    page.click("#render-form button[type=submit]")
    page.wait_for_url("**/videos/*/")
    assert page.locator("[data-status]").get_attribute("data-status") == "queued"
    shoot(page, tmp_path, "video-queued")

    run_jobs("render")
    page.wait_for_selector("#player", timeout=15000)  # the page polls its status and reloads
    shoot(page, tmp_path, "video-done")
    playback = page.evaluate(
        """async () => {
            const video = document.querySelector("#player");
            video.muted = true;
            await video.play();
            const ready = video.readyState;
            await new Promise(resolve => setTimeout(resolve, 700));
            return {ready, time: video.currentTime, duration: video.duration, error: video.error && video.error.code,
                    width: video.videoWidth, height: video.videoHeight};
        }"""
    )
    assert playback["error"] is None
    assert playback["ready"] >= 2 and playback["time"] > 0
    assert abs(playback["duration"] - 2.0) < 0.1
    assert (playback["width"], playback["height"]) == (426, 240)


def test_delete_media_in_use_shows_1008(browser_page, tenant, rpc, upload, media_samples, tmp_path):
    response = upload(tenant, media_samples / "bed.wav", "audio/wav", HTTP_X_SZN_FILENAME="bed.wav")
    bed = response.json()["mediaID"]
    rpc(
        "Template_New",
        {
            "name": "Bed",
            "outProfiles": [PROFILE],
            "inputScripts": {"elements": [{"id": "bed", "type": "audio", "duration": 1, "source": {"mediaID": bed}}]},
        },
    )
    page = browser_page
    browser_login(page, tenant)
    page.goto("/media/")
    page.click(f"tr[data-media='{bed}'] >> text=Delete")
    shoot(page, tmp_path, "media-delete")
    page.click("#confirm-delete")
    assert "so it cannot be deleted" in page.locator(".flash").inner_text()
    assert page.locator(".flash .error-code").inner_text() == "1008"
    assert page.locator(f"tr[data-media='{bed}']").count() == 1
    page.goto("/templates/")
    shoot(page, tmp_path, "templates")
    page.goto("/videos/")
    shoot(page, tmp_path, "videos")
