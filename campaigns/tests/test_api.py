"""Campaigns through real HTTP (the live server) and real RQ workers."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import django_rq
import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import Account, Plan
from campaigns.models import Campaign, Recipient
from campaigns.tests.conftest import make_document_template, make_users, make_video_template
from personalization.models import VisitorUser
from videos.models import Video
from webhooks import services as webhook_services
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def create(http, **body):
    response = http.post("/v1/campaigns", json=body)
    assert response.status_code == 202, response.text
    return response.json()


def recipients(http, campaign_id: str, **params) -> list[dict]:
    response = http.get(f"/v1/campaigns/{campaign_id}/recipients", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def links_file(http, campaign_id: str) -> list[dict]:
    response = http.get(f"/v1/campaigns/{campaign_id}/recipients.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_where_campaign_renders_a_video_per_recipient(http, tenant, rpc, run_jobs, live_server):
    template_id = make_video_template(rpc)
    make_users(tenant.account)
    credits_before = Account.objects.get(pk=tenant.account.pk).credits
    accepted = create(
        http,
        name="Spring",
        templateId=template_id,
        audience={"where": "country=ES"},
        fields={"name": 'first_name|"friend"'},
        mode="render",
    )
    assert accepted["status"] == "queued" and accepted["total"] == 3
    run_jobs("default", "render")
    campaign = http.get(f"/v1/campaigns/{accepted['id']}").json()
    assert campaign | {"createdAt": None, "finishedAt": None} == campaign | {
        "status": "done",
        "total": 3,
        "done": 3,
        "failed": 0,
        "pending": 0,
        "rendering": 0,
        "createdAt": None,
        "finishedAt": None,
    }
    items = recipients(http, accepted["id"])
    assert [item["values"] for item in items] == [{"name": "Ana"}, {"name": "Bruno"}, {"name": "friend"}]
    videos = {v.public_id: v for v in Video.objects.for_account(tenant.account)}
    assert sorted(videos) == sorted(item["videoId"] for item in items)
    assert all(v.status == Video.Status.DONE for v in videos.values())
    assert Account.objects.get(pk=tenant.account.pk).credits == credits_before - 3
    rows = links_file(http, accepted["id"])
    assert [row["email"] for row in rows] == ["ana@example.com", "bruno@example.com", "carla@example.com"]
    assert all(row["link"].startswith("http://127.0.0.1:8000/c/") for row in rows)  # PUBLIC_BASE_URL
    opened = http.get(items[0]["link"].removeprefix("http://127.0.0.1:8000"))
    assert opened.status_code == 302 and opened.headers["location"].startswith("/p/")  # the player page
    page = http.get(opened.headers["location"])
    assert page.status_code == 200 and "<video" in page.text


def test_missing_values_fail_only_their_recipient(http, tenant, rpc, run_jobs):
    template_id = make_video_template(rpc)
    make_users(tenant.account)
    accepted = create(
        http,
        name="No fallback",
        templateId=template_id,
        audience={"where": "country=ES"},
        fields={"name": "first_name"},
        mode="render",
    )
    run_jobs("default", "render")
    campaign = http.get(f"/v1/campaigns/{accepted['id']}").json()
    assert (campaign["status"], campaign["done"], campaign["failed"]) == ("partial", 2, 1)
    [failed] = recipients(http, accepted["id"], status="error")
    assert failed["email"] == "carla@example.com" and failed["videoId"] is None
    assert failed["error"] == {"code": 2005, "message": "Not all variables defined: name"}


def test_csv_campaign_renders_a_document_per_row(http, tenant, run_jobs):
    template_id = make_document_template(tenant.account)
    text = "email,name,plan\nana@example.com,Ana,gold\nbo@example.com,Bo,\n,,silver\n"
    response = http.post(
        "/v1/campaigns",
        data={
            "name": "Letters",
            "templateId": template_id,
            "fields": '{"Name": "name", "Plan": "plan|\\"basic\\""}',
            "mode": "render",
        },
        files={"file": ("people.csv", text.encode(), "text/csv")},
    )
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["total"] == 3
    run_jobs("default", "documents")
    campaign = http.get(f"/v1/campaigns/{accepted['id']}").json()
    assert (campaign["status"], campaign["done"], campaign["failed"]) == ("partial", 2, 1)
    items = recipients(http, accepted["id"])
    assert [(i["key"], i["status"], i["values"]) for i in items] == [
        ("1", "done", {"Name": "Ana", "Plan": "gold"}),
        ("2", "done", {"Name": "Bo", "Plan": "basic"}),
        ("3", "error", {"Plan": "silver"}),
    ]
    assert items[2]["error"] == {"code": 4000, "message": "Missing values for: Name"}
    download = http.get(items[0]["link"].removeprefix("http://127.0.0.1:8000"), follow_redirects=True)
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("audience", "fields", "param", "message"),
    [
        ({"csv": "email,name\na@x.test,Ana\nb@x.test\n"}, {"Name": "name"}, "audience.csv", "line 3 has 1 values"),
        ({"where": "nope=1"}, {"Name": "first_name"}, "audience.where", 'Unknown column "nope"'),
        ({"rows": [{"n": "A"}]}, {"Name": "first_name"}, "fields.Name", "the audience has no column first_name"),
        ({"rows": [{"n": "A"}]}, {"Plan": "n"}, "fields", "the template needs a value for Name"),
        ({"rows": [{"n": "A"}]}, {"Name": "n", "Age": "n"}, "fields.Age", "the template has no input 'Age'"),
        ({"rows": [{"n": "A"}], "where": ""}, {"Name": "n"}, "audience", "exactly one of"),
        ({"where": "country=ES/limit/5"}, {"Name": "first_name"}, "audience.where", "a condition only"),
        ({"csv": "n\nA\nB\x00\n"}, {"Name": "n"}, "audience.csv", "line 3 contains a NUL character"),
        ({"rows": [{"n": "A"}, {"n": "\x00"}]}, {"Name": "n"}, "audience.rows.1", "NUL characters are not allowed"),
    ],
)
def test_bad_campaigns_are_400_naming_the_problem(http, tenant, audience, fields, param, message):
    template_id = make_document_template(tenant.account)
    response = http.post(
        "/v1/campaigns",
        json={"name": "x", "templateId": template_id, "audience": audience, "fields": fields, "mode": "render"},
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == param and message in error["message"]


def test_render_mode_checks_credits_first(http, tenant, run_jobs):
    template_id = make_document_template(tenant.account)
    Account.objects.filter(pk=tenant.account.pk).update(credits=2)
    response = http.post(
        "/v1/campaigns",
        json={
            "name": "x",
            "templateId": template_id,
            "audience": {"rows": [{"n": "A"}] * 5},
            "fields": {"Name": "n"},
            "mode": "render",
        },
    )
    assert response.status_code == 402
    assert response.json()["error"]["message"] == "No credit: 3 credits short (the campaign needs 5, the account has 2)"
    assert django_rq.get_queue("default").count == 0


def test_an_offset_beyond_any_row_is_an_empty_page(http, tenant):
    template_id = make_document_template(tenant.account)
    create(http, name="x", templateId=template_id, audience={"rows": [{"n": "A"}]}, fields={"Name": "n"}, mode="link")
    # Beyond PostgreSQL's bigint (schemathesis found a 500 there): clamped, not a database error.
    response = http.get("/v1/campaigns", params={"offset": 10**27, "limit": 5})
    assert response.status_code == 200 and response.json() == {"total": 1, "items": []}


def test_other_tenants_campaigns_templates_and_users_are_not_found(http, tenant, other_tenant, rpc, run_jobs):
    template_id = make_document_template(tenant.account)
    make_users(other_tenant.account)
    mine = create(
        http, name="x", templateId=template_id, audience={"rows": [{"n": "A"}]}, fields={"Name": "n"}, mode="link"
    )
    other = http.as_tenant(other_tenant)
    for method, path in [
        ("GET", f"/v1/campaigns/{mine['id']}"),
        ("GET", f"/v1/campaigns/{mine['id']}/recipients"),
        ("GET", f"/v1/campaigns/{mine['id']}/recipients.csv"),
        ("POST", f"/v1/campaigns/{mine['id']}/cancel"),
        ("POST", f"/v1/campaigns/{mine['id']}/retry-failed"),
        ("POST", f"/v1/campaigns/{mine['id']}/refresh"),
        ("DELETE", f"/v1/campaigns/{mine['id']}"),
    ]:
        response = other.request(method, path)
        assert response.status_code == 404, (method, path, response.text)
    assert other.get("/v1/campaigns").json() == {"total": 0, "items": []}
    # My template is not theirs; their users are not in my audience.
    response = other.post(
        "/v1/campaigns",
        json={
            "name": "x",
            "templateId": template_id,
            "audience": {"where": ""},
            "fields": {"Name": "first_name"},
            "mode": "link",
        },
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == "template_not_found"
    response = http.post(
        "/v1/campaigns",
        json={
            "name": "x",
            "templateId": "not-a-uuid",
            "audience": {"where": ""},
            "fields": {"Name": "first_name"},
            "mode": "link",
        },
    )
    assert response.status_code == 404 and response.json()["error"]["param"] == "templateId"
    response = http.post(
        "/v1/campaigns",
        json={
            "name": "x",
            "templateId": template_id,
            "audience": {"where": "country=ES"},
            "fields": {"Name": "first_name"},
            "mode": "link",
        },
    )
    assert response.status_code == 400 and response.json()["error"]["message"] == "audience: selects no recipients"
    preview = http.post("/v1/campaigns/preview", json={"audience": {"where": ""}}).json()
    assert preview["total"] == 0
    assert Recipient.objects.for_account(other_tenant.account).count() == 0


@override_settings(CAMPAIGN_RENDER_WINDOW=1)
def test_a_campaign_does_not_starve_other_tenants_single_renders(http, tenant, other_rpc, rpc, run_jobs):
    template_id = make_video_template(rpc)
    make_users(tenant.account)
    accepted = create(
        http,
        name="Big",
        templateId=template_id,
        audience={"where": ""},
        fields={"name": 'first_name|"friend"'},
        mode="render",
    )
    run_jobs("default")
    render = django_rq.get_queue("render")
    assert len(render.job_ids) == 1  # the account's window: one campaign render at a time
    other_template = make_video_template(other_rpc)
    single = other_rpc("Template_Video_New", other_template, {"inputMedias": [{"inputID": "name", "text": "Zoe"}]})
    assert render.job_ids[1] == f"render-{single['id']}-0"  # right behind that one, not behind the campaign
    run_jobs("render")
    assert http.get(f"/v1/campaigns/{accepted['id']}").json()["done"] == 4
    assert other_rpc("Video_Get", single["id"])["status"]["code"] == "done"


def test_link_mode_video_renders_on_first_open_only(http, tenant, rpc, run_jobs):
    template_id = make_video_template(rpc)
    make_users(tenant.account)
    credits = Account.objects.get(pk=tenant.account.pk).credits
    text = "email,first\nana@example.com,Ana\nbo@example.com,Bo\n"
    response = http.post(
        "/v1/campaigns",
        data={
            "name": "Links",
            "templateId": template_id,
            "fields": '{"name": "first"}',
            "mode": "link",
            "linkTtlDays": "7",
        },
        files={"file": ("people.csv", text.encode(), "text/csv")},
    )
    accepted = response.json()
    run_jobs("default")
    campaign = http.get(f"/v1/campaigns/{accepted['id']}").json()
    assert (campaign["status"], campaign["pending"], campaign["linkTtlDays"]) == ("done", 2, 7)
    assert django_rq.get_queue("render").count == 0 and not Video.objects.for_account(tenant.account).exists()
    link = links_file(http, accepted["id"])[0]["link"].removeprefix("http://127.0.0.1:8000")
    first = http.get(link)
    assert first.status_code == 302 and first.headers["location"].startswith("/p/")
    assert http.get(link).headers["location"] == first.headers["location"]  # no second video either
    assert Video.objects.for_account(tenant.account).count() == 1
    assert Account.objects.get(pk=tenant.account.pk).credits == credits - 1  # charged at render time
    waiting = http.get(first.headers["location"])
    assert waiting.status_code == 200 and "<video" not in waiting.text
    run_jobs("render")
    page = http.get(first.headers["location"])
    assert page.status_code == 200 and "<video" in page.text
    [done] = recipients(http, accepted["id"], status="done")
    assert done["email"] == "ana@example.com" and done["videoId"]
    assert http.get(link[:-3] + "xyz").status_code == 404


def test_an_expired_link_says_the_campaigns_ttl(http, tenant, run_jobs, time_machine):
    template_id = make_document_template(tenant.account)
    accepted = create(
        http,
        name="Short",
        templateId=template_id,
        audience={"rows": [{"n": "Ana"}]},
        fields={"Name": "n"},
        mode="link",
        linkTtlDays=2,
    )
    run_jobs("default")
    link = links_file(http, accepted["id"])[0]["link"].removeprefix("http://127.0.0.1:8000")
    assert link.startswith("/d/")
    time_machine.move_to(timezone.now() + timedelta(days=2, seconds=1))
    response = http.get(link)
    assert response.status_code == 410
    assert response.json()["error"]["message"] == "This link expired 2 days after it was created"


def test_link_mode_document_uses_on_demand_urls(http, tenant, run_jobs):
    template_id = make_document_template(tenant.account)
    make_users(tenant.account)
    accepted = create(
        http,
        name="Letters",
        templateId=template_id,
        audience={"where": "country=ES"},
        fields={"Name": "first_name"},
        mode="link",
    )
    run_jobs("default")
    rows = links_file(http, accepted["id"])
    assert [row["status"] for row in rows] == ["pending", "pending", "error"]
    assert rows[0]["link"].startswith("http://127.0.0.1:8000/d/") and rows[2]["link"].startswith(
        "http://127.0.0.1:8000/c/"
    )
    pdf = http.get(rows[0]["link"].removeprefix("http://127.0.0.1:8000"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert [r["status"] for r in recipients(http, accepted["id"])] == ["done", "pending", "error"]


@override_settings(CAMPAIGN_RENDER_WINDOW=1)
def test_cancel_stops_queuing_renders(http, tenant, rpc, run_jobs):
    template_id = make_video_template(rpc)
    make_users(tenant.account)
    accepted = create(
        http,
        name="Stop",
        templateId=template_id,
        audience={"where": ""},
        fields={"name": 'first_name|"x"'},
        mode="render",
    )
    run_jobs("default")
    cancelled = http.post(f"/v1/campaigns/{accepted['id']}/cancel").json()
    assert cancelled["status"] == "cancelled" and cancelled["rendering"] == 1
    run_jobs("render")
    campaign = http.get(f"/v1/campaigns/{accepted['id']}").json()
    assert (campaign["status"], campaign["done"], campaign["pending"]) == ("cancelled", 1, 3)
    assert Video.objects.for_account(tenant.account).count() == 1


def test_retry_failed_reads_fixed_values_and_refresh_adds_new_members(http, tenant, rpc, run_jobs):
    template_id = make_video_template(rpc)
    users = make_users(tenant.account)
    hook = webhook_services.webhook_create(
        account=tenant.account, url="http://127.0.0.1:9/hook", events=["campaign.completed"]
    )
    accepted = create(
        http,
        name="Retry",
        templateId=template_id,
        audience={"where": "country=ES"},
        fields={"name": "first_name"},
        mode="render",
    )
    run_jobs("default", "render")
    assert http.get(f"/v1/campaigns/{accepted['id']}").json()["status"] == "partial"
    VisitorUser.objects.for_account(tenant.account).filter(pk=users[2].pk).update(first_name="Carla")
    retried = http.post(f"/v1/campaigns/{accepted['id']}/retry-failed")
    assert retried.status_code == 200 and retried.json()["status"] == "running"
    run_jobs("render")
    campaign = http.get(f"/v1/campaigns/{accepted['id']}").json()
    assert (campaign["status"], campaign["done"], campaign["failed"]) == ("done", 3, 0)
    make_users(tenant.account, [("eva@example.com", "Eva", "ES")])
    refreshed = http.post(f"/v1/campaigns/{accepted['id']}/refresh")
    assert refreshed.status_code == 200
    run_jobs("default", "render")
    campaign = http.get(f"/v1/campaigns/{accepted['id']}").json()
    assert (campaign["status"], campaign["total"], campaign["done"]) == ("done", 4, 4)
    assert Video.objects.for_account(tenant.account).count() == 4  # nobody rendered twice
    events = [
        json.loads(d.body)
        for d in WebhookDelivery.objects.for_account(tenant.account).filter(webhook=hook).order_by("id")
    ]
    assert [(e["status"], e["done"], e["failed"]) for e in events] == [
        ("partial", 2, 1),
        ("done", 3, 0),
        ("done", 4, 0),
    ]
    assert events[0]["recipientsCsv"] == f"http://127.0.0.1:8000/v1/campaigns/{accepted['id']}/recipients.csv"
    assert http.delete(f"/v1/campaigns/{accepted['id']}").status_code == 204
    assert http.get(f"/v1/campaigns/{accepted['id']}").status_code == 404
    assert Video.objects.for_account(tenant.account).count() == 4  # the files stay


def test_without_player_pages_the_link_shows_the_video_itself(http, tenant, rpc, run_jobs):
    Plan.objects.filter(pk=tenant.account.plan_id).update(player_pages=False)
    template_id = make_video_template(rpc)
    accepted = create(
        http, name="Plain", templateId=template_id, audience={"rows": [{"n": "Ana"}]}, fields={"name": "n"}, mode="link"
    )
    run_jobs("default")
    link = links_file(http, accepted["id"])[0]["link"].removeprefix("http://127.0.0.1:8000")
    assert http.get(link).status_code == 202
    run_jobs("render")
    page = http.get(link)
    assert page.status_code == 200 and "<video" in page.text


def test_expired_and_forged_links(http, tenant, run_jobs):
    template_id = make_document_template(tenant.account)
    accepted = create(
        http,
        name="Old",
        templateId=template_id,
        audience={"rows": [{"n": "A"}]},
        fields={"Name": "n"},
        mode="render",
        linkTtlDays=1,
    )
    run_jobs("default", "documents")
    link = links_file(http, accepted["id"])[0]["link"].removeprefix("http://127.0.0.1:8000")
    assert http.get(link).status_code == 302
    Campaign.objects.for_account(tenant.account).update(created_at=timezone.now() - timedelta(days=1, seconds=1))
    expired = links_file(http, accepted["id"])[0]["link"].removeprefix("http://127.0.0.1:8000")
    page = http.get(expired)
    assert expired != link and page.status_code == 410
    assert "This link expired 1 day after the campaign was created." in page.text
    assert http.get("/c/not-a-token").status_code == 404
