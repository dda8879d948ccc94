import pytest
from django.core.files.storage import default_storage
from PIL import ImageChops

from accounts.models import Account, Notification
from videos.models import Video
from videos.tests.helpers import PROFILE, greeting_script, new_template, render, streams, upload_media

pytestmark = pytest.mark.django_db


@pytest.fixture
def greeting(rpc, upload, tenant, media_samples):
    photo = upload_media(upload, tenant, media_samples, "background.png", "image/png")
    bed = upload_media(upload, tenant, media_samples, "bed.wav", "audio/wav")
    template = new_template(rpc, greeting_script(bed_media=bed), profiles=(PROFILE, "GIF_176x144_10fps"))
    return {"template": template, "photo": photo, "bed": bed}


def inputs(photo, name="Ana"):
    return [{"inputID": "photo", "type": "image", "mediaID": photo}, {"inputID": "name", "type": "text", "text": name}]


def local(key):
    return default_storage.path(key)


def test_render_end_to_end(rpc, run_jobs, django_capture_on_commit_callbacks, greeting, tenant):
    credits_before = Account.objects.get(pk=tenant.account.pk).credits
    video = render(
        rpc,
        run_jobs,
        django_capture_on_commit_callbacks,
        greeting["template"]["templateID"],
        inputs(greeting["photo"]),
        data="opaque ☃",
    )
    assert video["status"] == {"code": "done"}
    assert video["data"] == "opaque ☃"
    assert video["duration"] == 1000
    assert [f["profile"] for f in video["outFiles"]] == [PROFILE, "GIF_176x144_10fps"]
    row = Video.objects.unscoped().get(public_id=video["id"])
    mp4 = streams(local(row.out_files[0]["key"]))
    assert mp4["vcodec"] == "h264" and mp4["size"] == (176, 144) and mp4["fps"] == 24
    assert mp4["acodec"] == "aac"
    assert abs(mp4["frames"] - 24) <= 1
    assert abs(mp4["duration"] - 1.0) <= 1 / 24 + 0.03  # container duration includes audio priming
    gif = streams(local(row.out_files[1]["key"]))
    assert gif["vcodec"] == "gif" and gif["size"] == (176, 144) and gif["acodec"] is None
    assert default_storage.exists(row.poster_key)
    account = Account.objects.get(pk=tenant.account.pk)
    assert account.credits == credits_before - 2  # one credit per profile
    assert account.stored_video_bytes == row.stored_bytes > 0
    assert video["outFiles"][0]["size"] == row.out_files[0]["size"]


def test_name_changes_only_the_text_region(rpc, run_jobs, django_capture_on_commit_callbacks, greeting):
    from videos.tests.test_render_frames import frame_at

    template_id = greeting["template"]["templateID"]
    a = render(rpc, run_jobs, django_capture_on_commit_callbacks, template_id, inputs(greeting["photo"], "Ana"))
    b = render(rpc, run_jobs, django_capture_on_commit_callbacks, template_id, inputs(greeting["photo"], "Bob"))
    key = lambda v: Video.objects.unscoped().get(public_id=v["id"]).out_files[0]["key"]  # noqa: E731
    fa, fb = frame_at(local(key(a)), 0.6), frame_at(local(key(b)), 0.6)
    box = ImageChops.difference(fa, fb).point(lambda p: 255 if p > 24 else 0).getbbox()
    assert box is not None
    # the text element is the band y 0..40 (centred), full width
    assert box[1] >= 0 and box[3] <= 44


def test_job_run_twice_gives_one_set_of_files(rpc, run_jobs, django_capture_on_commit_callbacks, greeting, tenant):
    from videos.jobs import render_video

    video = render(
        rpc, run_jobs, django_capture_on_commit_callbacks, greeting["template"]["templateID"], inputs(greeting["photo"])
    )
    row = Video.objects.unscoped().get(public_id=video["id"])
    stored = Account.objects.get(pk=tenant.account.pk).stored_video_bytes
    render_video(row.pk)  # already done: a no-op
    folder = default_storage.path(f"videos/{tenant.account_id}/{row.public_id}")
    import os

    assert sorted(os.listdir(folder)) == sorted(
        [f["key"].rsplit("/", 1)[1] for f in row.out_files] + [f"{row.public_id}.poster.jpg"]
    )
    assert Account.objects.get(pk=tenant.account.pk).stored_video_bytes == stored
    # a worker killed mid-render: the stale sweep re-queues it, the rerun replaces the files
    Video.objects.unscoped().filter(pk=row.pk).update(status="processing", claimed_until="2000-01-01T00:00:00Z")
    from videos.services import requeue_stale

    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale() == 1
    Account.objects.filter(pk=tenant.account.pk).update(stored_video_bytes=0)
    run_jobs("render")
    row.refresh_from_db()
    assert row.status == "done" and row.attempts == 2
    assert sorted(os.listdir(folder)) == sorted(
        [f["key"].rsplit("/", 1)[1] for f in row.out_files] + [f"{row.public_id}.poster.jpg"]
    )


def test_stale_video_fails_after_max_attempts(rpc, run_jobs, django_capture_on_commit_callbacks, greeting, tenant):
    from videos.services import requeue_stale

    with django_capture_on_commit_callbacks(execute=False):
        video = rpc(
            "Template_Video_New", greeting["template"]["templateID"], {"inputMedias": inputs(greeting["photo"])}
        )
    Video.objects.unscoped().filter(public_id=video["id"]).update(
        status="processing", attempts=3, claimed_until="2000-01-01T00:00:00Z"
    )
    requeue_stale()
    got = rpc("Video_Get", video["id"])
    assert got["status"]["code"] == "error" and got["status"]["error"] == 1012
    assert Notification.objects.for_account(tenant.account).filter(kind="render_failed").exists()


def test_http_input_refused_for_private_address(rpc, run_jobs, django_capture_on_commit_callbacks, greeting, tenant):
    credits = Account.objects.get(pk=tenant.account.pk).credits
    video = render(
        rpc,
        run_jobs,
        django_capture_on_commit_callbacks,
        greeting["template"]["templateID"],
        [
            {"inputID": "photo", "type": "image", "http": "http://10.1.2.3/photo.png"},
            {"inputID": "name", "type": "text", "text": "Ana"},
        ],
    )
    assert video["status"]["code"] == "error"
    assert video["status"]["error"] == 1011
    assert "private" in video["status"]["message"]
    assert Account.objects.get(pk=tenant.account.pk).credits == credits  # refunded
    note = Notification.objects.for_account(tenant.account).get(kind="render_failed")
    assert note.data["videoID"] == video["id"]


def test_http_input_downloaded(rpc, run_jobs, django_capture_on_commit_callbacks, greeting, media_samples):
    import http.server
    import threading
    from functools import partial

    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(media_samples))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/photo.jpg"
        video = render(
            rpc,
            run_jobs,
            django_capture_on_commit_callbacks,
            greeting["template"]["templateID"],
            [{"inputID": "photo", "type": "image", "http": url}, {"inputID": "name", "type": "text", "text": "Ana"}],
        )
        assert video["status"] == {"code": "done"}
        missing = render(
            rpc,
            run_jobs,
            django_capture_on_commit_callbacks,
            greeting["template"]["templateID"],
            [
                {"inputID": "photo", "type": "image", "http": url + ".missing"},
                {"inputID": "name", "type": "text", "text": "Ana"},
            ],
        )
        assert missing["status"]["error"] == 1011 and "404" in missing["status"]["message"]
        wrong_kind = render(
            rpc,
            run_jobs,
            django_capture_on_commit_callbacks,
            greeting["template"]["templateID"],
            [
                {"inputID": "photo", "type": "image", "http": url.replace("photo.jpg", "bed.wav")},
                {"inputID": "name", "type": "text", "text": "Ana"},
            ],
        )
        assert wrong_kind["status"]["error"] == 1011
    finally:
        server.shutdown()


def test_per_video_upload_deleted_after_render(
    rpc, run_jobs, django_capture_on_commit_callbacks, greeting, upload, tenant, media_samples
):
    from media_app.models import MediaFile

    response = upload(tenant, media_samples / "photo.jpg", "image/jpeg", template=greeting["template"])
    assert response.status_code == 200, response.content
    media = response.json()
    assert media["perVideo"] is True and media["templateID"] == greeting["template"]["templateID"]
    key = MediaFile.objects.for_account(tenant.account).get(public_id=media["mediaID"]).storage_key
    video = render(
        rpc, run_jobs, django_capture_on_commit_callbacks, greeting["template"]["templateID"], inputs(media["mediaID"])
    )
    assert video["status"] == {"code": "done"}
    assert not MediaFile.objects.for_account(tenant.account).filter(public_id=media["mediaID"]).exists()
    assert not default_storage.exists(key)


def test_video_clip_input_with_its_own_length(
    rpc, run_jobs, django_capture_on_commit_callbacks, upload, tenant, media_samples
):
    clip = upload_media(upload, tenant, media_samples, "clip.mp4", "video/mp4")
    script = {
        "inputs": [{"inputID": "clip", "type": "video"}],
        "elements": [{"id": "c", "type": "video", "source": {"input": "clip"}}],
    }
    template = new_template(rpc, script)
    video = render(
        rpc,
        run_jobs,
        django_capture_on_commit_callbacks,
        template["templateID"],
        [{"inputID": "clip", "type": "video", "mediaID": clip}],
    )
    assert video["status"] == {"code": "done"}
    assert video["duration"] == 2000


def test_same_media_in_several_elements(
    rpc, run_jobs, django_capture_on_commit_callbacks, upload, tenant, media_samples
):
    """One photo as an image element and as the image input, one clip twice, one sound twice: all render."""
    photo = upload_media(upload, tenant, media_samples, "photo.jpg", "image/jpeg")
    clip = upload_media(upload, tenant, media_samples, "clip.mp4", "video/mp4")
    bed = upload_media(upload, tenant, media_samples, "bed.wav", "audio/wav")
    script = {
        "inputs": [{"inputID": "photo", "type": "image"}],
        "width": 176,
        "height": 144,
        "elements": [
            {"id": "back", "type": "image", "duration": 1, "source": {"mediaID": photo}},
            {"id": "face", "type": "image", "duration": 1, "source": {"input": "photo"}, "width": 60, "height": 40},
            {"id": "badge", "type": "image", "duration": 0.5, "source": {"mediaID": photo}, "x": 100, "width": 40},
            {"id": "clip1", "type": "video", "duration": 0.5, "source": {"mediaID": clip}, "width": 80, "height": 60},
            {"id": "clip2", "type": "video", "duration": 0.5, "play": 0.5, "source": {"mediaID": clip}, "x": 90},
            {"id": "bed1", "type": "audio", "duration": 1, "source": {"mediaID": bed}},
            {"id": "bed2", "type": "audio", "duration": 0.5, "play": 0.25, "source": {"mediaID": bed}},
        ],
    }
    template_id = new_template(rpc, script, name="Reuse")["templateID"]
    filled = [{"inputID": "photo", "type": "image", "mediaID": photo}]
    video = render(rpc, run_jobs, django_capture_on_commit_callbacks, template_id, filled)
    assert video["status"] == {"code": "done"}, video["status"]
    row = Video.objects.unscoped().get(public_id=video["id"])
    mp4 = streams(local(row.out_files[0]["key"]))
    assert mp4["size"] == (176, 144) and mp4["acodec"] == "aac" and abs(mp4["frames"] - 24) <= 1


def test_failed_render_names_the_element_and_media(rpc, run_jobs, django_capture_on_commit_callbacks, greeting, tenant):
    """A stored file that no longer decodes: the customer reads which element and input, no ffmpeg or Python text."""
    from media_app.models import MediaFile

    stored = MediaFile.objects.for_account(tenant.account).get(public_id=greeting["photo"])
    with open(local(stored.storage_key), "wb") as handle:
        handle.write(b"\x89PNG damaged on disk" * 100)
    video = render(
        rpc, run_jobs, django_capture_on_commit_callbacks, greeting["template"]["templateID"], inputs(greeting["photo"])
    )
    assert video["status"]["error"] == 1012
    assert video["status"]["message"] == "Error processing video: element “back” (input “photo”) could not be decoded"
    note = Notification.objects.for_account(tenant.account).get(kind="render_failed")
    assert note.message == video["status"]["message"]
