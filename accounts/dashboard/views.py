"""Dashboard pages of the accounts app: login, overview, keys, notifications, API Test, the JSON-RPC reference."""

from __future__ import annotations

from axes.helpers import get_cool_off
from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import charts, selectors, services
from accounts.dashboard.errors import error_html
from accounts.dashboard.listing import Filter, Listing
from accounts.models import Account
from core import errors, rpc
from core.errors import AppError


class LoginForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """What django-axes answers a locked-out pair: the API surfaces already said
    1033 / 429 in their own shape, so their answer stands; people get a page."""
    if original_response is not None and original_response.get("Content-Type", "").startswith("application/json"):
        return original_response
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 60
    response = render(request, "dashboard/lockout.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()) if cool_off else 3600)
    return response


def _safe_next(request: HttpRequest, target: str | None, default: str) -> str:
    """Only same-site targets: a crafted ``next`` must not send a manager elsewhere."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def account_required(view):
    """Logged in and belonging to an account (staff without one use the admin)."""

    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.account_id:
            messages.info(request, "This login has no account; operators use the admin.")
            return redirect("admin:index")
        request.account = request.user.account
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        if user is None:
            form.add_error(None, "Bad password, or no user with this email.")
        elif not user.account_id and not user.is_staff:
            form.add_error(None, "This user belongs to no account.")
        elif user.account_id and not user.account.is_active:
            form.add_error(None, "This account is not active.")
        else:
            login(request, user)
            return redirect(_safe_next(request, request.GET.get("next"), "dashboard:overview"))
    return render(request, "dashboard/login.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    _console_key_revoke(request)
    logout(request)
    return redirect("dashboard:login")


HISTORY_DAYS = (30, 90)
CHART_NOUNS = {"renders": "renders", "documents": "documents", "credits": "credits", "storage": "stored"}


@account_required
def overview(request: HttpRequest) -> HttpResponse:
    account: Account = selectors.account_get(account=request.account)
    days = 90 if request.GET.get("days") == "90" else 30
    history = selectors.usage_history(account=account, days=days)
    steps = selectors.first_steps(account=account)
    context = {
        "account": account,
        "meters": selectors.account_usage(account=account),
        "month": selectors.usage_this_month(account=account),
        "days": days,
        "history_days": HISTORY_DAYS,
        "charts": [
            {
                "series": series,
                "chart": charts.bar_chart(history.days, series.values, unit=series.unit, noun=CHART_NOUNS[series.key]),
            }
            for series in history.series
        ],
        "first_steps": None if all(step.done for step in steps) else steps,
        "keys": selectors.api_key_list(account=account),
        "new_key": request.session.pop("new_key", None),
        "notifications": selectors.notification_list(account=account, limit=5),
    }
    return render(request, "dashboard/overview.html", context)


@account_required
@require_POST
def key_create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()[:100] or "API key"
    issued = services.api_key_create(account=request.account, name=name)
    # Shown on the next page only, then forgotten (never stored unhashed).
    request.session["new_key"] = {"name": name, "raw": issued.raw}
    return redirect(reverse("dashboard:overview") + "#keys")


@account_required
@require_POST
def key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    try:
        key = services.api_key_revoke(account=request.account, key_id=key_id)
    except AppError as exc:
        messages.error(request, error_html(exc))
    else:
        messages.success(request, f"Key “{key.name}” revoked.")
    return redirect(reverse("dashboard:overview") + "#keys")


@account_required
def notifications(request: HttpRequest) -> HttpResponse:
    listing = Listing(request, noun="notification", search=None, filters=[Filter("unread", "Show", [("1", "Unread")])])
    unread_only = listing.value("unread") == "1"
    items = selectors.notification_list(
        account=request.account, unread_only=unread_only, offset=listing.offset, limit=listing.limit
    )
    listing.fill(selectors.notification_count(account=request.account, unread_only=unread_only), items)
    return render(request, "dashboard/notifications.html", {"listing": listing, "items": listing.items})


@account_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    count = services.notification_mark_read(account=request.account, notification_ids=ids)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect(_safe_next(request, request.POST.get("next"), "dashboard:notifications"))


CONSOLE_KEY = "console_key"  # the session's API Test key (its row id; the secret is kept nowhere)
CONSOLE_OFF = "console_key_off"


def _console_key_revoke(request: HttpRequest) -> None:
    key_id = request.session.pop(CONSOLE_KEY, None)
    if key_id is not None and getattr(request.user, "account_id", None):
        services.api_key_revoke(account=request.user.account, key_id=key_id)


@account_required
def api_test(request: HttpRequest) -> HttpResponse:
    """Seed 000/001's API Test page: pick a method from the IDL, execute it against /api.

    Each visit issues the session a fresh console key (the previous one is revoked), so
    the page works without pasting the once-shown secret; "Revoke" ends it until asked again."""
    console = None
    if not request.session.get(CONSOLE_OFF):
        console = services.console_key_issue(
            account=request.account, user=request.user, replaces=request.session.get(CONSOLE_KEY)
        )
        request.session[CONSOLE_KEY] = console.key.pk
    context = {
        "account": request.account,
        "idl": rpc.idl(),
        "rpc_url": reverse("rpc"),
        "console": console,
    }
    response = render(request, "dashboard/api_test.html", context)
    response["Cache-Control"] = "no-store"  # the page carries a live key
    return response


@account_required
@require_POST
def console_key(request: HttpRequest) -> HttpResponse:
    """Revoke the session's console key (``action=revoke``) or have one again (``action=issue``)."""
    if request.POST.get("action") == "revoke":
        _console_key_revoke(request)
        request.session[CONSOLE_OFF] = True
        messages.success(request, "Console key revoked. Paste an API key to call the API, or issue a new console key.")
    else:
        request.session.pop(CONSOLE_OFF, None)
    return redirect("dashboard:api-test")


def _rpc_type(spec: dict, named: set[str]) -> dict:
    """An IDL type for the reference page: ``[]Name?`` with a link when it names a struct or an enum."""
    return {**spec, "linked": spec["type"] in named}


def api_reference(request: HttpRequest) -> HttpResponse:
    """The JSON-RPC API's reference, generated from the contract ``barrister-idl`` returns (methods,
    parameters, structs, enums) and the error catalog; public, like the OpenAPI pages."""
    elements = rpc.idl()
    structs = [e for e in elements if e["type"] == "struct"]
    enums = [e for e in elements if e["type"] == "enum"]
    named = {e["name"] for e in structs + enums}
    (interface,) = (e for e in elements if e["type"] == "interface")
    groups: dict[str, list[dict]] = {}
    for function in interface["functions"]:
        entry = {
            "name": function["name"],
            "comment": function["comment"],
            "params": [_rpc_type(p, named) for p in function["params"]],
            "returns": _rpc_type(function["returns"], named),
        }
        groups.setdefault(function["name"].split("_", 1)[0], []).append(entry)
    context = {
        "interface": interface,
        "groups": sorted(groups.items()),
        "structs": [{**s, "fields": [_rpc_type(f, named) for f in s["fields"]]} for s in structs],
        "enums": enums,
        "errors": sorted(errors.catalog(), key=lambda e: (e.code < 0, abs(e.code), e.message)),
        "rpc_url": request.build_absolute_uri(reverse("rpc")),
    }
    return render(request, "dashboard/api_reference.html", context)
