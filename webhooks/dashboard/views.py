"""Dashboard pages of the webhooks app: endpoints, their secrets, and the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.dashboard.views import account_required
from core import errors
from core.errors import AppError
from webhooks import selectors, services

PER_PAGE = 20


def _webhook_or_404(request: HttpRequest, webhook_id: str):
    try:
        return services.webhook_get(account=request.account, webhook_id=webhook_id)
    except AppError as exc:
        raise Http404(exc.message) from None


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
            errors_[exc.param or "url"] = exc.message
        else:
            request.session["new_webhook_secret"] = {"webhookID": webhook.public_id, "secret": webhook.secret}
            messages.success(request, "Webhook added.")
            return redirect("dashboard:webhook-detail", webhook_id=webhook.public_id)
    template_filter = request.GET.get("template", "").strip()
    context = {
        "webhooks": selectors.webhook_list(account=request.account, template_id=template_filter or None),
        "template_filter": template_filter,
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
            errors_["url"] = exc.message
        else:
            messages.success(request, "Webhook saved.")
            return redirect("dashboard:webhook-detail", webhook_id=webhook.public_id)
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() and int(request.GET["page"]) > 0 else 1
    total = selectors.delivery_count(account=request.account, webhook=webhook)
    new_secret = request.session.pop("new_webhook_secret", None)
    context = {
        "webhook": webhook,
        "deliveries": selectors.delivery_list(
            account=request.account, webhook=webhook, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
        ),
        "page": page,
        "has_next": page * PER_PAGE < total,
        "total": total,
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
def delivery_redeliver(request: HttpRequest, delivery_id: str) -> HttpResponse:
    try:
        delivery = services.delivery_redeliver(account=request.account, delivery_id=delivery_id)
    except AppError as exc:
        if exc.entry is errors.DELIVERY_NOT_FOUND:
            raise Http404(exc.message) from None
        messages.error(request, exc.message)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("dashboard:webhooks")
        return redirect(target)
    messages.success(request, f"Delivery {delivery.msg_id} queued to be sent again.")
    return redirect("dashboard:webhook-detail", webhook_id=delivery.webhook.public_id)
