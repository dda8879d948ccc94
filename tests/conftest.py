"""Fixtures of the cross-app tests: a tenant with one object of every kind the product shows."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.services import notification_create
from campaigns import services as campaign_services
from campaigns.tests.conftest import make_document_template, make_users
from documents import services as document_services
from documents.models import DocumentTemplate
from personalization import services as personalization_services
from personalization.objects import OBJECTS
from videos.maker.services import project_create
from videos.player.services import branding_set
from videos.tests.test_player import make_video, path_of
from webhooks import services as webhook_services


@dataclass
class World:
    """One object of each kind the dashboard has a page for, all of the tenant's."""

    media_id: str
    template_id: str
    video_id: str
    user_id: int
    webhook_id: str
    document_template_id: str
    document_request_id: str
    campaign_id: str
    player_path: str


@pytest.fixture
def world(tenant, rpc, upload, media_samples, run_jobs, django_capture_on_commit_callbacks) -> World:
    """Made through the services, as a client would; its jobs (render, campaign build, document) run."""
    media = upload(tenant, media_samples / "photo.jpg", "image/jpeg")
    assert media.status_code == 200, media.content
    video = make_video(rpc, run_jobs, django_capture_on_commit_callbacks)
    webhook = webhook_services.webhook_create(
        account=tenant.account, template_id=video["templateID"], url="http://127.0.0.1:9/hook"
    )
    with django_capture_on_commit_callbacks(execute=True):  # enqueue as the product does, in tests of both kinds
        webhook_services.event_emit(
            account=tenant.account, event="video.done", payload={"id": video["id"]}, template_id=video["templateID"]
        )
        (user,) = make_users(tenant.account, [("ana@example.com", "Ana", "ES")])
        document_template_id = make_document_template(tenant.account)
        document_template = DocumentTemplate.objects.for_account(tenant.account).get(template_id=document_template_id)
        document_request = document_services.content_request_create(
            account=tenant.account, template=document_template, fields={"Name": "Ana"}
        )
        campaign = campaign_services.campaign_create(
            account=tenant.account,
            name="Spring letters",
            template_id=document_template_id,
            audience={"rows": [{"n": "Ana"}]},
            fields={"Name": "n"},
            mode="link",
        )
    run_jobs()  # the campaign's recipients, the document
    for kind, values in [("products", {"name": "Mug"}), ("placeholders", {"name": "Hero"})]:
        personalization_services.record_create(account=tenant.account, kind=OBJECTS[kind], values=values)
    notification_create(account=tenant.account, kind="info", title="Welcome")
    project_create(account=tenant.account, name="Teaser")
    branding_set(
        account=tenant.account,
        template_id=video["templateID"],
        title="For $name",
        message="",
        background_color="#F8FAFC",
        text_color="#0F172A",
        accent_color="#1D4ED8",
        logo_media_id=None,
    )
    return World(
        media_id=media.json()["mediaID"],
        template_id=video["templateID"],
        video_id=video["id"],
        user_id=user.pk,
        webhook_id=webhook.public_id,
        document_template_id=document_template_id,
        document_request_id=str(document_request.request_id),
        campaign_id=campaign.public_id,
        player_path=path_of(rpc("Video_Get_Page", video["id"])["url"]),
    )
