"""Tenant isolation across every REST route under /v1/, built from the URL resolver like the
JSON-RPC one (tests/test_isolation.py): a route and method without a case fails the suite,
so a new endpoint cannot ship without its isolation test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import ApiKey
from campaigns import services as campaign_services
from campaigns.models import Campaign
from campaigns.tests.conftest import make_document_template, make_users
from documents import services as documents
from documents.models import DocumentAsset
from templates_app.models import VideoTemplate
from videos.models import PageBranding, Video
from webhooks.services import event_emit, webhook_create

pytestmark = pytest.mark.django_db


def v1_routes() -> set[tuple[str, str]]:
    """(URL name, HTTP method) of every view mounted under /v1/."""

    def walk(resolver: URLResolver, prefix: str):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern

    routes = set()
    for route, pattern in walk(get_resolver(), ""):
        view = getattr(pattern.callback, "view_class", None)
        if route.startswith("v1/") and view is not None:
            methods = {m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)}
            routes |= {(pattern.name, method.upper()) for method in methods}
    return routes


@dataclass(frozen=True)
class Foreign:
    """How to name the other tenant's object on a route, and what must hold afterwards."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    hidden: str = ""  # a list route: this must not appear in the answer
    untouched: Callable[[], None] | None = None


def foreign_webhook(other) -> Foreign:
    webhook = webhook_create(account=other.account, url="http://127.0.0.1:9/theirs")

    def untouched():
        webhook.refresh_from_db()
        assert webhook.url == "http://127.0.0.1:9/theirs" and webhook.active

    return Foreign(
        kwargs={"webhook_id": webhook.public_id}, body={"url": "http://127.0.0.1:9/mine"}, untouched=untouched
    )


def foreign_delivery(other) -> Foreign:
    webhook_create(account=other.account, url="http://127.0.0.1:9/theirs")
    [delivery] = event_emit(account=other.account, event="document.completed", payload={"theirs": True})
    return Foreign(kwargs={"delivery_id": delivery.msg_id})


def foreign_template(other) -> Foreign:
    template = documents.template_create(account=other.account, name="Theirs", html="<p>theirs</p>")
    documents.asset_put(account=other.account, template=template, name="logo.png", content=b"theirs")

    def untouched():
        template.refresh_from_db()
        assert template.name == "Theirs"
        assert DocumentAsset.objects.for_account(other.account).filter(template=template).count() == 1

    return Foreign(
        kwargs={"templateId": str(template.template_id)},
        body={"Name": "Mine", "Html": "<p>mine</p>"},
        untouched=untouched,
    )


def foreign_asset(other) -> Foreign:
    found = foreign_template(other)
    return Foreign(kwargs={**found.kwargs, "name": "logo.png"}, untouched=found.untouched)


def foreign_key(other) -> Foreign:
    key = ApiKey.objects.for_account(other.account).get()

    def untouched():
        key.refresh_from_db()
        assert key.revoked_at is None

    return Foreign(kwargs={"key_id": key.pk}, untouched=untouched)


def foreign_content_request(other) -> Foreign:
    template = documents.template_create(account=other.account, name="Theirs", html="<p>theirs</p>")
    request = documents.content_request_create(account=other.account, template=template, fields={}, output=None)
    return Foreign(query={"requestId": str(request.request_id)})


def foreign_template_in_body(other) -> Foreign:
    template = documents.template_create(account=other.account, name="Theirs", html="<p>theirs</p>")
    return Foreign(body={"TemplateId": str(template.template_id), "Fields": {}})


def foreign_video_template(other) -> VideoTemplate:
    return VideoTemplate.objects.create(
        account=other.account,
        name="Theirs",
        input_scripts={"elements": [{"id": "bg", "type": "rectangle", "duration": 1, "color": "#000000"}]},
        out_profiles=["MP4_H264_AAC_640x480_24fps"],
        secret_hash="0" * 64,
    )


def foreign_video(other) -> Foreign:
    template = foreign_video_template(other)
    video = Video.objects.create(
        account=other.account, template=template, template_public_id=template.public_id, status="done"
    )

    def untouched():
        video.refresh_from_db()
        assert not video.page_key

    return Foreign(kwargs={"video_id": video.public_id}, body={}, untouched=untouched)


def foreign_template_stats(other) -> Foreign:
    return Foreign(kwargs={"template_id": foreign_video_template(other).public_id})


def foreign_branding(other) -> Foreign:
    def untouched():
        assert not PageBranding.objects.for_account(other.account).exists()

    return Foreign(
        kwargs={"template_id": foreign_video_template(other).public_id}, body={"title": "Mine"}, untouched=untouched
    )


def their_campaign(other) -> Campaign:
    return campaign_services.campaign_create(
        account=other.account,
        name="theirs",
        template_id=make_document_template(other.account),
        audience={"rows": [{"n": "A"}]},
        fields={"Name": "n"},
        mode="link",
    )


def foreign_campaign(other) -> Foreign:
    campaign = their_campaign(other)

    def untouched():
        campaign.refresh_from_db()
        assert campaign.status == Campaign.Status.QUEUED and campaign.name == "theirs"

    return Foreign(kwargs={"campaign_id": campaign.public_id}, untouched=untouched)


def foreign_template_for_campaign(other) -> Foreign:
    body = {"name": "x", "templateId": make_document_template(other.account), "audience": {"where": ""}}
    return Foreign(body={**body, "fields": {"Name": "first_name"}, "mode": "link"})


def listed_campaign(other) -> Foreign:
    return Foreign(hidden=their_campaign(other).public_id)


def previewed_users(other) -> Foreign:
    [user, *_] = make_users(other.account)
    return Foreign(body={"audience": {"where": ""}}, hidden=user.email)


def listed_webhook(other) -> Foreign:
    return Foreign(hidden=webhook_create(account=other.account, url="http://127.0.0.1:9/theirs").public_id)


def listed_template(other) -> Foreign:
    template = documents.template_create(account=other.account, name="Theirs", html="<p>theirs</p>")
    return Foreign(hidden=str(template.template_id))


def listed_key(other) -> Foreign:
    return Foreign(hidden=ApiKey.objects.for_account(other.account).get().key_id)


def listed_notification(other) -> Foreign:
    from accounts.services import notification_create

    return Foreign(hidden=notification_create(account=other.account, kind="info", title="Theirs-only").title)


# (URL name, method) -> the other tenant's object: 404 when named, absent when listed.
REST_CASES: dict[tuple[str, str], Callable[[Any], Foreign]] = {
    ("key-detail", "DELETE"): foreign_key,
    ("webhook-detail", "GET"): foreign_webhook,
    ("webhook-detail", "PATCH"): foreign_webhook,
    ("webhook-detail", "DELETE"): foreign_webhook,
    ("webhook-rotate-secret", "POST"): foreign_webhook,
    ("webhook-deliveries", "GET"): foreign_webhook,
    ("webhook-redeliver", "POST"): foreign_delivery,
    ("document-template", "GET"): foreign_template,
    ("document-template", "PATCH"): foreign_template,
    ("document-template", "PUT"): foreign_template,
    ("document-template", "DELETE"): foreign_template,
    ("document-template-assets", "POST"): foreign_template,
    ("document-template-asset", "DELETE"): foreign_asset,
    ("content", "GET"): foreign_content_request,
    ("content", "POST"): foreign_template_in_body,
    ("content-url", "POST"): foreign_template_in_body,
    ("video-page", "GET"): foreign_video,
    ("video-page", "POST"): foreign_video,
    ("video-page", "DELETE"): foreign_video,
    ("video-stats", "GET"): foreign_video,
    ("template-stats", "GET"): foreign_template_stats,
    ("template-page-branding", "GET"): foreign_template_stats,
    ("template-page-branding", "PUT"): foreign_branding,
    ("campaign", "GET"): foreign_campaign,
    ("campaign", "DELETE"): foreign_campaign,
    ("campaign-cancel", "POST"): foreign_campaign,
    ("campaign-retry-failed", "POST"): foreign_campaign,
    ("campaign-refresh", "POST"): foreign_campaign,
    ("campaign-recipients", "GET"): foreign_campaign,
    ("campaign-recipients-csv", "GET"): foreign_campaign,
    ("campaigns", "POST"): foreign_template_for_campaign,
    ("campaigns", "GET"): listed_campaign,
    ("campaign-preview", "POST"): previewed_users,
    ("webhooks", "GET"): listed_webhook,
    ("document-templates", "GET"): listed_template,
    ("keys", "GET"): listed_key,
    ("notifications", "GET"): listed_notification,
}
# Routes that name no object and act on the caller's account only.
ACCOUNT_ONLY_ROUTES = {
    ("account", "GET"),
    ("keys", "POST"),
    ("notifications-read", "POST"),
    ("webhooks", "POST"),
    ("document-templates", "POST"),
}


def test_every_rest_route_has_an_isolation_case():
    missing = v1_routes() - set(REST_CASES) - ACCOUNT_ONLY_ROUTES
    assert not missing, f"add tenant-isolation cases in tests/test_rest_isolation.py for: {sorted(missing)}"
    assert not (set(REST_CASES) | ACCOUNT_ONLY_ROUTES) - v1_routes(), "a case names a route that is gone"


@pytest.mark.parametrize("route", sorted(REST_CASES), ids="-".join)
def test_rest_route_never_reaches_another_tenants_object(route, api, other_tenant):
    name, method = route
    foreign = REST_CASES[route](other_tenant)
    url = reverse(name, kwargs=foreign.kwargs)
    if foreign.query:
        url += "?" + "&".join(f"{key}={value}" for key, value in foreign.query.items())
    response = getattr(api, method.lower())(url, foreign.body)
    if foreign.hidden:
        assert response.status_code == 200, response.content
        assert foreign.hidden not in response.content.decode()
    else:
        assert response.status_code == 404, response.content
    if foreign.untouched:
        foreign.untouched()
