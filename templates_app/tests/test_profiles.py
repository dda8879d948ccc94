import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import errors
from templates_app import profiles
from templates_app.profiles import UnknownProfile, parse_profile, validate_profiles


def test_parse_mp4_profile():
    profile = parse_profile("MP4_H264_AAC_640x480_24fps")
    assert (profile.container, profile.vcodec, profile.acodec) == ("mp4", "h264", "aac")
    assert (profile.width, profile.height, profile.fps) == (640, 480, 24)
    assert profile.extension == "mp4" and profile.mime == "video/mp4" and profile.has_audio
    kwargs = profile.output_kwargs
    assert kwargs["vcodec"] == "libx264" and kwargs["preset"] == "veryfast"
    assert kwargs["pix_fmt"] == "yuv420p" and kwargs["movflags"] == "+faststart"
    assert kwargs["acodec"] == "aac"


def test_parse_webm_and_gif_profiles():
    webm = parse_profile("WEBM_VP9_OPUS_1280x720_30fps")
    assert (webm.vcodec, webm.acodec, webm.extension) == ("vp9", "opus", "webm")
    assert webm.output_kwargs["deadline"] == "realtime" and webm.output_kwargs["acodec"] == "libopus"
    gif = parse_profile("GIF_320x240_10fps")
    assert (gif.vcodec, gif.acodec, gif.extension, gif.fps) == ("gif", None, "gif", 10)
    assert not gif.has_audio


def test_output_kwargs_are_a_fresh_dict():
    profile = parse_profile("GIF_320x240_10fps")
    profile.output_kwargs["r"] = 99
    assert profile.output_kwargs["r"] == 10


@pytest.mark.parametrize("name", profiles.COMMON_PROFILES)
def test_common_profiles_parse(name):
    assert parse_profile(name).name == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "MP4_H264_AAC_640x480",
        "MP4_H264_MP3_640x480_24fps",
        "AVI_640x480_24fps",
        "MP4_H264_AAC_641x480_24fps",
        "MP4_H264_AAC_126x240_24fps",
        "MP4_H264_AAC_3840x2160_24fps",
        "MP4_H264_AAC_640x480_0fps",
        "MP4_H264_AAC_640x480_61fps",
        "mp4_h264_aac_640x480_24fps",
        "GIF_320x240_10fps ",
    ],
)
def test_unknown_profiles(name):
    with pytest.raises(UnknownProfile) as info:
        parse_profile(name)
    assert isinstance(info.value, ValueError)
    assert info.value.name == name


@given(
    family=st.sampled_from(["MP4_H264_AAC", "WEBM_VP9_OPUS", "GIF"]),
    width=st.integers(64, 960).map(lambda n: n * 2),
    height=st.integers(64, 960).map(lambda n: n * 2),
    fps=st.integers(1, 60),
)
def test_any_even_size_and_rate_in_range_parses(family, width, height, fps):
    profile = parse_profile(f"{family}_{width}x{height}_{fps}fps")
    assert (profile.width, profile.height, profile.fps) == (width, height, fps)


def test_validate_profiles():
    profiles = validate_profiles(["MP4_H264_AAC_640x480_24fps", "GIF_320x240_10fps"])
    assert [p.vcodec for p in profiles] == ["h264", "gif"]


def test_validate_profiles_empty():
    with pytest.raises(errors.AppError) as info:
        validate_profiles([])
    assert info.value.entry is errors.NO_VIDEO_PROFILES


def test_validate_profiles_duplicated():
    with pytest.raises(errors.AppError) as info:
        validate_profiles(["GIF_320x240_10fps", "MP4_H264_AAC_640x480_24fps", "GIF_320x240_10fps"])
    assert info.value.entry is errors.DUPLICATED_PROFILE
    assert info.value.data == "GIF_320x240_10fps"


def test_validate_profiles_unknown():
    with pytest.raises(errors.AppError) as info:
        validate_profiles(["GIF_320x240_10fps", "MOV_PRORES_640x480_24fps"])
    assert info.value.entry is errors.PROFILE_NOT_ALLOWED
    assert info.value.data == {"profile": "MOV_PRORES_640x480_24fps", "reason": "unknown profile"}
