"""Usage history (per-day counters, storage, credits), the quota notices at 80 % and 100 %
(seed codes 2000-2005, once per threshold per month) and the overview's charts and first steps."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts import charts, selectors, services
from accounts.models import Notification, UsageDay
from core.errors import AppError
from videos.tests.helpers import PROFILE

SCRIPT = {"elements": [{"id": "t1", "type": "text", "text": "Hi $name", "duration": 1}]}


@pytest.fixture
def logged_in(client, tenant):
    client.force_login(tenant.user)
    return client


def today_row(account) -> UsageDay:
    return UsageDay.objects.for_account(account).get(day=timezone.now().date())


def quota_notices(account, quota: str) -> list[tuple[str, int]]:
    rows = Notification.objects.for_account(account).filter(data__quota=quota).order_by("id")
    return [(n.kind, n.data["code"]) for n in rows]


def test_credits_spent_net_of_refunds_and_storage_of_the_day(account):
    services.credits_charge(account=account, amount=5)
    services.credits_refund(account=account, amount=2)
    services.storage_reserve(account=account, kind="media", nbytes=3000)
    services.storage_reserve(account=account, kind="video", nbytes=1000)
    services.storage_release(account=account, kind="media", nbytes=500)
    services.usage_count(account=account, renders=1)
    services.usage_count(account=account, documents=2)
    row = today_row(account)
    assert (row.credits_spent, row.stored_bytes, row.renders, row.documents) == (3, 3500, 1, 2)
    assert UsageDay.objects.for_account(account).count() == 1


def test_history_carries_storage_forward_and_fills_empty_days(account):
    today = date(2026, 3, 10)
    UsageDay.objects.create(account=account, day=today - timedelta(days=40), stored_bytes=700)
    UsageDay.objects.create(
        account=account, day=today - timedelta(days=3), renders=2, credits_spent=4, stored_bytes=900
    )
    UsageDay.objects.create(account=account, day=today, documents=1, credits_spent=-1)
    history = selectors.usage_history(account=account, days=30, today=today)
    assert len(history.days) == 30 and history.days[-1] == today
    series = {s.key: s.values for s in history.series}
    assert series["renders"][-4:] == [2, 0, 0, 0] and sum(series["renders"]) == 2
    assert series["documents"][-1] == 1
    assert series["credits"][-4:] == [4, 0, 0, 0]  # a refund-only day shows nothing spent
    assert series["storage"][0] == 700 and series["storage"][-4:] == [900, 900, 900, 900]


def test_credit_quota_notices_once_per_threshold_per_month(account, monkeypatch):
    account.credits = 0
    account.save(update_fields=["credits"])
    services.credits_refund(account=account, amount=account.plan.monthly_credits)  # a fresh month's allowance
    monthly = account.plan.monthly_credits
    services.credits_charge(account=account, amount=int(monthly * 0.79))
    assert quota_notices(account, "credits") == []
    services.credits_charge(account=account, amount=int(monthly * 0.01))
    assert quota_notices(account, "credits") == [("quota_nearly_reached", 2004)]
    services.notification_mark_read(account=account, notification_ids=None)
    services.credits_refund(account=account, amount=int(monthly * 0.1))
    services.credits_charge(account=account, amount=int(monthly * 0.1))  # past 80 % again, same month
    assert quota_notices(account, "credits") == [("quota_nearly_reached", 2004)]
    services.credits_charge(account=account, amount=account.plan.monthly_credits - int(monthly * 0.8))
    assert quota_notices(account, "credits")[-1] == ("quota_reached", 2004)
    with pytest.raises(AppError) as refused:
        services.credits_charge(account=account, amount=1)
    assert refused.value.entry.code == 2004

    monkeypatch.setattr(services, "usage_today", lambda: date(2099, 1, 1))  # next period: notified again
    services.credits_refund(account=account, amount=int(monthly * 0.3))
    services.credits_charge(account=account, amount=int(monthly * 0.3))
    assert [kind for kind, _ in quota_notices(account, "credits")].count("quota_nearly_reached") == 2


def test_storage_notices_name_their_code(account):
    limit = account.plan.max_video_bytes
    services.storage_reserve(account=account, kind="video", nbytes=limit)
    assert quota_notices(account, "videos") == [("quota_nearly_reached", 2000), ("quota_reached", 2000)]
    with pytest.raises(AppError):
        services.storage_reserve(account=account, kind="video", nbytes=1)
    assert len(quota_notices(account, "videos")) == 2
    notice = Notification.objects.for_account(account).get(data__quota="videos", data__threshold=100)
    assert "error 2000" in notice.message


def test_template_and_element_quotas_notify(tenant, rpc):
    plan = tenant.account.plan
    plan.max_templates, plan.max_objects_per_template = 5, 5
    plan.save()
    for index in range(4):
        rpc("Template_New", {"name": f"t{index}", "inputScripts": SCRIPT, "outProfiles": [PROFILE]})
    assert quota_notices(tenant.account, "templates") == [("quota_nearly_reached", 2005)]
    busy = {"elements": [{"id": f"r{i}", "type": "rectangle", "duration": 1} for i in range(4)]}
    rpc("Template_New", {"name": "busy", "inputScripts": busy, "outProfiles": [PROFILE]})
    assert quota_notices(tenant.account, "templates")[-1] == ("quota_reached", 2005)
    assert quota_notices(tenant.account, "objects") == [("quota_nearly_reached", 2003)]


def test_bar_chart_geometry():
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(30)]
    chart = charts.bar_chart(days, [0] * 29 + [7], unit="count", noun="renders")
    assert len(chart.bars) == 30 and chart.y_ticks[-1].label == "10"
    last = chart.bars[-1]
    assert last.height == pytest.approx((chart.height - 28) * 0.7, abs=0.01)
    assert last.title == "2026-01-30: 7 renders"
    assert chart.bars[0].height == 0
    assert charts.nice_ceiling(0) == 1 and charts.nice_ceiling(11) == 20 and charts.nice_ceiling(4_000) == 5_000
    storage = charts.bar_chart(days, [3 * 1024**2] * 30, unit="bytes", noun="stored")
    assert storage.y_ticks[-1].label == "5.0 MB"


def test_overview_draws_the_history_of_this_account_only(logged_in, tenant, other_tenant):
    services.usage_count(account=tenant.account, renders=3)
    services.usage_count(account=other_tenant.account, renders=40, documents=9)
    page = logged_in.get("/").content.decode()
    renders = re.search(r'data-chart="renders".*?</figure>', page, re.S).group(0)
    assert renders.count("<rect") == 30
    assert f"{timezone.now().date().isoformat()}: 3 renders" in renders
    assert "3 in 30 days" in renders
    assert "40 renders" not in page and "9 documents" not in page
    assert "This month: 3 renders · 0 documents" in page
    ninety = logged_in.get("/?days=90").content.decode()
    assert re.search(r'data-chart="documents".*?</figure>', ninety, re.S).group(0).count("<rect") == 90
    assert 'aria-current="true">90 days' in ninety


def test_overview_credit_meter(logged_in, tenant):
    services.credits_charge(account=tenant.account, amount=tenant.account.credits - 100)
    page = logged_in.get("/").content.decode()
    assert "Monthly credits used" in page and "900 of 1000" in page


def test_first_steps_panel_ticks_and_goes_away(logged_in, tenant, rpc, upload, media_samples):
    page = logged_in.get("/").content.decode()
    assert page.count('data-step-done="false"') == 4
    upload(tenant, media_samples / "background.png", "image/png")
    rpc("Account_Get")  # the key is used
    page = logged_in.get("/").content.decode()
    assert page.count('data-step-done="true"') == 2
    assert re.search(r'class="done" data-step-done="true">.*?Upload a media file', page, re.S)
    assert re.search(r'class="done" data-step-done="true">.*?Call the API with a key', page, re.S)
