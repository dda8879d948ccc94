"""Tenant-isolation cases of the Campaign_* methods (registered on import)."""

from __future__ import annotations

from campaigns import services
from campaigns.models import Campaign
from campaigns.tests.conftest import make_document_template, make_users
from tests.isolation import rpc_case


def _campaign(other_tenant) -> Campaign:
    return services.campaign_create(
        account=other_tenant.account,
        name="theirs",
        template_id=make_document_template(other_tenant.account),
        audience={"rows": [{"n": "A"}]},
        fields={"Name": "n"},
        mode="link",
    )


def _unchanged(result, other_tenant) -> None:
    campaign = Campaign.objects.for_account(other_tenant.account).get()
    assert campaign.status == Campaign.Status.QUEUED and campaign.name == "theirs"


for _method, _extra in [
    ("Campaign_Get", []),
    ("Campaign_Recipients", []),
    ("Campaign_Cancel", []),
    ("Campaign_RetryFailed", []),
    ("Campaign_Refresh", []),
    ("Campaign_Delete", []),
]:
    rpc_case(_method, expected_code=4040, check=_unchanged)(
        lambda other_tenant, _extra=_extra: [_campaign(other_tenant).public_id, *_extra]
    )


@rpc_case("Campaign_New", expected_code=1000)
def _their_template(other_tenant):
    template_id = make_document_template(other_tenant.account)
    return [
        {
            "name": "x",
            "templateId": template_id,
            "audience": {"where": ""},
            "fields": {"Name": "first_name"},
            "mode": "link",
        }
    ]


def _nothing_listed(result, other_tenant):
    assert result["total"] == 0
    _unchanged(None, other_tenant)


@rpc_case("Campaign_List", check=_nothing_listed)
def _their_campaign_listed(other_tenant):
    _campaign(other_tenant)
    return []


def _none_of_their_users(result, other_tenant):
    assert result["total"] == 0 and result["preview"] == []


@rpc_case("Campaign_Preview", check=_none_of_their_users)
def _their_users(other_tenant):
    make_users(other_tenant.account)
    return [{"where": ""}]
