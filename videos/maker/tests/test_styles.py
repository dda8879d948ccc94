"""The project → script compiler on its own: every style gives a valid script of the expected length."""

from __future__ import annotations

import pytest

from templates_app.scripts import parse_script, resolve_timeline, substitute
from videos.maker.styles import STYLES, Frame, Music, compose, total_seconds

FRAMES = [
    Frame(kind="image", text="Day one", media_id="p1", width=64, height=48),
    Frame(kind="title", text="Then it rained"),
    Frame(kind="video", text="Costs $5", media_id="c1", width=160, height=120, media_s=2.5),
    Frame(kind="image", media_id="p2", width=320, height=240, duration_s=4),
]
CREDIT = [["Camera", "Ana"], ["Music", "Bo"], ["Edit", "Cy"]]


@pytest.mark.parametrize("name", list(STYLES))
def test_every_style_compiles_to_a_valid_script(name):
    style = STYLES[name]
    script = parse_script(compose(name="Trip", style=style, frames=FRAMES, music=Music("m1"), credit=CREDIT))
    timeline = resolve_timeline(script, {})
    expected = total_seconds(name="Trip", style=style, frames=FRAMES, credit=CREDIT)
    assert timeline.duration == pytest.approx(expected)
    assert expected == pytest.approx(2 + style.frame_s * 2 + 2.5 + 4 + 2.25)
    assert script.media_ids() == {"p1", "c1", "p2", "m1"}
    assert script.background == style.background
    music = script.element("music")
    assert music.type == "audio" and music.duration == pytest.approx(expected)
    # back to back: every frame starts where the previous one ends
    frames = [i for i in timeline.items if i.element.id.startswith(("frame", "card", "title_0", "credit_0"))]
    for before, after in zip(frames, frames[1:], strict=False):
        assert after.start == pytest.approx(before.end)


def test_captions_are_literal_and_media_keeps_its_aspect():
    script = parse_script(compose(name="", style=STYLES["clean"], frames=FRAMES, music=None, credit=[]))
    caption = script.element("caption2")
    assert substitute(caption.text, {}) == "Costs $5"
    photo = script.element("frame0")  # 64x48 (4:3) in the 640x360 canvas: 480x360, centred
    assert (photo.x, photo.y, photo.width, photo.height) == (80, 0, 480, 360)
    assert "music" not in {e.id for e in script.elements}
    assert not any(e.id.startswith("title") for e in script.elements)


def test_cinematic_draws_bars_under_the_caption_and_bold_cuts():
    script = parse_script(compose(name="T", style=STYLES["cinematic"], frames=FRAMES[:1], music=None, credit=[]))
    order = [e.id for e in script.elements]
    assert order.index("frame0") < order.index("bar0_bottom") < order.index("caption0")
    bold = parse_script(compose(name="T", style=STYLES["bold"], frames=FRAMES[:1], music=None, credit=[]))
    assert bold.element("frame0").fade_in == 0 and bold.element("band0").type == "rectangle"
    assert bold.element("frame0").zoom == 1 and script.element("frame0").zoom == STYLES["cinematic"].zoom > 1
