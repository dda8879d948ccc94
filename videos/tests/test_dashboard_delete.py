"""Deleting video templates, videos and media from the dashboard: a confirmation page, POST only,
refusals in words with their code, and another account's ids are "not found"."""

import pytest
from django.test import Client

from templates_app.models import VideoTemplate
from videos.models import Video
from videos.tests.helpers import greeting_script, new_template, render, upload_media

pytestmark = pytest.mark.django_db


def test_template_delete_confirms_then_deletes_and_its_videos_stay(logged_in, rpc, tenant):
    template = new_template(rpc, greeting_script(), name="Spring promo")
    template_id = template["templateID"]
    Video.objects.create(account=tenant.account, template_public_id=template_id, name="made from it")
    listing = logged_in.get("/templates/").content.decode()
    assert f"/templates/{template_id}/delete" in listing

    confirm = logged_in.get(f"/templates/{template_id}/delete")
    page = confirm.content.decode()
    assert confirm.status_code == 200 and "Delete “Spring promo”?" in page and "Its 1 video stay" in page
    assert VideoTemplate.objects.for_account(tenant.account).filter(public_id=template_id).exists()

    response = logged_in.post(f"/templates/{template_id}/delete")
    assert response.status_code == 302 and response["Location"] == "/templates/"
    assert not VideoTemplate.objects.for_account(tenant.account).filter(public_id=template_id).exists()
    assert "Template “Spring promo” deleted." in logged_in.get("/templates/").content.decode()
    assert Video.objects.for_account(tenant.account).filter(name="made from it").exists()
    assert logged_in.post(f"/templates/{template_id}/delete").status_code == 404


def test_video_delete_confirms_then_deletes_its_files(
    logged_in, rpc, upload, tenant, media_samples, run_jobs, django_capture_on_commit_callbacks
):
    photo = upload_media(upload, tenant, media_samples, "photo.jpg", "image/jpeg")
    template = new_template(rpc, greeting_script())
    inputs = [
        {"inputID": "photo", "type": "image", "mediaID": photo},
        {"inputID": "name", "type": "text", "text": "Ana"},
    ]
    video = render(rpc, run_jobs, django_capture_on_commit_callbacks, template["templateID"], inputs, name="Ana")
    assert video["status"]["code"] == "done"
    used_before = tenant.account.__class__.objects.get(pk=tenant.account.pk).stored_video_bytes

    page = logged_in.get(f"/videos/{video['id']}/").content.decode()
    assert f"/videos/{video['id']}/delete" in page
    confirm = logged_in.get(f"/videos/{video['id']}/delete").content.decode()
    assert "Delete “Ana”?" in confirm and "download links stop working" in confirm

    response = logged_in.post(f"/videos/{video['id']}/delete")
    assert response.status_code == 302 and response["Location"] == "/videos/"
    assert not Video.objects.for_account(tenant.account).filter(public_id=video["id"]).exists()
    assert tenant.account.__class__.objects.get(pk=tenant.account.pk).stored_video_bytes < used_before
    assert "Video “Ana” deleted." in logged_in.get("/videos/").content.decode()


def test_media_in_use_is_refused_in_words_with_the_code(logged_in, rpc, upload, tenant, media_samples):
    bed = upload_media(upload, tenant, media_samples, "bed.wav", "audio/wav")
    template = new_template(rpc, greeting_script(bed_media=bed), name="Uses the bed")
    response = logged_in.post(f"/media/{bed}/delete", follow=True)
    page = response.content.decode()
    assert "used in a template&#x27;s script, so it cannot be deleted" in page
    assert '<small class="error-code" title="error code">1008</small>' in page
    assert template["templateID"] in page


def test_another_accounts_template_and_video_are_not_found(rpc, other_tenant, tenant):
    template = new_template(rpc, greeting_script(), name="Mine")
    video = Video.objects.create(account=tenant.account, template_public_id=template["templateID"], name="mine")
    other = Client()
    other.force_login(other_tenant.user)
    for url in (f"/templates/{template['templateID']}/delete", f"/videos/{video.public_id}/delete"):
        assert other.get(url).status_code == 404
        assert other.post(url).status_code == 404
    assert VideoTemplate.objects.for_account(tenant.account).filter(public_id=template["templateID"]).exists()
    assert Video.objects.for_account(tenant.account).filter(pk=video.pk).exists()


def test_video_page_shows_the_duration_as_a_clock_and_the_template_by_name(logged_in, rpc, tenant):
    template = new_template(rpc, greeting_script(), name="Spring promo")
    video = Video.objects.create(
        account=tenant.account,
        template=VideoTemplate.objects.for_account(tenant.account).get(public_id=template["templateID"]),
        template_public_id=template["templateID"],
        name="six seconds",
        status="done",
        duration_ms=6000,
    )
    for url in (f"/videos/{video.public_id}/", "/videos/"):
        page = logged_in.get(url).content.decode()
        assert "<span data-duration>0:06</span>" in page and ">Spring promo</a>" in page
        assert "6000 ms" not in page
    VideoTemplate.objects.for_account(tenant.account).filter(public_id=template["templateID"]).delete()
    page = logged_in.get(f"/videos/{video.public_id}/").content.decode()
    assert f'<code title="deleted">{template["templateID"]}</code> (deleted)' in page
