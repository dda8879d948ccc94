"""A rendered video reaches its template's webhooks as exactly the seed 001 video object."""

import json

import pytest

from videos.tests.helpers import greeting_script, new_template, render, upload_media
from webhooks import services
from webhooks.tests.conftest import verify

pytestmark = pytest.mark.django_db

SEED_KEYS = {"accountID", "description", "duration", "name", "templateID", "outFiles", "status", "date", "id", "data"}


def test_video_done_is_posted_signed_to_the_templates_webhook(
    rpc, upload, tenant, media_samples, run_jobs, django_capture_on_commit_callbacks, receiver
):
    photo = upload_media(upload, tenant, media_samples, "background.png", "image/png")
    template = new_template(rpc, greeting_script())
    hook = rpc("Webhook_New", template["templateID"], receiver.url())
    video = render(
        rpc,
        run_jobs,
        django_capture_on_commit_callbacks,
        template["templateID"],
        [{"inputID": "photo", "type": "image", "mediaID": photo}, {"inputID": "name", "type": "text", "text": "Zoë"}],
        data="crm-42",
    )
    assert video["status"] == {"code": "done"}
    services.delivery_send_due(limit=10)

    [request] = receiver.requests
    body = json.loads(request.body)
    assert set(body) == SEED_KEYS
    assert body["id"] == video["id"] and body["status"] == {"code": "done"} and body["data"] == "crm-42"
    assert body["accountID"] == tenant.account_id and body["templateID"] == template["templateID"]
    [out] = body["outFiles"]
    assert set(out) == {"name", "profile", "size", "storage"} and out["profile"] == "MP4_H264_AAC_176x144_24fps"
    assert out["name"] == f"{video['id']}.MP4_H264_AAC_176x144.mp4"  # seed 001: the profile without its fps
    assert out["storage"] == {
        "sezionID": f"{video['id']}.MP4_H264_AAC_176x144_24fps",
        "fileID": out["storage"]["fileID"],
    }
    assert request.headers["content-type"] == "application/json" and request.headers["accept"] == "*/*"
    assert "Persona" in request.headers["user-agent"]
    assert verify(hook["secret"], request.headers, request.body)
