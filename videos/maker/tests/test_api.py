"""The /me/videos contract: every 74xx refusal, paging, styles, music, webhooks, failures, tenant isolation."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from accounts.models import Account
from media_app.models import MediaFile
from videos.maker import services
from videos.maker.api import VideoObject
from videos.maker.styles import STYLES
from videos.maker.tests.conftest import frames
from videos.models import Project, Video
from videos.tests.helpers import upload_media
from webhooks.models import Webhook, WebhookDelivery
from webhooks.services import webhook_create

pytestmark = pytest.mark.django_db


def new_project(me, **fields) -> str:
    project = me.post("/me/videos", {"name": fields.pop("name", "Trip")}).json()
    if fields:
        answer = me.post(f"/me/videos/{project['id']}", fields)
        assert answer.status_code == 200, answer.content
    return project["id"]


def refusal(answer, status: int, code: int) -> dict:
    assert answer.status_code == status, answer.content
    body = answer.json()
    assert body["status"] == code
    return body


def test_render_refusals_carry_the_seed_codes(me, tenant, library):
    music_only = [{"asset_id": library["bed"]}]
    no_style = new_project(me, assets=frames(library))
    assert refusal(me.post(f"/me/videos/{no_style}/render"), 400, 7401)["message"] == "Style not defined"
    Project.objects.for_account(tenant.account).update(status="published")  # so the next POST makes a new project
    no_music = new_project(me, style="clean", assets=frames(library)[:-1])
    body = refusal(me.post(f"/me/videos/{no_music}/render"), 400, 7402)
    assert body["message"].startswith("Music not defined") and body["param"] == "assets"
    Project.objects.for_account(tenant.account).update(status="published")
    no_frames = new_project(me, style="clean", assets=[{"text": "only a title"}, *music_only])
    assert refusal(me.post(f"/me/videos/{no_frames}/render"), 400, 7403)["message"].startswith("Insufficient Assets")
    Project.objects.for_account(tenant.account).update(status="published")
    untitled = new_project(me, name="", style="clean", assets=frames(library))
    assert refusal(me.post(f"/me/videos/{untitled}/render"), 400, 7404)["message"] == "No title"
    assert Project.objects.for_account(tenant.account).filter(status="initial").count() == 1


def test_update_refusals(me, library, other_tenant, upload, media_samples):
    project = new_project(me)
    refusal(me.post(f"/me/videos/{project}", {"style": "vaporwave"}), 400, 7401)
    two_beds = [{"asset_id": library["bed"]}, {"asset_id": library["bed"]}]
    refusal(me.post(f"/me/videos/{project}", {"assets": two_beds}), 400, 7402)
    body = refusal(me.post(f"/me/videos/{project}", {"assets": [{"asset_id": "f" * 24}]}), 400, 7403)
    assert body["param"] == "assets.0.asset_id"
    theirs = upload_media(upload, other_tenant, media_samples, "photo.jpg", "image/jpeg")
    refusal(me.post(f"/me/videos/{project}", {"assets": [{"asset_id": theirs, "text": "x"}]}), 400, 7403)
    body = refusal(me.post(f"/me/videos/{project}", {"quality": "1080"}), 400, 4000)
    assert body["param"] == "quality"
    refusal(me.post(f"/me/videos/{project}", {"credit": [["only a key"]]}), 400, 4000)
    refusal(me.post(f"/me/videos/{project}", {"assets": [{}]}), 400, 4000)
    assert me.get(f"/me/videos/{project}").json()["assets"] == []  # nothing half-applied


def test_insufficient_credits(me, tenant, library):
    Account.objects.filter(pk=tenant.account.pk).update(credits=1)
    project = new_project(me, style="clean", assets=frames(library), quality="480")  # 360 + 480: two credits
    body = refusal(me.post(f"/me/videos/{project}/render"), 402, 7405)
    assert body["message"] == "Insufficient credits amount: 2 needed, 1 left"
    assert me.get(f"/me/videos/{project}").json()["status"] == "initial"
    assert Account.objects.get(pk=tenant.account.pk).credits == 1


def test_minimal_style_needs_no_music_and_render_twice_charges_once(
    me, tenant, library, django_capture_on_commit_callbacks
):
    credits = Account.objects.get(pk=tenant.account.pk).credits
    project = new_project(me, style="minimal", assets=[{"asset_id": library["photo"], "text": "hi"}])
    with django_capture_on_commit_callbacks(execute=True):
        first = me.post(f"/me/videos/{project}/render")
        second = me.post(f"/me/videos/{project}/render")
    assert first.status_code == second.status_code == 202
    assert second.json() == {"message": "Video is being created", "status": 7201}
    assert Account.objects.get(pk=tenant.account.pk).credits == credits - 1
    assert Video.objects.for_account(tenant.account).filter(project__public_id=project).count() == 1


def test_form_body_updates(me, library):
    project = new_project(me)
    answer = me.form(
        f"/me/videos/{project}",
        {
            "style": "bold",
            "quality": "720",
            "credit": json.dumps([["Edit", "Bo"]]),
            "assets": json.dumps(frames(library)),
        },
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["style"], body["quality"], body["credit"]) == ("bold", 720, [["Edit", "Bo"]])
    assert len(body["assets"]) == 5


def test_paging_walks_the_whole_list_both_ways(me, tenant):
    ids = []
    for index in range(7):
        project, _ = services.project_create(account=tenant.account, name=f"p{index}")
        Project.objects.for_account(tenant.account).filter(pk=project.pk).update(status="published")
        ids.append(project.public_id)
    newest_first = ids[::-1]
    seen, url, pages = [], "/me/videos?count=3", []
    while url:
        page = me.get(url).json()
        pages.append(page)
        seen += [v["id"] for v in page["videos"]]
        url = page["paging"]["next_url"]
    assert seen == newest_first and len(pages) == 3
    assert pages[0]["paging"]["prev_url"] is None
    back, url = [], pages[-1]["paging"]["prev_url"]
    while url:
        page = me.get(url).json()
        back = [v["id"] for v in page["videos"]] + back
        url = page["paging"]["prev_url"]
    assert back + [v["id"] for v in pages[-1]["videos"]] == newest_first
    cursor = parse_qs(urlparse(pages[0]["paging"]["next_url"]).query)["from"][0]
    assert float(cursor) == pytest.approx(pages[0]["videos"][-1]["created_on"], abs=1)
    assert me.get("/me/videos?count=2").json()["paging"]["count"] == 2
    refusal(me.get("/me/videos?from=yesterday"), 400, 4000)


def test_styles_and_music(me, tenant, library, client):
    styles = me.get("/me/styles").json()["styles"]
    assert [s["name"] for s in styles] == list(STYLES) and len(styles) >= 4
    minimal = next(s for s in styles if s["name"] == "minimal")
    assert minimal["needs_music"] is False
    preview = client.get(urlparse(styles[0]["preview"]).path)  # public: the dashboard's <img>
    assert preview.status_code == 200 and preview["Content-Type"] == "image/jpeg"
    image = Image.open(default_storage.open("maker/styles/clean.jpg"))
    assert image.size == (640, 360)
    music = me.get("/me/music").json()["music"]
    assert [m["asset_id"] for m in music] == [library["bed"]]
    assert music[0]["duration"] == pytest.approx(3.0, abs=0.05)


def test_published_and_failed_renders_fire_webhooks(me, tenant, library, run_jobs, django_capture_on_commit_callbacks):
    webhook_create(account=tenant.account, url="http://127.0.0.1:9/hook", events=["maker.published", "maker.error"])
    credits = Account.objects.get(pk=tenant.account.pk).credits
    project = new_project(me, style="minimal", assets=[{"asset_id": library["photo"], "text": "hi"}])
    with django_capture_on_commit_callbacks(execute=True):
        me.post(f"/me/videos/{project}/render")
    run_jobs("render")
    published = json.loads(WebhookDelivery.objects.for_account(tenant.account).get(event="maker.published").body)
    assert published["status"] == 7202 and published["message"] == "Video successfully created"
    assert published["video"]["id"] == project and published["video"]["status"] == "published"
    assert published["video"]["video"]["360"]["url"].startswith("http://127.0.0.1:8000/v/")

    # the photo's file disappears from storage: the next render fails, the credit comes back
    media = MediaFile.objects.for_account(tenant.account).get(public_id=library["photo"])
    default_storage.delete(media.storage_key)
    with django_capture_on_commit_callbacks(execute=True):
        me.post(f"/me/videos/{project}/render")
    run_jobs("render")
    failed = me.get(f"/me/videos/{project}").json()
    assert failed["status"] == "error" and failed["video"] is None
    assert failed["error"]["code"] in (1011, 1012)
    error = json.loads(WebhookDelivery.objects.for_account(tenant.account).get(event="maker.error").body)
    assert error["status"] == failed["error"]["code"] and error["video"]["status"] == "error"
    assert Account.objects.get(pk=tenant.account.pk).credits == credits - 1  # the failed render was refunded
    assert not WebhookDelivery.objects.for_account(tenant.account).filter(event__startswith="video.").exists()


def test_public_link_of_unknown_or_unpublished_project_is_404(me, client):
    project = new_project(me)
    assert client.get(f"/v/{project}/trip.mp4").status_code == 404
    assert client.get(f"/v/{'0' * 24}/x.mp4").status_code == 404
    assert client.get("/me/styles/vaporwave/preview.jpg").status_code == 404


ENDPOINTS = [
    ("get", "/me/videos/{id}"),
    ("post", "/me/videos/{id}"),
    ("delete", "/me/videos/{id}"),
    ("post", "/me/videos/{id}/render"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_another_tenants_project_is_not_found(me, other_tenant, method, path):
    theirs = new_project(me.as_tenant(other_tenant), name="Theirs", style="clean")
    answer = getattr(me, method)(path.format(id=theirs))
    assert refusal(answer, 404, 1007)["message"] == "Video not found"
    mine = me.as_tenant(other_tenant).get(f"/me/videos/{theirs}").json()
    assert (mine["name"], mine["status"], mine["style"]) == ("Theirs", "initial", "clean")


def test_lists_show_only_the_callers(me, other_tenant, library, upload, media_samples):
    theirs = me.as_tenant(other_tenant)
    new_project(theirs, name="Theirs")
    upload_media(upload, other_tenant, media_samples, "bed.wav", "audio/wav")
    mine = new_project(me)
    assert [v["id"] for v in me.get("/me/videos").json()["videos"]] == [mine]
    assert [m["asset_id"] for m in me.get("/me/music").json()["music"]] == [library["bed"]]
    # the draft rule is per account: their draft is not ours
    assert me.post("/me/videos", {"name": "x"}).json()["id"] == mine


@pytest.mark.parametrize("path", ["/me/videos", "/me/styles", "/me/music"])
def test_credentials_are_required(client, tenant, path):
    assert client.get(path).status_code == 401
    wrong = client.get(path, HTTP_X_ACCESS_KEY=tenant.account_id, HTTP_X_ACCESS_TOKEN="psk_x_y")
    assert refusal(wrong, 401, 1018)["message"] == "Bad secret"


def test_answers_have_exactly_the_declared_video_object_keys(me, library):
    project = new_project(me, style="clean", assets=frames(library))
    declared = set(VideoObject().fields)
    assert set(me.get(f"/me/videos/{project}").json()) == declared
    assert all(set(v) == declared for v in me.get("/me/videos").json()["videos"])


def test_dashboard_subscribes_an_account_webhook_to_maker_events(client, tenant):
    client.force_login(tenant.user)
    assert 'value="maker.published"' in client.get("/webhooks/").content.decode()
    client.post("/webhooks/", {"url": "http://127.0.0.1:9/hook", "events": ["maker.published", "maker.error"]})
    webhook = Webhook.objects.for_account(tenant.account).get()
    assert webhook.events == ["maker.published", "maker.error"] and webhook.template_id is None


def test_json_nested_too_deeply_is_a_client_error(me, client, tenant):
    project = new_project(me)
    body = '{"assets": ' + "[" * 100_000 + "]" * 100_000 + "}"
    answer = client.post(
        f"/me/videos/{project}", body, content_type="application/json", **tenant.auth_headers("access")
    )
    assert refusal(answer, 400, 4000)["message"].startswith("Request body is not valid JSON")
