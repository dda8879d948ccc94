"""Script timeline -> one ffmpeg command line.

:func:`compile_render` builds a single filter graph with ffmpeg-python: a colour
base of the profile's size, rate and length, each element drawn over it in script
order during its ``[start, end]`` window, and every sound mixed into one track.
Coordinates in the script are in design-canvas pixels (``Script.width/height``)
and are scaled to the profile, so one template renders to every profile.

:func:`compile_frame` builds the same graph for one frame only (the template editor's live
preview): the colour base is that single frame, given its timestamp in the render, each picture
layer is the one frame the render would overlay then, and each video is opened at that moment
(``-ss``), so a frame late in a long template costs no more than an early one.

The compiler only builds argument lists; :func:`run_ffmpeg` runs them.
"""

from __future__ import annotations

import logging
import math
import re
import subprocess
from collections import Counter
from collections.abc import Mapping, Sequence
from os import PathLike
from typing import Any

import ffmpeg

from core import errors
from media_app.probe import probe
from templates_app.profiles import Profile
from templates_app.scripts import Element, Timeline, TimelineItem, substitute
from videos.textlayout import layout

SAMPLE_RATE = 48000
GLOBAL_ARGS = ("-nostdin", "-hide_banner", "-loglevel", "error")
STDERR_TAIL_CHARS = 2000
_INPUT_INDEX_RE = re.compile(r"(?:\b[va]ist#|\bin#|\binput )(\d+):?")

logger = logging.getLogger("videos")


def _ffmpeg_color(color: str) -> str:
    """``#RRGGBB[AA]`` as ffmpeg's ``0xRRGGBB@alpha``."""
    alpha = int(color[7:9], 16) / 255 if len(color) == 9 else 1.0
    return f"0x{color[1:7]}@{alpha:.3f}"


def _secs(value: float) -> str:
    return f"{value:.3f}"


def _during(item: TimelineItem) -> str:
    """``enable`` expression: shown from ``start`` up to, not at, ``end`` (so back-to-back elements never overlap)."""
    return f"gte(t,{_secs(item.start)})*lt(t,{_secs(item.end)})"


class _Canvas:
    """Maps design-canvas pixels to output pixels."""

    def __init__(self, timeline: Timeline, profile: Profile) -> None:
        script = timeline.script
        self.width, self.height = profile.width, profile.height
        self.sx = profile.width / script.width if script.width else 1.0
        self.sy = profile.height / script.height if script.height else 1.0

    def box(self, element: Element) -> tuple[int, int, int, int]:
        x, y = round(element.x * self.sx), round(element.y * self.sy)
        w = round(element.width * self.sx) if element.width else self.width - x
        h = round(element.height * self.sy) if element.height else self.height - y
        # libx264/yuv420p and the scale filter want even sizes.
        return x, y, max(2, w - w % 2), max(2, h - h % 2)


def _alpha_fades(stream, item: TimelineItem):
    element = item.element
    if element.fade_in:
        stream = stream.filter("fade", t="in", st=_secs(item.start), d=_secs(element.fade_in), alpha=1)
    if element.fade_out:
        st = item.end - element.fade_out
        stream = stream.filter("fade", t="out", st=_secs(st), d=_secs(element.fade_out), alpha=1)
    return stream


def _text_alpha(item: TimelineItem) -> str:
    """drawtext ``alpha`` expression for the element's fades (1 when it has none)."""
    element, a, b = item.element, item.start, item.end
    parts = "1"
    if element.fade_out:
        parts = f"if(gt(t,{_secs(b - element.fade_out)}),({_secs(b)}-t)/{_secs(element.fade_out)},{parts})"
    if element.fade_in:
        parts = f"if(lt(t,{_secs(a + element.fade_in)}),(t-{_secs(a)})/{_secs(element.fade_in)},{parts})"
    return f"max(0,min(1,{parts}))" if parts != "1" else "1"


def _ken_burns(layer, item: TimelineItem, w: int, h: int, fps: int, first: int = 0):
    """A slow zoom into the image's centre, from 1 to ``zoom`` over the element (one frame out per frame in);
    ``first`` is the layer's frame number of the first frame in (one frame of a preview)."""
    zoom = item.element.zoom
    step = (zoom - 1) / max(1, round((item.end - item.start) * fps))
    frame = f"(on+{first})" if first else "on"
    return layer.filter(
        "zoompan",
        z=f"min(1+{step:.6f}*{frame},{zoom:.3f})",
        x="iw/2-(iw/zoom/2)",
        y="ih/2-(ih/zoom/2)",
        d=1,
        s=f"{w}x{h}",
        fps=fps,
    )


def _media_path(element: Element, inputs: Mapping[str, str | PathLike]) -> str:
    keys = [element.id] + ([element.source.key] if element.source else [])
    for key in keys:
        if key in inputs:
            return str(inputs[key])
    raise errors.AppError(errors.ERROR_DOWNLOADING_MEDIAS, data={"element": element.id, "reason": "no local file"})


class _Sources:
    """Each local file opened once, every use of it an output of an explicit ``split``/``asplit``.

    ffmpeg-python merges identical nodes: two ``ffmpeg.input`` of one file are one node, and two
    identical chains after it one node with several outgoing edges, which it refuses ("a split
    filter is probably required"). So the same media may appear in any number of elements (an
    image element and an image input filled with that media, a video shown twice) by splitting
    its decoded stream. A later use of a video buffers at most that element's own frames until
    its start time.
    """

    def __init__(
        self,
        items: Sequence[TimelineItem],
        inputs: Mapping[str, str | PathLike],
        *,
        with_audio: bool,
        seeks: Mapping[str, float] | None = None,
    ) -> None:
        self._inputs = inputs
        self._with_audio = with_audio
        self._seeks = seeks or {}  # element id -> where its file is opened (-ss), for one frame of a video
        self._opened: dict[tuple[str, float | None], Any] = {}
        self._uses: Counter[tuple[str, float | None, str]] = Counter()
        self._taken: Counter[tuple[str, float | None, str]] = Counter()
        self._splits: dict[tuple[str, float | None, str], Any] = {}
        self._has_audio: dict[str, bool] = {}
        for item in items:
            element = item.element
            if element.type in ("image", "video"):
                self._uses[self._key(element, "video")] += 1
            if self.has_audio(element):
                self._uses[self._key(element, "audio")] += 1

    def _key(self, element: Element, kind: str) -> tuple[str, float | None, str]:
        return self.path(element), self._seeks.get(element.id), kind

    def path(self, element: Element) -> str:
        return _media_path(element, self._inputs)

    def has_audio(self, element: Element) -> bool:
        if not self._with_audio:
            return False
        if element.type == "audio":
            return True
        if element.type != "video":
            return False
        path = self.path(element)
        if path not in self._has_audio:
            self._has_audio[path] = probe(path).has_audio
        return self._has_audio[path]

    def video(self, element: Element):
        return self._take(self._key(element, "video"))

    def audio(self, element: Element):
        return self._take(self._key(element, "audio"))

    def _take(self, key: tuple[str, float | None, str]):
        path, seek, kind = key
        if (path, seek) not in self._opened:
            options = {"ss": _secs(seek)} if seek else {}
            self._opened[(path, seek)] = ffmpeg.input(path, protocol_whitelist="file", **options)
        stream = getattr(self._opened[(path, seek)], kind)
        if self._uses[key] <= 1:
            return stream
        if key not in self._splits:
            self._splits[key] = stream.split() if kind == "video" else stream.filter_multi_output("asplit")
        index = self._taken[key]
        self._taken[key] += 1
        return self._splits[key][index]


def _draw_text(video, item: TimelineItem, text: str, canvas: _Canvas, *, box: str | None = None):
    element = item.element
    x, y, w, h = canvas.box(element)
    size = max(4, round(element.size * canvas.sy))
    border = max(2, size // 2) if box else 0  # the CTA's box grows by this around the text
    laid = layout(text, family=element.font, size=size, width=max(1, w - 2 * border), height=max(1, h - 2 * border))
    options = {
        "text": laid.text,
        # No %{...} expansion: the text is the customer's, printed as written.
        "expansion": "none",
        "fontfile": laid.font_file,
        "fontsize": laid.size,
        "fontcolor": _ffmpeg_color(element.color),
        # The block of lines centred in the element's box (the whole frame by default), each line centred in it.
        "text_align": "C",
        "x": f"{x}+({w}-text_w)/2",
        "y": f"{y}+({h}-text_h)/2",
        "alpha": _text_alpha(item),
        "enable": _during(item),
    }
    if box:
        options.update(box=1, boxcolor=_ffmpeg_color(box), boxborderw=max(2, laid.size // 2))
    return video.filter("drawtext", **options)


def frame_index(duration: float, fps: int, at: float) -> int:
    """The frame a render of ``duration`` seconds at ``fps`` shows at ``at`` seconds (its last one from its end on)."""
    last = max(0, math.ceil(duration * fps - 1e-6) - 1)
    return min(max(0, math.floor(at * fps + 1e-6)), last)


def _first_tick(item: TimelineItem, fps: int) -> int:
    """The frame number at which a layer's first frame is overlaid: its ``setpts`` (``start/TB``, TB = 1/fps)
    truncated to an integer, as ffmpeg does."""
    return int(float(_secs(item.start)) / (1 / fps))


def _compose(
    timeline: Timeline,
    *,
    inputs: Mapping[str, str | PathLike],
    variables: Mapping[str, str],
    profile: Profile,
    frame: int | None = None,
) -> tuple[Any, list]:
    """The composed video stream and the sounds to mix: of the whole timeline, or only of render frame ``frame``.

    For one frame, the colour base is that frame (its timestamp shifted to the render's), a picture or
    video layer is drawn only if shown then, as the one frame of it the render overlays at that moment
    (a video opened there with ``-ss``), and nothing is heard; texts, boxes and fades are the same filters,
    evaluated at the same time, so the frame is the render's.
    """
    canvas = _Canvas(timeline, profile)
    fps = profile.fps
    size = f"{profile.width}x{profile.height}"
    background = timeline.script.background
    items = timeline.items
    seeks: dict[str, float] = {}
    base_length = _secs(timeline.duration)
    if frame is not None:
        base_length = _secs(1 / fps)
        now = frame * (1 / fps)  # the enable expressions' t at that frame
        items = tuple(
            i
            for i in items
            if i.element.type not in ("image", "video", "audio") or float(_secs(i.start)) <= now < float(_secs(i.end))
        )
        seeks = {i.element.id: (frame - _first_tick(i, fps)) / fps for i in items if i.element.type == "video"}
    video = ffmpeg.input(f"color=c=0x{background[1:]}:s={size}:r={fps}:d={base_length}", f="lavfi")
    if frame:
        video = video.filter("setpts", f"PTS+{frame}")
    sources = _Sources(items, inputs, with_audio=profile.has_audio and frame is None, seeks=seeks)
    sounds = []

    for item in items:
        element = item.element
        # One frame more than shown: overlay drops a layer's last frame at its end of stream,
        # and ``enable`` hides the layer at ``end`` anyway.
        length = _secs(item.end - item.start + 1 / fps)
        layer_frame = None if frame is None else frame - _first_tick(item, fps)
        if element.type in ("image", "video"):
            x, y, w, h = canvas.box(element)
            if element.type == "image":
                # The loop filter, not the input's -loop, which only the image2 demuxer has (a GIF
                # or an extension-less file can open with another); an animated GIF shows its first frame.
                still = sources.video(element)
                if element.zoom > 1:
                    # Twice the box, once (before the loop): zoompan moves in whole input pixels.
                    still = still.filter("scale", 2 * w, 2 * h)
                layer = (
                    still.filter("loop", loop=-1, size=1, start=0)
                    .filter("settb", f"1/{fps}")
                    .filter("setpts", f"N/{fps}/TB")
                )
                if layer_frame is None:
                    layer = layer.trim(duration=length)
                else:
                    layer = layer.trim(start_frame=layer_frame, end_frame=layer_frame + 1)
                if element.zoom > 1:
                    layer = _ken_burns(layer, item, w, h, fps, first=layer_frame or 0)
            else:
                layer = sources.video(element).filter("fps", fps)
                layer = layer.trim(duration=length) if layer_frame is None else layer.trim(end_frame=1)
                if sources.has_audio(element):
                    sounds.append((sources.audio(element), item))
            at = f"PTS-STARTPTS+{_secs(item.start)}/TB" if frame is None else f"PTS-STARTPTS+{frame}"
            layer = layer.filter("setpts", at).filter("scale", w, h).filter("format", "rgba")
            layer = _alpha_fades(layer, item)
            video = ffmpeg.overlay(
                video,
                layer,
                x=x,
                y=y,
                eof_action="pass",
                enable=_during(item),
            )
        elif element.type == "audio":
            if profile.has_audio and frame is None:
                sounds.append((sources.audio(element), item))
        elif element.type == "text":
            video = _draw_text(video, item, substitute(element.text or "", variables), canvas)
        elif element.type == "cta":
            label = substitute(element.text or element.url or "", variables)
            video = _draw_text(video, item, label, canvas, box=element.background)
        elif element.type == "rectangle":
            x, y, w, h = canvas.box(element)
            if len(element.color) == 9 and element.color[7:] != "FF":
                # drawbox blends a translucent colour only over RGB frames.
                video = video.filter("format", "rgba")
            video = video.filter(
                "drawbox",
                x=x,
                y=y,
                w=w,
                h=h,
                color=_ffmpeg_color(element.color),
                t="fill",
                enable=_during(item),
            )
    return video, sounds


def compile_render(
    timeline: Timeline,
    *,
    inputs: Mapping[str, str | PathLike],
    variables: Mapping[str, str],
    profile: Profile,
    output_path: str | PathLike,
    ffmpeg_exe: str,
    poster_path: str | PathLike | None = None,
    poster_at: float = 0.0,
    smaller: Sequence[tuple[Profile, str | PathLike]] = (),
) -> list[str]:
    """The ffmpeg argument list rendering ``timeline`` to ``output_path`` in ``profile``.

    ``inputs`` maps an element id, mediaID or inputID to a local file;
    ``variables`` fills the ``$name`` of texts (a missing one is 2005).
    With ``poster_path``, the same run also writes the composed frame at
    ``poster_at`` seconds as a JPEG (a second output of the split video stream),
    so no second ffmpeg process decodes the encoded file again.
    ``smaller`` profiles (same frame rate, same family) are further outputs of the
    same run: the frames composed once at ``profile``'s size, scaled down for each,
    so a video made in several sizes is drawn only once.
    """
    duration = _secs(timeline.duration)
    video, sounds = _compose(timeline, inputs=inputs, variables=variables, profile=profile)
    poster = None
    if poster_path is not None:
        split = video.split()
        video, still = split[0], split[1]
        # Exactly one frame passes the select, so the branch ends with the graph and never stalls it.
        frame = min(round(max(0.0, poster_at) * profile.fps), max(0, round(timeline.duration * profile.fps) - 1))
        poster = still.filter("select", f"eq(n,{frame})").output(
            str(poster_path), vframes=1, **{"q:v": 3, "update": 1, "f": "image2"}
        )
    targets = [(profile, output_path), *smaller]
    videos = video.split() if smaller else None
    audio = _mix(sounds, timeline.duration) if profile.has_audio else None
    audios = audio.filter_multi_output("asplit") if audio is not None and smaller else None
    outs = []
    for index, (target, path) in enumerate(targets):
        stream = videos[index] if videos is not None else video
        if index:
            stream = stream.filter("scale", target.width, target.height, flags="bicubic")
        if target.vcodec != "gif":
            stream = stream.filter("format", "yuv420p")
        streams = [stream]
        if audio is not None:
            streams.append(audios[index] if audios is not None else audio)
        outs.append(ffmpeg.output(*streams, str(path), t=duration, **target.output_kwargs))
    out = ffmpeg.merge_outputs(*outs, *([poster] if poster is not None else []))
    return _with_global_args(out, ffmpeg_exe)


def compile_frame(
    timeline: Timeline,
    *,
    inputs: Mapping[str, str | PathLike],
    variables: Mapping[str, str],
    profile: Profile,
    frame: int,
    output_path: str | PathLike,
    ffmpeg_exe: str,
) -> list[str]:
    """The ffmpeg argument list writing, as a PNG, frame number ``frame`` of ``timeline`` rendered in ``profile``
    (see :func:`frame_index`): the same graph as :func:`compile_render`'s, for that one frame."""
    video, _ = _compose(timeline, inputs=inputs, variables=variables, profile=profile, frame=frame)
    # Through the render's pixel format, so colours come out as the encoded video shows them.
    out = video.filter("format", "yuv420p").output(str(output_path), vframes=1, f="image2", vcodec="png", update=1)
    return _with_global_args(out, ffmpeg_exe)


def _with_global_args(out, ffmpeg_exe: str) -> list[str]:
    # ffmpeg-python appends global options after the output; put them first, where ffmpeg documents them.
    exe, *rest = out.overwrite_output().compile(cmd=ffmpeg_exe)
    if rest[-1] == "-y":
        rest.pop()
    return [exe, *GLOBAL_ARGS, "-y", *rest]


def _mix(sounds: list, total: float):
    """One stereo track of exactly ``total`` seconds: every sound, delayed to its start."""
    layers = []
    for stream, item in sounds:
        element = item.element
        length = item.end - item.start
        layer = (
            stream.filter("atrim", duration=_secs(length))
            .filter("asetpts", "PTS-STARTPTS")
            .filter("aformat", sample_rates=SAMPLE_RATE, channel_layouts="stereo")
        )
        if element.volume != 1.0:
            layer = layer.filter("volume", f"{element.volume:.3f}")
        if element.fade_in:
            layer = layer.filter("afade", t="in", st=0, d=_secs(element.fade_in))
        if element.fade_out:
            layer = layer.filter("afade", t="out", st=_secs(length - element.fade_out), d=_secs(element.fade_out))
        delay_ms = round(item.start * 1000)
        if delay_ms:
            layer = layer.filter("adelay", delays=delay_ms, all=1)
        layers.append(layer)
    if not layers:
        return ffmpeg.input(f"anullsrc=r={SAMPLE_RATE}:cl=stereo", f="lavfi", t=_secs(total)).audio
    mixed = layers[0] if len(layers) == 1 else ffmpeg.filter(layers, "amix", inputs=len(layers), normalize=0)
    return mixed.filter("apad", whole_dur=_secs(total)).filter("atrim", duration=_secs(total))


def media_labels(timeline: Timeline, inputs: Mapping[str, str | PathLike]) -> dict[str, str]:
    """Each local file as a person knows it: the elements drawing it and the media or input they name."""
    names: dict[str, list[str]] = {}
    for item in timeline.items:
        element = item.element
        if element.source is None:
            continue
        source = element.source
        origin = f"media “{source.media_id}”" if source.media_id is not None else f"input “{source.input}”"
        names.setdefault(_media_path(element, inputs), []).append(f"element “{element.id}” ({origin})")
    return {path: ", ".join(labels) for path, labels in names.items()}


def _failed_inputs(args: list[str], stderr: str, labels: Mapping[str, str]) -> list[str]:
    """The labels of the inputs ffmpeg's messages blame (it names them by index: ``in#1``, ``vist#1:0``, ``input 1:0``)."""
    paths = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "-i"]
    blamed = {int(index) for index in _INPUT_INDEX_RE.findall(stderr)}
    return [labels[paths[i]] for i in sorted(blamed) if i < len(paths) and paths[i] in labels]


def run_ffmpeg(args: list[str], timeout_s: float, *, labels: Mapping[str, str] | None = None) -> None:
    """Run an ffmpeg command; failure or timeout is ``ERROR_PROCESSING_VIDEO`` (1012).

    The error's text is for the customer: the elements and media whose file ffmpeg could not
    decode (``labels``, from :func:`media_labels`), never ffmpeg's own messages, which go to the log.
    """
    with subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as proc:
        try:
            _, stderr = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise errors.AppError(
                errors.ERROR_PROCESSING_VIDEO, data=f"the render timed out after {timeout_s:g} s"
            ) from None
    if proc.returncode != 0:
        text = stderr.decode("utf-8", "replace").strip()
        logger.warning("ffmpeg exited with status %s: %s", proc.returncode, text[-STDERR_TAIL_CHARS:])
        blamed = _failed_inputs(args, text, labels or {})
        reason = f"{'; '.join(blamed)} could not be decoded" if blamed else "the video could not be encoded"
        raise errors.AppError(errors.ERROR_PROCESSING_VIDEO, data=reason)
