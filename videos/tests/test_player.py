"""Player pages /p/<token>: issuing and revoking, the page and its files, plan rule, isolation,
beacons counted into per-day stats, webhooks. Real renders, real Redis."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from conftest import RpcError, make_tenant
from videos.models import PageViewer, Video, VideoStatsDay
from videos.player import analytics, services, stats, tokens
from videos.tests.helpers import PROFILE, new_template
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db

PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
LAPTOP_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def cta_script(url: str = "https://example.com/buy", seconds: float = 2.0, **cta) -> dict:
    return {
        "width": 176,
        "height": 144,
        "inputs": [],
        "elements": [
            {"id": "bg", "type": "rectangle", "duration": seconds, "color": "#224488"},
            {"id": "hi", "type": "text", "text": "Hi $name", "duration": seconds, "size": 20},
            {"id": "buy", "type": "cta", "text": "Buy now, $name", "url": url, "play": 0.5, "duration": 1, **cta},
        ],
    }


def make_video(rpc, run_jobs, capture, script: dict | None = None, profiles=(PROFILE,), render: bool = True) -> dict:
    template = new_template(rpc, script or cta_script(), profiles=profiles)
    with capture(execute=True):
        video = rpc(
            "Template_Video_New",
            template["templateID"],
            {"name": "For Ana", "inputMedias": [{"inputID": "name", "type": "text", "text": "Ana"}]},
        )
    if render:
        run_jobs("render")
        video = rpc("Video_Get", video["id"])
        assert video["status"]["code"] == "done", video
    return video


@pytest.fixture
def video(rpc, run_jobs, django_capture_on_commit_callbacks) -> dict:
    return make_video(rpc, run_jobs, django_capture_on_commit_callbacks)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def beacon(client: Client, page_path: str, *events, ua: str = PHONE_UA, ip: str = "203.0.113.7"):
    body = json.dumps({"events": list(events)})
    response = client.post(f"{page_path}/events", body, content_type="text/plain", HTTP_USER_AGENT=ua, REMOTE_ADDR=ip)
    assert response.status_code == 204
    return response


# -- the page ---------------------------------------------------------------------


def test_get_page_issues_one_token_and_the_page_shows_video_title_and_ctas(rpc, video):
    page = rpc("Video_Get_Page", video["id"])
    assert page["expires"] is None
    assert page["url"].endswith(f"/p/{page['token']}")
    assert rpc("Video_Get_Page", video["id"]) == page  # the same page until revoked
    assert rpc("Video_Get", video["id"])["pageUrl"] == page["url"]

    response = Client().get(path_of(page["url"]))
    assert response.status_code == 200
    assert not response.cookies  # no cookie, ever
    assert response["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    token = page["token"]
    assert "<title>For Ana</title>" in html
    assert f'src="/p/{token}/files/{PROFILE}" type="video/mp4"' in html
    assert f'poster="/p/{token}/files/poster"' in html and "playsinline" in html
    cta = re.search(r'<a class="cta" href="([^"]+)"[^>]*data-cta="buy" data-start="([\d.]+)" data-end="([\d.]+)"', html)
    assert cta.groups() == ("https://example.com/buy", "0.500", "1.500")
    assert "Buy now, Ana</a>" in html
    assert 'style="color:#FFFFFF;background:#000000AA;' in html
    assert '<meta property="og:image" content="http://testserver/p/' in html
    assert f'<meta property="og:video" content="http://testserver/p/{token}/files/{PROFILE}">' in html
    assert f'<meta name="twitter:player" content="http://testserver/p/{token}?embed=1">' in html

    embed = Client().get(path_of(page["url"]) + "?embed=1")
    assert embed.status_code == 200 and "X-Frame-Options" not in embed
    assert 'class="embed"' in embed.content.decode()


def test_page_is_served_from_the_cache_after_the_first_open(rpc, video, django_assert_num_queries):
    url = path_of(rpc("Video_Get_Page", video["id"])["url"])
    first = Client().get(url).content
    with django_assert_num_queries(0):
        assert Client().get(url).content == first


def test_webm_fallback_follows_the_mp4(rpc, run_jobs, django_capture_on_commit_callbacks):
    webm = "WEBM_VP9_OPUS_176x144_24fps"
    video = make_video(rpc, run_jobs, django_capture_on_commit_callbacks, profiles=(webm, PROFILE))
    html = Client().get(path_of(rpc("Video_Get_Page", video["id"])["url"])).content.decode()
    assert html.index('type="video/mp4"') < html.index('type="video/webm"')


def test_revoked_expired_and_forged_tokens_answer_the_not_found_page(rpc, video):
    page = rpc("Video_Get_Page", video["id"])
    client = Client()
    assert client.get(path_of(page["url"])).status_code == 200
    assert rpc("Video_Revoke_Page", video["id"]) is True
    for url in (page["url"], page["url"] + "/status", page["url"] + f"/files/{PROFILE}"):
        assert client.get(path_of(url)).status_code == 404
    gone = client.get(path_of(page["url"]))
    assert b"This video is not available" in gone.content
    assert rpc("Video_Get", video["id"])["pageUrl"] is None

    again = rpc("Video_Get_Page", video["id"])
    assert again["token"] != page["token"]
    assert client.get(path_of(again["url"])).status_code == 200
    key, signature = again["token"].split(".")
    assert client.get(f"/p/{key}.{signature[::-1]}").status_code == 404  # forged signature
    assert client.get(f"/p/{tokens.token_for(tokens.new_key())}").status_code == 404  # genuine but unknown

    timed = rpc("Video_Get_Page", video["id"], 3600)
    assert timed["token"] == again["token"] and timed["expires"].endswith("Z")
    Video.objects.unscoped().filter(public_id=video["id"]).update(
        page_expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    services.page_forget(Video.objects.unscoped().get(public_id=video["id"]))
    assert client.get(path_of(timed["url"])).status_code == 404
    fresh = rpc("Video_Get_Page", video["id"])
    assert fresh["token"] != timed["token"] and fresh["expires"] is None


def test_plans_without_the_player_get_2004(client, db):
    free = make_tenant("Free Co", "owner@free.test", plan="free")
    response = client.post(
        free.rpc_url(),
        json.dumps({"jsonrpc": "2.0", "id": 1, "method": "Video_Get_Page", "params": ["0" * 24]}),
        content_type="application/json",
    )
    assert response.json()["error"] == {
        "code": 2004,
        "message": "Please upgrade your account to use Static Templates with Pirsonal Player",
    }
    rest = client.post("/v1/videos/" + "0" * 24 + "/page", {}, content_type="application/json", **free.auth_headers())
    assert rest.status_code == 402 and rest.json()["error"]["number"] == 2004


def test_cta_links_are_http_or_https_only(rpc, run_jobs, django_capture_on_commit_callbacks):
    script = cta_script(url="javascript:alert(1)")
    video = make_video(rpc, run_jobs, django_capture_on_commit_callbacks, script=script)
    html = Client().get(path_of(rpc("Video_Get_Page", video["id"])["url"])).content.decode()
    assert "javascript:" not in html
    assert re.search(r'<span class="cta" data-cta="buy"[^>]*>Buy now, Ana</span>', html)


def test_video_files_are_served_with_ranges(rpc, video):
    token = rpc("Video_Get_Page", video["id"])["token"]
    url = f"/p/{token}/files/{PROFILE}"
    size = video["outFiles"][0]["size"]
    whole = Client().get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    body = b"".join(whole.streaming_content)
    assert len(body) == size
    part = Client().get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{size}"
    assert b"".join(part.streaming_content) == body[100:200]
    tail = Client().get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == body[-10:]
    assert Client().get(url, HTTP_RANGE=f"bytes={size}-").status_code == 416
    poster = Client().get(f"/p/{token}/files/poster")
    assert poster.status_code == 200 and poster["Content-Type"] == "image/jpeg"
    assert Client().get(f"/p/{token}/files/GIF_320x240_10fps").status_code == 404


def test_a_video_still_rendering_shows_progress_then_the_player(rpc, run_jobs, django_capture_on_commit_callbacks):
    video = make_video(rpc, run_jobs, django_capture_on_commit_callbacks, render=False)
    page = rpc("Video_Get_Page", video["id"])
    html = Client().get(path_of(page["url"])).content.decode()
    assert 'data-status="queued"' in html and 'role="status"' in html
    assert Client().get(path_of(page["url"]) + "/status").json() == {"status": "queued"}
    run_jobs("render")
    status = Client().get(path_of(page["url"]) + "/status").json()
    assert status["status"] == "done" and '<video id="player"' in status["html"]
    assert 'id="player"' in Client().get(path_of(page["url"])).content.decode()


def test_another_accounts_video_is_never_reachable(rpc, other_rpc, api, other_tenant, video):
    rpc("Video_Get_Page", video["id"])
    for method in ("Video_Get_Page", "Video_Revoke_Page", "Video_Get_Stats"):
        with pytest.raises(RpcError) as info:
            other_rpc(method, video["id"])
        assert info.value.code == 1007
    with pytest.raises(RpcError) as info:
        other_rpc("Template_Get_Stats", video["templateID"])
    assert info.value.code == 1000
    other = api.as_tenant(other_tenant)
    for method, path in (
        ("get", f"/v1/videos/{video['id']}/page"),
        ("post", f"/v1/videos/{video['id']}/page"),
        ("delete", f"/v1/videos/{video['id']}/page"),
        ("get", f"/v1/videos/{video['id']}/stats"),
        ("get", f"/v1/templates/{video['templateID']}/stats"),
    ):
        response = getattr(other, method)(path, {} if method == "post" else None)
        assert response.status_code == 404, (method, path, response.content)
    assert rpc("Video_Get", video["id"])["pageUrl"]  # untouched by the other account's attempts


def test_rest_page_lifecycle(api, video):
    url = f"/v1/videos/{video['id']}/page"
    assert api.get(url).status_code == 404
    created = api.post(url, {"expiresIn": 3600})
    assert created.status_code == 200 and created.json()["expires"]
    assert api.get(url).json() == created.json()
    assert api.post(url, {"expiresIn": 5}).status_code == 400
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert Client().get(path_of(created.json()["url"])).status_code == 404


# -- analytics ----------------------------------------------------------------------


def test_beacons_count_exactly_per_day_without_bots_or_unknown_events(rpc, api, video):
    page_path = path_of(rpc("Video_Get_Page", video["id"])["url"])
    client = Client()
    beacon(client, page_path, {"e": "view"}, {"e": "play"}, {"e": "q25"}, {"e": "q50"})
    beacon(client, page_path, {"e": "view"}, ua=LAPTOP_UA)
    beacon(client, page_path, {"e": "view"})  # the same phone again: one unique viewer
    beacon(client, page_path, {"e": "cta", "id": "buy"}, {"e": "cta", "id": "nope"}, {"e": "bogus"}, "junk")
    beacon(client, page_path, {"e": "view"}, {"e": "play"}, ua="Slackbot-LinkExpanding 1.0")
    beacon(client, page_path, {"e": "view"}, ua="facebookexternalhit/1.1")
    client.post(f"{page_path}/events", "not json", content_type="text/plain", HTTP_USER_AGENT=PHONE_UA)

    result = rpc("Video_Get_Stats", video["id"])
    assert result["views"] == 3 and result["uniqueViewers"] == 2 and result["plays"] == 1
    assert result["retention"] == [
        {"percent": 0, "viewers": 1},
        {"percent": 25, "viewers": 1},
        {"percent": 50, "viewers": 1},
        {"percent": 75, "viewers": 0},
        {"percent": 100, "viewers": 0},
    ]
    assert result["ctas"] == [{"id": "buy", "label": "Buy now, Ana", "clicks": 1, "clickThrough": 0.3333}]
    assert result["playRate"] == 0.3333 and result["ctaClicks"] == 1
    assert result["days"][0]["views"] == 3
    assert api.get(f"/v1/videos/{video['id']}/stats").json() == result
    template = rpc("Template_Get_Stats", video["templateID"])
    assert template["views"] == 3 and template["ctas"][0]["label"] == "Buy now, $name"

    viewers = list(PageViewer.objects.unscoped().values_list("viewer", flat=True))
    assert len(viewers) == 2 and all("203.0.113.7" not in v for v in viewers)


def test_counts_survive_a_redis_restart_once_flushed(rpc, video, redis_server):
    page_path = path_of(rpc("Video_Get_Page", video["id"])["url"])
    for _ in range(5):
        beacon(Client(), page_path, {"e": "view"}, {"e": "play"})
    assert stats.stats_flush() == 1
    redis_server.flushdb()  # what a restart without persistence loses
    result = rpc("Video_Get_Stats", video["id"])
    assert result["views"] == 5 and result["plays"] == 5


def test_a_crashed_flush_is_retried_and_never_counted_twice(rpc, video, redis_server):
    page_path = path_of(rpc("Video_Get_Page", video["id"])["url"])
    beacon(Client(), page_path, {"e": "view"})
    member = redis_server.smembers(stats.DIRTY).pop().decode()
    redis_server.srem(stats.DIRTY, member)  # a flush took the batch away, then died
    redis_server.rename(stats.COUNTS + member, stats.FLUSHING_COUNTS + member)
    redis_server.rename(stats.VIEWERS + member, stats.FLUSHING_VIEWERS + member)
    beacon(Client(), page_path, {"e": "view"}, ua=LAPTOP_UA)
    assert rpc("Video_Get_Stats", video["id"])["views"] == 2
    assert rpc("Video_Get_Stats", video["id"])["uniqueViewers"] == 2


def test_the_first_beacon_schedules_one_flush_job(rpc, video, redis_server, run_jobs):
    import django_rq

    page_path = path_of(rpc("Video_Get_Page", video["id"])["url"])
    beacon(Client(), page_path, {"e": "view"})
    beacon(Client(), page_path, {"e": "view"})
    queue = django_rq.get_queue("default")
    scheduled = [j for j in queue.scheduled_job_registry.get_job_ids() if j.startswith("player-stats-flush-")]
    assert len(scheduled) == 1
    job = queue.fetch_job(scheduled[0])
    queue.scheduled_job_registry.remove(job)
    queue.enqueue_job(job)
    run_jobs("default")
    row = VideoStatsDay.objects.unscoped().get()
    assert row.views == 2 and row.unique_viewers == 1


def test_viewer_rows_are_kept_thirty_days(rpc, video):
    page_path = path_of(rpc("Video_Get_Page", video["id"])["url"])
    beacon(Client(), page_path, {"e": "view"})
    stats.stats_flush()
    PageViewer.objects.unscoped().update(day=dt.date.today() - dt.timedelta(days=31))
    stats.stats_flush()
    assert not PageViewer.objects.unscoped().exists()
    assert VideoStatsDay.objects.unscoped().get().unique_viewers == 1


def test_webhooks_first_view_and_cta_clicks(rpc, video):
    rpc("Webhook_New", video["templateID"], "http://127.0.0.1:9/hook", ["video.viewed", "cta.clicked"])
    page_path = path_of(rpc("Video_Get_Page", video["id"])["url"])
    beacon(Client(), page_path, {"e": "view"}, {"e": "cta", "id": "buy"}, {"e": "cta", "id": "buy"})
    stats.stats_flush()
    beacon(Client(), page_path, {"e": "view"})
    stats.stats_flush()
    sent = {d.event: json.loads(d.body) for d in WebhookDelivery.objects.unscoped().all()}
    assert WebhookDelivery.objects.unscoped().filter(event="video.viewed").count() == 1
    assert sent["video.viewed"]["id"] == video["id"]
    assert sent["cta.clicked"]["ctaID"] == "buy" and sent["cta.clicked"]["clicks"] == 2
    assert sent["cta.clicked"]["url"] == "https://example.com/buy"


def test_viewer_hash_rotates_daily_and_bots_are_recognised():
    one = analytics.viewer_hash(secret="s", day=dt.date(2026, 1, 1), address="203.0.113.7", user_agent=PHONE_UA)
    assert one == analytics.viewer_hash(secret="s", day=dt.date(2026, 1, 1), address="203.0.113.7", user_agent=PHONE_UA)
    assert one != analytics.viewer_hash(secret="s", day=dt.date(2026, 1, 2), address="203.0.113.7", user_agent=PHONE_UA)
    assert "203" not in one and len(one) == 32
    for ua in ("Googlebot/2.1", "WhatsApp/2.23", "TelegramBot (like TwitterBot)", "curl/8.5", "", "python-requests/2"):
        assert analytics.is_bot(ua), ua
    for ua in (PHONE_UA, LAPTOP_UA):
        assert not analytics.is_bot(ua)


# -- branding -----------------------------------------------------------------------


def test_branding_fills_variables_and_refuses_unreadable_colours(rpc, tenant, video):
    from core import errors
    from core.errors import AppError

    with pytest.raises(AppError) as info:
        services.branding_set(
            account=tenant.account, template_id=video["templateID"], title="", message="",
            background_color="#FFFFFF", text_color="#EEEEEE", accent_color="#1D4ED8", logo_media_id=None,
        )  # fmt: skip
    assert info.value.entry is errors.INVALID_REQUEST and info.value.param == "textColor"
    url = path_of(rpc("Video_Get_Page", video["id"])["url"])
    assert "<title>For Ana</title>" in Client().get(url).content.decode()  # cached with the defaults
    services.branding_set(
        account=tenant.account, template_id=video["templateID"], title="A video for $name", message="Hello $name, $$5 off.",
        background_color="#111827", text_color="#F9FAFB", accent_color="#F59E0B", logo_media_id=None,
    )  # fmt: skip
    html = Client().get(url).content.decode()
    assert "<title>A video for Ana</title>" in html and "Hello Ana, $5 off." in html
    assert "--bg:#111827;--fg:#F9FAFB;--accent:#F59E0B;--on-accent:#000000" in html


def test_branding_through_rpc_and_rest(rpc, api, tenant, upload, media_samples, video):
    template_id = video["templateID"]
    defaults = rpc("Template_Get_Page_Branding", template_id)
    assert defaults == {
        "templateID": template_id, "title": "", "message": "", "backgroundColor": "#F8FAFC",
        "textColor": "#0F172A", "accentColor": "#1D4ED8", "logoMediaID": None,
    }  # fmt: skip
    logo = upload(tenant, media_samples / "photo.jpg", "image/jpeg").json()["mediaID"]
    branded = rpc(
        "Template_Set_Page_Branding", template_id, "A video for $name", None, "#111827", "#f9fafb", "#F59E0B", logo
    )
    assert branded == {
        **defaults, "title": "A video for $name", "backgroundColor": "#111827", "textColor": "#F9FAFB",
        "accentColor": "#F59E0B", "logoMediaID": logo,
    }  # fmt: skip
    assert rpc("Template_Get_Page_Branding", template_id) == branded
    page = Client().get(path_of(rpc("Video_Get_Page", video["id"])["url"])).content.decode()
    assert "<title>A video for Ana</title>" in page and "--bg:#111827;--fg:#F9FAFB" in page

    with pytest.raises(RpcError) as bad_colour:
        rpc("Template_Set_Page_Branding", template_id, None, None, "navy")
    assert bad_colour.value.code == -32602 and bad_colour.value.data.startswith("backgroundColor:")
    with pytest.raises(RpcError) as unreadable:
        rpc("Template_Set_Page_Branding", template_id, None, None, "#FFFFFF", "#EEEEEE")
    assert unreadable.value.code == 4000 and "contrast" in unreadable.value.message + str(unreadable.value.data)
    assert rpc("Template_Get_Page_Branding", template_id) == branded  # refused: nothing changed

    url = f"/v1/templates/{template_id}/page-branding"
    assert api.get(url).json() == branded
    replaced = api.put(url, {"message": "Hello $name", "accentColor": "#B45309"})
    assert replaced.status_code == 200
    assert replaced.json() == {**defaults, "message": "Hello $name", "accentColor": "#B45309"}  # the rest: defaults
    refused = api.put(url, {"textColor": "#F8FAFC"})
    assert refused.status_code == 400 and refused.json()["error"]["param"] == "textColor"
    assert api.put(url, {"accentColor": "red"}).json()["error"]["param"] == "accentColor"


def test_branding_refuses_another_accounts_logo(rpc, other_tenant, upload, media_samples, video):
    theirs = upload(other_tenant, media_samples / "photo.jpg", "image/jpeg").json()["mediaID"]
    with pytest.raises(RpcError) as info:
        rpc("Template_Set_Page_Branding", video["templateID"], None, None, None, None, None, theirs)
    assert info.value.code == 1001
