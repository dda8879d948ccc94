"""The template editor, the test render, the media library's previews and delete, the video page."""

import json

import pytest
from django.test import Client

from templates_app.models import VideoTemplate
from videos.models import Video
from videos.tests.helpers import PROFILE, greeting_script, new_template, upload_media

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(tenant) -> Client:
    client = Client()
    client.force_login(tenant.user)
    return client


def _form(script, profiles=(PROFILE,), name="Greeting"):
    return {"name": name, "description": "", "input_scripts": json.dumps(script), "out_profiles": list(profiles)}


def test_create_template_shows_the_secret_once(browser, tenant):
    response = browser.post("/templates/new/", _form(greeting_script()))
    template = VideoTemplate.objects.for_account(tenant.account).get()
    assert response.status_code == 302 and response["Location"] == f"/templates/{template.public_id}/"
    shown = browser.get(response["Location"])
    page = shown.content.decode()
    assert "data-secret-notice" in page and template.public_id in page
    secret = shown.context["secret"]
    assert secret and secret in page
    edit = browser.get(f"/templates/{template.public_id}/").content.decode()
    assert secret not in edit and "Render a test video" in edit
    assert 'name="render-input_name"' in edit and 'name="render-input_photo"' in edit


def test_script_errors_are_shown_next_to_the_script(browser, tenant):
    script = greeting_script()
    script["elements"][1]["play"] = "intro.end"
    response = browser.post("/templates/new/", _form(script))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["input_scripts"] == [
        "The script has a mistake. (element “hello”: play refers to unknown element &#x27;intro&#x27;)"
        ' <small class="error-code" title="error code">1005</small>'
    ]
    page = response.content.decode()
    assert 'data-field-error="input_scripts"' in page and ">1005</small>" in page
    assert "intro.end" in page  # the script typed is kept in the editor
    assert not VideoTemplate.objects.for_account(tenant.account).exists()

    not_json = browser.post("/templates/new/", {**_form(script), "input_scripts": "{oops"})
    assert not_json.context["form"].errors["input_scripts"][0].startswith("The script has a mistake. (invalid JSON")
    empty = browser.post("/templates/new/", {**_form(script), "input_scripts": ""})
    assert empty.context["form"].errors["input_scripts"][0].startswith("The template has no script yet.")
    no_profiles = browser.post("/templates/new/", _form(greeting_script(), profiles=()))
    assert no_profiles.context["form"].errors["out_profiles"][0].startswith("Choose at least one output format.")


def test_edit_status_and_secret(browser, rpc, tenant):
    template = new_template(rpc, greeting_script())
    tid = template["templateID"]
    saved = browser.post(f"/templates/{tid}/", _form(greeting_script(seconds=2.0), name="Renamed"))
    assert saved.status_code == 302
    row = VideoTemplate.objects.for_account(tenant.account).get(public_id=tid)
    assert row.name == "Renamed" and row.input_scripts["elements"][0]["duration"] == 2.0

    bad = browser.post(f"/templates/{tid}/", _form({"elements": [{"id": "x", "type": "nope", "duration": 1}]}))
    assert bad.status_code == 422 and "mistake. (element “x”" in bad.context["form"].errors["input_scripts"][0]

    assert browser.post(f"/templates/{tid}/status", {"status": "inactive"}).status_code == 302
    assert rpc("Template_Get", tid)["status"] == "inactive"
    browser.post(f"/templates/{tid}/status", {"status": "active"})
    assert rpc("Template_Get", tid)["status"] == "active"

    old_hash = VideoTemplate.objects.for_account(tenant.account).get(public_id=tid).secret_hash
    rotated = browser.post(f"/templates/{tid}/secret", follow=True)
    assert rotated.status_code == 200 and rotated.context["secret"] in rotated.content.decode()
    assert VideoTemplate.objects.for_account(tenant.account).get(public_id=tid).secret_hash != old_hash


def test_render_a_test_video(browser, rpc, tenant, upload, media_samples, run_jobs, django_capture_on_commit_callbacks):
    photo = upload_media(upload, tenant, media_samples, "photo.jpg", "image/jpeg")
    tid = new_template(rpc, greeting_script())["templateID"]
    form = browser.get(f"/templates/{tid}/").context["render_form"]
    assert [c[0] for c in form.fields["input_photo"].choices] == ["", photo]

    missing = browser.post(f"/templates/{tid}/render", {"render-input_photo": photo})
    assert missing.status_code == 422 and "input_name" in missing.context["render_form"].errors

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"/templates/{tid}/render",
            {"render-video_name": "Sample", "render-input_photo": photo, "render-input_name": "Ana"},
        )
    video = Video.objects.for_account(tenant.account).get()
    assert response.status_code == 302 and response["Location"] == f"/videos/{video.public_id}/"
    assert video.input_medias == [
        {"inputID": "photo", "type": "image", "mediaID": photo},
        {"inputID": "name", "type": "text", "text": "Ana"},
    ]
    assert "Rendering" in browser.get(response["Location"]).content.decode()
    run_jobs("render")
    page = browser.get(response["Location"]).content.decode()
    assert '<video id="player"' in page and "/files/" in page

    rpc("Template_SetStatus", tid, "inactive")
    refused = browser.post(f"/templates/{tid}/render", {"render-input_photo": photo, "render-input_name": "Bo"})
    assert refused.status_code == 422
    assert refused.context["render_form"].non_field_errors() == [
        f'This template is switched off; activate it to make videos again. ({tid}) <small class="error-code"'
        ' title="error code">1028</small>'
    ]


def test_media_previews_and_delete(browser, rpc, tenant, upload, media_samples):
    photo = upload_media(upload, tenant, media_samples, "photo.jpg", "image/jpeg")
    clip = upload_media(upload, tenant, media_samples, "clip.mp4", "video/mp4")
    bed = upload_media(upload, tenant, media_samples, "bed.wav", "audio/wav")
    page = browser.get("/media/")
    html = page.content.decode()
    assert '<img src="/media-files/' in html and "<video controls" in html and "<audio controls" in html
    urls = {row["media"].public_id: row["url"] for row in page.context["listing"].items}
    served = Client().get(urls[clip])  # the signed link is the permission: no session needed
    assert served.status_code == 200 and served["Content-Type"] == "video/mp4"
    assert b"".join(served.streaming_content) == (media_samples / "clip.mp4").read_bytes()
    assert Client().get(urls[clip][:-3] + "xyz").status_code == 404

    new_template(rpc, greeting_script(bed_media=bed))
    confirm = browser.get(f"/media/{bed}/delete")
    assert confirm.status_code == 200 and "confirm-delete" in confirm.content.decode()
    in_use = browser.post(f"/media/{bed}/delete", follow=True)
    assert ">1008</small>" in in_use.content.decode()
    assert rpc("Media_Get", bed)["mediaID"] == bed

    gone = browser.post(f"/media/{photo}/delete", follow=True)
    assert gone.status_code == 200 and f'data-media="{photo}"' not in gone.content.decode()
    assert rpc("Media_List", 0, 10)["total"] == 2


def test_other_tenants_ids_are_not_found(rpc, other_rpc, tenant, other_tenant, upload, media_samples):
    theirs = other_rpc("Template_New", {"name": "Theirs", "inputScripts": greeting_script(), "outProfiles": [PROFILE]})
    tid = theirs["templateID"]
    their_media = upload_media(upload, other_tenant, media_samples, "photo.jpg", "image/jpeg")
    their_video = Video.objects.unscoped().create(account=other_tenant.account, template_public_id=tid)
    mine = Client()
    mine.force_login(tenant.user)
    for method, url, data in [
        ("get", f"/templates/{tid}/", None),
        ("post", f"/templates/{tid}/", _form(greeting_script(), name="Hijack")),
        ("post", f"/templates/{tid}/status", {"status": "inactive"}),
        ("post", f"/templates/{tid}/secret", None),
        ("post", f"/templates/{tid}/render", {"render-input_name": "x", "render-input_photo": their_media}),
        ("get", f"/media/{their_media}/delete", None),
        ("post", f"/media/{their_media}/delete", None),
        ("get", f"/videos/{their_video.public_id}/", None),
    ]:
        response = getattr(mine, method)(url, data or {})
        assert response.status_code == 404, (method, url, response.status_code)
    assert other_rpc("Template_Get", tid)["name"] == "Theirs" and other_rpc("Template_Get", tid)["status"] == "active"
    assert other_rpc("Media_Get", their_media)["mediaID"] == their_media


def test_editor_pages_need_login(client, rpc):
    tid = new_template(rpc, greeting_script())["templateID"]
    for url in ("/templates/new/", f"/templates/{tid}/", "/media/x/delete", "/videos/x/"):
        assert client.get(url).status_code == 302
