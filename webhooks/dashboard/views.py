"""Dashboard pages of the webhooks app: endpoints, their secrets, and the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.dashboard.errors import error_html
from accounts.dashboard.listing import Filter, Listing, choices_of
from accounts.dashboard.views import account_required
from core import errors
from core.errors import AppError
from templates_app import selectors as template_selectors
from templates_app.models import VideoTemplate
from webhooks import selectors, services
from webhooks.models import WebhookDelivery

PER_PAGE = 20


def _webhook_or_404(request: HttpRequest, webhook_id: str):
    try:
        return services.webhook_get(account=request.account, webhook_id=webhook_id)
    except AppError as exc:
        raise Http404(exc.message) from None


def _template_or_none(request: HttpRequest, template_id: str | None) -> VideoTemplate | None:
    """The webhook's template, or None for an account webhook or a deleted template."""
    if template_id is None:
        return None
    try:
        return template_selectors.template_get(account=request.account, template_id=template_id)
    except AppError:
        return None


@account_required
def webhook_index(request: HttpRequest) -> HttpResponse:
    errors_: dict[str, str] = {}
    form = {"templateID": "", "url": "", "events": []}
    if request.method == "POST":
        form = {
            "templateID": request.POST.get("templateID", "").strip(),
            "url": request.POST.get("url", "").strip(),
            "events": request.POST.getlist("events"),
        }
        try:
            webhook = services.webhook_create(
                account=request.account,
                template_id=form["templateID"] or None,
                url=form["url"],
                events=form["events"] if not form["templateID"] else None,
            )
        except AppError as exc:
            errors_[exc.param or "url"] = error_html(exc)
        else:
            request.session["new_webhook_secret"] = {"webhookID": webhook.public_id, "secret": webhook.secret}
            messages.success(request, "Webhook added.")
            return redirect("dashboard:webhook-detail", webhook_id=webhook.public_id)
    templates = template_selectors.template_names(account=request.account)
    listing = Listing(
        request, noun="webhook", search=None, filters=[Filter("template", "Template", templates)], per_page=50
    )
    hooks = selectors.webhook_list(account=request.account, template_id=listing.value("template"))
    listing.fill(len(hooks), hooks[listing.offset : listing.offset + listing.limit])
    context = {
        "listing": listing,
        "template_names": dict(templates),
        "templates": templates,
        "form": form,
        "errors": errors_,
        "document_events": services.DOCUMENT_EVENTS,
        "video_events": services.VIDEO_EVENTS + services.PLAYER_EVENTS,
        "maker_events": services.MAKER_EVENTS,
    }
    return render(request, "dashboard/webhooks.html", context, status=400 if errors_ else 200)


@account_required
def webhook_detail(request: HttpRequest, webhook_id: str) -> HttpResponse:
    webhook = _webhook_or_404(request, webhook_id)
    errors_: dict[str, str] = {}
    if request.method == "POST":
        try:
            webhook = services.webhook_update(
                account=request.account,
                webhook_id=webhook_id,
                url=request.POST.get("url", webhook.url),
                active=request.POST.get("active") == "on",
            )
        except AppError as exc:
            errors_["url"] = error_html(exc)
        else:
            messages.success(request, "Webhook saved.")
            return redirect("dashboard:webhook-detail", webhook_id=webhook.public_id)
    listing = Listing(
        request,
        noun="delivery",
        nouns="deliveries",
        per_page=PER_PAGE,
        search="deliveryID (webhook-id)",
        filters=[
            Filter("status", "Status", choices_of(WebhookDelivery.Status)),
            Filter("event", "Event", [(event, event) for event in webhook.events]),
        ],
    )
    total, deliveries = selectors.delivery_list(
        account=request.account,
        webhook=webhook,
        status=listing.value("status"),
        event=listing.value("event"),
        search=listing.search,
        offset=listing.offset,
        limit=listing.limit,
    )
    new_secret = request.session.pop("new_webhook_secret", None)
    context = {
        "webhook": webhook,
        "template": _template_or_none(request, webhook.template_id),
        "listing": listing.fill(total, deliveries),
        "new_secret": new_secret["secret"] if new_secret and new_secret["webhookID"] == webhook.public_id else None,
        "errors": errors_,
    }
    return render(request, "dashboard/webhook_detail.html", context, status=400 if errors_ else 200)


@account_required
@require_POST
def webhook_rotate(request: HttpRequest, webhook_id: str) -> HttpResponse:
    _webhook_or_404(request, webhook_id)
    webhook = services.webhook_rotate_secret(account=request.account, webhook_id=webhook_id)
    request.session["new_webhook_secret"] = {"webhookID": webhook.public_id, "secret": webhook.secret}
    messages.success(request, "New secret created. The previous one keeps signing for 24 hours.")
    return redirect("dashboard:webhook-detail", webhook_id=webhook_id)


@account_required
@require_POST
def webhook_delete(request: HttpRequest, webhook_id: str) -> HttpResponse:
    _webhook_or_404(request, webhook_id)
    services.webhook_delete(account=request.account, webhook_id=webhook_id)
    messages.success(request, "Webhook deleted.")
    return redirect("dashboard:webhooks")


@account_required
@require_POST
def webhook_test(request: HttpRequest, webhook_id: str) -> HttpResponse:
    """Send the endpoint a signed ``webhook.test`` event now (a real delivery, in the log like any other)."""
    _webhook_or_404(request, webhook_id)
    try:
        delivery = services.webhook_send_test(account=request.account, webhook_id=webhook_id)
    except AppError as exc:
        messages.error(request, error_html(exc))
    else:
        messages.success(request, f"Test event {delivery.msg_id} queued: its call appears below in a moment.")
    return redirect("dashboard:webhook-detail", webhook_id=webhook_id)


@account_required
def delivery_status(request: HttpRequest, webhook_id: str) -> JsonResponse:
    """Status and attempt count of the listed deliveries, polled by the page while any is pending."""
    webhook = _webhook_or_404(request, webhook_id)
    found = selectors.delivery_progress(
        account=request.account, webhook=webhook, delivery_ids=request.GET.getlist("id")[:100]
    )
    return JsonResponse({"deliveries": found})


@account_required
@require_POST
def delivery_redeliver(request: HttpRequest, delivery_id: str) -> HttpResponse:
    try:
        delivery = services.delivery_redeliver(account=request.account, delivery_id=delivery_id)
    except AppError as exc:
        if exc.entry is errors.DELIVERY_NOT_FOUND:
            raise Http404(exc.message) from None
        messages.error(request, error_html(exc))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("dashboard:webhooks")
        return redirect(target)
    messages.success(request, f"Delivery {delivery.msg_id} queued to be sent again.")
    return redirect("dashboard:webhook-detail", webhook_id=delivery.webhook.public_id)
