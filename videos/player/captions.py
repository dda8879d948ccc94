"""WebVTT from a video's captions (``Video.captions``: the script's texts as rendered, with their
times). A pure engine: cues in, the file's text out."""

from __future__ import annotations

import re

_BLANK_LINES = re.compile(r"\n\s*\n+")


def _timestamp(seconds: float) -> str:
    millis = round(max(seconds, 0) * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}.{millis % 1000:03d}"


def _cue_text(text: str) -> str:
    # A blank line would end the cue and "-->" would read as a timing line; & and < start markup.
    text = _BLANK_LINES.sub("\n", text.replace("\r", "").strip())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(cues: list[dict]) -> str:
    """``cues`` are ``{"start", "end", "text"}`` (seconds); empty texts are left out."""
    blocks = ["WEBVTT"]
    for cue in cues:
        text = _cue_text(cue["text"])
        if text and cue["end"] > cue["start"]:
            blocks.append(f"{_timestamp(cue['start'])} --> {_timestamp(cue['end'])}\n{text}")
    return "\n\n".join(blocks) + "\n"
