from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account, Plan
from conftest import RpcError
from core.links import link_token
from media_app.models import MediaFile
from videos.links import PURPOSE
from videos.models import Video
from videos.tests.helpers import greeting_script, new_template, render, upload_media

pytestmark = pytest.mark.django_db


def code_of(call, *args):
    with pytest.raises(RpcError) as info:
        call(*args)
    return info.value


@pytest.fixture
def setup(rpc, upload, tenant, media_samples):
    photo = upload_media(upload, tenant, media_samples, "photo.jpg", "image/jpeg")
    bed = upload_media(upload, tenant, media_samples, "bed.wav", "audio/wav")
    template = new_template(rpc, greeting_script())
    return {"tid": template["templateID"], "photo": photo, "bed": bed, "template": template}


def good_inputs(s, name="Ana"):
    return [
        {"inputID": "photo", "type": "image", "mediaID": s["photo"]},
        {"inputID": "name", "type": "text", "text": name},
    ]


@pytest.fixture
def done_video(rpc, run_jobs, django_capture_on_commit_callbacks, setup):
    return render(rpc, run_jobs, django_capture_on_commit_callbacks, setup["tid"], good_inputs(setup))


def test_video_new_error_codes(rpc, setup, tenant):
    tid = setup["tid"]
    new = lambda inputs, t=tid: rpc("Template_Video_New", t, {"inputMedias": inputs})  # noqa: E731
    assert code_of(new, good_inputs(setup), "0" * 24).code == 1000
    # an inputID the script does not declare
    bad = good_inputs(setup) + [{"inputID": "logo", "type": "image", "mediaID": setup["photo"]}]
    assert code_of(new, bad).code == 1002
    # type mismatch / missing input / two sources: 1004
    assert (
        code_of(
            new,
            [
                {"inputID": "photo", "type": "audio", "mediaID": setup["bed"]},
                {"inputID": "name", "type": "text", "text": "A"},
            ],
        ).code
        == 1004
    )
    assert (
        code_of(
            new,
            [
                {"inputID": "photo", "type": "image", "mediaID": setup["bed"]},
                {"inputID": "name", "type": "text", "text": "A"},
            ],
        ).code
        == 1004
    )
    assert code_of(new, [{"inputID": "name", "type": "text", "text": "A"}]).code == 1004
    assert (
        code_of(
            new,
            [
                {"inputID": "photo", "type": "image", "mediaID": setup["photo"], "http": "http://x"},
                {"inputID": "name", "type": "text", "text": "A"},
            ],
        ).code
        == 1004
    )
    # unknown media: 1001
    assert (
        code_of(
            new,
            [
                {"inputID": "photo", "type": "image", "mediaID": "f" * 24},
                {"inputID": "name", "type": "text", "text": "A"},
            ],
        ).code
        == 1001
    )
    # $name without a value: 2005 Not all variables defined
    error = code_of(new, [{"inputID": "photo", "type": "image", "mediaID": setup["photo"]}])
    assert (error.code, error.message, error.data) == (2005, "Not all variables defined", ["name"])
    # inactive template: 1028
    rpc("Template_SetStatus", tid, "inactive")
    assert code_of(new, good_inputs(setup)).code == 1028
    rpc("Template_SetStatus", tid, "active")
    # no credit: 2004
    Account.objects.filter(pk=tenant.account.pk).update(credits=0)
    assert code_of(new, good_inputs(setup)).code == 2004
    Account.objects.filter(pk=tenant.account.pk).update(credits=10)
    # stored videos quota: 2000
    plan = Plan.objects.get(pk=tenant.account.plan_id)
    plan.max_video_bytes = 100
    plan.save()  # as an operator does in the admin
    Account.objects.filter(pk=tenant.account.pk).update(stored_video_bytes=100)
    assert code_of(new, good_inputs(setup)).code == 2000
    assert not Video.objects.for_account(tenant.account).exists()


def test_inputs_not_allowed_1003(rpc, setup):
    template = new_template(rpc, {"elements": [{"id": "t", "type": "text", "text": "Static", "duration": 1}]})
    error = code_of(
        rpc,
        "Template_Video_New",
        template["templateID"],
        {"inputMedias": [{"inputID": "x", "type": "text", "text": "y"}]},
    )
    assert error.code == 1003


def test_alias_and_queued_answer(rpc, setup, django_capture_on_commit_callbacks, redis_server):
    import django_rq

    with django_capture_on_commit_callbacks(execute=True):
        video = rpc(
            "Template_VideoNew",
            setup["tid"],
            {"name": "N", "description": "D", "data": "x", "inputMedias": good_inputs(setup)},
        )
    assert video["status"] == {"code": "queued"} and video["templateID"] == setup["tid"]
    assert video["name"] == "N" and video["description"] == "D" and video["data"] == "x"
    assert django_rq.get_queue("render").count == 1


def test_update_links_delete(rpc, client, done_video, tenant, setup):
    vid = done_video["id"]
    assert rpc("Video_Update", vid, {"name": "New name", "data": "d2"})["name"] == "New name"
    assert rpc("Video_Update_Metadata", vid, '{"tag": 1}')["metadata"] == '{"tag": 1}'
    listed = rpc("Template_Video_List", setup["tid"])
    assert listed["total"] == 1 and listed["items"][0]["id"] == vid
    links = rpc("Video_Get_Links", vid, 120)
    assert links["expiresIn"] == 120
    url = links["files"][0]["url"]
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"
    body = b"".join(response.streaming_content)
    assert len(body) == links["files"][0]["size"] and response["Accept-Ranges"] == "bytes"
    part = client.get(url, HTTP_RANGE="bytes=100-199")  # a player seeking
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{len(body)}"
    assert b"".join(part.streaming_content) == body[100:200]
    assert client.get(url, HTTP_RANGE=f"bytes={len(body)}-").status_code == 416
    assert client.get(links["thumbnail"])["Content-Type"] == "image/jpeg"
    assert client.get(url[:-3] + "xyz").status_code == 404
    row = Video.objects.unscoped().get(public_id=vid)
    keys = [f["key"] for f in row.out_files] + [row.poster_key]
    assert rpc("Video_Delete", vid) is True
    assert not any(default_storage.exists(k) for k in keys)
    assert Account.objects.get(pk=tenant.account.pk).stored_video_bytes == 0
    assert code_of(rpc, "Video_Get", vid).code == 1007
    assert code_of(rpc, "Video_Delete", vid).code == 1007
    assert client.get(url).status_code == 404


def test_expired_link(rpc, client, done_video):
    claims = {"v": done_video["id"], "f": "poster"}
    live = link_token(PURPOSE, claims, expires_at=timezone.now() + timedelta(seconds=60))
    expired = link_token(PURPOSE, claims, expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/files/{live}").status_code == 200
    assert client.get(f"/files/{expired}").status_code == 410
    assert client.get(f"/files/{live}x").json()["error"]["code"] == 1006


def test_links_before_done_1006(rpc, setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        video = rpc("Template_Video_New", setup["tid"], {"inputMedias": good_inputs(setup)})
    assert code_of(rpc, "Video_Get_Links", video["id"]).code == 1006


def test_delete_refuses_when_storage_fails_1030(rpc, done_video, monkeypatch):
    # Storage refusing a delete cannot be provoked on a local disk as root, so the
    # storage's delete raises as a remote storage would.
    def refuse(name):
        raise PermissionError(f"cannot delete {name}")

    monkeypatch.setattr(default_storage, "delete", refuse)
    assert code_of(rpc, "Video_Delete", done_video["id"]).code == 1030
    monkeypatch.undo()
    assert rpc("Video_Get", done_video["id"])["status"]["code"] == "done"


def test_media_rpcs(rpc, setup):
    page = rpc("Media_List")
    assert page["total"] == 2
    assert rpc("Media_List", 0, 10, "audio")["items"][0]["mediaID"] == setup["bed"]
    assert rpc("Media_Get", setup["photo"])["type"] == "image"
    level = rpc("Media_Apply_Pattern", setup["bed"], "audiolevel", "info", "{}")
    assert -30 < level["integratedLUFS"] < 0
    assert code_of(rpc, "Media_Apply_Pattern", setup["photo"], "audiolevel", "info", "{}").code == 1029
    # used by a template: 1008
    new_template(rpc, greeting_script(bed_media=setup["bed"]))
    error = code_of(rpc, "Media_Delete", setup["bed"])
    assert error.code == 1008
    assert rpc("Media_Delete", setup["photo"]) is True
    assert code_of(rpc, "Media_Get", setup["photo"]).code == 1001
    assert code_of(rpc, "Media_Delete", setup["photo"]).code == 1001


def test_tenant_isolation(rpc, other_rpc, done_video, setup, tenant, other_tenant):
    vid, media = done_video["id"], setup["photo"]
    for method, args, code in [
        ("Video_Get", [vid], 1007),
        ("Video_Update", [vid, {"name": "x"}], 1007),
        ("Video_Update_Metadata", [vid, "x"], 1007),
        ("Video_Delete", [vid], 1007),
        ("Video_Get_Links", [vid], 1007),
        ("Media_Get", [media], 1001),
        ("Media_Delete", [media], 1001),
        ("Media_Apply_Pattern", [media, "audiolevel", "info", "{}"], 1001),
        ("Template_Video_List", [setup["tid"]], 1000),
    ]:
        assert code_of(other_rpc, method, *args).code == code, method
    assert other_rpc("Media_List")["total"] == 0
    # another account cannot use this account's media in its own video
    other_template = other_rpc(
        "Template_New", {"inputScripts": greeting_script(), "outProfiles": ["GIF_320x240_10fps"]}
    )
    error = code_of(other_rpc, "Template_Video_New", other_template["templateID"], {"inputMedias": good_inputs(setup)})
    assert error.code == 1001
    assert rpc("Video_Get", vid)["status"]["code"] == "done"
    assert MediaFile.objects.for_account(tenant.account).count() == 2


def test_a_batch_of_video_gets_is_answered_together(rpc, tenant, other_tenant):
    mine = [Video.objects.create(account=tenant.account, template_public_id="0" * 24, name=f"v{i}") for i in range(3)]
    theirs = Video.objects.create(account=other_tenant.account, template_public_id="0" * 24, name="theirs")

    def call(video_id, request_id=None):
        body = {"jsonrpc": "2.0", "method": "PirsonalAPI.Video_Get", "params": [video_id]}
        return body if request_id is None else {**body, "id": request_id}

    batch = [call(mine[0].public_id, 1), call("0" * 24, 2), call(theirs.public_id, 3), call(mine[1].public_id)]
    batch += [{"jsonrpc": "2.0", "method": "Video_Get", "params": [7], "id": 5}, call(mine[2].public_id, 6)]
    with CaptureQueriesContext(connection) as few:
        answers = rpc.raw(batch).json()
    assert [answer["id"] for answer in answers] == [1, 2, 3, 5, 6]
    assert answers[0]["result"]["id"] == mine[0].public_id and answers[0]["result"] == rpc(
        "Video_Get", mine[0].public_id
    )
    assert answers[1]["error"]["code"] == 1007 and answers[2]["error"]["code"] == 1007
    assert answers[3]["error"]["code"] == -32602 and answers[4]["result"]["name"] == "v2"
    with CaptureQueriesContext(connection) as many:
        assert len(rpc.raw([call(mine[0].public_id, i) for i in range(20)]).json()) == 20
    assert 0 < len(many) <= len(few)
