"""Every dashboard list pages, searches and filters through the one helper (accounts/dashboard/listing.py)
and the one partial, with exact counts, and never shows or offers another account's rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import Account, Notification
from accounts.secrets import new_public_id
from campaigns.models import Campaign
from documents.models import DocumentRequest, DocumentTemplate
from media_app.models import MediaFile
from personalization import services as personalization_services
from personalization.objects import OBJECTS
from templates_app.models import VideoTemplate
from videos.models import Video
from webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


def video_template(account: Account, name: str, status: str = "active") -> VideoTemplate:
    return VideoTemplate.objects.create(
        account=account,
        name=name,
        status=status,
        input_scripts={"elements": [{"id": "bg", "type": "rectangle", "duration": 1}]},
        out_profiles=["MP4_H264_AAC_176x144_24fps"],
        secret_hash="0" * 64,
    )


def make_video(account: Account, i: int, name: str) -> None:
    Video.objects.create(account=account, template_public_id="0" * 24, name=name, status="error" if i % 3 else "done")


def make_template(account: Account, i: int, name: str) -> None:
    video_template(account, name, "inactive" if i % 2 else "active")


def make_media(account: Account, i: int, name: str) -> None:
    kind = "image" if i % 2 else "audio"
    MediaFile.objects.create(account=account, kind=kind, mime="image/png", size=1, storage_key="x", filename=name)


def make_document_template(account: Account, i: int, name: str) -> None:
    DocumentTemplate.objects.create(account=account, name=name, html="<p>x</p>")


def make_document_request(account: Account, i: int, name: str) -> None:
    status = DocumentRequest.Status.FAILED if i % 2 else DocumentRequest.Status.COMPLETED
    DocumentRequest.objects.create(account=account, template=None, template_name=name, status=status)


def make_campaign(account: Account, i: int, name: str) -> None:
    mode = Campaign.Mode.LINK if i % 2 else Campaign.Mode.RENDER
    Campaign.objects.create(account=account, name=name, kind="video", mode=mode, template_public_id="0" * 24)


def make_notification(account: Account, i: int, name: str) -> None:
    note = Notification.objects.create(account=account, kind=Notification.Kind.INFO, title=name)
    if i % 2:
        Notification.objects.for_account(account).filter(pk=note.pk).update(read_at=note.created_at)


def make_user(account: Account, i: int, name: str) -> None:
    values = {"email": f"{name.lower()}@example.test", "first_name": name, "country": "FR" if i % 2 else "ES"}
    personalization_services.record_create(account=account, kind=OBJECTS["users"], values=values)


def _webhook(account: Account) -> Webhook:
    hook = Webhook.objects.for_account(account).first()
    if hook is None:
        hook = Webhook.objects.create(
            account=account, public_id=new_public_id(), events=["document.completed"], url="https://x.test/", secret="s"
        )
    return hook


def make_delivery(account: Account, i: int, name: str) -> None:
    status = WebhookDelivery.Status.FAILED if i % 2 else WebhookDelivery.Status.DELIVERED
    WebhookDelivery.objects.create(
        account=account, webhook=_webhook(account), msg_id=f"msg_{name.lower()}", event="document.completed", body="{}"
    )
    WebhookDelivery.objects.for_account(account).filter(msg_id=f"msg_{name.lower()}").update(status=status)


@dataclass
class Case:
    url: Callable[[Account], str]
    make: Callable[[Account, int, str], None]
    per_page: int
    counted: str  # how the partial counts them: "videos"
    filter: tuple[str, str, Callable[[int], bool]]  # parameter, value, which i match
    prefix: str = ""
    searches: bool = True


CASES = {
    "videos": Case(lambda a: "/videos/", make_video, 24, "videos", ("status", "done", lambda i: i % 3 == 0)),
    "video templates": Case(
        lambda a: "/templates/", make_template, 25, "templates", ("status", "inactive", lambda i: i % 2 == 1)
    ),
    "media": Case(lambda a: "/media/", make_media, 25, "files", ("kind", "audio", lambda i: i % 2 == 0)),
    "document templates": Case(
        lambda a: "/documents/", make_document_template, 20, "templates", ("q", "clip-007-", lambda i: i == 7), "t"
    ),
    "document requests": Case(
        lambda a: "/documents/",
        make_document_request,
        20,
        "requests",
        ("status", "Failed", lambda i: i % 2 == 1),
        "r",
        searches=False,
    ),
    "campaigns": Case(lambda a: "/campaigns/", make_campaign, 25, "campaigns", ("mode", "link", lambda i: i % 2 == 1)),
    "notifications": Case(
        lambda a: "/notifications/",
        make_notification,
        25,
        "notifications",
        ("unread", "1", lambda i: i % 2 == 0),
        searches=False,
    ),
    "data users": Case(
        lambda a: "/data/users/", make_user, 50, "users", ("where", "country=ES", lambda i: i % 2 == 0), searches=False
    ),
    "webhook deliveries": Case(
        lambda a: f"/webhooks/{_webhook(a).public_id}/",
        make_delivery,
        20,
        "deliveries",
        ("status", "failed", lambda i: i % 2 == 1),
    ),
}


def rows_of(html: str) -> str:
    """The page without its filters' choices (a document request filter lists every template)."""
    return re.sub(r"<option[^>]*>.*?</option>", "", html).lower()


def names(count: int) -> list[str]:
    return [f"Clip-{i:03d}-x" for i in range(count)]


@pytest.mark.parametrize("case_name", list(CASES))
def test_a_list_pages_searches_filters_and_counts_exactly(case_name, tenant, other_tenant):
    case = CASES[case_name]
    count = case.per_page + 2
    for i, name in enumerate(names(count)):
        case.make(tenant.account, i, name)
    case.make(other_tenant.account, 0, "Theirs-zzz")
    client = Client()
    client.force_login(tenant.user)
    url = case.url(tenant.account)
    p = case.prefix

    first = client.get(url).content.decode()
    assert f"{count} {case.counted}" in first and f"showing 1–{case.per_page}" in first
    assert "Page 1 of 2" in first and "Theirs-zzz".lower() not in first.lower()
    second = client.get(url, {f"{p}page": 2}).content.decode()
    assert f"showing {case.per_page + 1}–{count}" in second and "Page 2 of 2" in second
    if case_name != "webhook deliveries":  # a delivery shows its id, not its name
        pages = [rows_of(first), rows_of(second)]
        # every item on exactly one page
        assert all(sum(name.lower() in page for page in pages) == 1 for name in names(count))

    param, value, matches = case.filter
    expected = sum(1 for i in range(count) if matches(i))
    filtered = client.get(url, {f"{p}{param}": value}).content.decode()
    assert f"Matches: {expected}" in filtered, filtered[:3000]
    if case.searches:
        hit = client.get(url, {f"{p}q": "clip-005-"}).content.decode()
        assert "Matches: 1 " in hit and "Clip-005-x".lower() in hit.lower()
        miss = client.get(url, {f"{p}q": "Theirs-zzz"}).content.decode()
        assert "Matches: 0 " in miss and "theirs-zzz@" not in miss.lower()
    beyond = client.get(url, {f"{p}page": 99})
    assert beyond.status_code == 200 and "Previous" in beyond.content.decode()


def test_filters_offer_only_the_accounts_templates_and_ignore_anothers(client, tenant, other_tenant):
    mine = video_template(tenant.account, "Mine")
    theirs = video_template(other_tenant.account, "Theirs")
    Video.objects.create(account=tenant.account, template=mine, template_public_id=mine.public_id, name="v-mine")
    Video.objects.create(account=tenant.account, template_public_id="f" * 24, name="v-other")
    client.force_login(tenant.user)
    for url in ("/videos/", "/webhooks/"):
        page = client.get(url).content.decode()
        assert mine.public_id in page and theirs.public_id not in page and "Theirs" not in page
    # another account's template id is not a choice: the filter is ignored, nothing of theirs is revealed
    page = client.get("/videos/", {"template": theirs.public_id}).content.decode()
    assert "Matches" not in page and "2 videos" in page
    page = client.get("/videos/", {"template": mine.public_id}).content.decode()
    assert "Matches: 1 video" in page and "v-mine" in page and "v-other" not in page


def test_data_page_counts_are_exact_after_a_delete(client, tenant):
    client.force_login(tenant.user)
    for i, name in enumerate(("Ann", "Bob")):
        make_user(tenant.account, i, name)
    assert "2 users" in client.get("/data/users/").content.decode()
    first_id = OBJECTS["users"].model.objects.for_account(tenant.account).order_by("id").first().id
    client.post(f"/data/users/{first_id}/delete")
    page = client.get("/data/users/").content.decode()
    assert "1 user<" in page or "1 user " in page
    page = client.get("/data/users/", {"where": "country=XX"}).content.decode()
    assert "Matches: 0 of 1 user" in page and "No user matches." in page
