"""A real RQ worker process killed mid-campaign: after a restart every recipient is rendered exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, CampaignBuild, Recipient
from campaigns.tests.conftest import VIDEO_SCRIPT, make_document_template, make_users
from conftest import RpcCaller
from videos import services as video_services
from videos.models import Video

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SLOWER_SCRIPT = {**VIDEO_SCRIPT, "elements": [{**VIDEO_SCRIPT["elements"][0], "duration": 3}]}


def test_killed_worker_restarted_renders_every_recipient_once(client, tenant, processes):
    template_id = RpcCaller(client, tenant)(
        "Template_New", {"name": "Slow", "inputScripts": SLOWER_SCRIPT, "outProfiles": ["MP4_H264_AAC_176x144_24fps"]}
    )["templateID"]
    make_users(tenant.account, [(f"u{n}@example.com", f"User{n}", "ES") for n in range(6)])
    with transaction.atomic():
        campaign = services.campaign_create(
            account=tenant.account,
            name="Crash",
            template_id=template_id,
            audience={"where": ""},
            fields={"name": "first_name"},
            mode="render",
        )
    recipients = Recipient.objects.for_account(tenant.account).filter(campaign=campaign)
    first = processes.worker("render", "default")
    processes.wait_for(lambda: recipients.filter(status="done").exists(), "a recipient done", seconds=120)
    processes.kill(first)
    assert recipients.exclude(status="done").exists(), "the worker finished before it could be killed"
    # The dead worker's renders go back to the queue when their lease ends (moved forward here),
    # and the campaign sweep queues what the dead worker had not queued yet.
    Video.objects.for_account(tenant.account).filter(status=Video.Status.PROCESSING).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    video_services.requeue_stale()
    services.campaign_sweep()
    processes.worker("render", "default")
    processes.wait_for(
        lambda: Campaign.objects.for_account(tenant.account).get().status == "done", "the campaign done", seconds=180
    )
    videos = list(Video.objects.for_account(tenant.account))
    assert len(videos) == 6 and all(v.status == Video.Status.DONE for v in videos)
    assert sorted(recipients.values_list("video_id", flat=True)) == sorted(v.pk for v in videos)


def test_a_build_whose_worker_died_is_taken_up_again(tenant, run_jobs):
    make_users(tenant.account)
    with transaction.atomic():
        campaign = services.campaign_create(
            account=tenant.account,
            name="Orphan",
            template_id=make_document_template(tenant.account),
            audience={"where": ""},
            fields={"Name": "first_name"},
            mode="link",
        )
    # The build's worker died right after claiming it: running, lease over, no rows built.
    build = CampaignBuild.objects.for_account(tenant.account).get()
    CampaignBuild.objects.for_account(tenant.account).update(
        status=CampaignBuild.Status.RUNNING, attempts=1, claimed_until=timezone.now() - timedelta(seconds=1)
    )
    services.campaign_sweep()
    run_jobs("default")
    build.refresh_from_db()
    assert (build.status, build.attempts, build.added) == ("done", 2, 4)
    assert Campaign.objects.for_account(tenant.account).get(pk=campaign.pk).status == "partial"  # Carla has no name
