import pytest
from django.test import Client

from videos.tests.helpers import greeting_script, new_template, render, upload_media

pytestmark = pytest.mark.django_db


def test_pages_show_only_the_accounts_objects(
    client, rpc, other_rpc, upload, tenant, other_tenant, media_samples, run_jobs, django_capture_on_commit_callbacks
):
    photo = upload_media(upload, tenant, media_samples, "photo.jpg", "image/jpeg")
    template = new_template(rpc, greeting_script(), name="Mine")
    video = render(
        rpc,
        run_jobs,
        django_capture_on_commit_callbacks,
        template["templateID"],
        [{"inputID": "photo", "type": "image", "mediaID": photo}, {"inputID": "name", "type": "text", "text": "Ana"}],
        name="Ana's video",
    )
    theirs = other_rpc(
        "Template_New", {"name": "Theirs", "inputScripts": greeting_script(), "outProfiles": ["GIF_320x240_10fps"]}
    )
    client.force_login(tenant.user)
    media_page = client.get("/media/").content.decode()
    assert photo in media_page
    templates_page = client.get("/templates/").content.decode()
    assert template["templateID"] in templates_page and theirs["templateID"] not in templates_page
    videos_page = client.get("/videos/").content.decode()
    assert "Ana&#x27;s video" in videos_page and "<video" in videos_page and "/files/" in videos_page
    status = client.get("/videos/status", {"id": video["id"]}).json()
    assert status == {"videos": [{"id": video["id"], "status": "done"}]}
    other = Client()
    other.force_login(other_tenant.user)
    assert photo not in other.get("/media/").content.decode()
    assert video["id"] not in other.get("/videos/").content.decode()
    assert other.get("/videos/status", {"id": video["id"]}).json() == {"videos": []}


def test_session_upload_needs_csrf(tenant, media_samples):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(tenant.user)
    body = (media_samples / "photo.jpg").read_bytes()
    refused = browser.generic("POST", "/api/upload", body, content_type="image/jpeg")
    assert refused.status_code == 403
    browser.get("/media/")
    token = browser.cookies["csrftoken"].value
    ok = browser.generic("POST", "/api/upload", body, content_type="image/jpeg", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 200, ok.content


def test_pages_need_login(client):
    for url in ("/media/", "/templates/", "/videos/"):
        assert client.get(url).status_code == 302
