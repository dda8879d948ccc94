"""What a manager does to a campaign: cancel, retry the failed, refresh the data, delete."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from campaigns import mapping
from campaigns.models import Campaign, Recipient
from campaigns.selectors import campaign_get
from campaigns.services.audience import BUILD_BATCH, USER_COLUMNS, _unit_cost
from campaigns.services.build import _build_enqueue
from campaigns.services.create import _check_credits
from campaigns.services.delivery import campaign_pump
from core import errors
from core.errors import AppError
from personalization.models import VisitorUser


def campaign_cancel(*, account: Account, campaign_id: str) -> Campaign:
    """Stop queuing renders; those already rendering finish. Pending recipients stay pending."""
    campaign = campaign_get(account=account, campaign_id=campaign_id)
    Campaign.objects.for_account(account).filter(
        pk=campaign.pk, status__in=[Campaign.Status.QUEUED, Campaign.Status.RUNNING]
    ).update(status=Campaign.Status.CANCELLED, finished_at=timezone.now())
    campaign.refresh_from_db()
    return campaign


def campaign_retry_failed(*, account: Account, campaign_id: str) -> Campaign:
    """Failed recipients go back to pending (with their values read again for a `where` audience)."""
    campaign = campaign_get(account=account, campaign_id=campaign_id)
    failed = Recipient.objects.for_account(account).filter(campaign=campaign, status=Recipient.Status.ERROR)
    count = failed.count()
    if not count:
        return campaign
    template = campaign.video_template or campaign.document_template
    if campaign.mode == Campaign.Mode.RENDER and template is not None:
        _check_credits(account, needed=count * _unit_cost(template))
    expressions = mapping.parse_mapping(campaign.fields)
    with transaction.atomic():
        if "where" in campaign.audience:
            _reread_values(campaign, expressions, failed)
        failed.update(
            status=Recipient.Status.PENDING,
            error_code=None,
            error_message="",
            video=None,
            document_request=None,
            updated_at=timezone.now(),
        )
        Campaign.objects.for_account(account).filter(pk=campaign.pk).update(
            status=Campaign.Status.RUNNING, finished_at=None, completed_event_sent=False
        )
    campaign_pump(account=account)
    campaign.refresh_from_db()
    return campaign


def _reread_values(campaign: Campaign, expressions: dict, failed) -> None:
    keys = list(failed.values_list("key", flat=True))
    users = VisitorUser.objects.for_account(campaign.account).filter(id__in=[int(k) for k in keys])
    for row in users.values(*USER_COLUMNS).iterator(chunk_size=BUILD_BATCH):
        values, _ = mapping.evaluate(expressions, row)
        failed.filter(key=str(row["id"])).update(values=values, email=row["email"])


def campaign_refresh(*, account: Account, campaign_id: str) -> Campaign:
    """Pick up audience members added since the last build (a `where` audience); queued as a build."""
    campaign = campaign_get(account=account, campaign_id=campaign_id)
    if campaign.status == Campaign.Status.CANCELLED:
        raise AppError(errors.INVALID_REQUEST, param="id", detail="A cancelled campaign cannot be refreshed")
    with transaction.atomic():
        _build_enqueue(campaign)
    return campaign


def campaign_delete(*, account: Account, campaign_id: str) -> None:
    """Remove the campaign and its recipient rows. Rendered videos and documents stay in the account
    (they may have been sent already); the campaign's own /c/ links stop working."""
    campaign = campaign_get(account=account, campaign_id=campaign_id)
    rows_key = campaign.rows_key
    campaign.delete()
    if rows_key:
        transaction.on_commit(lambda: default_storage.delete(rows_key))
