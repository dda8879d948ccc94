"""Per-campaign player analytics on the dashboard: each video campaign's recipients' pages counted together."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from campaigns import services
from campaigns.models import Recipient
from campaigns.tests.conftest import make_document_template, make_video_template
from conftest import make_tenant
from videos.tests.test_player import beacon, path_of

pytestmark = pytest.mark.django_db


def video_campaign(tenant, rpc, run_jobs, capture, name: str, names: list[str]):
    with capture(execute=True):
        campaign = services.campaign_create(
            account=tenant.account,
            name=name,
            template_id=make_video_template(rpc),
            audience={"rows": [{"n": n} for n in names]},
            fields={"name": "n"},
            mode="render",
        )
    with capture(execute=True):
        run_jobs("default")
    with capture(execute=True):
        run_jobs("render")
    recipients = Recipient.objects.for_account(tenant.account).filter(campaign=campaign).select_related("video")
    return campaign, [path_of(rpc("Video_Get_Page", r.video.public_id)["url"]) for r in recipients]


def cells(html: str, campaign_id: str) -> dict[str, str]:
    row = html.split(f'data-campaign="{campaign_id}"', 1)[1].split("</tr>", 1)[0]
    return dict(re.findall(r'data-stat="(\w+)">([^<]*)<', row))


def test_each_video_campaign_has_its_counts_and_rates(
    client, tenant, rpc, run_jobs, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    spring, spring_pages = video_campaign(tenant, rpc, run_jobs, capture, "Spring", ["Ana", "Bruno"])
    autumn, autumn_pages = video_campaign(tenant, rpc, run_jobs, capture, "Autumn", ["Carla"])
    beacon(Client(), spring_pages[0], {"e": "view"}, {"e": "play"}, {"e": "q100"}, ip="203.0.113.1")
    beacon(Client(), spring_pages[1], {"e": "view"}, {"e": "play"}, ip="203.0.113.2")
    beacon(Client(), spring_pages[1], {"e": "view"}, ip="203.0.113.3")
    beacon(Client(), spring_pages[1], {"e": "view"}, ip="203.0.113.4")
    beacon(Client(), autumn_pages[0], {"e": "view"}, ip="203.0.113.5")
    with django_capture_on_commit_callbacks(execute=True):
        documents = services.campaign_create(
            account=tenant.account,
            name="Letters",
            template_id=make_document_template(tenant.account),
            audience={"rows": [{"n": "Ana"}]},
            fields={"Name": "n"},
            mode="link",
        )
    theirs = make_tenant("Globex", "owner@globex.test")
    with django_capture_on_commit_callbacks(execute=True):
        their_campaign = services.campaign_create(
            account=theirs.account,
            name="Theirs",
            template_id=make_document_template(theirs.account),
            audience={"rows": [{"n": "Ana"}]},
            fields={"Name": "n"},
            mode="link",
        )

    client.force_login(tenant.user)
    html = client.get("/campaigns/analytics/").content.decode()
    assert cells(html, spring.public_id) == {
        "views": "4", "plays": "2", "playRate": "50 %", "completionRate": "50 %", "ctaClickThrough": "0 %",
    }  # fmt: skip
    assert cells(html, autumn.public_id)["views"] == "1"
    assert documents.public_id not in html  # a document campaign has no video pages
    assert their_campaign.public_id not in html and "Theirs" not in html
    assert "/campaigns/analytics/" in client.get("/campaigns/").content.decode()
