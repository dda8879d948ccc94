"""Output profiles: what a rendered video file looks like, named by the API.

A profile name spells its own definition, as the video API's webhook example
does (``MP4_H264_AAC_640x480_24fps``)::

    MP4_H264_AAC_<W>x<H>_<N>fps
    WEBM_VP9_OPUS_<W>x<H>_<N>fps
    GIF_<W>x<H>_<N>fps

so the catalog is a grammar rather than a table: any even width and height
between 128 and 1920 pixels and any rate from 1 to 60 frames per second.
Whether an account's plan may use a profile is a business rule checked by the
caller, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core import errors

MIN_SIDE = 128
MAX_SIDE = 1920
MIN_FPS = 1
MAX_FPS = 60

# container -> (video codec, audio codec, extension, mime type)
_FAMILIES: dict[str, tuple[str, str | None, str, str]] = {
    "MP4_H264_AAC": ("h264", "aac", "mp4", "video/mp4"),
    "WEBM_VP9_OPUS": ("vp9", "opus", "webm", "video/webm"),
    "GIF": ("gif", None, "gif", "image/gif"),
}

_NAME_RE = re.compile(r"^(?P<family>[A-Z0-9_]+?)_(?P<w>\d{1,4})x(?P<h>\d{1,4})_(?P<fps>\d{1,2})fps$")

# Example names shown in docs and the dashboard's profile picker.
COMMON_PROFILES = (
    "MP4_H264_AAC_426x240_24fps",
    "MP4_H264_AAC_640x360_24fps",
    "MP4_H264_AAC_640x480_24fps",
    "MP4_H264_AAC_854x480_30fps",
    "MP4_H264_AAC_1280x720_30fps",
    "MP4_H264_AAC_1920x1080_30fps",
    "WEBM_VP9_OPUS_640x360_30fps",
    "WEBM_VP9_OPUS_1280x720_30fps",
    "GIF_320x240_10fps",
)


class UnknownProfile(ValueError):
    """``name`` is not a profile of the catalog.

    A plain ``ValueError`` rather than an :class:`~core.errors.AppError` because
    which API error it becomes depends on the caller: :func:`validate_profiles`
    maps it to ``PROFILE_NOT_ALLOWED`` (2002).
    """

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"unknown profile {name!r}: {reason}")


@dataclass(frozen=True)
class Profile:
    name: str
    container: str  # "mp4" | "webm" | "gif" (the ffmpeg muxer)
    vcodec: str  # "h264" | "vp9" | "gif"
    acodec: str | None  # "aac" | "opus" | None (GIF has no sound)
    width: int
    height: int
    fps: int
    extension: str
    mime: str
    preset: str = "veryfast"  # libx264's speed against size (the template editor's draft clips: "ultrafast")

    @property
    def has_audio(self) -> bool:
        return self.acodec is not None

    @property
    def output_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``ffmpeg-python``'s ``output()`` (a fresh dict)."""
        common: dict[str, Any] = {"r": self.fps, "s": f"{self.width}x{self.height}"}
        if self.vcodec == "h264":
            return {
                **common,
                "f": "mp4",
                "vcodec": "libx264",
                "preset": self.preset,
                "pix_fmt": "yuv420p",
                "movflags": "+faststart",
                "acodec": "aac",
                "ar": 48000,
                "ac": 2,
                "b:a": "128k",
            }
        if self.vcodec == "vp9":
            return {
                **common,
                "f": "webm",
                "vcodec": "libvpx-vp9",
                "deadline": "realtime",
                "cpu-used": 8,
                "row-mt": 1,
                "b:v": "0",
                "crf": 34,
                "pix_fmt": "yuv420p",
                "acodec": "libopus",
                "ar": 48000,
                "ac": 2,
                "b:a": "96k",
            }
        return {**common, "f": "gif", "vcodec": "gif", "an": None, "loop": 0}


def parse_profile(name: str) -> Profile:
    """The profile ``name`` spells; :class:`UnknownProfile` if it spells none."""
    if not isinstance(name, str):
        raise UnknownProfile(str(name), "not a string")
    match = _NAME_RE.match(name)
    if not match:
        raise UnknownProfile(name, "expected e.g. MP4_H264_AAC_640x480_24fps")
    family = _FAMILIES.get(match["family"])
    if family is None:
        raise UnknownProfile(name, f"unsupported format {match['family']!r}")
    width, height, fps = int(match["w"]), int(match["h"]), int(match["fps"])
    for side in (width, height):
        if not MIN_SIDE <= side <= MAX_SIDE or side % 2:
            raise UnknownProfile(name, f"sides must be even and between {MIN_SIDE} and {MAX_SIDE}")
    if not MIN_FPS <= fps <= MAX_FPS:
        raise UnknownProfile(name, f"frame rate must be between {MIN_FPS} and {MAX_FPS}")
    vcodec, acodec, extension, mime = family
    return Profile(
        name=name,
        container=extension,
        vcodec=vcodec,
        acodec=acodec,
        width=width,
        height=height,
        fps=fps,
        extension=extension,
        mime=mime,
    )


def validate_profiles(names: list[str]) -> list[Profile]:
    """A template's profile list, parsed: non-empty, no duplicates, all known."""
    if not names:
        raise errors.AppError(errors.NO_VIDEO_PROFILES)
    seen: set[str] = set()
    profiles = []
    for name in names:
        if name in seen:
            raise errors.AppError(errors.DUPLICATED_PROFILE, data=name)
        seen.add(name)
        try:
            profiles.append(parse_profile(name))
        except UnknownProfile as exc:
            raise errors.AppError(
                errors.PROFILE_NOT_ALLOWED, data={"profile": exc.name, "reason": "unknown profile"}
            ) from exc
    return profiles
