import subprocess

import av
import imageio_ffmpeg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops

from core import errors
from media_app.probe import probe
from templates_app.profiles import parse_profile
from templates_app.scripts import parse_script, resolve_timeline
from videos.compiler import compile_frame, compile_render, frame_index, media_labels, run_ffmpeg

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
MP4 = parse_profile("MP4_H264_AAC_320x240_24fps")
GIF = parse_profile("GIF_320x240_10fps")
WEBM = parse_profile("WEBM_VP9_OPUS_320x240_24fps")


def ffmpeg(*args):
    subprocess.run([FFMPEG, "-nostdin", "-y", "-loglevel", "error", *map(str, args)], check=True)


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    root = tmp_path_factory.mktemp("render-media")
    Image.new("RGB", (400, 300), (30, 60, 160)).save(root / "background.png")
    (root / "background.png").with_name("stored-without-extension").write_bytes((root / "background.png").read_bytes())
    frames = [Image.new("RGB", (40, 40), color) for color in ((250, 0, 0), (0, 0, 250))]
    frames[0].save(root / "anim.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=5", root / "bed.wav")
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=3",
        "-f", "lavfi", "-i", "sine=frequency=880:duration=3",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", root / "clip.mp4",
    )  # fmt: skip
    return root


def greeting_script(**text):
    return parse_script(
        {
            "inputs": [{"inputID": "photo", "type": "image"}],
            "elements": [
                {"id": "back", "type": "image", "duration": 2, "source": {"input": "photo"}, "fadeIn": 0.5},
                {"id": "hello", "type": "text", "text": "Hello $name", "duration": 2, "size": 28, "height": 80} | text,
                {"id": "bed", "type": "audio", "duration": 2, "source": {"mediaID": "m-bed"}, "fadeOut": 0.5},
            ],
        }
    )


def render(tmp_path, script, profile, *, name="out", variables=None, media_durations=None, inputs=None):
    output = tmp_path / f"{name}.{profile.extension}"
    args = compile_render(
        resolve_timeline(script, media_durations or {}),
        inputs=inputs or {},
        variables=variables or {},
        profile=profile,
        output_path=output,
        ffmpeg_exe=FFMPEG,
    )
    run_ffmpeg(args, timeout_s=120)
    return output


def frame_at(path, seconds):
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time >= seconds - 1e-3:
                return frame.to_image().convert("RGB")
    raise AssertionError(f"no frame at {seconds}s")


def greeting(tmp_path, media, profile, name="Ana", **kwargs):
    inputs = {"photo": media / "background.png", "m-bed": media / "bed.wav"}
    return render(tmp_path, greeting_script(), profile, variables={"name": name}, inputs=inputs, name=name, **kwargs)


def test_mp4_render(tmp_path, media):
    info = probe(greeting(tmp_path, media, MP4))
    assert (info.mime, info.video_codec, info.audio_codec) == ("video/mp4", "h264", "aac")
    assert (info.width, info.height, info.fps, info.has_audio) == (320, 240, 24.0, True)
    assert abs(info.duration_ms - 2000) <= 1000 / 24


def test_webm_render(tmp_path, media):
    info = probe(greeting(tmp_path, media, WEBM))
    assert (info.mime, info.video_codec, info.audio_codec) == ("video/webm", "vp9", "opus")
    assert (info.width, info.height, info.fps) == (320, 240, 24.0)
    assert abs(info.duration_ms - 2000) <= 1000 / 24


def test_gif_render(tmp_path, media):
    info = probe(greeting(tmp_path, media, GIF))
    assert (info.kind, info.mime, info.video_codec, info.has_audio) == ("video", "image/gif", "gif", False)
    assert (info.width, info.height, info.fps) == (320, 240, 10.0)
    assert abs(info.duration_ms - 2000) <= 100


def test_background_fades_in(tmp_path, media):
    output = greeting(tmp_path, media, GIF)
    corner = (5, 230)  # away from the text
    first, later = frame_at(output, 0).getpixel(corner), frame_at(output, 1).getpixel(corner)
    assert sum(first) < 40  # black base: the picture is still transparent
    assert later[2] > 120  # the blue picture, fully faded in


def test_renders_differ_only_in_the_personalised_text(tmp_path, media):
    ana = frame_at(greeting(tmp_path, media, GIF, name="Ana"), 1.0)
    bart = frame_at(greeting(tmp_path, media, GIF, name="Bartholomew"), 1.0)
    changed = ImageChops.difference(ana, bart).getbbox()
    assert changed is not None
    _, top, _, bottom = changed
    assert top >= 0 and bottom <= 80  # the text's box is the top 80 pixels


def test_mp4_renders_differ_only_in_the_text_within_encoder_noise(tmp_path, media):
    ana = frame_at(greeting(tmp_path, media, MP4, name="Ana"), 1.0)
    bart = frame_at(greeting(tmp_path, media, MP4, name="Bartholomew"), 1.0)
    difference = ImageChops.difference(ana, bart).convert("L")
    text_band = difference.crop((0, 0, 320, 80))
    elsewhere = difference.crop((0, 96, 320, 240))  # a macroblock row of margin
    assert text_band.getextrema()[1] > 100
    assert elsewhere.getextrema()[1] <= 12


def test_text_with_quotes_colons_and_accents(tmp_path, media):
    tricky = "It's 5:00 — José Ñúñez 100% \\ [a,b]; x=y"
    plain = greeting(tmp_path, media, GIF, name="x")
    fancy = greeting(tmp_path, media, GIF, name=tricky)
    assert ImageChops.difference(frame_at(plain, 1), frame_at(fancy, 1)).getbbox() is not None
    args = compile_render(
        resolve_timeline(greeting_script(), {}),
        inputs={"photo": "p.png", "m-bed": "b.wav"},
        variables={"name": tricky},
        profile=GIF,
        output_path="out.gif",
        ffmpeg_exe=FFMPEG,
    )
    graph = args[args.index("-filter_complex") + 1]
    assert "expansion=none" in graph and "Ñúñez" in graph


def test_percent_sequences_are_printed_literally(tmp_path, media):
    literal = frame_at(greeting(tmp_path, media, GIF, name="%{pts}"), 1.0)
    other = frame_at(greeting(tmp_path, media, GIF, name="%{n}"), 1.0)
    assert ImageChops.difference(literal, other).getbbox() is not None
    # Expanded, both would print numbers that change with time; literal text does not.
    again = frame_at(greeting(tmp_path, media, GIF, name="%{pts}"), 1.5)
    assert ImageChops.difference(literal.crop((0, 0, 320, 80)), again.crop((0, 0, 320, 80))).getbbox() is None


def test_silent_template_still_has_an_audio_track(tmp_path):
    script = parse_script({"elements": [{"id": "t", "type": "text", "text": "Hi", "duration": 1}]})
    info = probe(render(tmp_path, script, MP4))
    assert info.has_audio and info.audio_codec == "aac"
    assert abs(info.duration_ms - 1000) <= 1000 / 24


def test_video_element_with_its_sound_starts_late(tmp_path, media):
    script = parse_script(
        {
            "width": 640,
            "height": 480,
            "background": "#FFFFFF",
            "elements": [
                {"id": "clip", "type": "video", "source": {"mediaID": "m-clip"}, "play": 0.5, "volume": 0.8},
                {"id": "box", "type": "rectangle", "duration": 3.5, "x": 320, "y": 240, "width": 320,
                 "height": 240, "color": "#FF0000"},
                {"id": "buy", "type": "cta", "text": "Buy", "url": "https://example.com", "play": "clip.end - 1",
                 "duration": 1},
            ],
        }
    )  # fmt: skip
    output = render(tmp_path, script, MP4, media_durations={"m-clip": 3.0}, inputs={"clip": media / "clip.mp4"})
    info = probe(output)
    assert abs(info.duration_ms - 3500) <= 1000 / 24 and info.has_audio
    before, during = frame_at(output, 0.2), frame_at(output, 1.0)
    assert min(before.getpixel((80, 60))) > 230  # white base, the clip has not started
    assert ImageChops.difference(before.crop((0, 0, 160, 120)), during.crop((0, 0, 160, 120))).getbbox()
    red = during.getpixel((240, 180))  # design pixels (480, 360) scaled to the 320x240 output
    assert red[0] > 200 and red[1] < 60 and red[2] < 60


@pytest.mark.parametrize("profile", [MP4, GIF])
def test_poster_comes_from_the_same_run(tmp_path, media, profile):
    poster = tmp_path / "poster.jpg"
    video = tmp_path / f"out.{profile.extension}"
    args = compile_render(
        resolve_timeline(greeting_script(), {}),
        inputs={"photo": media / "background.png", "m-bed": media / "bed.wav"},
        variables={"name": "Ana"},
        profile=profile,
        output_path=video,
        ffmpeg_exe=FFMPEG,
        poster_path=poster,
        poster_at=1.0,
    )
    assert args.count(FFMPEG) == 1 and args[-1] == str(poster)
    run_ffmpeg(args, timeout_s=60)
    with Image.open(poster) as image:
        assert (image.format, image.size) == ("JPEG", (profile.width, profile.height))
        still = image.convert("RGB")
    assert probe(video).duration_ms == 2000  # the greeting is 2 s long: the poster branch does not cut it
    # the poster is the composed frame at 1 s: it matches the encoded one up to compression
    difference = ImageChops.difference(still, frame_at(video, 1.0)).convert("L")
    mean = sum(difference.histogram()[i] * i for i in range(256)) / (profile.width * profile.height)
    assert mean < (20 if profile is GIF else 12), mean  # GIF: a 256-colour dithered palette


def test_command_line_shape(media):
    args = compile_render(
        resolve_timeline(greeting_script(), {}),
        inputs={"photo": media / "background.png", "m-bed": media / "bed.wav"},
        variables={"name": "Ana"},
        profile=MP4,
        output_path="out.mp4",
        ffmpeg_exe=FFMPEG,
    )
    assert args[:6] == [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    file_inputs = [i for i, arg in enumerate(args) if arg in (str(media / "background.png"), str(media / "bed.wav"))]
    for index in file_inputs:
        assert args[index - 1] == "-i"
        assert "file" in args[index - 6 : index] and "-protocol_whitelist" in args[index - 6 : index]
    for option in ("libx264", "veryfast", "yuv420p", "+faststart", "aac"):
        assert option in args
    assert args[-1] == "out.mp4"


def test_missing_variable(media):
    with pytest.raises(errors.AppError) as info:
        greeting_timeline = resolve_timeline(greeting_script(), {})
        compile_render(greeting_timeline, inputs={"photo": "p.png", "m-bed": "b.wav"}, variables={},
                       profile=MP4, output_path="o.mp4", ffmpeg_exe=FFMPEG)  # fmt: skip
    assert info.value.entry is errors.VARIABLES_UNDEFINED and info.value.data == ["name"]


def test_missing_local_file():
    with pytest.raises(errors.AppError) as info:
        compile_render(resolve_timeline(greeting_script(), {}), inputs={}, variables={"name": "A"},
                       profile=MP4, output_path="o.mp4", ffmpeg_exe=FFMPEG)  # fmt: skip
    assert info.value.entry is errors.ERROR_DOWNLOADING_MEDIAS and info.value.data["element"] == "back"


def test_run_ffmpeg_failure_names_the_element_and_media(tmp_path, media):
    (tmp_path / "broken.png").write_bytes(b"\x89PNG not really" * 200)
    script = parse_script(
        {"elements": [
            {"id": "fine", "type": "image", "source": {"mediaID": "m-ok"}, "duration": 1},
            {"id": "logo", "type": "image", "source": {"mediaID": "m-broken"}, "duration": 1, "width": 50},
        ]}
    )  # fmt: skip
    inputs = {"m-ok": media / "background.png", "m-broken": tmp_path / "broken.png"}
    timeline = resolve_timeline(script, {})
    args = compile_render(timeline, inputs=inputs, variables={}, profile=MP4, output_path=tmp_path / "o.mp4",
                          ffmpeg_exe=FFMPEG)  # fmt: skip
    with pytest.raises(errors.AppError) as info:
        run_ffmpeg(args, 30, labels=media_labels(timeline, inputs))
    assert info.value.entry is errors.ERROR_PROCESSING_VIDEO
    assert info.value.data == "element “logo” (media “m-broken”) could not be decoded"


def test_run_ffmpeg_failure_without_a_culprit_says_so_in_plain_words(tmp_path):
    with pytest.raises(errors.AppError) as info:
        run_ffmpeg(
            [FFMPEG, "-nostdin", "-f", "lavfi", "-i", "testsrc=d=1", "-c:v", "nosuchcodec", str(tmp_path / "o.mp4")], 30
        )
    assert info.value.data == "the video could not be encoded"


def test_run_ffmpeg_timeout(tmp_path):
    endless = [FFMPEG, "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc", "-f", "null", "-"]
    with pytest.raises(errors.AppError) as info:
        run_ffmpeg(endless, timeout_s=0.5)
    assert info.value.entry is errors.ERROR_PROCESSING_VIDEO
    assert "timed out" in info.value.data


@pytest.mark.parametrize("picture", ["stored-without-extension", "anim.gif"])
def test_pictures_of_any_container(tmp_path, media, picture):
    script = parse_script(
        {"elements": [{"id": "pic", "type": "image", "source": {"mediaID": "m"}, "duration": 1.5, "width": 100}]}
    )
    output = render(tmp_path, script, GIF, inputs={"m": media / picture})
    info = probe(output)
    assert abs(info.duration_ms - 1500) <= 100
    first, last = frame_at(output, 0).getpixel((50, 120)), frame_at(output, 1.4).getpixel((50, 120))
    assert first == last and sum(first) > 150  # the still is there, from start to end


TINY = parse_profile("MP4_H264_AAC_128x128_12fps")
# Every media element draws from this small pool, so generated scripts reuse the same file often:
# the still both by mediaID and as the image input, the clip as a video and as a sound.
POOL = {
    "image": [{"mediaID": "m-still"}, {"input": "photo"}],
    "video": [{"mediaID": "m-clip"}],
    "audio": [{"mediaID": "m-bed"}, {"mediaID": "m-clip"}],
}


@st.composite
def scripts(draw):
    elements = []
    for index in range(draw(st.integers(min_value=2, max_value=6))):
        kind = draw(st.sampled_from(["image", "video", "audio", "text", "rectangle", "cta"]))
        element = {
            "id": f"e{index}",
            "type": kind,
            "play": draw(st.sampled_from([0, 0.25, 0.5])),
            "duration": draw(st.sampled_from([0.25, 0.5])),
        }
        if kind in POOL:
            element["source"] = draw(st.sampled_from(POOL[kind]))
        if kind not in ("audio", "rectangle") and draw(st.booleans()):
            element["fadeIn"] = 0.1
        if kind != "audio" and draw(st.booleans()):
            element.update(x=draw(st.sampled_from([-20, 0, 40])), width=64, height=draw(st.sampled_from([32, 64])))
        if kind in ("text", "cta"):
            element["text"] = draw(st.sampled_from(["Hi $name", "A long line of text", "ok"]))
        if kind == "cta":  # two CTAs never share a start or an end (2006/2007)
            element.update(play=0.1 * index, duration=0.3 + 0.1 * index, url="https://example.com")
        elements.append(element)
    return {"inputs": [{"inputID": "photo", "type": "image"}], "width": 128, "height": 128, "elements": elements}


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=scripts())
@example(  # the still by mediaID and as the input, the clip twice, the clip's sound and the bed twice
    raw={
        "inputs": [{"inputID": "photo", "type": "image"}],
        "elements": [
            {"id": "a", "type": "image", "duration": 0.5, "source": {"mediaID": "m-still"}},
            {"id": "b", "type": "image", "duration": 0.5, "source": {"input": "photo"}, "width": 64},
            {"id": "c", "type": "image", "duration": 0.5, "source": {"mediaID": "m-still"}, "x": 64},
            {"id": "d", "type": "video", "duration": 0.5, "source": {"mediaID": "m-clip"}, "width": 64},
            {"id": "e", "type": "video", "duration": 0.5, "source": {"mediaID": "m-clip"}, "x": 64},
            {"id": "f", "type": "audio", "duration": 0.5, "source": {"mediaID": "m-clip"}},
            {"id": "g", "type": "audio", "duration": 0.5, "source": {"mediaID": "m-bed"}},
            {"id": "h", "type": "audio", "duration": 0.5, "source": {"mediaID": "m-bed"}},
        ],
    }
)
def test_generated_scripts_always_render(tmp_path, media, raw):
    script = parse_script(raw)
    inputs = {"m-still": media / "background.png", "photo": media / "background.png"}
    inputs |= {"m-clip": media / "clip.mp4", "m-bed": media / "bed.wav"}
    output = render(tmp_path, script, TINY, variables={"name": "Zoë"}, inputs=inputs)
    timeline = resolve_timeline(script, {})
    assert abs(probe(output).duration_ms - timeline.duration * 1000) <= 1000 / TINY.fps


def test_image_zoom_moves_into_the_centre(tmp_path):
    picture = Image.new("RGB", (320, 240), (30, 60, 160))
    picture.paste((250, 20, 20), (140, 100, 180, 140))  # a red square in the middle, 40 px of 320
    picture.save(tmp_path / "square.png")
    script = parse_script(
        {"elements": [{"id": "p", "type": "image", "duration": 2, "source": {"mediaID": "m"}, "zoom": 2}]}
    )
    output = render(tmp_path, script, MP4, inputs={"m": tmp_path / "square.png"})

    def red_width(seconds):
        image = frame_at(output, seconds)
        row = [image.getpixel((x, image.height // 2)) for x in range(image.width)]
        return sum(1 for r, g, b in row if r > 180 and g < 90)

    start, middle, end = red_width(0), red_width(1), red_width(1.95)
    assert start == pytest.approx(40, abs=3)  # 320x240 output: the picture as it is
    assert start < middle < end and end == pytest.approx(80, abs=6)  # twice as large at the end
    with pytest.raises(errors.AppError):
        parse_script({"elements": [{"id": "t", "type": "text", "text": "x", "duration": 1, "zoom": 2}]})


def _text_frame(tmp_path, element: dict):
    script = parse_script({"width": 320, "height": 240, "background": "#203040", "elements": [element]})
    return frame_at(render(tmp_path, script, MP4), 0.5)


@pytest.mark.parametrize(
    "text",
    [
        "Maximilian Alexander von Habsburg-Lothringen und Söhne",
        "مرحبا بك في متجرنا يا صديقي العزيز",  # right to left
        "欢迎光临我们的商店祝您购物愉快再见",  # CJK: no spaces, lines break between characters
    ],
)
def test_long_text_wraps_inside_its_box(tmp_path, text):
    box = {"x": 80, "y": 60, "width": 160, "height": 120}
    frame = _text_frame(tmp_path, {"id": "name", "type": "text", "text": text, "duration": 1, "size": 28} | box)
    background = Image.new("RGB", frame.size, (0x20, 0x30, 0x40))
    drawn = ImageChops.difference(frame, background).convert("L").point(lambda p: 255 if p > 40 else 0).getbbox()
    assert drawn is not None
    left, top, right, bottom = drawn
    assert left >= box["x"] - 2 and right <= box["x"] + box["width"] + 2, drawn
    assert top >= box["y"] - 2 and bottom <= box["y"] + box["height"] + 2, drawn
    assert bottom - top > 40  # more than one line


def test_cjk_text_is_drawn_with_its_glyphs(tmp_path):
    """DejaVu has no CJK glyphs: two different words would both be rows of the same empty boxes."""
    frames = [
        _text_frame(tmp_path, {"id": "t", "type": "text", "text": word, "duration": 1, "size": 40})
        for word in ("你好", "世界")
    ]
    assert ImageChops.difference(*frames).convert("L").point(lambda p: 255 if p > 40 else 0).getbbox()


def _frame(tmp_path, script, at, inputs, name="frame"):
    timeline = resolve_timeline(parse_script(script), {"clip": 3.0})
    output = tmp_path / f"{name}.png"
    args = compile_frame(
        timeline,
        inputs=inputs,
        variables={},
        profile=MP4,
        frame=frame_index(timeline.duration, MP4.fps, at),
        output_path=output,
        ffmpeg_exe=FFMPEG,
    )
    run_ffmpeg(args, timeout_s=60)
    with Image.open(output) as image:
        return image.convert("RGB")


def test_frame_of_a_video_shown_twice_and_past_its_clips_end(tmp_path, media):
    """One file in two elements at the same moment (one input opened at that point, split), and a
    video element longer than its clip: after the clip's last frame only the background shows."""
    script = {
        "background": "#00FF00",
        "elements": [
            {"id": "a", "type": "video", "source": {"mediaID": "clip"}, "play": 1, "duration": 5, "width": 160},
            {"id": "b", "type": "video", "source": {"mediaID": "clip"}, "play": 1, "duration": 5, "x": 160},
        ],
    }
    inputs = {"clip": media / "clip.mp4"}
    during = _frame(tmp_path, script, 2.0, inputs)
    assert during.size == (320, 240)
    assert ImageChops.difference(during.crop((0, 0, 160, 240)), during.crop((160, 0, 320, 240))).getbbox() is None
    green = Image.new("RGB", (160, 240), (0, 255, 0))
    histogram = ImageChops.difference(during.crop((0, 0, 160, 240)), green).convert("L").histogram()
    assert sum(i * n for i, n in enumerate(histogram)) / (160 * 240) > 40  # the clip's test pattern, not the green
    after = _frame(tmp_path, script, 5.0, inputs, name="after")  # the 3 s clip ended at 4 s
    assert all(abs(a - b) < 8 for a, b in zip(after.getpixel((80, 60)), (0, 255, 0), strict=True))


def test_frame_index_is_the_frame_shown_then():
    assert [frame_index(2.0, 24, t) for t in (0, 0.04, 1 / 24, 1.999, 2.0, 9.0)] == [0, 0, 1, 47, 47, 47]
