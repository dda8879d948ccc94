"""The video maker's styles and the project → script compiler (seed 002).

A style is a parameterised script fragment: fonts, colours, caption placement,
the transition between frames (a dip through the background colour), the length
of a frame, a slow zoom into stills (Ken Burns), the opening title card and the closing credits card. :func:`compose`
turns a project's frames, music and credits into a script of the template
language (``docs/video-scripts.md``), which the ordinary render pipeline then
draws. No ORM here: the caller resolves media ids to :class:`Frame` and
:class:`Music` first.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

CANVAS_W, CANVAS_H = 640, 360  # design canvas (16:9); every rendition scales it
MAX_CLIP_S = 30.0  # a video frame plays its own length, up to this
TITLE_S = 2.0  # the opening title card
CREDIT_LINE_S = 0.75  # the credits card lasts this per line, at least TITLE_S


@dataclass(frozen=True)
class Style:
    name: str
    title: str
    description: str
    background: str  # behind letterboxed media and title cards
    font: str  # a family of the script language: sans, serif, mono
    text_color: str
    caption_size: int
    caption_at: str  # "bottom" | "center"
    caption_band: str | None  # a colour drawn behind captions
    title_size: int
    frame_s: float  # a still frame or title card
    fade_s: float  # fade out to the background and in again between frames; 0 cuts
    zoom: float  # Ken Burns on stills: the scale a photo reaches at its end (1: still)
    music_volume: float
    needs_music: bool
    letterbox: bool  # cinematic bars over the top and bottom of every frame

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "frame_duration": self.frame_s,
            "transition": f"fade {self.fade_s:g} s" if self.fade_s else "cut",
            "ken_burns": self.zoom > 1,
            "needs_music": self.needs_music,
        }


# One row per style, in the order of Style's fields after name, title and description:
# background, font, text colour, caption size, caption at, caption band, title size,
# seconds per frame, fade, zoom, music volume, needs music, letterbox.
# fmt: off
_STYLE_ROWS = (
    ("clean", "Clean", "Dark captions on a light band at the bottom, soft fades, a gentle zoom, 2 s per photo.",
     "#FFFFFF", "sans", "#1E1E1E", 24, "bottom", "#FFFFFFCC", 40, 2.0, 0.3, 1.08, 0.8, True, False),
    ("bold", "Bold", "Big yellow captions in the middle, hard cuts, 1.5 s per photo.",
     "#111111", "sans", "#FFD400", 40, "center", "#000000AA", 56, 1.5, 0.0, 1.0, 1.0, True, False),
    ("cinematic", "Cinematic", "Letterbox bars, serif captions under the picture, slow fades and zoom, 3 s per photo.",
     "#000000", "serif", "#F0E6D2", 20, "bottom", None, 44, 3.0, 0.6, 1.15, 0.8, True, True),
    ("minimal", "Minimal", "Typewriter captions on paper white, quick fades; music is optional.",
     "#F4F1EA", "mono", "#333333", 20, "bottom", None, 32, 2.5, 0.2, 1.0, 0.8, False, False),
)
# fmt: on


def _styles(rows: tuple[tuple, ...]) -> dict[str, Style]:
    names = [field.name for field in fields(Style)]
    return {row[0]: Style(**dict(zip(names, row, strict=True))) for row in rows}


STYLES: dict[str, Style] = _styles(_STYLE_ROWS)


@dataclass(frozen=True)
class Frame:
    """One frame: a library image or video (``media_id`` with its size) or a title card (text only)."""

    kind: str  # "image" | "video" | "title"
    text: str = ""
    media_id: str | None = None
    width: int | None = None
    height: int | None = None
    media_s: float | None = None  # a video's own length
    duration_s: float | None = None  # asked for by the project; else the style's (a video: its length)


@dataclass(frozen=True)
class Music:
    media_id: str


def _literal(text: str) -> str:
    """Captions are printed as written: ``$`` is not a template variable here."""
    return text.replace("$", "$$")


def _contain(width: int | None, height: int | None) -> dict[str, int]:
    """The largest box of the media's aspect ratio that fits the canvas, centred."""
    if not width or not height:
        return {}
    scale = min(CANVAS_W / width, CANVAS_H / height)
    w, h = round(width * scale), round(height * scale)
    return {"x": (CANVAS_W - w) // 2, "y": (CANVAS_H - h) // 2, "width": w, "height": h}


def frame_seconds(frame: Frame, style: Style) -> float:
    if frame.duration_s is not None:
        return frame.duration_s
    if frame.kind == "video" and frame.media_s:
        return min(frame.media_s, MAX_CLIP_S)
    return style.frame_s


def _fades(style: Style, seconds: float) -> dict[str, float]:
    fade = min(style.fade_s, seconds / 4)
    return {"fadeIn": fade, "fadeOut": fade} if fade else {}


def _text(eid: str, text: str, start: float, seconds: float, style: Style, size: int, **box) -> dict:
    return {
        "id": eid,
        "type": "text",
        "text": _literal(text),
        "play": round(start, 3),
        "duration": round(seconds, 3),
        "font": style.font,
        "size": size,
        "color": style.text_color,
        **box,
        **_fades(style, seconds),
    }


def _caption_box(style: Style) -> dict[str, int]:
    height = style.caption_size * 2
    if style.caption_at == "center":
        return {"x": 0, "y": (CANVAS_H - height) // 2, "width": CANVAS_W, "height": height}
    bottom = CANVAS_H - (style.caption_size // 2 if style.letterbox else style.caption_size)
    return {"x": 0, "y": bottom - height, "width": CANVAS_W, "height": height}


def _card(prefix: str, lines: list[str], start: float, seconds: float, style: Style, size: int) -> list[dict]:
    """Lines of text stacked in the middle of the canvas."""
    line_h = round(size * 1.5)
    top = (CANVAS_H - line_h * len(lines)) // 2
    return [
        _text(
            f"{prefix}_{i}", line, start, seconds, style, size, x=0, y=top + i * line_h, width=CANVAS_W, height=line_h
        )
        for i, line in enumerate(lines)
    ]


def _bars(index: int, start: float, seconds: float) -> list[dict]:
    """Cinematic letterbox bars over one frame (drawn under its caption)."""
    bar = round(CANVAS_H * 0.1)
    timing = {"play": round(start, 3), "duration": round(seconds, 3)}
    return [
        {"id": f"bar{index}_{edge}", "type": "rectangle", "color": "#000000", **timing}
        | {"x": 0, "y": y, "width": CANVAS_W, "height": bar}
        for edge, y in (("top", 0), ("bottom", CANVAS_H - bar))
    ]


def compose(*, name: str, style: Style, frames: list[Frame], music: Music | None, credit: list[list[str]]) -> dict:
    """The script of a project: title card, frames with captions, credits card, one music bed."""
    elements: list[dict] = []
    t = 0.0
    if name:
        elements += _card("title", [name], t, TITLE_S, style, style.title_size)
        t += TITLE_S
    for index, frame in enumerate(frames):
        seconds = frame_seconds(frame, style)
        if frame.kind == "title":
            elements += _card(f"card{index}", [frame.text], t, seconds, style, style.title_size)
            t += seconds
            continue
        element: dict[str, Any] = {
            "id": f"frame{index}",
            "type": frame.kind,
            "source": {"mediaID": frame.media_id},
            "play": round(t, 3),
            "duration": round(seconds, 3),
            **_contain(frame.width, frame.height),
            **_fades(style, seconds),
        }
        if frame.kind == "image" and style.zoom > 1:
            element["zoom"] = style.zoom
        elements.append(element)
        if style.letterbox:
            elements += _bars(index, t, seconds)
        if frame.text:
            box = _caption_box(style)
            if style.caption_band:
                band = {"id": f"band{index}", "type": "rectangle", "color": style.caption_band}
                elements.append({**band, "play": round(t, 3), "duration": round(seconds, 3), **box})
            elements.append(_text(f"caption{index}", frame.text, t, seconds, style, style.caption_size, **box))
        t += seconds
    if credit:
        seconds = max(TITLE_S, CREDIT_LINE_S * len(credit))
        lines = [f"{key}  {value}".strip() for key, value in credit]
        elements += _card("credit", lines, t, seconds, style, max(16, style.title_size // 2))
        t += seconds
    if music is not None:
        fade = round(min(1.5, t / 4), 3)
        elements.append(
            {
                "id": "music",
                "type": "audio",
                "source": {"mediaID": music.media_id},
                "play": 0,
                "duration": round(t, 3),
                "volume": style.music_volume,
                "fadeOut": fade,
            }
        )
    return {"width": CANVAS_W, "height": CANVAS_H, "background": style.background, "elements": elements}


def total_seconds(*, name: str, style: Style, frames: list[Frame], credit: list[list[str]]) -> float:
    """The length :func:`compose` gives the same project."""
    seconds = (TITLE_S if name else 0.0) + sum(frame_seconds(f, style) for f in frames)
    return seconds + (max(TITLE_S, CREDIT_LINE_S * len(credit)) if credit else 0.0)
