"""The template editor's endpoints: the frame at a moment, the script check, the draft clip, the save,
through HTTP with the dashboard session — real ffmpeg, real Redis, real storage."""

from __future__ import annotations

import io
import json

import av
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image, ImageChops

from templates_app.models import VideoTemplate
from videos.editor import services
from videos.models import Video
from videos.tests.helpers import new_template, upload_media

pytestmark = pytest.mark.django_db

PROFILE = "MP4_H264_AAC_320x240_24fps"
RED, BLACK = (255, 0, 0), (0, 0, 0)


def boxed_script() -> dict:
    """A black 3 s canvas, a red box from 1 s to 2 s, and a greeting over it."""
    return {
        "width": 320,
        "height": 240,
        "elements": [
            {"id": "stage", "type": "rectangle", "duration": 3, "color": "#000000"},
            {"id": "box", "type": "rectangle", "play": 1, "duration": 1, "x": 80, "y": 60, "width": 160,
             "height": 120, "color": "#FF0000"},
            {"id": "hello", "type": "text", "text": "Hi $name", "play": "box.end", "duration": 1, "y": 180,
             "height": 60, "size": 24},
        ],
    }  # fmt: skip


@pytest.fixture
def browser(tenant) -> Client:
    client = Client()
    client.force_login(tenant.user)
    return client


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def png(response) -> Image.Image:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def name_sample(text="Ana") -> list[dict]:
    return [{"inputID": "name", "type": "text", "text": text}]


def test_frame_shows_an_element_only_inside_its_time_window_and_is_cached(browser, rpc):
    tid = new_template(rpc, boxed_script(), profiles=(PROFILE,))["templateID"]
    url = f"/templates/{tid}/editor/frame"
    body = {"script": boxed_script(), "inputMedias": name_sample()}

    inside = post(browser, url, {**body, "t": 1.5})
    image = png(inside)
    assert image.size == (320, 240)
    assert near(image.getpixel((160, 120)), RED) and near(image.getpixel((20, 20)), BLACK)
    assert inside["X-Frame-Cache"] == "miss" and inside["X-Frame-Index"] == "36" and inside["X-Frame-Time"] == "1.500"

    before, after = png(post(browser, url, {**body, "t": 0.5})), png(post(browser, url, {**body, "t": 2.5}))
    assert near(before.getpixel((160, 120)), BLACK) and near(after.getpixel((160, 120)), BLACK)
    text_rows = [y for y in range(180, 240) if any(max(after.getpixel((x, y))) > 200 for x in range(320))]
    assert text_rows, "the greeting is drawn below where the box was"

    again = post(browser, url, {**body, "t": 1.51})  # the same frame of a 24 fps render
    assert again["X-Frame-Cache"] == "hit" and again.content == inside.content
    other_name = post(browser, url, {**body, "t": 2.5, "inputMedias": name_sample("Bo")})
    assert other_name["X-Frame-Cache"] == "miss" and ImageChops.difference(png(other_name), after).getbbox()


def decoded_frame(path, seconds) -> Image.Image:
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time >= seconds - 1e-3:
                return frame.to_image().convert("RGB")
    raise AssertionError(f"no frame at {seconds}s")


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    histogram = ImageChops.difference(a, b).convert("L").histogram()
    return sum(i * n for i, n in enumerate(histogram)) / (a.width * a.height)


def test_frame_is_the_rendered_videos_frame(
    browser, rpc, tenant, upload, media_samples, run_jobs, django_capture_on_commit_callbacks
):
    """Pictures with a fade and a zoom, a clip opened mid-way, a text: the editor's frame at t is the
    encoded video's frame at t, up to compression."""
    photo = upload_media(upload, tenant, media_samples, "background.png", "image/png")
    clip = upload_media(upload, tenant, media_samples, "clip.mp4", "video/mp4")
    script = {
        "width": 320,
        "height": 240,
        "inputs": [{"inputID": "photo", "type": "image"}],
        "elements": [
            {"id": "back", "type": "image", "source": {"input": "photo"}, "duration": 3, "fadeIn": 1, "zoom": 1.5},
            {"id": "clip", "type": "video", "source": {"mediaID": clip}, "play": 0.7, "x": 20, "y": 20,
             "width": 160, "height": 120, "volume": 0},
            {"id": "hello", "type": "text", "text": "Hello $name", "play": "back.start + 0.3", "duration": 2.5,
             "y": 160, "height": 80, "size": 28, "fadeOut": 0.5},
        ],
    }  # fmt: skip
    tid = new_template(rpc, script, profiles=(PROFILE,))["templateID"]
    samples = [{"inputID": "photo", "type": "image", "mediaID": photo}, *name_sample()]
    with django_capture_on_commit_callbacks(execute=True):
        created = rpc("Template_Video_New", tid, {"name": "Ref", "inputMedias": samples})
    run_jobs("render")
    video = rpc("Video_Get", created["id"])
    assert video["status"]["code"] == "done", video
    stored = Video.objects.for_account(tenant.account).get(public_id=created["id"])
    path = default_storage.path(stored.out_files[0]["key"])
    for t in (0.2, 0.9, 1.55, 2.8):
        frame = png(post(browser, f"/templates/{tid}/editor/frame", {"script": script, "inputMedias": samples, "t": t}))
        assert mean_difference(frame, decoded_frame(path, t)) < 6, t


def test_check_answers_times_and_inputs(browser, rpc, tenant, upload, media_samples):
    clip = upload_media(upload, tenant, media_samples, "clip.mp4", "video/mp4")
    script = boxed_script()
    script["elements"].append({"id": "outro", "type": "video", "source": {"mediaID": clip}, "play": "hello.end"})
    tid = new_template(rpc, boxed_script())["templateID"]
    answer = post(browser, f"/templates/{tid}/editor/check", {"script": script, "inputMedias": name_sample()})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["items"][-1] == {"id": "outro", "start": 3.0, "end": 5.0}  # the clip's own 2 s
    assert body["duration"] == 5.0 and body["inputs"] == [{"inputID": "name", "type": "text"}]


def too_many(script: dict) -> None:
    script["elements"] = [{"id": f"r{i}", "type": "rectangle", "duration": 1} for i in range(51)]  # pro: 50


@pytest.mark.parametrize(
    ("change", "code", "status", "elements"),
    [
        (lambda s: s["elements"][2].update(play="intro.end"), 1005, 422, ["hello"]),
        (lambda s: s["elements"][1].update(colour="#FF0000"), 1005, 422, ["box"]),
        (
            lambda s: s["elements"].append({"id": "buy", "type": "cta", "text": "Buy", "duration": 1}),
            2006,
            400,
            ["buy"],
        ),
        (lambda s: s["elements"].append({"id": "buy", "type": "cta", "play": 1, "duration": 1}), 2007, 400, ["buy"]),
        (lambda s: s["elements"][2].update(text="Hi $name from $city"), 2005, 400, ["hello"]),
        (lambda s: s.update(elements=[]), 1009, 400, []),
        (too_many, 2003, 403, []),
    ],
)
def test_errors_name_the_elements_they_concern(browser, rpc, change, code, status, elements):
    tid = new_template(rpc, boxed_script())["templateID"]
    script = boxed_script()
    change(script)
    for endpoint in ("check", "frame"):
        answer = post(browser, f"/templates/{tid}/editor/{endpoint}", {"script": script, "inputMedias": name_sample()})
        assert answer.status_code == status, answer.content
        body = answer.json()
        assert body["error"]["code"] == code and body["elements"] == elements, body
        assert body["text"].startswith(f"{code} ")


def test_missing_sample_names_the_input_and_its_elements(browser, rpc):
    tid = new_template(rpc, boxed_script())["templateID"]
    answer = post(browser, f"/templates/{tid}/editor/check", {"script": boxed_script(), "inputMedias": []})
    body = answer.json()
    assert body["error"] == {"code": 2005, "message": "Not all variables defined", "data": ["name"]}
    assert body["elements"] == ["hello"] and body["inputs"] == [{"inputID": "name", "type": "text"}]


def test_a_sample_of_the_wrong_kind_names_the_elements_drawing_that_input(browser, rpc, tenant, upload, media_samples):
    bed = upload_media(upload, tenant, media_samples, "bed.wav", "audio/wav")
    script = boxed_script()
    script["inputs"] = [{"inputID": "photo", "type": "image"}]
    script["elements"].append({"id": "pic", "type": "image", "source": {"input": "photo"}, "duration": 1})
    tid = new_template(rpc, script)["templateID"]
    samples = [*name_sample(), {"inputID": "photo", "type": "image", "mediaID": bed}]
    answer = post(browser, f"/templates/{tid}/editor/check", {"script": script, "inputMedias": samples})
    body = answer.json()
    assert answer.status_code == 400 and body["error"]["code"] == 1004 and body["elements"] == ["pic"]
    assert body["text"] == (
        "1004 The values given do not match the inputs the script asks for."
        f" (input “photo”: media {bed} is a audio, the script wants a image)"
    )


def test_another_accounts_template_and_media_are_not_found(
    browser, rpc, other_rpc, tenant, other_tenant, upload, media_samples
):
    theirs = other_rpc("Template_New", {"name": "T", "inputScripts": boxed_script(), "outProfiles": [PROFILE]})
    their_photo = upload_media(upload, other_tenant, media_samples, "photo.jpg", "image/jpeg")
    body = {"script": boxed_script(), "inputMedias": name_sample(), "t": 1}
    for endpoint in ("check", "frame", "clip", "save"):
        answer = post(browser, f"/templates/{theirs['templateID']}/editor/{endpoint}", body)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == 1000, endpoint
    assert browser.get(f"/templates/{theirs['templateID']}/editor/").status_code == 404

    tid = new_template(rpc, boxed_script())["templateID"]
    in_script = boxed_script()
    in_script["elements"].append({"id": "pic", "type": "image", "source": {"mediaID": their_photo}, "duration": 1})
    answer = post(browser, f"/templates/{tid}/editor/frame", {**body, "script": in_script})
    assert answer.status_code == 404 and answer.json()["error"]["code"] == 1001 and answer.json()["elements"] == ["pic"]

    as_sample = boxed_script()
    as_sample["inputs"] = [{"inputID": "photo", "type": "image"}]
    as_sample["elements"].append({"id": "pic", "type": "image", "source": {"input": "photo"}, "duration": 1})
    samples = [*name_sample(), {"inputID": "photo", "type": "image", "mediaID": their_photo}]
    answer = post(browser, f"/templates/{tid}/editor/frame", {**body, "script": as_sample, "inputMedias": samples})
    assert answer.status_code == 404 and answer.json()["error"]["code"] == 1001 and answer.json()["elements"] == ["pic"]


def test_session_and_csrf_are_required(tenant, rpc):
    tid = new_template(rpc, boxed_script())["templateID"]
    body = {"script": boxed_script(), "inputMedias": name_sample(), "t": 1}
    anonymous = post(Client(), f"/templates/{tid}/editor/frame", body)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(tenant.user)
    assert post(strict, f"/templates/{tid}/editor/frame", body).status_code == 403
    strict.get(f"/templates/{tid}/editor/")  # sets the CSRF cookie, as the page does
    token = strict.cookies["csrftoken"].value
    answer = strict.post(
        f"/templates/{tid}/editor/frame", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert answer.status_code == 200


def test_budget_refuses_an_oversized_script(browser, rpc):
    tid = new_template(rpc, boxed_script())["templateID"]
    script = boxed_script()
    script["elements"][2]["text"] = "x" * services.MAX_SCRIPT_BYTES
    answer = post(browser, f"/templates/{tid}/editor/frame", {"script": script, "inputMedias": name_sample()})
    assert answer.status_code == 422
    assert answer.json()["error"]["data"]["reason"] == f"the script is larger than {services.MAX_SCRIPT_BYTES} bytes"


def test_budget_stops_a_frame_that_takes_too_long(browser, rpc, monkeypatch):
    monkeypatch.setattr(services, "FRAME_TIMEOUT_S", 0.001)
    tid = new_template(rpc, boxed_script())["templateID"]
    answer = post(browser, f"/templates/{tid}/editor/frame", {"script": boxed_script(), "inputMedias": name_sample()})
    assert answer.status_code == 500
    assert answer.json()["error"] == {
        "code": 1012,
        "message": "Error processing video",
        "data": "the render timed out after 0.001 s",
    }
    assert answer.json()["text"] == "1012 The video could not be made. (the render timed out after 0.001 s)"


def test_preview_clip_is_free_range_served_cached_and_rate_limited(browser, rpc, tenant, other_tenant, monkeypatch):
    monkeypatch.setattr(services, "CLIPS_PER_MINUTE", 2)
    tid = new_template(rpc, boxed_script(), profiles=("MP4_H264_AAC_640x480_24fps",))["templateID"]
    credits = tenant.account.credits
    body = {"script": boxed_script(), "inputMedias": name_sample()}
    made = post(browser, f"/templates/{tid}/editor/clip", body)
    assert made.status_code == 200, made.content
    assert made.json()["cached"] is False and made.json()["duration"] == 3.0
    url = made.json()["url"]

    whole = browser.get(url)
    data = b"".join(whole.streaming_content)
    assert whole.status_code == 200 and whole["Content-Type"] == "video/mp4"
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (320, 240)
        assert abs(container.duration / 1_000_000 - 3.0) < 0.1 and container.streams.audio
    part = browser.get(url, HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 0-99/{len(data)}"

    assert post(browser, f"/templates/{tid}/editor/clip", body).json() == {**made.json(), "cached": True}
    tenant.account.refresh_from_db()
    assert tenant.account.credits == credits and not Video.objects.for_account(tenant.account).exists()

    second = post(browser, f"/templates/{tid}/editor/clip", {**body, "inputMedias": name_sample("Bo")})
    assert second.status_code == 200
    refused = post(browser, f"/templates/{tid}/editor/clip", {**body, "inputMedias": name_sample("Cy")})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Preview clips: at most 2 a minute; the next one in" in refused.json()["text"]
    assert post(browser, f"/templates/{tid}/editor/clip", body).json()["cached"] is True  # a made one is still served

    theirs = Client()
    theirs.force_login(other_tenant.user)
    assert theirs.get(url).status_code == 404
    assert browser.get(url.replace(url.split("/")[-1], "0" * 64 + ".mp4")).status_code == 404


def test_save_checks_and_stores_the_script(browser, rpc, tenant):
    tid = new_template(rpc, boxed_script())["templateID"]
    script = boxed_script()
    script["elements"][1]["duration"] = 1.5
    saved = post(browser, f"/templates/{tid}/editor/save", {"script": json.dumps(script)})
    assert saved.status_code == 200 and saved.json()["saved"] is True
    row = VideoTemplate.objects.for_account(tenant.account).get(public_id=tid)
    assert row.input_scripts["elements"][1]["duration"] == 1.5
    script["elements"][1]["duration"] = -1
    refused = post(browser, f"/templates/{tid}/editor/save", {"script": script})
    assert refused.status_code == 422 and refused.json()["elements"] == ["box"]
    assert post(browser, f"/templates/{tid}/editor/save", {}).json()["error"]["code"] == 1009
