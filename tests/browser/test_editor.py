"""The visual template editor in headless Chromium: a bar dragged on the timeline rewrites the JSON
(its linked follower moves with it), JSON typed in redraws the timeline, the playhead brings the
server's real frame, a box dragged on the stage, undo/redo, the keyboard, an error shown on its
element, the preview clip, axe-core, and the page at 1280 and 390 px."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from conftest import browser_login
from templates_app.models import VideoTemplate
from tests.browser.axe import axe_violations
from tests.browser.test_videos import shoot
from videos.tests.helpers import new_template, upload_media

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCRIPT = {
    "width": 320,
    "height": 240,
    "elements": [
        {"id": "stage", "type": "rectangle", "duration": 4, "color": "#000000"},
        {"id": "box", "type": "rectangle", "play": 1, "duration": 1, "x": 80, "y": 60, "width": 160, "height": 120,
         "color": "#FF0000"},
        {"id": "hello", "type": "text", "text": "Hi $name", "play": "box.end", "duration": 1.5, "y": 180,
         "height": 60, "size": 24, "fadeIn": 0.5},
    ],
}  # fmt: skip

CENTRE_PIXEL = """() => {
    const img = document.getElementById("frame");
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    return Array.from(context.getImageData(img.naturalWidth / 2, img.naturalHeight / 2, 1, 1).data.slice(0, 3));
}"""


def script_of(page) -> dict:
    return json.loads(page.locator("#script-json").input_value())


def element(page, element_id: str) -> dict:
    return next(e for e in script_of(page)["elements"] if e["id"] == element_id)


def set_playhead(page, seconds: float) -> None:
    page.locator("#playhead").evaluate(
        "(input, value) => { input.value = value; input.dispatchEvent(new Event('input')); }", str(seconds)
    )
    frame = int(seconds * 24 + 1e-6)  # the frame of the 24 fps render shown then
    expect(page.locator("#frame")).to_have_attribute("data-time", f"{frame / 24:.3f}")


def is_red(rgb) -> bool:
    return rgb[0] > 200 and rgb[1] < 60 and rgb[2] < 60


def test_visual_editor(browser_page, tenant, rpc, upload, media_samples, tmp_path):
    tid = new_template(rpc, SCRIPT, profiles=("MP4_H264_AAC_320x240_24fps",))["templateID"]
    photo = upload_media(upload, tenant, media_samples, "background.png", "image/png")
    page = browser_page
    browser_login(page, tenant)
    page.goto(f"/templates/{tid}/")
    page.click("#open-editor")
    expect(page.locator("#frame")).to_have_attribute("data-time", "0.000")
    expect(page.locator("#sample-name")).to_have_value("name")  # a $variable gets a sample at once
    assert page.locator(".tl-bar").count() == 3
    expect(page.locator('.tl-bar[data-id="hello"] .link')).to_have_text("⟵ box.end")
    assert page.evaluate(CENTRE_PIXEL) == [0, 0, 0]

    # the playhead brings the rendered frame: the red box is there from 1 s to 2 s only
    set_playhead(page, 1.5)
    assert is_red(page.evaluate(CENTRE_PIXEL))
    shoot(page, tmp_path, "editor")

    # drag the box's bar one second to the right: the JSON follows, and so does the text linked to its end
    page.locator("#timeline").scroll_into_view_if_needed()
    bar = page.locator('.tl-bar[data-id="box"]').bounding_box()
    seconds = page.locator("#ruler").bounding_box()["width"] / 4
    page.mouse.move(bar["x"] + 10, bar["y"] + bar["height"] / 2)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(bar["x"] + 10 + seconds * step / 10, bar["y"] + bar["height"] / 2)
    page.mouse.up()
    assert element(page, "box")["play"] == 2
    assert element(page, "hello")["play"] == "box.end"  # the link is kept
    expect(page.locator('.tl-bar[data-id="hello"]')).to_have_attribute(
        "aria-label", "hello, text, from 3 s to 4.5 s, starts at box.end"
    )
    set_playhead(page, 1.5)
    assert page.evaluate(CENTRE_PIXEL) == [0, 0, 0]
    set_playhead(page, 2.5)
    assert is_red(page.evaluate(CENTRE_PIXEL))

    # typing JSON redraws the timeline
    edited = script_of(page)
    edited["elements"][1]["duration"] = 0.5
    page.fill("#script-json", json.dumps(edited, indent=2))
    expect(page.locator('.tl-bar[data-id="box"]')).to_have_attribute("aria-label", "box, rectangle, from 2 s to 2.5 s")
    expect(page.locator('.tl-bar[data-id="hello"]')).to_have_attribute(
        "aria-label", "hello, text, from 2.5 s to 4 s, starts at box.end"
    )

    # undo and redo, from the keyboard, across the JSON edit and the drag
    page.locator("#time").click()
    page.keyboard.press("Control+z")
    assert element(page, "box")["duration"] == 1
    page.keyboard.press("Control+z")
    assert element(page, "box")["play"] == 1
    page.keyboard.press("Control+Shift+z")
    assert element(page, "box")["play"] == 2
    page.keyboard.press("Control+Shift+z")
    assert element(page, "box")["duration"] == 0.5

    # keyboard on a bar: move, lengthen, delete (and undo the delete)
    page.locator('.tl-bar[data-id="box"]').focus()
    page.keyboard.press("ArrowRight")
    assert element(page, "box")["play"] == 2.1
    expect(page.locator('.tl-bar[data-id="box"]')).to_be_focused()
    page.keyboard.press("Alt+ArrowRight")
    assert element(page, "box")["duration"] == 0.6
    page.keyboard.press("Delete")
    assert [e["id"] for e in script_of(page)["elements"]] == ["stage", "hello"]
    expect(page.locator('.tl-bar[data-id="hello"]')).to_have_class("tl-bar has-error")  # its link is now broken
    expect(page.locator("#status")).to_have_text(
        "1005 The script has a mistake. (element “hello”: play refers to unknown element 'box')"
    )
    shoot(page, tmp_path, "editor-error")
    page.locator("#time").click()
    page.keyboard.press("Control+z")
    assert [e["id"] for e in script_of(page)["elements"]] == ["stage", "box", "hello"]
    expect(page.locator('.tl-bar[data-id="hello"]')).to_have_class("tl-bar")

    # the right edge of a bar changes the duration, and snaps to another element's end (the stage's, at 4 s)
    page.locator("#timeline").scroll_into_view_if_needed()
    bar = page.locator('.tl-bar[data-id="box"]').bounding_box()
    ruler = page.locator("#ruler").bounding_box()
    page.mouse.move(bar["x"] + bar["width"] - 3, bar["y"] + bar["height"] / 2)
    page.mouse.down()
    length = float(page.locator("#playhead").get_attribute("max"))  # the timeline's seconds
    page.mouse.move(ruler["x"] + ruler["width"] * 3.97 / length, bar["y"] + bar["height"] / 2, steps=8)
    page.mouse.up()
    assert element(page, "box")["duration"] == 1.9
    expect(page.locator('.tl-bar[data-id="hello"]')).to_have_attribute(
        "aria-label", "hello, text, from 4 s to 5.5 s, starts at box.end"
    )
    page.locator("#time").click()
    page.keyboard.press("Control+z")
    assert element(page, "box")["duration"] == 0.6

    # the stage: select the box, drag it, nudge it with the arrows
    set_playhead(page, 2.3)
    page.locator("#stage").scroll_into_view_if_needed()
    page.locator('[data-box="box"]').click()
    expect(page.locator("#props-title")).to_have_text("Element “box” (rectangle)")
    box = page.locator('[data-box="box"]').bounding_box()
    scale = 320 / page.locator("#boxes").bounding_box()["width"]
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 40 / scale, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    assert abs(element(page, "box")["x"] - 120) <= 1 and element(page, "box")["y"] == 60
    page.locator('[data-box="box"]').focus()
    page.keyboard.press("Shift+ArrowDown")
    assert element(page, "box")["y"] == 70

    # the properties panel writes the JSON; a wrong value is shown on the element
    page.fill("#prop-color", "#00FF00")
    page.locator("#prop-color").press("Tab")
    assert element(page, "box")["color"] == "#00FF00"
    page.fill("#prop-duration", "-1")
    page.locator("#prop-duration").press("Tab")
    expect(page.locator('[data-element-error="box"]')).to_have_text(
        "1005 The script has a mistake. (element “box”: duration out of range)"
    )
    expect(page.locator('.tl-bar[data-id="box"]')).to_have_class("tl-bar selected has-error")
    page.locator("#time").click()
    page.keyboard.press("Control+z")
    expect(page.locator('[data-element-error="box"]')).to_have_count(0)
    set_playhead(page, 2.3)
    assert page.evaluate(CENTRE_PIXEL)[1] > 200  # green now

    # a sample value is drawn in the frame; the preview clip plays on the page
    page.fill("#sample-name", "Ana")
    set_playhead(page, 3.0)
    page.click("#preview-clip")
    expect(page.locator("#status")).to_have_text("Preview clip ready.", timeout=30000)
    duration = page.locator("#clip-player").evaluate(
        "video => new Promise(resolve => video.readyState >= 1 ? resolve(video.duration)"
        " : video.addEventListener('loadedmetadata', () => resolve(video.duration)))"
    )
    assert abs(duration - 4.0) < 0.25  # the AAC track ends on its last whole frame

    # an image from the library, picked by its thumbnail, drawn in the frame
    page.click('[data-add="image"]')
    picked = page.locator(f'#props [data-source="{photo}"]')
    expect(picked).to_have_attribute("aria-pressed", "true")  # the library's first image
    assert element(page, "image1")["source"] == {"mediaID": photo} and element(page, "image1")["play"] == 3
    set_playhead(page, 3.5)  # the check is back: the panel is drawn for good
    # One evaluate: the panel may be redrawn meanwhile, and a detached thumbnail still decodes.
    thumbnail_width = "img => { img.scrollIntoView({block: 'nearest'}); return img.decode().then(() => img.naturalWidth); }"
    assert picked.locator("img").evaluate(thumbnail_width) == 320
    centre = page.evaluate(CENTRE_PIXEL)  # background.png (30, 60, 160) covers the canvas, through yuv420p
    assert all(abs(a - b) <= 4 for a, b in zip(centre, (30, 60, 160), strict=True)), centre

    script = page.locator("#script-json").input_value()
    page.fill("#script-json", script[:-5])  # half typed
    expect(page.locator("#json-error")).to_contain_text("Not valid JSON yet")
    page.click("#save")
    expect(page.locator("#status")).to_have_text("The JSON does not parse yet: fix it first.")
    page.fill("#script-json", script)
    page.click("#save")
    expect(page.locator("#status")).to_have_text("Saved.")
    saved = VideoTemplate.objects.for_account(tenant.account).get(public_id=tid).input_scripts
    assert saved == script_of(page)
    shoot(page, tmp_path, "editor-edited")
    assert axe_violations(page, ("serious", "critical")) == []
