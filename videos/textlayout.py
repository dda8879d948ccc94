"""Text elements laid out inside their box: the font file that has the glyphs, lines wrapped to the box width.

ffmpeg's drawtext draws one font face and never wraps. So before the graph is built, each text is
measured with Pillow (FreeType, the same font file drawtext is given), broken into lines that fit the
box — at spaces, or between any two CJK characters, which have none — and its size lowered until the
lines also fit the box's height. drawtext then centres each line (``text_align``) and orders
right-to-left runs itself (it is built with fribidi and harfbuzz).

DejaVu covers Latin, Greek, Cyrillic, Arabic and Hebrew but no CJK: a text with a CJK character is
drawn in WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``, installed by ``tools/system_deps.sh``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
FONT_FILES = {
    "DejaVu Sans": "DejaVuSans.ttf",
    "DejaVu Serif": "DejaVuSerif.ttf",
    "DejaVu Sans Mono": "DejaVuSansMono.ttf",
}
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
MIN_SIZE = 8
_CJK = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_CJK_RE = re.compile(f"[{_CJK}]")
# Lines may break at spaces and between any two CJK characters: a token is a run of spaces,
# one CJK character, or a run of anything else.
_TOKEN_RE = re.compile(f"\\s+|[{_CJK}]|[^\\s{_CJK}]+")


@dataclass(frozen=True)
class TextLayout:
    lines: tuple[str, ...]
    size: int
    font_file: str

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def font_file(family: str, text: str) -> str:
    """The font file drawing ``text`` in ``family``: the DejaVu face, or the CJK face if ``text`` needs it."""
    if _CJK_RE.search(text):
        if not CJK_FONT.is_file():
            raise RuntimeError(f"{CJK_FONT} not found: install fonts-wqy-microhei")
        return str(CJK_FONT)
    for folder in FONT_DIRS:
        candidate = Path(folder) / FONT_FILES.get(family, FONT_FILES["DejaVu Sans"])
        if candidate.is_file():
            return str(candidate)
    raise RuntimeError("DejaVu fonts not found: install fonts-dejavu-core")


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> tuple[list[str], bool]:
    """The lines, and whether a word had to be cut (it is wider than the box on its own)."""
    lines: list[str] = []
    cut_words = False
    for paragraph in text.split("\n"):
        line = ""
        for token in _TOKEN_RE.findall(paragraph):
            if line and font.getlength(line + token) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
            while font.getlength(line) > width and len(line) > 1:  # a word wider than the box: cut it
                cut_words = True
                cut = max(n for n in range(1, len(line)) if n == 1 or font.getlength(line[:n]) <= width)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines, cut_words


def layout(text: str, *, family: str, size: int, width: int, height: int) -> TextLayout:
    """``text`` wrapped to ``width`` pixels, at ``size`` or smaller until its lines fit ``height``
    and no word is cut (down to ``MIN_SIZE``, where a word wider than the box is cut)."""
    path = font_file(family, text)
    while True:
        font = _font(path, size)
        lines, cut_words = _wrap(text, font, width)
        ascent, descent = font.getmetrics()
        if size <= MIN_SIZE or (not cut_words and len(lines) * (ascent + descent) <= height):
            return TextLayout(tuple(lines), size, path)
        size = max(MIN_SIZE, int(size * 0.9))
