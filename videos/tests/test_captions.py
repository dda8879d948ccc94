"""The WebVTT engine (pure) and the captions track of player pages (real renders)."""

from __future__ import annotations

import pytest
from django.test import Client

from videos.player.captions import webvtt
from videos.tests.test_player import cta_script, make_video, path_of


def test_cues_become_webvtt_in_order_with_markup_escaped():
    cues = [
        {"start": 0.25, "end": 2, "text": "Hi <b>Ana</b> & co"},
        {"start": 3723.5, "end": 3725.004, "text": "line one\n\n\nline two --> three"},
        {"start": 4, "end": 5, "text": "   "},
        {"start": 6, "end": 6, "text": "no time at all"},
    ]
    assert webvtt(cues) == (
        "WEBVTT\n\n"
        "00:00:00.250 --> 00:00:02.000\nHi &lt;b&gt;Ana&lt;/b&gt; &amp; co\n\n"
        "01:02:03.500 --> 01:02:05.004\nline one\nline two --&gt; three\n"
    )
    assert webvtt([]) == "WEBVTT\n"


@pytest.mark.django_db
def test_player_page_has_a_captions_track_of_the_rendered_texts(rpc, run_jobs, django_capture_on_commit_callbacks):
    video = make_video(rpc, run_jobs, django_capture_on_commit_callbacks)
    page_path = path_of(rpc("Video_Get_Page", video["id"])["url"])
    html = Client().get(page_path).content.decode()
    assert f'<track kind="captions" src="{page_path}/captions.vtt" label="Captions">' in html
    track = Client().get(f"{page_path}/captions.vtt")
    assert track.status_code == 200 and track["Content-Type"] == "text/vtt; charset=utf-8"
    assert track.content.decode() == "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHi Ana\n"  # $name filled

    rpc("Video_Revoke_Page", video["id"])
    assert Client().get(f"{page_path}/captions.vtt").status_code == 404


@pytest.mark.django_db
def test_a_video_without_texts_has_no_track(rpc, run_jobs, django_capture_on_commit_callbacks):
    script = cta_script()
    script["elements"] = [e for e in script["elements"] if e["type"] != "text"]
    video = make_video(rpc, run_jobs, django_capture_on_commit_callbacks, script=script)
    page_path = path_of(rpc("Video_Get_Page", video["id"])["url"])
    assert "<track" not in Client().get(page_path).content.decode()
    assert Client().get(f"{page_path}/captions.vtt").status_code == 404
