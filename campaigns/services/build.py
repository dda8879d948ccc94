"""Building a campaign's recipients from its audience, in batches, as a job with the one lifecycle."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from campaigns import mapping
from campaigns.models import Campaign, CampaignBuild, Recipient
from campaigns.services.audience import BUILD_BATCH, USER_COLUMNS, _missing_error, _users
from campaigns.services.delivery import campaign_pump
from core import errors
from core.errors import AppError
from core.jobs import RowJob
from documents import services as document_services

log = logging.getLogger("campaigns")


class CampaignBuildJob(RowJob):
    """A build is a job row of the ``default`` queue; core/jobs.py runs its lifecycle (heartbeat-renewed
    lease, stale sweep, ``JOB_RETRY["default"]["attempts"]`` attempts)."""

    model = CampaignBuild
    queue = "default"
    entry = "campaigns.jobs.campaign_build"
    related = ("campaign__account",)

    def job_id(self, build: CampaignBuild) -> str:
        return f"campaign-build-{build.pk}-{build.attempts}"

    def stale_failure(self, build: CampaignBuild) -> dict[str, Any]:
        return {"error": "the build's worker stopped, again and again", "finished_at": timezone.now()}


CAMPAIGN_BUILD = CampaignBuildJob()


def _build_enqueue(campaign: Campaign) -> CampaignBuild:
    build = CampaignBuild.objects.create(account=campaign.account, campaign=campaign)
    CAMPAIGN_BUILD.enqueue(build)
    return build


# -- build: the audience becomes recipient rows -----------------------------------------


def _source_rows(campaign: Campaign) -> Iterator[tuple[str, str, dict]]:
    if "where" in campaign.audience:
        users = _users(campaign.account, campaign.audience["where"])
        for row in users.values(*USER_COLUMNS).iterator(chunk_size=BUILD_BATCH):
            yield str(row["id"]), row["email"], row
        return
    with default_storage.open(campaign.rows_key, "rb") as handle:
        rows = json.load(handle)
    for number, row in enumerate(rows, start=1):
        yield str(number), str(row.get("email") or "")[:254], row


def _batches(items: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def campaign_build(*, build_pk: int) -> None:
    """The build job: every audience member not yet a recipient becomes one (safe to run again)."""
    CAMPAIGN_BUILD.run(build_pk, _build)


def _build(build: CampaignBuild) -> None:
    campaign = build.campaign
    expressions = mapping.parse_mapping(campaign.fields)
    added = 0
    try:
        for batch in _batches(_source_rows(campaign), BUILD_BATCH):
            added += _add_recipients(campaign, expressions, batch)
    except Exception as exc:  # the rows built so far stay; the campaign goes on with them
        log.exception("build %s of campaign %s failed", build.pk, campaign.public_id)
        CAMPAIGN_BUILD.fail(build, added=added, error=f"{type(exc).__name__}"[:2000], finished_at=timezone.now())
    now = timezone.now()
    with transaction.atomic():
        total = Recipient.objects.for_account(campaign.account).filter(campaign=campaign).count()
        CAMPAIGN_BUILD.complete(build, added=added, finished_at=now)
        started = (
            Campaign.objects.for_account(campaign.account)
            .filter(pk=campaign.pk, status__in=[Campaign.Status.QUEUED, Campaign.Status.DONE, Campaign.Status.PARTIAL])
            .update(total=total, status=Campaign.Status.RUNNING, finished_at=None, completed_event_sent=False)
        )
        if not started:
            Campaign.objects.for_account(campaign.account).filter(pk=campaign.pk).update(total=total)
    campaign_pump(account=campaign.account)


def _add_recipients(campaign: Campaign, expressions: dict, batch: list[tuple[str, str, dict]]) -> int:
    account = campaign.account
    existing = set(
        Recipient.objects.for_account(account)
        .filter(campaign=campaign, key__in=[key for key, _, _ in batch])
        .values_list("key", flat=True)
    )
    fresh = []
    for key, email, row in batch:
        if key in existing:
            continue
        values, missing = mapping.evaluate(expressions, row)
        recipient = Recipient(account=account, campaign=campaign, key=key, email=email, values=values)
        if missing:
            recipient.status = Recipient.Status.ERROR
            recipient.error_code, recipient.error_message = _missing_error(campaign, missing)
        fresh.append(recipient)
    if campaign.mode == Campaign.Mode.LINK and campaign.kind == Campaign.Kind.DOCUMENT:
        _attach_document_links(campaign, [r for r in fresh if r.status == Recipient.Status.PENDING])
    with transaction.atomic():
        Recipient.objects.bulk_create(fresh, batch_size=BUILD_BATCH, ignore_conflicts=True)
    return len(fresh)


def _attach_document_links(campaign: Campaign, recipients: list[Recipient]) -> None:
    """Link mode, documents: each recipient gets seed 003's on-demand URL (rendered on first open)."""
    template = campaign.document_template
    if template is None:
        for recipient in recipients:
            recipient.status, recipient.error_code = Recipient.Status.ERROR, errors.TEMPLATE_NOT_FOUND.code
            recipient.error_message = errors.TEMPLATE_NOT_FOUND.message
        return
    links = document_services.links_create(
        account=campaign.account,
        template=template,
        fields_list=[r.values for r in recipients],
        ttl=timedelta(days=campaign.link_ttl_days),
    )
    for recipient, link in zip(recipients, links, strict=True):
        if isinstance(link, AppError):
            recipient.status, recipient.error_code = Recipient.Status.ERROR, link.entry.code
            recipient.error_message = link.message
        else:
            recipient.document_link = link


# -- render mode: the fair-share pump ------------------------------------------------------


def campaign_sweep() -> int:
    """The backstop (in ``JOB_SWEEPS``): builds whose worker died are taken back (``core.jobs``), and every
    account with a running render campaign is pumped (a worker that died between finishing a render and
    queuing the next leaves a gap otherwise). Returns how many builds and renders it moved or queued."""
    moved = CAMPAIGN_BUILD.sweep()
    accounts = (
        Campaign.objects.unscoped()
        .filter(status=Campaign.Status.RUNNING, mode=Campaign.Mode.RENDER)
        .values_list("account_id", flat=True)
        .distinct()
    )
    return moved + sum(campaign_pump(account=account) for account in Account.objects.filter(pk__in=list(accounts)))
