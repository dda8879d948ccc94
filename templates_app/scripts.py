"""The template script language: parse, validate and place elements in time.

A script (a template's ``inputScripts``) is JSON describing a canvas and the
elements drawn on it; ``docs/video-scripts.md`` is the reference. This module
has no ORM in it: :func:`parse_script` checks the shape once, at the edge, and
:func:`resolve_timeline` turns relative start times (``"intro.end + 0.5"``) into
absolute seconds for the compiler (``videos/compiler.py``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from core import errors

INPUT_TYPES = ("text", "image", "video", "audio")
ELEMENT_TYPES = ("video", "audio", "image", "text", "rectangle", "cta")
MEDIA_TYPES = ("video", "audio", "image")  # elements drawn from a file

FONTS = {  # family names a script may use -> the fontconfig family rendered
    "sans": "DejaVu Sans",
    "serif": "DejaVu Serif",
    "mono": "DejaVu Sans Mono",
    "dejavu sans": "DejaVu Sans",
    "dejavu serif": "DejaVu Serif",
    "dejavu sans mono": "DejaVu Sans Mono",
}
DEFAULT_FONT = "DejaVu Sans"

_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PLAY_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\.(start|end)\s*(?:([+-])\s*(\d+(?:\.\d+)?))?\s*$")
_COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$")
VARIABLE_RE = re.compile(r"\$(\$|[A-Za-z_][A-Za-z0-9_]*)")

_COMMON_FIELDS = {"id", "type", "duration", "play", "x", "y", "width", "height", "fadeIn", "fadeOut"}
_FIELDS = {
    "video": _COMMON_FIELDS | {"source", "volume"},
    "audio": {"id", "type", "duration", "play", "fadeIn", "fadeOut", "source", "volume"},
    "image": _COMMON_FIELDS | {"source", "zoom"},
    "text": _COMMON_FIELDS | {"text", "font", "size", "color"},
    "rectangle": {"id", "type", "duration", "play", "x", "y", "width", "height", "color"},
    "cta": _COMMON_FIELDS | {"text", "url", "font", "size", "color", "background"},
}


@dataclass(frozen=True)
class Input:
    id: str
    type: str


@dataclass(frozen=True)
class Source:
    media_id: str | None = None
    input: str | None = None

    @property
    def key(self) -> str:
        return self.media_id if self.media_id is not None else str(self.input)


@dataclass(frozen=True)
class Play:
    """``offset`` seconds after time zero (``ref`` None) or after ``ref``'s start/end."""

    offset: float = 0.0
    ref: str | None = None
    anchor: str = "start"  # "start" | "end"


@dataclass(frozen=True)
class Element:
    id: str
    type: str
    duration: float | None  # None: the media's own length (video/audio only)
    play: Play
    x: int = 0
    y: int = 0
    width: int | None = None  # None: the whole canvas
    height: int | None = None
    fade_in: float = 0.0
    fade_out: float = 0.0
    volume: float = 1.0
    zoom: float = 1.0  # an image's scale at its end: a slow zoom into its centre (Ken Burns)
    source: Source | None = None
    text: str | None = None
    font: str = DEFAULT_FONT
    size: int = 32
    color: str = "#FFFFFF"
    background: str = "#000000AA"  # the CTA's box
    url: str | None = None


@dataclass(frozen=True)
class Script:
    inputs: tuple[Input, ...]
    elements: tuple[Element, ...]
    width: int | None = None  # design canvas; None: the output profile's size
    height: int | None = None
    background: str = "#000000"

    def media_ids(self) -> set[str]:
        return {e.source.media_id for e in self.elements if e.source and e.source.media_id is not None}

    def variables(self) -> set[str]:
        return {name for e in self.elements if e.text for name in text_variables(e.text)}

    def object_count(self) -> int:
        return len(self.elements)

    def input_types(self) -> dict[str, str]:
        """What a video fills, by inputID: the declared inputs, then the ``$variables`` no input declares (text)."""
        declared = {i.id: i.type for i in self.inputs}
        return declared | {name: "text" for name in sorted(self.variables() - set(declared))}

    def element(self, element_id: str) -> Element:
        return next(e for e in self.elements if e.id == element_id)


@dataclass(frozen=True)
class TimelineItem:
    element: Element
    start: float
    end: float


@dataclass(frozen=True)
class Timeline:
    script: Script
    items: tuple[TimelineItem, ...]  # in script order, i.e. drawing order
    duration: float  # the latest end

    def ctas(self) -> list[dict[str, Any]]:
        """The calls to action a player shows over the video, in time order."""
        ctas = [i for i in self.items if i.element.type == "cta"]
        return [
            {
                "id": i.element.id,
                "start": i.start,
                "end": i.end,
                "text": i.element.text,
                "url": i.element.url,
                "font": i.element.font,
                "size": i.element.size,
                "color": i.element.color,
                "background": i.element.background,
            }
            for i in sorted(ctas, key=lambda i: i.start)
        ]

    def captions(self) -> list[dict[str, Any]]:
        """The words shown over the video with their times, in time order: the player's captions track."""
        texts = [i for i in self.items if i.element.type == "text" and i.element.text]
        return [{"start": i.start, "end": i.end, "text": i.element.text} for i in sorted(texts, key=lambda i: i.start)]


def text_variables(text: str) -> set[str]:
    return {m for m in VARIABLE_RE.findall(text) if m != "$"}


def substitute(text: str, variables: dict[str, str]) -> str:
    """``text`` with each ``$name`` replaced; ``$$`` is a literal dollar sign.

    A variable without a value is ``VARIABLES_UNDEFINED`` (2005), naming them all.
    """
    missing = sorted(text_variables(text) - set(variables))
    if missing:
        raise errors.AppError(errors.VARIABLES_UNDEFINED, data=missing)
    return VARIABLE_RE.sub(lambda m: "$" if m[1] == "$" else str(variables[m[1]]), text)


def _bad(element: str | None, reason: str) -> errors.AppError:
    return errors.AppError(errors.BAD_SCRIPT, data={"element": element, "reason": reason})


def _number(raw: dict, field: str, eid: str | None, *, low: float, high: float = float("inf"), strict_low=False):
    value = raw.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(eid, f"{field} must be a number")
    if value < low or value > high or (strict_low and value == low):
        raise _bad(eid, f"{field} out of range")
    return value


def _color(raw: dict, field: str, eid: str, default: str) -> str:
    value = raw.get(field, default)
    if not isinstance(value, str) or not _COLOR_RE.match(value):
        raise _bad(eid, f"{field} must be #RRGGBB or #RRGGBBAA")
    return value.upper()


def _play(value: Any, eid: str) -> Play:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise _bad(eid, "play must not be negative")
        return Play(offset=float(value))
    if isinstance(value, str):
        match = _PLAY_RE.match(value)
        if match:
            sign = -1.0 if match[3] == "-" else 1.0
            return Play(offset=sign * float(match[4] or 0), ref=match[1], anchor=match[2])
    raise _bad(eid, 'play must be seconds or "<id>.start|end [+|- n]"')


def _source(raw: Any, etype: str, eid: str, inputs: dict[str, Input]) -> Source:
    if not isinstance(raw, dict) or len(raw) != 1 or not set(raw) <= {"mediaID", "input"}:
        raise _bad(eid, 'source must be {"mediaID": ...} or {"input": ...}')
    if "mediaID" in raw:
        if not isinstance(raw["mediaID"], str) or not raw["mediaID"]:
            raise _bad(eid, "mediaID must be a non-empty string")
        return Source(media_id=raw["mediaID"])
    input_id = raw.get("input")
    if not isinstance(input_id, str) or input_id not in inputs:
        raise _bad(eid, f"unknown input {input_id!r}")
    if inputs[input_id].type != etype:
        raise _bad(eid, f"input {input_id!r} is a {inputs[input_id].type}, not a {etype}")
    return Source(input=input_id)


def _element(raw: Any, index: int, inputs: dict[str, Input]) -> Element:
    eid, etype = _identity(raw, index)
    duration = _number(raw, "duration", eid, low=0, strict_low=True)
    if duration is None and etype not in ("video", "audio"):
        raise _bad(eid, "duration is required")
    fields: dict[str, Any] = {"id": eid, "type": etype, "duration": duration, "play": _start(raw, etype, eid)}
    fields.update(_geometry(raw, eid))
    fields.update(_fades(raw, eid, duration))
    zoom = _number(raw, "zoom", eid, low=1, high=3)
    if zoom is not None:
        fields["zoom"] = float(zoom)
    if etype in MEDIA_TYPES:
        if "source" not in raw:
            raise _bad(eid, "source is required")
        fields["source"] = _source(raw["source"], etype, eid, inputs)
    if etype in ("text", "cta"):
        fields.update(_lettering(raw, etype, eid))
    if etype == "rectangle":
        fields["color"] = _color(raw, "color", eid, "#000000")
    return Element(**fields)


def _identity(raw: Any, index: int) -> tuple[str, str]:
    """The element's id and type, and no field its type does not have."""
    if not isinstance(raw, dict):
        raise _bad(f"#{index}", "element must be an object")
    eid = raw.get("id")
    if not isinstance(eid, str) or not _ID_RE.match(eid):
        raise _bad(f"#{index}", "id must match [A-Za-z_][A-Za-z0-9_]*")
    etype = raw.get("type")
    if etype not in ELEMENT_TYPES:
        raise _bad(eid, f"unknown type {etype!r}")
    unknown = sorted(set(raw) - _FIELDS[etype])
    if unknown:
        raise _bad(eid, f"unknown field {unknown[0]!r} for a {etype}")
    return eid, etype


def _start(raw: dict, etype: str, eid: str) -> Play:
    if "play" not in raw or raw["play"] in (None, ""):
        if etype == "cta":
            raise errors.AppError(errors.CTA_START_EMPTY, data=eid)
        return Play()
    return _play(raw["play"], eid)


def _geometry(raw: dict, eid: str) -> dict[str, int]:
    limits = {"x": (-10_000, 10_000), "y": (-10_000, 10_000), "width": (1, 10_000), "height": (1, 10_000)}
    found = {name: _number(raw, name, eid, low=low, high=high) for name, (low, high) in limits.items()}
    return {name: int(value) for name, value in found.items() if value is not None}


def _fades(raw: dict, eid: str, duration: float | None) -> dict[str, float]:
    fade_in = _number(raw, "fadeIn", eid, low=0) or 0.0
    fade_out = _number(raw, "fadeOut", eid, low=0) or 0.0
    if duration is not None and fade_in + fade_out > duration:
        raise _bad(eid, "fadeIn + fadeOut is longer than the element")
    fields = {"fade_in": float(fade_in), "fade_out": float(fade_out)}
    volume = _number(raw, "volume", eid, low=0, high=2)
    if volume is not None:
        fields["volume"] = float(volume)
    return fields


def _lettering(raw: dict, etype: str, eid: str) -> dict[str, Any]:
    """Text and URL, font, size and colours of a text or CTA element."""
    fields: dict[str, Any] = {}
    for name in ("text", "url"):
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            raise _bad(eid, f"{name} must be a string")
        fields[name] = value or None
    if etype == "text" and not fields["text"]:
        raise _bad(eid, "text is required")
    if etype == "cta" and not (fields["text"] or fields["url"]):
        raise errors.AppError(errors.CTA_FIELD_REQUIRED, data=eid)
    font = raw.get("font", "sans")
    if not isinstance(font, str) or font.lower() not in FONTS:
        raise _bad(eid, f"font must be one of {sorted(FONTS)}")
    fields["font"] = FONTS[font.lower()]
    size = _number(raw, "size", eid, low=4, high=500)
    if size is not None:
        fields["size"] = int(size)
    fields["color"] = _color(raw, "color", eid, "#FFFFFF")
    if etype == "cta":
        fields["background"] = _color(raw, "background", eid, "#000000AA")
    return fields


def _check_references(elements: tuple[Element, ...]) -> None:
    by_id = {e.id: e for e in elements}
    for element in elements:
        if element.play.ref is not None and element.play.ref not in by_id:
            raise _bad(element.id, f"play refers to unknown element {element.play.ref!r}")
    for element in elements:  # each element names at most one other: follow the chain
        seen, ref = {element.id}, element.play.ref
        while ref is not None:
            if ref in seen:
                raise _bad(ref, f"play references form a cycle through {ref!r}")
            seen.add(ref)
            ref = by_id[ref].play.ref


def parse_script(raw: str | bytes | dict) -> Script:
    """A validated :class:`Script`; every failure names the element at fault."""
    if isinstance(raw, (str, bytes)):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise _bad(None, f"invalid JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise _bad(None, "a script is a JSON object")
    unknown = sorted(set(raw) - {"inputs", "elements", "width", "height", "background"})
    if unknown:
        raise _bad(None, f"unknown field {unknown[0]!r}")

    inputs: dict[str, Input] = {}
    raw_inputs = raw.get("inputs") or []
    if not isinstance(raw_inputs, list):
        raise _bad(None, "inputs must be a list")
    for item in raw_inputs:
        if not isinstance(item, dict) or set(item) != {"inputID", "type"}:
            raise _bad(None, 'each input is {"inputID": ..., "type": ...}')
        input_id, itype = item["inputID"], item["type"]
        if not isinstance(input_id, str) or not _ID_RE.match(input_id) or input_id in inputs:
            raise _bad(None, f"bad or duplicated inputID {input_id!r}")
        if itype not in INPUT_TYPES:
            raise _bad(None, f"input {input_id!r} has unknown type {itype!r}")
        inputs[input_id] = Input(input_id, itype)

    raw_elements = raw.get("elements")
    if raw_elements is None or raw_elements == []:
        raise errors.AppError(errors.NO_SCRIPTS)
    if not isinstance(raw_elements, list):
        raise _bad(None, "elements must be a list")
    elements: list[Element] = []
    for index, item in enumerate(raw_elements):
        element = _element(item, index, inputs)
        if any(e.id == element.id for e in elements):
            raise _bad(element.id, "duplicated id")
        elements.append(element)

    canvas = {name: _number(raw, name, None, low=16, high=4096) for name in ("width", "height")}
    if (canvas["width"] is None) != (canvas["height"] is None):
        raise _bad(None, "give both width and height, or neither")
    background = raw.get("background", "#000000")
    if not isinstance(background, str) or not _COLOR_RE.match(background):
        raise _bad(None, "background must be #RRGGBB")
    script = Script(
        inputs=tuple(inputs.values()),
        elements=tuple(elements),
        width=int(canvas["width"]) if canvas["width"] else None,
        height=int(canvas["height"]) if canvas["height"] else None,
        background=background[:7].upper(),
    )
    _check_references(script.elements)
    _check_ctas(_times(script, {}, strict=False))
    return script


def _times(script: Script, media_durations: dict[str, float], *, strict: bool) -> dict[str, TimelineItem]:
    """Absolute times of the elements; with ``strict`` False, skip those that need a media length."""
    by_id = {e.id: e for e in script.elements}
    done: dict[str, TimelineItem | None] = {}

    def place(eid: str) -> TimelineItem | None:
        if eid in done:
            return done[eid]
        element = by_id[eid]
        duration = element.duration
        if duration is None:
            keys = [eid] + ([element.source.key] if element.source else [])
            duration = next((media_durations[k] for k in keys if k in media_durations), None)
            if duration is None or duration <= 0:
                if strict:
                    raise _bad(eid, "the media's duration is unknown")
                done[eid] = None
                return None
        play = element.play
        base = 0.0
        if play.ref is not None:
            ref = place(play.ref)
            if ref is None:
                done[eid] = None
                return None
            base = ref.start if play.anchor == "start" else ref.end
        start = base + play.offset
        if start < 0:
            raise _bad(eid, "starts before time zero")
        done[eid] = TimelineItem(element, start, start + float(duration))
        return done[eid]

    return {e.id: item for e in script.elements if (item := place(e.id)) is not None}


def _check_ctas(items: dict[str, TimelineItem]) -> None:
    ctas = [item for item in items.values() if item.element.type == "cta"]
    for i, first in enumerate(ctas):
        for second in ctas[i + 1 :]:
            if abs(first.start - second.start) < 1e-6:
                raise errors.AppError(errors.CTA_SAME_START, data=[first.element.id, second.element.id])
            if abs(first.end - second.end) < 1e-6:
                raise errors.AppError(errors.CTA_SAME_END, data=[first.element.id, second.element.id])


def resolve_timeline(script: Script, media_durations: dict[str, float]) -> Timeline:
    """Absolute start and end of every element.

    ``media_durations`` gives the length in seconds of video/audio elements
    without a ``duration``, keyed by element id, mediaID or inputID.
    """
    items = _times(script, media_durations, strict=True)
    _check_ctas(items)
    ordered = tuple(items[e.id] for e in script.elements)
    return Timeline(script=script, items=ordered, duration=max(i.end for i in ordered))
