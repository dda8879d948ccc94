"""Seed 002's whole flow through real HTTP: create, define, render, poll, download, play, list, delete."""

from __future__ import annotations

import httpx
import pytest
from django.core.files.storage import default_storage

from accounts.models import Account
from videos.maker.tests.conftest import ffprobe, frames
from videos.models import Project, Video

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_seed_flow_over_http(live_server, tenant, library, run_jobs, tmp_path):
    headers = {"X-Access-Key": tenant.account_id, "X-Access-Token": tenant.key}
    http = httpx.Client(base_url=live_server.url, headers=headers, timeout=30)
    credits_before = Account.objects.get(pk=tenant.account.pk).credits

    created = http.post("/me/videos", json={"name": "Holiday"})
    assert created.status_code == 201, created.text
    project = created.json()
    assert project["status"] == "initial" and project["video"] is None and project["thumbnail"] is None
    assert project["quality"] == 360 and project["view"] == 0 and project["owner"]["id"] == tenant.account_id
    again = http.post("/me/videos", data={"name": "Holiday 2025"})  # a form body; the draft comes back, renamed
    assert again.status_code == 200 and again.json()["id"] == project["id"] and again.json()["name"] == "Holiday 2025"

    update = {
        "style": "clean",
        "assets": frames(library),
        "credit": [["Camera", "Ana"], ["Music", "A sine"]],
        "quality": "480",
    }
    defined = http.post(f"/me/videos/{project['id']}", json=update)
    assert defined.status_code == 200, defined.text
    body = defined.json()
    assert body["quality"] == 480 and body["credit"] == update["credit"] and body["assets"] == update["assets"]
    # title 2 s + photo 2 + title card 2 + the clip's own 2 + png 2 + credits 2
    assert body["duration"] == pytest.approx(12.0)

    rendering = http.post(f"/me/videos/{project['id']}/render")
    assert rendering.status_code == 202
    assert rendering.json() == {"message": "Video is being created", "status": 7201}
    assert http.get(f"/me/videos/{project['id']}").json()["status"] == "rendering"
    assert Account.objects.get(pk=tenant.account.pk).credits == credits_before - 2  # 360 and 480
    run_jobs("render")
    published = http.get(f"/me/videos/{project['id']}").json()
    assert published["status"] == "published", published
    assert sorted(published["video"]) == ["360", "480"] and sorted(published["thumbnail"]) == ["360", "480"]

    public = httpx.Client(timeout=30)  # no credentials
    for quality, height in (("360", 360), ("480", 480)):
        rendition = published["video"][quality]
        assert f"/v/{project['id']}/holiday-2025.mp4?q={quality}" in rendition["url"]
        answer = public.get(rendition["url"])
        assert answer.status_code == 200 and answer.headers["content-type"] == "video/mp4"
        assert len(answer.content) == rendition["size"]
        path = tmp_path / f"{quality}.mp4"
        path.write_bytes(answer.content)
        streams = ffprobe(path)
        assert streams["video"]["codec_name"] == "h264" and streams["video"]["height"] == height
        assert streams["audio"]["codec_name"] == "aac"
    thumb = public.get(published["thumbnail"]["480"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"

    url = published["video"]["480"]["url"]
    part = public.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.headers["content-range"].startswith("bytes 100-199/")
    assert part.content == (tmp_path / "480.mp4").read_bytes()[100:200]
    assert public.get(url, headers={"Range": "bytes=999999999-"}).status_code == 416
    # two full plays counted (360, 480); ranges from the middle are the same play going on
    assert http.get(f"/me/videos/{project['id']}").json()["view"] == 2
    assert public.get(url.replace("holiday-2025.mp4", "renamed.mp4")).status_code == 200  # any file name
    assert public.get(url.replace("q=480", "q=720")).status_code == 404

    listed = http.get("/me/videos").json()
    assert [v["id"] for v in listed["videos"]] == [project["id"]]
    assert listed["paging"] == {"count": 15, "next_url": None, "prev_url": None}

    keys = [f["key"] for f in Video.objects.unscoped().get(project__public_id=project["id"]).out_files]
    deleted = http.delete(f"/me/videos/{project['id']}")
    assert deleted.status_code == 200 and deleted.json() == {"message": "Video deleted"}
    assert public.get(url).status_code == 404
    assert http.get(f"/me/videos/{project['id']}").status_code == 404
    assert not any(default_storage.exists(key) for key in keys)
    assert Account.objects.get(pk=tenant.account.pk).stored_video_bytes == 0
    assert not Project.objects.for_account(tenant.account).exists()
