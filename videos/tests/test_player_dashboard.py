"""Dashboard pages of player pages: publish and revoke, stats with charts, CSV, branding; isolation."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from videos.player import charts
from videos.tests.test_player import LAPTOP_UA, beacon, make_video, path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(tenant) -> Client:
    client = Client()
    client.force_login(tenant.user)
    return client


@pytest.fixture
def video(rpc, run_jobs, django_capture_on_commit_callbacks) -> dict:
    return make_video(rpc, run_jobs, django_capture_on_commit_callbacks)


def test_publish_count_and_revoke_from_the_dashboard(browser, rpc, video):
    url = f"/videos/{video['id']}/player/"
    assert 'id="publish-page"' in browser.get(url).content.decode()
    assert browser.post(url, {"action": "publish"}).status_code == 302
    page_url = rpc("Video_Get", video["id"])["pageUrl"]
    html = browser.get(url).content.decode()
    assert page_url in html and 'id="revoke-page"' in html
    page_path = path_of(page_url)
    for _ in range(3):
        beacon(Client(), page_path, {"e": "view"}, {"e": "play"})
    beacon(Client(), page_path, {"e": "view"}, {"e": "cta", "id": "buy"}, {"e": "q100"}, ua=LAPTOP_UA)

    html = browser.get(url).content.decode()
    assert '<span class="stat-value" data-stat="views">4</span>' in html
    assert '<span class="stat-value" data-stat="uniqueViewers">2</span>' in html
    assert "75 % play rate" in html and "33 % of plays" in html
    assert 'aria-label="Views per day, last 30 days: 4 in all"' in html
    assert 'aria-label="Audience retention (share of plays still watching): 0 %: 100 %' in html
    assert '<tr data-cta-row="buy"><td>Buy now, Ana</td>' in html

    exported = browser.get(f"/videos/{video['id']}/player/stats.csv")
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert len(rows) == 1 and rows[0]["views"] == "4" and rows[0]["cta:buy"] == "1" and rows[0]["q100"] == "1"

    assert browser.post(url, {"action": "revoke"}).status_code == 302
    assert Client().get(page_path).status_code == 404
    assert 'id="publish-page"' in browser.get(url).content.decode()


def test_template_branding_and_stats(browser, rpc, video):
    url = f"/templates/{video['templateID']}/player/"
    form = {"title": "For $name", "message": "Hi", "background_color": "#ffffff", "text_color": "#eeeeee"}
    bad = browser.post(url, {**form, "accent_color": "#1d4ed8", "logo": ""})
    assert bad.status_code == 422 and "contrast below 4.5:1" in bad.content.decode()
    ok = browser.post(url, {**form, "text_color": "#111111", "accent_color": "#1d4ed8", "logo": ""})
    assert ok.status_code == 302
    page_path = path_of(rpc("Video_Get_Page", video["id"])["url"])
    assert "<title>For Ana</title>" in Client().get(page_path).content.decode()
    beacon(Client(), page_path, {"e": "view"})
    html = browser.get(url).content.decode()
    assert '<span class="stat-value" data-stat="views">1</span>' in html
    assert "Most viewed pages" in html and f"/videos/{video['id']}/player/" in html
    rows = list(
        csv.DictReader(io.StringIO(browser.get(f"/templates/{video['templateID']}/player/stats.csv").content.decode()))
    )
    assert rows[0]["videoID"] == video["id"] and rows[0]["views"] == "1"


def test_another_accounts_pages_are_404(browser, other_tenant, video):
    other = Client()
    other.force_login(other_tenant.user)
    for url in (
        f"/videos/{video['id']}/player/",
        f"/videos/{video['id']}/player/stats.csv",
        f"/templates/{video['templateID']}/player/",
        f"/templates/{video['templateID']}/player/stats.csv",
    ):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/videos/{video['id']}/player/", {"action": "publish"}).status_code == 404


def test_charts_escape_text_and_scale():
    svg = charts.views_per_day_svg([{"date": "2026-01-30", "views": 7}], until=dt.date(2026, 1, 30))
    assert svg.startswith("<svg") and "2026-01-30: 7 views" in svg and "last 30 days: 7 in all" in svg
    empty = charts.retention_svg([{"percent": 0, "viewers": 0}])
    assert 'role="img"' in empty
