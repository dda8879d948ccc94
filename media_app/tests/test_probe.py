import subprocess
import sys

import imageio_ffmpeg
import pytest
from PIL import Image

from core import errors
from media_app.probe import audio_loudness, matches_declared, probe

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg(*args):
    subprocess.run([FFMPEG, "-nostdin", "-y", "-loglevel", "error", *map(str, args)], check=True)


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    root = tmp_path_factory.mktemp("media")
    Image.new("RGB", (64, 48), (10, 200, 30)).save(root / "pic.png")
    Image.new("RGB", (64, 48), (10, 200, 30)).save(root / "pic.jpg", quality=90)
    frames = [Image.new("RGB", (32, 32), color) for color in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    frames[0].save(root / "anim.gif", save_all=True, append_images=frames[1:], duration=100)
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", root / "clip.mp4",
    )  # fmt: skip
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1", "-c:v", "libx264", root / "mute.mp4")
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=1000:duration=3", root / "tone.wav")
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "2", root / "silence.wav")
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=1",
        "-f", "lavfi", "-i", "sine=duration=1",
        "-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus", root / "clip.webm",
    )  # fmt: skip
    (root / "notes.txt").write_text("this is not a video\n" * 20)
    (root / "empty.mp4").write_bytes(b"")
    (root / "truncated.mp4").write_bytes((root / "clip.mp4").read_bytes()[:200])
    return root


def test_png_is_an_image(media):
    info = probe(media / "pic.png")
    assert (info.kind, info.mime, info.width, info.height) == ("image", "image/png", 64, 48)
    assert info.duration_ms is None and not info.has_audio and info.video_codec == "png"


def test_jpeg_is_an_image(media):
    info = probe(media / "pic.jpg")
    assert (info.kind, info.mime, info.video_codec) == ("image", "image/jpeg", "mjpeg")


def test_mp4_with_sound(media):
    info = probe(media / "clip.mp4")
    assert (info.kind, info.mime, info.video_codec, info.audio_codec) == ("video", "video/mp4", "h264", "aac")
    assert (info.width, info.height, info.fps, info.has_audio) == (160, 120, 25.0, True)
    assert abs(info.duration_ms - 2000) <= 50
    assert info.as_dict()["kind"] == "video"


def test_webm(media):
    info = probe(media / "clip.webm")
    assert (info.kind, info.mime, info.video_codec, info.audio_codec) == ("video", "video/webm", "vp9", "opus")


def test_wav_is_audio(media):
    info = probe(media / "tone.wav")
    assert (info.kind, info.mime, info.audio_codec, info.width) == ("audio", "audio/wav", "pcm_s16le", None)
    assert abs(info.duration_ms - 3000) <= 50 and info.has_audio


def test_animated_gif_is_a_video_declared_as_image(media):
    info = probe(media / "anim.gif")
    assert (info.kind, info.mime) == ("video", "image/gif")
    assert matches_declared(info, "image/gif")
    assert matches_declared(info, "video/gif")
    assert not matches_declared(info, "image/png")


@pytest.mark.parametrize("name", ["notes.txt", "empty.mp4", "truncated.mp4", "missing.mp4"])
def test_not_media(media, name):
    with pytest.raises(errors.AppError) as info:
        probe(media / name)
    assert info.value.entry is errors.BAD_INPUT_MEDIA
    assert info.value.detail


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("pic.png", "image/png", True),
        ("pic.png", "image/jpeg", True),  # the family is what the upload contract declares
        ("pic.png", "video/mp4", False),
        ("clip.mp4", "video/mp4; codecs=avc1", True),
        ("clip.mp4", "image/png", False),
        ("clip.mp4", "audio/mp4", False),
        ("tone.wav", "audio/wav", True),
        ("tone.wav", "video/x-wav", False),
    ],
)
def test_matches_declared(media, name, content_type, expected):
    assert matches_declared(probe(media / name), content_type) is expected


def test_loudness_of_a_tone(media):
    # ffmpeg's sine source has amplitude 1/8: a peak of 20*log10(1/8) = -18.06 dBFS.
    result = audio_loudness(media / "tone.wav", FFMPEG)
    assert set(result) == {"integratedLUFS", "loudnessRangeLU", "peakDB", "meanVolumeDB", "maxVolumeDB"}
    assert result["maxVolumeDB"] == pytest.approx(-18.1, abs=0.3)
    assert result["peakDB"] == pytest.approx(-18.1, abs=0.5)
    assert result["meanVolumeDB"] == pytest.approx(-21.1, abs=0.3)  # an RMS 3 dB below the peak
    assert -25 < result["integratedLUFS"] < -15


def test_loudness_of_a_video_soundtrack(media):
    assert audio_loudness(media / "clip.mp4", FFMPEG)["maxVolumeDB"] == pytest.approx(-18.1, abs=1)


def test_loudness_of_silence(media):
    result = audio_loudness(media / "silence.wav", FFMPEG)
    assert result["maxVolumeDB"] is None or result["maxVolumeDB"] < -90
    assert result["integratedLUFS"] <= -70


def test_loudness_without_audio(media):
    for name in ("mute.mp4", "pic.png"):
        with pytest.raises(errors.AppError) as info:
            audio_loudness(media / name, FFMPEG)
        assert info.value.entry is errors.BAD_INPUT_MEDIA
        assert info.value.detail == "media has no audio track"


def test_png_bomb_fixture_is_a_valid_png(tmp_path):
    from conftest import png_bomb

    (tmp_path / "small.png").write_bytes(png_bomb(64, 48))
    with Image.open(tmp_path / "small.png") as img:
        img.load()
        assert img.size == (64, 48) and img.getextrema()[0] == (0, 0)


def test_decompression_bomb_is_refused_from_its_header_within_50_mb(decompression_bomb):
    """Measured in a fresh interpreter: the probe's peak RSS growth, not the test process's."""
    script = (
        "import resource, sys\n"
        "from core.errors import AppError\n"
        "from media_app.probe import probe\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    probe(sys.argv[1])\n"
        "except AppError as exc:\n"
        "    print(exc.entry.code, exc.message)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(decompression_bomb)], capture_output=True, text=True)
    verdict, growth_kb = done.stdout.strip().splitlines()
    assert verdict == "1029 picture has more than the 50 MP limit", done.stderr
    assert int(growth_kb) <= 50 * 1024


def test_pixels_over_the_limit_are_1029_with_the_size(tmp_path):
    from conftest import png_bomb

    (tmp_path / "wide.png").write_bytes(png_bomb(10000, 5001))
    with pytest.raises(errors.AppError) as exc:
        probe(tmp_path / "wide.png")
    assert exc.value.entry.code == 1029 and "10000×5001 pixels, more than the 50 MP limit" in exc.value.message


def test_video_frames_over_the_limit_are_1029(tmp_path):
    ffmpeg("-f", "lavfi", "-i", "color=size=8000x6400:duration=0.04:rate=25", "-c:v", "mpeg4", tmp_path / "huge.avi")
    with pytest.raises(errors.AppError) as exc:
        probe(tmp_path / "huge.avi")
    assert exc.value.entry.code == 1029 and "50 MP" in exc.value.message


def test_probe_errors_name_no_folder(tmp_path):
    scratch = tmp_path / "scratch" / "upload-1"
    scratch.mkdir(parents=True)
    (scratch / "junk.mp4").write_bytes(bytes(range(256)) * 64)
    with pytest.raises(errors.AppError) as exc:
        probe(scratch / "junk.mp4")
    assert exc.value.entry.code == 1029
    assert str(tmp_path) not in exc.value.message and "/scratch/" not in exc.value.message
