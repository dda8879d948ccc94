"""Every write of campaigns: create, build the recipients, render them fairly, cancel, retry, refresh, delete.

Fair share (mode ``render``): an account has at most ``CAMPAIGN_RENDER_WINDOW``
campaign renders queued or running at once, across all its campaigns (oldest
campaign first). The next recipient is queued only when one of those finishes, so
a single render of another tenant waits behind at most that many campaign renders
per account with a running campaign — never behind a whole campaign.

Idempotency: a recipient's video (or document request) is created in the same
transaction that moves it from ``pending`` to ``rendering`` and records the id, so
a re-run, a resumed build or a worker killed mid-render never renders a recipient
twice; the render itself is the videos/documents job, with their own recovery.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from campaigns import mapping
from campaigns.models import Campaign, CampaignBuild, Recipient
from campaigns.selectors import campaign_counts, campaign_get
from core import errors
from core.errors import AppError
from core.jobs import RowJob
from documents import services as document_services
from documents.models import DocumentRequest, DocumentTemplate, OnDemandLink
from personalization.models import VisitorUser
from personalization.objects import OBJECTS, SCHEMAS
from personalization.query import QueryError, parse_path
from templates_app.models import VideoTemplate
from templates_app.scripts import parse_script
from videos.inputs import InputMedia, parse_input_medias
from videos.models import Video
from videos.services import video_cost, video_create
from webhooks.services import event_emit

log = logging.getLogger("campaigns")

MAX_LINK_TTL_DAYS = 365
BUILD_BATCH = 1000
USER_COLUMNS = [name for name in OBJECTS["users"].fields]


def _invalid(param: str, detail: str) -> AppError:
    return AppError(errors.INVALID_REQUEST, param=param, detail=detail)


# -- the template and what it takes ------------------------------------------------


def _template_of(*, account: Account, template_id: str) -> VideoTemplate | DocumentTemplate:
    """A video template by its templateID or a document template by its UUID; 1000 for anyone else's."""
    video = VideoTemplate.objects.for_account(account).filter(public_id=template_id).first()
    if video is not None:
        return video
    try:
        document_id = uuid.UUID(template_id)
    except ValueError:
        document = None
    else:
        document = DocumentTemplate.objects.for_account(account).filter(template_id=document_id).first()
    if document is None:
        raise AppError(errors.TEMPLATE_NOT_FOUND, data=template_id, param="templateId")
    return document


def template_inputs(template: VideoTemplate | DocumentTemplate) -> tuple[dict[str, str], set[str]]:
    """What the template takes — ``{name: type}`` — and which of those a recipient must have."""
    if isinstance(template, VideoTemplate):
        script = parse_script(template.input_scripts)
        inputs = {name: "text" for name in script.variables()} | {i.id: i.type for i in script.inputs}
        return inputs, set(inputs)
    specs = document_services.specs_of(template)
    return {spec.name: spec.type for spec in specs}, {spec.name for spec in specs if spec.required}


def _unit_cost(template: VideoTemplate | DocumentTemplate) -> int:
    if isinstance(template, VideoTemplate):
        return video_cost(template)
    return document_services.CREDITS_PER_DOCUMENT


def _check_mapping(template, expressions: dict[str, mapping.Expression]) -> None:
    inputs, required = template_inputs(template)
    for name in expressions:
        if name not in inputs:
            known = ", ".join(sorted(inputs)) or "none"
            raise _invalid(f"fields.{name}", f"fields.{name}: the template has no input {name!r} (it takes: {known})")
    unmapped = sorted(required - set(expressions))
    if unmapped:
        raise _invalid("fields", f"fields: the template needs a value for {', '.join(unmapped)}")


# -- the audience ----------------------------------------------------------------------


def _where_query(where: str):
    try:
        query = parse_path(f"users/where/{where}", SCHEMAS)
    except QueryError as exc:
        raise _invalid("audience.where", f"audience.where: {exc}") from None
    if query.modifiers != {"where"}:
        raise _invalid("audience.where", "audience.where: a condition only (write a / inside a value as %2F)")
    return query


def _users(account: Account, where: str):
    """The account's users a `where` condition selects (all of them for an empty one), in id order."""
    users = VisitorUser.objects.for_account(account)
    if where.strip():
        users = users.filter(_where_query(where).filter_q())
    return users.order_by("id")


def _rows_of(audience: dict) -> tuple[str, list[str], list[dict[str, Any]]]:
    """A CSV or JSON audience → (kind, columns, rows)."""
    try:
        if "csv" in audience:
            if not isinstance(audience["csv"], str):
                raise _invalid("audience.csv", "audience.csv: the CSV text, header row first")
            columns, rows = mapping.parse_csv(audience["csv"])
            return "csv", columns, rows
    except mapping.MappingError as exc:
        raise _invalid(exc.param, str(exc)) from None
    rows = audience["rows"]
    if not isinstance(rows, list) or not rows:
        raise _invalid("audience.rows", "audience.rows: a non-empty list of objects")
    if len(rows) > mapping.MAX_CSV_ROWS:
        raise _invalid("audience.rows", f"audience.rows: at most {mapping.MAX_CSV_ROWS:,} rows")
    columns: dict[str, None] = {}
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise _invalid(f"audience.rows.{index}", f"audience.rows.{index}: each row is an object")
        if "\\u0000" in json.dumps(row):
            raise _invalid(f"audience.rows.{index}", f"audience.rows.{index}: NUL characters are not allowed")
        columns.update(dict.fromkeys(row))
    return "rows", list(columns), rows


def audience_preview(*, account: Account, audience: Any, fields: Any = None, count: int = 3) -> dict[str, Any]:
    """How many recipients the audience selects and the first ``count`` with their mapped values (the wizard)."""
    selected = _audience(account=account, audience=audience)
    try:
        expressions = mapping.parse_mapping(fields) if fields else {}
    except mapping.MappingError as exc:
        raise _invalid(exc.param, str(exc)) from None
    preview = []
    for key, email, row in selected.first(count):
        values, missing = mapping.evaluate(expressions, row)
        preview.append({"key": key, "email": email, "values": values, "missing": missing})
    return {
        "source": selected.source,
        "columns": selected.columns,
        "total": selected.total,
        "unknownColumns": mapping.unknown_columns(expressions, selected.columns),
        "preview": preview,
    }


@dataclass
class _Audience:
    source: str  # "where", "csv" or "rows"
    columns: list[str]
    total: int
    users: Any = None  # the queryset of a `where` audience
    rows: list[dict] | None = None  # the rows of a CSV or JSON audience

    def first(self, count: int) -> list[tuple[str, str, dict]]:
        if self.users is not None:
            return [(str(row["id"]), row["email"], row) for row in self.users.values(*USER_COLUMNS)[:count]]
        return [(str(n), str(row.get("email") or ""), row) for n, row in enumerate(self.rows[:count], start=1)]


def _audience(*, account: Account, audience: Any) -> _Audience:
    """The audience a client described; 400 naming what is wrong with it."""
    if not isinstance(audience, dict) or len(set(audience) & {"where", "csv", "rows"}) != 1:
        raise _invalid("audience", 'audience: exactly one of {"where": …}, {"csv": …}, {"rows": […]}')
    if "where" in audience:
        where = audience["where"]
        if not isinstance(where, str):
            raise _invalid("audience.where", "audience.where: a path condition like country=ES&first_name!=")
        users = _users(account, where)
        return _Audience("where", USER_COLUMNS, users.count(), users=users)
    source, columns, rows = _rows_of(audience)
    return _Audience(source, columns, len(rows), rows=rows)


# -- create --------------------------------------------------------------------------


def campaign_create(
    *,
    account: Account,
    name: str,
    template_id: str,
    audience: Any,
    fields: Any,
    mode: str,
    link_ttl_days: int | None = None,
) -> Campaign:
    """Check everything a client can get wrong (400 naming it, 1000, 1028, 2004), record the campaign
    and queue the build of its recipients."""
    template = _template_of(account=account, template_id=template_id)
    if isinstance(template, VideoTemplate) and template.status != VideoTemplate.Status.ACTIVE:
        raise AppError(errors.TEMPLATE_INACTIVE, data=template_id, param="templateId")
    if mode not in Campaign.Mode.values:
        raise _invalid("mode", 'mode: "render" or "link"')
    ttl = 30 if link_ttl_days is None else link_ttl_days
    if not 1 <= ttl <= MAX_LINK_TTL_DAYS:
        raise _invalid("linkTtlDays", f"linkTtlDays: 1 to {MAX_LINK_TTL_DAYS}")
    try:
        expressions = mapping.parse_mapping(fields)
    except mapping.MappingError as exc:
        raise _invalid(exc.param, str(exc)) from None
    _check_mapping(template, expressions)
    selected = _audience(account=account, audience=audience)
    source, columns, total = selected.source, selected.columns, selected.total
    unknown = mapping.unknown_columns(expressions, columns)
    if unknown:
        name_, missing = next(iter(unknown.items()))
        raise _invalid(
            f"fields.{name_}",
            f"fields.{name_}: the audience has no column {', '.join(missing)} (it has: {', '.join(columns)})",
        )
    if total == 0:
        raise _invalid("audience", "audience: selects no recipients")
    if mode == Campaign.Mode.RENDER:
        _check_credits(account, needed=total * _unit_cost(template))
    with transaction.atomic():
        campaign = Campaign.objects.create(
            account=account,
            name=name.strip()[:200] or "Campaign",
            kind=Campaign.Kind.VIDEO if isinstance(template, VideoTemplate) else Campaign.Kind.DOCUMENT,
            video_template=template if isinstance(template, VideoTemplate) else None,
            document_template=template if isinstance(template, DocumentTemplate) else None,
            template_public_id=template_id,
            audience={"where": audience["where"]} if source == "where" else {source: {"columns": columns}},
            fields=fields,
            mode=mode,
            link_ttl_days=ttl,
            total=total,
        )
        if selected.rows is not None:
            campaign.rows_key = _store_rows(campaign, selected.rows)
            campaign.save(update_fields=["rows_key"])
        _build_enqueue(campaign)
    return campaign


def _check_credits(account: Account, *, needed: int) -> None:
    account.refresh_from_db(fields=["credits"])
    if account.credits < needed:
        short = needed - account.credits
        raise AppError(
            errors.NO_CREDIT,
            data={"needed": needed, "available": account.credits, "short": short},
            detail=f"No credit: {short} credits short (the campaign needs {needed}, the account has {account.credits})",
        )


def _store_rows(campaign: Campaign, rows: list[dict]) -> str:
    key = f"campaigns/{campaign.account.public_id}/{campaign.public_id}/audience.json"
    if default_storage.exists(key):
        default_storage.delete(key)
    return default_storage.save(key, ContentFile(json.dumps(rows, ensure_ascii=False).encode()))


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


def _missing_error(campaign: Campaign, missing: list[str]) -> tuple[int, str]:
    if campaign.kind == Campaign.Kind.VIDEO:
        return errors.VARIABLES_UNDEFINED.code, f"{errors.VARIABLES_UNDEFINED.message}: {', '.join(missing)}"
    return errors.INVALID_REQUEST.code, f"Missing values for: {', '.join(missing)}"


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


def campaign_pump(*, account: Account) -> int:
    """Queue the account's next pending recipients of running render campaigns, up to its window;
    then settle campaigns with nothing left to do. Returns how many renders it queued."""
    queued = 0
    while True:
        with transaction.atomic():
            Account.objects.select_for_update().filter(pk=account.pk).first()  # one pump per account at a time
            recipients = Recipient.objects.for_account(account)
            busy = recipients.filter(status=Recipient.Status.RENDERING, campaign__mode=Campaign.Mode.RENDER).count()
            free = settings.CAMPAIGN_RENDER_WINDOW - busy
            batch = []
            if free > 0:
                batch = list(
                    recipients.filter(
                        status=Recipient.Status.PENDING,
                        campaign__status=Campaign.Status.RUNNING,
                        campaign__mode=Campaign.Mode.RENDER,
                    )
                    .select_related("campaign__video_template", "campaign__document_template")
                    .order_by("campaign_id", "id")[:free]
                )
            for recipient in batch:
                queued += _start_render(recipient)
        if not batch:
            break
    for campaign in Campaign.objects.for_account(account).filter(status=Campaign.Status.RUNNING):
        campaign_settle(campaign=campaign)
    return queued


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


def _video_inputs(template: VideoTemplate, values: dict[str, str]) -> list[InputMedia]:
    """A recipient's mapped values as the video's inputs (checked as any API caller's: an empty value is 1004)."""
    inputs, _ = template_inputs(template)
    return parse_input_medias(
        [
            {"inputID": name, "type": "text", "text": value}
            if inputs[name] == "text"
            else {"inputID": name, "type": inputs[name], "http": value}
            for name, value in values.items()
        ]
    )


def _start_render(recipient: Recipient) -> int:
    """Create the recipient's video or document request (which queues its render) and record it; 1 if queued."""
    campaign = recipient.campaign
    missing = sorted(set(campaign.fields) - set(recipient.values))
    if missing:
        _recipient_fail(recipient, *_missing_error(campaign, missing))
        return 0
    try:
        with transaction.atomic():
            if campaign.kind == Campaign.Kind.VIDEO:
                if campaign.video_template is None:
                    raise AppError(errors.TEMPLATE_NOT_FOUND, data=campaign.template_public_id)
                video = video_create(
                    account=campaign.account,
                    template_id=campaign.template_public_id,
                    name=f"{campaign.name} · {recipient.email or recipient.key}"[:200],
                    data=f"campaign:{campaign.public_id}:{recipient.key}",
                    inputs=_video_inputs(campaign.video_template, recipient.values),
                )
                changes = {"video": video}
            else:
                if campaign.document_template is None:
                    raise AppError(errors.TEMPLATE_NOT_FOUND, data=campaign.template_public_id)
                request = document_services.content_request_create(
                    account=campaign.account, template=campaign.document_template, fields=recipient.values, output=None
                )
                changes = {"document_request": request}
    except AppError as exc:
        _recipient_fail(recipient, exc.entry.code, _describe(exc))
        return 0
    Recipient.objects.for_account(campaign.account).filter(pk=recipient.pk, status=Recipient.Status.PENDING).update(
        status=Recipient.Status.RENDERING, updated_at=timezone.now(), **changes
    )
    return 1


def _describe(exc: AppError) -> str:
    detail = exc.detail or exc.data
    if detail is None:
        return exc.entry.message
    shown = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
    return shown if shown.startswith(exc.entry.message) else f"{exc.entry.message}: {shown}"


def _recipient_fail(recipient: Recipient, code: int, message: str) -> None:
    Recipient.objects.for_account(recipient.account_id).filter(pk=recipient.pk).update(
        status=Recipient.Status.ERROR, error_code=code, error_message=message[:2000], updated_at=timezone.now()
    )


def campaign_settle(*, campaign: Campaign) -> bool:
    """A running campaign with no recipient left to render is done (or partial) and says so once."""
    counts = campaign_counts(campaign)
    building = CampaignBuild.objects.for_account(campaign.account_id).filter(
        campaign=campaign, status__in=[CampaignBuild.Status.QUEUED, CampaignBuild.Status.RUNNING]
    )
    waiting = counts["rendering"] + (counts["pending"] if campaign.mode == Campaign.Mode.RENDER else 0)
    if waiting or building.exists():
        return False
    status = Campaign.Status.PARTIAL if counts["error"] else Campaign.Status.DONE
    with transaction.atomic():
        settled = (
            Campaign.objects.for_account(campaign.account_id)
            .filter(pk=campaign.pk, status=Campaign.Status.RUNNING)
            .update(status=status, finished_at=timezone.now(), completed_event_sent=True)
        )
        if settled:
            campaign.refresh_from_db()
            event_emit(account=campaign.account, event="campaign.completed", payload=campaign_event_json(campaign))
    return bool(settled)


def campaign_event_json(campaign: Campaign) -> dict[str, Any]:
    counts = campaign_counts(campaign)
    return {
        "id": campaign.public_id,
        "name": campaign.name,
        "status": campaign.status,
        "mode": campaign.mode,
        "total": campaign.total,
        "done": counts["done"],
        "failed": counts["error"],
        "pending": counts["pending"] + counts["rendering"],
        "recipientsCsv": f"{settings.PUBLIC_BASE_URL}/v1/campaigns/{campaign.public_id}/recipients.csv",
    }


# -- a render finished (signals from videos and documents) -----------------------------------


def recipient_video_finished(*, video: Video) -> None:
    recipient = Recipient.objects.unscoped().filter(video_id=video.pk).select_related("campaign").first()
    if recipient is None:
        return
    if video.status == Video.Status.DONE:
        _recipient_done(recipient)
    else:
        _recipient_fail(recipient, video.status_code or errors.ERROR_PROCESSING_VIDEO.code, video.status_message)
    _pump_after_commit(recipient)


def recipient_document_finished(*, request: DocumentRequest) -> None:
    recipient = Recipient.objects.unscoped().filter(document_request_id=request.pk).select_related("campaign").first()
    if recipient is None:
        return
    if request.status == DocumentRequest.Status.COMPLETED:
        _recipient_done(recipient)
    else:
        _recipient_fail(recipient, errors.INVALID_REQUEST.code, request.failure_description)
    _pump_after_commit(recipient)


def recipient_link_rendered(*, link: OnDemandLink) -> None:
    Recipient.objects.unscoped().filter(document_link_id=link.pk).exclude(status=Recipient.Status.DONE).update(
        status=Recipient.Status.DONE, updated_at=timezone.now()
    )


def _recipient_done(recipient: Recipient) -> None:
    Recipient.objects.unscoped().filter(pk=recipient.pk).update(
        status=Recipient.Status.DONE, error_code=None, error_message="", updated_at=timezone.now()
    )


def _pump_after_commit(recipient: Recipient) -> None:
    if recipient.campaign.mode != Campaign.Mode.RENDER:
        return
    account = Account.objects.get(pk=recipient.account_id)

    def pump() -> None:
        try:
            campaign_pump(account=account)
        except Exception:  # the render is done either way; the next finish or a refresh pumps again
            log.exception("campaign pump of account %s failed", account.pk)

    transaction.on_commit(pump)


# -- link mode: a recipient opens a video link ----------------------------------------------


def recipient_video_for_link(*, recipient_pk: int) -> Recipient:
    """The recipient's video, created (charged, queued) on the first open of a link-mode link."""
    with transaction.atomic():
        recipient = (
            Recipient.objects.unscoped()
            .select_for_update(of=("self",))
            .select_related("campaign__video_template", "campaign__account", "video")
            .get(pk=recipient_pk)
        )
        if recipient.status == Recipient.Status.PENDING and recipient.video is None:
            _start_render(recipient)
            recipient.refresh_from_db()
    return recipient


# -- cancel, retry, refresh, delete ---------------------------------------------------------------


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
