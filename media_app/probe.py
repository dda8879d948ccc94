"""What an uploaded file really is, read with PyAV (the ffmpeg libraries).

The ffmpeg binary we ship has no ``ffprobe``, and PyAV reads the same headers
in-process. :func:`probe` refuses anything ffmpeg cannot decode as media, and
:func:`matches_declared` compares the result with the upload's Content-Type.

A probe never decodes a picture: a 2 MB PNG can hold 16000×16000 16-bit pixels
(2 GB decoded). Image sizes are read from the header (Pillow opens lazily), the
demuxer's stream search may not decode frames above :data:`MAX_PIXELS`, and frames
are counted as packets.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import asdict, dataclass
from os import PathLike
from typing import Any, BinaryIO

import av
from PIL import Image, UnidentifiedImageError

from core import errors

MAX_PIXELS = 50_000_000  # per picture or video frame; 16-bit RGBA at this size decodes to 400 MB

# Codecs of still pictures; in an image container they are an image, not a video.
IMAGE_CODECS = {"png", "mjpeg", "jpegls", "webp", "gif", "bmp", "tiff", "apng"}
_IMAGE_FORMATS = {"image2", "gif", "apng"}  # plus every "*_pipe" demuxer

_MIME_BY_FORMAT = {
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "aac": "audio/aac",
    "avi": "video/x-msvideo",
    "mpegts": "video/mp2t",
    "flv": "video/x-flv",
    "gif": "image/gif",
    "apng": "image/apng",
}
_MIME_BY_IMAGE_CODEC = {
    "png": "image/png",
    "apng": "image/apng",
    "mjpeg": "image/jpeg",
    "jpegls": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tiff": "image/tiff",
}
_WEBM_CODECS = {"vp8", "vp9", "av1", "opus", "vorbis", None}


@dataclass(frozen=True)
class MediaInfo:
    kind: str  # "video" | "image" | "audio"
    mime: str
    duration_ms: int | None  # None for a still image
    width: int | None
    height: int | None
    video_codec: str | None
    audio_codec: str | None
    fps: float | None
    has_audio: bool
    format_name: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/'\":,]+/)+([^\s/'\":,]+)")


def without_paths(text: str) -> str:
    """``text`` with every absolute path cut to its file name: where our scratch and
    storage folders are is not the customer's business."""
    return _ABSOLUTE_PATH.sub(r"\1", text)


def _bad(detail: str) -> errors.AppError:
    return errors.AppError(errors.BAD_INPUT_MEDIA, detail=without_paths(detail))


def _frame_count(container, stream, limit: int = 2) -> int:
    """Frames counted as demuxed packets (a still image is one), never decoded."""
    count = 0
    for packet in container.demux(stream):
        count += bool(packet.size)
        if count >= limit:
            break
    return count


def _check_pixels(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise _bad(f"picture is {width}×{height} pixels, more than the {MAX_PIXELS // 1_000_000} MP limit")


def check_image_header(path: str | PathLike | BinaryIO) -> None:
    """1029 when ``path`` (or an open file) is an image whose header announces more than :data:`MAX_PIXELS`."""
    try:
        with Image.open(path) as img:
            width, height = img.size
    except Image.DecompressionBombError as exc:
        raise _bad(f"picture has more than the {MAX_PIXELS // 1_000_000} MP limit") from exc
    except (UnidentifiedImageError, OSError, ValueError):
        return  # not a picture Pillow knows: the demuxer's stream search is capped too
    _check_pixels(width, height)


def probe(path: str | PathLike) -> MediaInfo:
    """Read ``path``; a file that is not decodable media is ``BAD_INPUT_MEDIA`` (1029)."""
    check_image_header(path)
    try:
        container = av.open(str(path), metadata_errors="ignore", options={"max_pixels": str(MAX_PIXELS)})
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise _bad(f"not a media file: {exc}") from exc
    with container:
        try:
            return _inspect(container)
        except av.FFmpegError as exc:
            raise _bad(f"media could not be decoded: {exc}") from exc


def _inspect(container) -> MediaInfo:
    format_name = container.format.name.split(",")[0]
    video = next((s for s in container.streams.video if s.codec_context is not None), None)
    audio = next(iter(container.streams.audio), None)
    if video is None and audio is None:
        raise _bad("no audio or video stream")
    video_codec = video.codec_context.name if video else None
    audio_codec = audio.codec_context.name if audio else None

    if video and (video.codec_context.width or 0) <= 0:
        raise _bad(f"video stream has no picture size (or one above the {MAX_PIXELS // 1_000_000} MP limit)")
    if video:
        _check_pixels(video.codec_context.width, video.codec_context.height)
    kind = "video" if video else "audio"
    if video and audio is None and video_codec in IMAGE_CODECS:
        still_container = format_name in _IMAGE_FORMATS or format_name.endswith("_pipe")
        if still_container and _frame_count(container, video) <= 1:
            kind = "image"

    duration_ms = None
    if kind != "image":
        if container.duration is not None and container.duration > 0:
            duration_ms = round(container.duration / 1000)  # AV_TIME_BASE is microseconds
        else:
            stream = video or audio
            if stream.duration and stream.time_base:
                duration_ms = round(float(stream.duration * stream.time_base) * 1000)
    fps = None
    if video and kind == "video":
        rate = video.average_rate or video.base_rate
        fps = round(float(rate), 3) if rate else None

    return MediaInfo(
        kind=kind,
        mime=_mime(format_name, kind, video_codec, audio_codec),
        duration_ms=duration_ms,
        width=video.codec_context.width if video else None,
        height=video.codec_context.height if video else None,
        video_codec=video_codec,
        audio_codec=audio_codec,
        fps=fps,
        has_audio=audio is not None,
        format_name=format_name,
    )


def _mime(format_name: str, kind: str, video_codec: str | None, audio_codec: str | None) -> str:
    if video_codec in _MIME_BY_IMAGE_CODEC and (kind == "image" or format_name in _MIME_BY_FORMAT):
        return _MIME_BY_IMAGE_CODEC[video_codec]
    if format_name == "mov":
        return "audio/mp4" if kind == "audio" else "video/mp4"
    if format_name == "matroska":
        webm = video_codec in _WEBM_CODECS and audio_codec in _WEBM_CODECS
        return ("audio/webm" if kind == "audio" else "video/webm") if webm else "video/x-matroska"
    if format_name == "ogg" and kind == "video":
        return "video/ogg"
    return _MIME_BY_FORMAT.get(format_name, f"{kind}/octet-stream" if kind != "image" else "image/octet-stream")


def matches_declared(info: MediaInfo, content_type: str) -> bool:
    """Whether an upload's ``Content-Type`` (``image/*``, ``video/*``, ``audio/*``) fits what it is.

    An animated GIF is a video to the renderer but may be declared as ``image/gif``.
    """
    major, _, minor = content_type.split(";")[0].strip().lower().partition("/")
    if major == info.kind:
        return True
    return major == "image" and info.mime == f"image/{minor}"


_LOUDNESS_PATTERNS = {
    "integratedLUFS": re.compile(r"Integrated loudness:\s*I:\s*(-?inf|-?[\d.]+) LUFS"),
    "loudnessRangeLU": re.compile(r"Loudness range:\s*LRA:\s*(-?inf|-?[\d.]+) LU"),
    "peakDB": re.compile(r"True peak:\s*Peak:\s*(-?inf|-?[\d.]+) dBFS"),
    "meanVolumeDB": re.compile(r"mean_volume:\s*(-?inf|-?[\d.]+) dB"),
    "maxVolumeDB": re.compile(r"max_volume:\s*(-?inf|-?[\d.]+) dB"),
}


def audio_loudness(path: str | PathLike, ffmpeg_exe: str, timeout_s: float = 120) -> dict[str, float | None]:
    """EBU R128 integrated loudness, loudness range and true peak, and ffmpeg's volumedetect.

    Values are floats (LUFS, LU, dBFS, dB); ``None`` where ffmpeg says ``-inf``
    (digital silence), which JSON cannot carry.
    """
    if not probe(path).has_audio:
        raise _bad("media has no audio track")
    args = [
        ffmpeg_exe, "-nostdin", "-hide_banner", "-nostats", "-protocol_whitelist", "file",
        "-i", str(path), "-vn", "-sn", "-af", "ebur128=peak=true,volumedetect", "-f", "null", "-",
    ]  # fmt: skip
    try:
        done = subprocess.run(args, check=False, capture_output=True, timeout=timeout_s, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise errors.AppError(errors.ERROR_PROCESSING_VIDEO, data="loudness analysis timed out") from exc
    stderr = done.stderr.decode("utf-8", "replace")
    # ebur128 prints its summary last; earlier lines can carry per-frame values.
    summary = stderr[stderr.rfind("Summary:") :] if "Summary:" in stderr else stderr
    if done.returncode != 0:
        raise _bad(f"audio could not be decoded: {stderr.strip().splitlines()[-1:] or ''}")
    result: dict[str, float | None] = {}
    for key, pattern in _LOUDNESS_PATTERNS.items():
        match = pattern.search(summary if key in ("integratedLUFS", "loudnessRangeLU", "peakDB") else stderr)
        if match is None:
            raise errors.AppError(errors.ERROR_PROCESSING_VIDEO, data=f"ffmpeg printed no {key}")
        result[key] = None if "inf" in match[1] else float(match[1])
    return result
