"""Dashboard pages of campaigns: the list, the creation wizard, a campaign's progress and recipients.

The wizard and the live progress call the REST API with the dashboard session
(``/v1/campaigns/preview``, ``POST /v1/campaigns``) and ``progress.json`` here.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.dashboard.errors import error_html
from accounts.dashboard.listing import Filter, Listing, choices_of
from accounts.dashboard.views import account_required
from campaigns import links, selectors, services
from campaigns.models import Campaign, Recipient
from core.errors import AppError
from documents.models import DocumentTemplate
from templates_app.models import VideoTemplate

PER_PAGE = 50
RATE_WINDOW = timedelta(minutes=2)


def _campaign_or_404(request: HttpRequest, campaign_id: str) -> Campaign:
    try:
        return selectors.campaign_get(account=request.account, campaign_id=campaign_id)
    except AppError as exc:
        raise Http404(exc.message) from None


@account_required
def campaign_index(request: HttpRequest) -> HttpResponse:
    listing = Listing(
        request,
        noun="campaign",
        search="Name or id",
        filters=[
            Filter("status", "Status", choices_of(Campaign.Status)),
            Filter("mode", "Mode", choices_of(Campaign.Mode)),
        ],
    )
    total, campaigns = selectors.campaign_list(
        account=request.account,
        status=listing.value("status"),
        mode=listing.value("mode"),
        search=listing.search,
        offset=listing.offset,
        limit=listing.limit,
    )
    listing.fill(total, [selectors.campaign_json(c) for c in campaigns])
    return render(request, "dashboard/campaigns/list.html", {"listing": listing})


@account_required
def campaign_analytics(request: HttpRequest) -> HttpResponse:
    """Each video campaign's player-page analytics side by side: views, plays, completion, CTA click-through."""
    _, campaigns = selectors.campaign_list(account=request.account, offset=0, limit=100)
    by_campaign = selectors.campaign_page_stats(account=request.account, campaigns=campaigns)
    rows = [{"campaign": c, "stats": by_campaign[c.pk]} for c in campaigns if c.pk in by_campaign]
    return render(request, "dashboard/campaigns/analytics.html", {"rows": rows})


def _template_choices(account) -> list[dict]:
    choices = []
    for template in VideoTemplate.objects.for_account(account).filter(status=VideoTemplate.Status.ACTIVE):
        inputs, required = services.template_inputs(template)
        choices.append(
            {
                "id": template.public_id,
                "name": template.name,
                "kind": "video",
                "inputs": sorted(inputs),
                "required": sorted(required),
            }
        )
    for template in DocumentTemplate.objects.for_account(account):
        inputs, required = services.template_inputs(template)
        choices.append(
            {
                "id": str(template.template_id),
                "name": template.name,
                "kind": "document",
                "inputs": list(inputs),
                "required": sorted(required),
            }
        )
    return choices


@account_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/campaigns/new.html", {"templates": _template_choices(request.account)})


def progress(campaign: Campaign) -> dict:
    """The campaign's counts, with renders per minute over the last two minutes and an ETA."""
    data = selectors.campaign_json(campaign)
    since = timezone.now() - RATE_WINDOW
    recent = (
        Recipient.objects.for_account(campaign.account_id)
        .filter(campaign=campaign, status__in=[Recipient.Status.DONE, Recipient.Status.ERROR], updated_at__gte=since)
        .count()
    )
    rate = recent / (RATE_WINDOW.total_seconds() / 60)
    left = data["pending"] + data["rendering"] if campaign.mode == Campaign.Mode.RENDER else 0
    running = campaign.status in (Campaign.Status.QUEUED, Campaign.Status.RUNNING)
    data["rendersPerMinute"] = round(rate, 1)
    data["etaSeconds"] = round(left / rate * 60) if rate and left and running else None
    return data


@account_required
def campaign_detail(request: HttpRequest, campaign_id: str) -> HttpResponse:
    campaign = _campaign_or_404(request, campaign_id)
    listing = Listing(
        request,
        noun="recipient",
        per_page=PER_PAGE,
        search=None,
        filters=[Filter("status", "Status", choices_of(Recipient.Status))],
    )
    _, total, recipients = selectors.recipient_page(
        account=request.account,
        campaign_id=campaign.public_id,
        status=listing.value("status"),
        offset=listing.offset,
        limit=listing.limit,
    )
    listing.fill(total, [selectors.recipient_json(campaign, r) for r in recipients])
    context = {
        "campaign": campaign,
        "data": progress(campaign),
        "listing": listing,
        "link_expires": links.expires_at(campaign),
    }
    return render(request, "dashboard/campaigns/detail.html", context)


@account_required
def campaign_progress(request: HttpRequest, campaign_id: str) -> JsonResponse:
    return JsonResponse(progress(_campaign_or_404(request, campaign_id)))


ACTIONS = {
    "cancel": (services.campaign_cancel, "Campaign cancelled: no further renders are queued."),
    "retry": (services.campaign_retry_failed, "Failed recipients queued again."),
    "refresh": (services.campaign_refresh, "Looking for new audience members."),
}


@require_POST
@account_required
def campaign_action(request: HttpRequest, campaign_id: str, action: str) -> HttpResponse:
    campaign = _campaign_or_404(request, campaign_id)
    if action == "delete":
        services.campaign_delete(account=request.account, campaign_id=campaign.public_id)
        messages.success(request, f"Campaign “{campaign.name}” deleted; its videos and documents stay in your account.")
        return redirect("dashboard:campaigns")
    if action not in ACTIONS:
        raise Http404("Unknown action")
    service, done = ACTIONS[action]
    try:
        service(account=request.account, campaign_id=campaign.public_id)
    except AppError as exc:
        messages.error(request, error_html(exc))
    else:
        messages.success(request, done)
    return redirect("dashboard:campaign", campaign_id=campaign.public_id)
