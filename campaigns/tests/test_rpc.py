"""Campaign_* JSON-RPC methods: the same semantics as the REST endpoints."""

from __future__ import annotations

import pytest

from campaigns.tests.conftest import make_document_template, make_users, make_video_template
from conftest import RpcError


def test_campaign_methods(rpc, tenant, run_jobs, django_capture_on_commit_callbacks):
    template_id = make_video_template(rpc)
    make_users(tenant.account)
    preview = rpc("Campaign_Preview", {"where": "country=ES"}, {"name": 'first_name|"friend"'})
    assert preview["total"] == 3
    assert [p["values"] for p in preview["preview"]] == [{"name": "Ana"}, {"name": "Bruno"}, {"name": "friend"}]
    with django_capture_on_commit_callbacks(execute=True):
        accepted = rpc(
            "Campaign_New",
            {
                "name": "RPC",
                "templateId": template_id,
                "audience": {"where": "country=ES"},
                "fields": {"name": "first_name"},
                "mode": "render",
            },
        )
    assert accepted == {"id": accepted["id"], "status": "queued", "total": 3}
    with django_capture_on_commit_callbacks(execute=True):
        run_jobs("default")
    with django_capture_on_commit_callbacks(execute=True):
        run_jobs("render")
    campaign = rpc("Campaign_Get", accepted["id"])
    assert (campaign["status"], campaign["done"], campaign["failed"]) == ("partial", 2, 1)
    page = rpc("Campaign_Recipients", accepted["id"], "error")
    assert page["total"] == 1 and page["items"][0]["error"]["code"] == 2005
    assert rpc("Campaign_List")["total"] == 1
    assert rpc("Campaign_Cancel", accepted["id"])["status"] == "partial"  # finished campaigns stay as they are
    assert rpc("Campaign_Delete", accepted["id"]) is True
    with pytest.raises(RpcError) as caught:
        rpc("Campaign_Get", accepted["id"])
    assert caught.value.code == 4040


def test_campaign_errors_and_isolation(rpc, other_rpc, tenant, other_tenant):
    template_id = make_document_template(tenant.account)
    body = {
        "name": "x",
        "templateId": template_id,
        "audience": {"rows": [{"n": "A"}] * 3},
        "fields": {"Name": "n"},
        "mode": "render",
    }
    with pytest.raises(RpcError) as caught:
        rpc("Campaign_New", {**body, "fields": {"Name": "missing"}})
    assert caught.value.code == 4000 and "no column missing" in caught.value.data
    with pytest.raises(RpcError) as caught:
        other_rpc("Campaign_New", body)
    assert caught.value.code == 1000
    mine = rpc("Campaign_New", body)
    for method in ("Campaign_Get", "Campaign_Cancel", "Campaign_RetryFailed", "Campaign_Refresh", "Campaign_Delete"):
        with pytest.raises(RpcError) as caught:
            other_rpc(method, mine["id"])
        assert caught.value.code == 4040, method
    with pytest.raises(RpcError):
        other_rpc("Campaign_Recipients", mine["id"])
    assert other_rpc("Campaign_List")["total"] == 0
    with pytest.raises(RpcError) as caught:
        rpc("Campaign_New", {**body, "audience": {"rows": [{"n": "A"}] * 20000}})
    assert caught.value.code == 2004 and caught.value.data["short"] > 0
