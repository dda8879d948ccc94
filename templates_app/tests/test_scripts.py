import json
import re
from pathlib import Path

import pytest

from core import errors
from templates_app.scripts import Play, parse_script, resolve_timeline, substitute


def script(*elements, **extra):
    return {"inputs": [{"inputID": "photo", "type": "image"}], "elements": list(elements), **extra}


INTRO = {"id": "intro", "type": "video", "source": {"mediaID": "m-intro"}}
HELLO = {"id": "hello", "type": "text", "text": "Hello $name, from $city", "duration": 2, "play": "intro.end - 0.5"}
PHOTO = {"id": "pic", "type": "image", "source": {"input": "photo"}, "duration": 3, "play": "hello.start + 1"}
MUSIC = {"id": "music", "type": "audio", "source": {"mediaID": "m-song"}, "volume": 0.5, "fadeOut": 1}


def raises(entry, raw):
    with pytest.raises(errors.AppError) as info:
        parse_script(raw)
    assert info.value.entry is entry, info.value.data
    return info.value


def test_parse_full_script():
    parsed = parse_script(script(INTRO, HELLO, PHOTO, MUSIC, width=1280, height=720, background="#112233"))
    assert [i.id for i in parsed.inputs] == ["photo"]
    assert parsed.media_ids() == {"m-intro", "m-song"}
    assert parsed.variables() == {"name", "city"}
    assert parsed.object_count() == 4
    assert (parsed.width, parsed.height, parsed.background) == (1280, 720, "#112233")
    hello = parsed.element("hello")
    assert hello.play == Play(offset=-0.5, ref="intro", anchor="end")
    assert hello.font == "DejaVu Sans" and hello.color == "#FFFFFF"
    assert parsed.element("music").volume == 0.5


def test_parse_json_string():
    parsed = parse_script(json.dumps(script(HELLO | {"play": 0})))
    assert parsed.elements[0].text == "Hello $name, from $city"


def test_resolve_timeline_follows_references():
    parsed = parse_script(script(INTRO, HELLO, PHOTO, MUSIC))
    timeline = resolve_timeline(parsed, {"intro": 4.0, "m-song": 10.0})
    times = {i.element.id: (i.start, i.end) for i in timeline.items}
    assert times == {"intro": (0, 4), "hello": (3.5, 5.5), "pic": (4.5, 7.5), "music": (0, 10)}
    assert timeline.duration == 10
    assert [i.element.id for i in timeline.items] == ["intro", "hello", "pic", "music"]


def test_explicit_duration_wins_over_media_length():
    parsed = parse_script(script(INTRO | {"duration": 1.5}))
    assert resolve_timeline(parsed, {"intro": 9}).duration == 1.5


def test_unknown_media_length_at_resolve_time():
    parsed = parse_script(script(INTRO, HELLO))
    with pytest.raises(errors.AppError) as info:
        resolve_timeline(parsed, {})
    assert info.value.entry is errors.BAD_SCRIPT
    assert info.value.data["element"] == "intro"


def test_substitute():
    assert substitute("Hi $name, it costs $$5", {"name": "José Ñúñez"}) == "Hi José Ñúñez, it costs $5"
    with pytest.raises(errors.AppError) as info:
        substitute("$a and $b", {"a": "x"})
    assert info.value.entry is errors.VARIABLES_UNDEFINED and info.value.data == ["b"]


def test_ctas_listed_for_the_player():
    cta = {"id": "buy", "type": "cta", "text": "Buy", "url": "https://example.com", "play": 1, "duration": 2}
    timeline = resolve_timeline(parse_script(script(cta)), {})
    assert timeline.ctas() == [
        {
            "id": "buy",
            "start": 1.0,
            "end": 3.0,
            "text": "Buy",
            "url": "https://example.com",
            "font": "DejaVu Sans",
            "size": 32,
            "color": "#FFFFFF",
            "background": "#000000AA",
        }
    ]


@pytest.mark.parametrize(
    ("raw", "element", "reason"),
    [
        ("{not json", None, "invalid JSON"),
        ("[1, 2]", None, "JSON object"),
        (script(HELLO, foo=1), None, "unknown field"),
        (script({"id": "1bad", "type": "text", "text": "x", "duration": 1}), "#0", "id must"),
        (script({"id": "a", "type": "sparkles", "duration": 1}), "a", "unknown type"),
        (script({"id": "a", "type": "text", "text": "x", "duration": 1, "colour": "#FFF"}), "a", "unknown field"),
        (script({"id": "a", "type": "text", "text": "x"}), "a", "duration is required"),
        (script({"id": "a", "type": "text", "text": "x", "duration": 0}), "a", "duration out of range"),
        (script({"id": "a", "type": "text", "text": "x", "duration": "2"}), "a", "must be a number"),
        (script({"id": "a", "type": "text", "duration": 1}), "a", "text is required"),
        (script({"id": "a", "type": "text", "text": "x", "duration": 1, "play": "later"}), "a", "play must"),
        (script({"id": "a", "type": "text", "text": "x", "duration": 1, "play": -1}), "a", "negative"),
        (script({"id": "a", "type": "text", "text": "x", "duration": 1, "play": "zz.end"}), "a", "unknown element"),
        (script({"id": "a", "type": "text", "text": "x", "duration": 1, "play": "a.end"}), "a", "cycle"),
        (script({"id": "a", "type": "text", "text": "x", "duration": 1, "color": "red"}), "a", "#RRGGBB"),
        (script({"id": "a", "type": "text", "text": "x", "duration": 1, "font": "Comic"}), "a", "font"),
        (script({"id": "a", "type": "text", "text": "x", "duration": 1, "fadeIn": 1, "fadeOut": 0.5}), "a", "fade"),
        (script({"id": "a", "type": "rectangle", "duration": 1, "fadeIn": 0.5}), "a", "unknown field"),
        (script({"id": "a", "type": "image", "duration": 1}), "a", "source is required"),
        (script({"id": "a", "type": "image", "duration": 1, "source": {"input": "nope"}}), "a", "unknown input"),
        (script({"id": "a", "type": "video", "duration": 1, "source": {"input": "photo"}}), "a", "is a image"),
        (script({"id": "a", "type": "image", "duration": 1, "source": {"url": "http://x"}}), "a", "source must"),
        (script({"id": "a", "type": "audio", "source": {"mediaID": "m"}, "volume": 3}), "a", "volume out of range"),
        (script(HELLO | {"play": 0}, HELLO | {"play": 0}), "hello", "duplicated id"),
        (script(HELLO | {"play": 0}, width=640), None, "width and height"),
    ],
)
def test_bad_scripts_name_the_element(raw, element, reason):
    error = raises(errors.BAD_SCRIPT, raw)
    assert error.data["element"] == element
    assert reason in error.data["reason"]


def test_two_element_cycle():
    a = {"id": "a", "type": "text", "text": "x", "duration": 1, "play": "b.start"}
    b = {"id": "b", "type": "text", "text": "y", "duration": 1, "play": "a.end + 1"}
    error = raises(errors.BAD_SCRIPT, script(a, b))
    assert "cycle" in error.data["reason"]


@pytest.mark.parametrize("raw", [{"elements": []}, {"inputs": []}, "{}"])
def test_no_elements(raw):
    raises(errors.NO_SCRIPTS, raw)


def test_bad_inputs():
    error = raises(errors.BAD_SCRIPT, {"inputs": [{"inputID": "x", "type": "pdf"}], "elements": [HELLO]})
    assert "unknown type" in error.data["reason"]
    error = raises(errors.BAD_SCRIPT, {"inputs": [{"inputID": "x", "type": "text"}] * 2, "elements": [HELLO]})
    assert "duplicated" in error.data["reason"]


CTA = {"id": "buy", "type": "cta", "text": "Buy now", "url": "https://example.com", "duration": 2}


def test_cta_without_start():
    error = raises(errors.CTA_START_EMPTY, script(CTA))
    assert error.data == "buy"
    raises(errors.CTA_START_EMPTY, script(CTA | {"play": ""}))


def test_cta_without_text_or_url():
    error = raises(errors.CTA_FIELD_REQUIRED, script({"id": "buy", "type": "cta", "play": 1, "duration": 2}))
    assert error.data == "buy"
    parse_script(script({"id": "buy", "type": "cta", "play": 1, "duration": 2, "url": "https://x"}))


def test_ctas_with_the_same_start():
    error = raises(errors.CTA_SAME_START, script(CTA | {"play": 1}, CTA | {"id": "more", "play": 1, "duration": 3}))
    assert error.data == ["buy", "more"]


def test_ctas_with_the_same_end():
    raises(errors.CTA_SAME_END, script(CTA | {"play": 1}, CTA | {"id": "more", "play": 2, "duration": 1}))


def test_cta_clash_found_once_media_lengths_are_known():
    first = CTA | {"play": "intro.end"}
    second = CTA | {"id": "more", "play": 5, "duration": 3}
    parsed = parse_script(script(INTRO, first, second))
    assert resolve_timeline(parsed, {"intro": 4}).duration == 8
    with pytest.raises(errors.AppError) as info:
        resolve_timeline(parsed, {"intro": 5})
    assert info.value.entry is errors.CTA_SAME_START


def test_documented_examples_parse():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "video-scripts.md").read_text()
    examples = re.findall(r"```json\n(.*?)```", doc, re.DOTALL)
    assert len(examples) >= 2
    for example in examples:
        timeline = resolve_timeline(parse_script(example), {"intro": 4.2, "outro": 6.0, "voice": 8.0})
        assert timeline.duration > 0
