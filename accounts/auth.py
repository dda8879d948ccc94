"""The one authentication layer: every credential style resolves here to an account.

Styles:
- ``?accountID=&accountSecret=`` (JSON-RPC and uploads, seeds 000/001);
- ``Authorization: ApiKey <key>`` (seed 003);
- ``X-Access-Key: <accountID>`` + ``X-Access-Token: <key>`` (seed 002);
- HTTP Basic, user ``api``, password = the key (seed 004);
- the dashboard session.

Failures of an API secret count toward the django-axes lockout of the pair
(account id, client address) exactly like failed passwords do.
"""

from __future__ import annotations

import base64
import binascii
import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, permissions
from rest_framework.request import Request

from accounts import authcache
from accounts.admission import RATE_WINDOW_S, Admission, admission, failure_marker, lease_size
from accounts.models import Account, ApiKey, User
from accounts.secrets import secret_matches
from accounts.services import api_key_touch
from core import errors, redis_client
from core.errors import AppError

T = TypeVar("T")


@dataclass
class Principal:
    """Who is calling: always an account, plus the key or the user that proved it."""

    account: Account
    via: str
    key: ApiKey | None = None
    user: User | None = None
    is_authenticated: bool = True


def _locked_error() -> AppError:
    cool_off = get_cool_off()
    seconds = int(cool_off.total_seconds()) if cool_off else 3600
    return AppError(errors.ACCOUNT_LOCKED, headers={"Retry-After": str(seconds)})


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """django-axes' name for whoever a login attempt was for (``AXES_USERNAME_CALLABLE``).

    The API reports failures as ``{"username": <account id>}``, the admin as
    ``{"username": <email>}`` and the dashboard as ``{"email": <email>}``: one
    name for all, so a lock is per (account or email, client address) and the
    admin and the dashboard count the same failures.
    """
    for source in (credentials or {}, request.POST):
        value = source.get("email") or source.get("username")
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return None


def _raise_if_locked(request: HttpRequest, username: str, *, marked: bool | None = None) -> None:
    # Most requests come from accounts with no recent failure: a Redis marker
    # spares them django-axes' database look-up on every API call.
    if marked is None:
        marked = bool(redis_client.shared().exists(failure_marker(username)))
    if marked and AxesProxyHandler.is_locked(request, {"username": username}):
        raise _locked_error()


def _record_failure(request: HttpRequest, username: str) -> None:
    cool_off = get_cool_off()
    seconds = int(cool_off.total_seconds()) + 60 if cool_off else None
    redis_client.shared().set(failure_marker(username), 1, ex=seconds)
    authcache.forget_account(username)
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    if getattr(request, "axes_locked_out", False):
        raise _locked_error()


def secret_check(request: HttpRequest, *, account: Account, secret: str, verify: Callable[[str], T | None]) -> T | None:
    """The one lockout-guarded check of a secret presented for ``account``:
    account secrets, API keys and template secrets alike.

    1033 while the pair (account, client address) is locked out, and from the
    failure that locks it; ``verify(secret)`` returns what the secret proves, or
    ``None`` when it is wrong, which counts toward the lockout. An empty secret
    is refused without counting: nothing was guessed (the API Test console
    sends one when its field is left blank).
    """
    _raise_if_locked(request, account.public_id)
    if not secret:
        return None
    proved = verify(secret)
    if proved is None:
        _record_failure(request, account.public_id)
    return proved


def account_active(account: Account) -> Account:
    """1021 unless the account may use the API."""
    if not account.is_active:
        raise AppError(errors.ACCOUNT_NOT_ACTIVE)
    return account


# -- admission ---------------------------------------------------------------


def _admission(account: Account, key: ApiKey | None, cost: int, *, lease: bool = False) -> Admission:
    limit = account.plan.rate_limit_per_minute
    return admission(
        account_pk=account.pk,
        public_id=account.public_id,
        key_pk=key.pk if key is not None else None,
        limit=limit,
        cost=cost,
        lease=lease_size(limit) if lease else 0,
    )


def _admit(request: HttpRequest, account: Account, key: ApiKey | None, admitted: Admission) -> None:
    """1033 for a locked-out pair, 1021 for an inactive account, 429 over the plan's
    rate; the RateLimit headers for the answer; the key's last use, once a minute."""
    if admitted.failed_recently:
        _raise_if_locked(request, account.public_id, marked=True)
    account_active(account)
    if admitted.limit:
        headers = {
            "RateLimit-Limit": str(admitted.limit),
            "RateLimit-Remaining": str(max(admitted.limit - admitted.used, 0)),
            "RateLimit-Reset": str(admitted.reset),
        }
        request.response_headers = headers
        if admitted.used > admitted.limit:
            headers["Retry-After"] = str(admitted.reset)
            raise AppError(
                errors.RATE_LIMITED,
                data=f"{admitted.limit} calls a minute on the {account.plan.code} plan; retry after {admitted.reset} s",
                headers=headers,
            )
    if admitted.touch:
        api_key_touch(key_id=key.pk, used_at=timezone.now())


def request_admit(request: HttpRequest, account: Account, *, cost: int = 1) -> None:
    """Count a request of ``account`` proved some other way (a template secret, a signed
    link) against its plan's rate limit; 429 over it."""
    _admit(request, account, None, _admission(account, None, cost))


def action_admit(account: Account, *, action: str, per_minute: int, described: str) -> None:
    """Count one ``action`` of ``account`` in the plan rate limit's fixed one-minute window, on a counter
    of its own (an expensive dashboard action must not eat the API's allowance); beyond
    ``per_minute``, 429 with ``Retry-After`` and ``described`` (e.g. "Preview clips") in the words."""
    now = time.time()
    window = int(now // RATE_WINDOW_S)
    counter = f"ratelimit:{action}:{account.pk}:{window}"
    pipe = redis_client.shared().pipeline(transaction=False)
    pipe.incr(counter)
    pipe.expire(counter, 2 * RATE_WINDOW_S)
    used = pipe.execute()[0]
    if used > per_minute:
        reset = int((window + 1) * RATE_WINDOW_S - now) + 1
        raise AppError(
            errors.RATE_LIMITED,
            data=f"{described}: at most {per_minute} a minute; the next one in {reset} s",
            headers={"Retry-After": str(reset)},
        )


def _principal(
    request: HttpRequest,
    *,
    credential: str,
    via: str,
    cost: int,
    prove: Callable[[], tuple[Account, ApiKey]],
) -> Principal:
    """The principal of a secret credential: from the process's cache when this exact
    credential proved itself before and nothing changed since, else ``prove()``."""
    entry = authcache.get(credential)
    if entry is not None and not entry.key.is_active:  # a console key past its time
        authcache.forget(credential)
        entry = None
    if entry is not None:
        admitted = entry.lease.take(
            generation=entry.generation, limit=entry.account.plan.rate_limit_per_minute, cost=cost
        ) or _admission(entry.account, entry.key, cost, lease=True)
        if admitted.generation == entry.generation:
            if admitted.leased:
                entry.lease.refill(admitted)
            account, key = copy.copy(entry.account), copy.copy(entry.key)
            _admit(request, account, key, admitted)
            return Principal(account=account, via=via, key=key)
        authcache.forget(credential)
    generation = authcache.generation()
    account, key = prove()
    admitted = _admission(account, key, cost)
    if admitted.generation == generation:
        authcache.put(credential, account=account, key=key, generation=generation)
    _admit(request, account, key, admitted)
    return Principal(account=account, via=via, key=key)


def _parse_key(raw: str) -> tuple[str, str] | None:
    parts = raw.strip().split("_")
    if len(parts) != 3 or parts[0] != "psk" or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def _live_key(account: Account, raw: str) -> ApiKey | None:
    parsed = _parse_key(raw)
    if parsed is None:
        return None
    key_id, secret = parsed
    key = ApiKey.objects.for_account(account).filter(key_id=key_id, revoked_at__isnull=True).first()
    if key is None or not key.is_active or not secret_matches(secret, key.secret_hash):
        return None
    return key


def authenticate_account_secret(
    request: HttpRequest, account_id: str, secret: str, *, via: str, cost: int = 1
) -> Principal:
    """``accountID`` + a key of that account: 1010 unknown, 1018 bad secret, 1021, 1033."""

    def prove() -> tuple[Account, ApiKey]:
        account = Account.objects.select_related("plan").filter(public_id=account_id).first() if account_id else None
        if account is None:
            raise AppError(errors.ACCOUNT_NOT_FOUND, param="accountID")
        key = secret_check(request, account=account, secret=secret, verify=lambda raw: _live_key(account, raw))
        if key is None:
            raise AppError(errors.BAD_SECRET, param="accountSecret")
        return account, key

    credential = authcache.digest("account", account_id, secret)
    return _principal(request, credential=credential, via=via, cost=cost, prove=prove)


def authenticate_key(request: HttpRequest, raw: str, *, via: str, cost: int = 1) -> Principal:
    """A self-identifying key (``psk_<key_id>_<secret>``) alone."""

    def prove() -> tuple[Account, ApiKey]:
        parsed = _parse_key(raw)
        query = ApiKey.objects.unscoped().select_related("account__plan")
        key = query.filter(key_id=parsed[0]).first() if parsed else None
        if key is None:
            raise AppError(errors.UNAUTHORIZED, detail="Invalid API key")

        def verify(secret: str) -> ApiKey | None:
            return key if key.is_active and secret_matches(secret, key.secret_hash) else None

        if secret_check(request, account=key.account, secret=parsed[1], verify=verify) is None:
            raise AppError(errors.UNAUTHORIZED, detail="Invalid API key")
        return key.account, key

    return _principal(request, credential=authcache.digest("key", raw.strip()), via=via, cost=cost, prove=prove)


def _basic_password(header: str) -> str | None:
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1].strip(), validate=True).decode()
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        return None
    user, _, password = decoded.partition(":")
    return password if user == "api" else None


def authenticate_request(request: HttpRequest, *, cost: int = 1) -> Principal | None:
    """Resolve whichever credential the request carries (``None`` if it carries none) and
    count ``cost`` calls against the account's rate limit."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme = header.split(" ", 1)[0].lower() if header else ""
    if scheme == "apikey":
        return authenticate_key(request, header[len("ApiKey ") :], via="apikey", cost=cost)
    if scheme == "basic":
        password = _basic_password(header)
        if password is None:
            raise AppError(errors.UNAUTHORIZED, detail="Use HTTP Basic with user 'api' and your API key as password")
        return authenticate_key(request, password, via="basic", cost=cost)
    if "HTTP_X_ACCESS_KEY" in request.META or "HTTP_X_ACCESS_TOKEN" in request.META:
        return authenticate_account_secret(
            request,
            request.META.get("HTTP_X_ACCESS_KEY", ""),
            request.META.get("HTTP_X_ACCESS_TOKEN", ""),
            via="access",
            cost=cost,
        )
    if "accountID" in request.GET:
        return authenticate_account_secret(
            request, request.GET.get("accountID", ""), request.GET.get("accountSecret", ""), via="query", cost=cost
        )
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.account_id:
        account = user.account
        _admit(request, account, None, _admission(account, None, cost))
        return Principal(account=account, via="session", user=user)
    return None


def rpc_principal(request: HttpRequest, calls: int) -> Principal:
    """The caller of a JSON-RPC method (``settings.RPC_AUTHENTICATOR``): 1015 without credentials.

    ``/api`` is CSRF-exempt for API clients, so a dashboard session counts only
    with the CSRF token (``X-CSRFToken``): a same-site page cannot call the API
    with the manager's cookie."""
    principal = authenticate_request(request, cost=calls)
    if principal is None:
        raise AppError(errors.AUTHENTICATION_ERROR, data="add ?accountID=...&accountSecret=... to the URL")
    if principal.via == "session" and CsrfViewMiddleware(lambda _: None).process_view(request, None, (), {}):
        raise AppError(errors.AUTHENTICATION_ERROR, data="a dashboard session needs the CSRF token (X-CSRFToken)")
    return principal


class AccountAuthentication(authentication.BaseAuthentication):
    """DRF adapter of :func:`authenticate_request` (session requests need CSRF)."""

    def authenticate(self, request: Request):
        principal = authenticate_request(request._request)
        if principal is None:
            return None
        if principal.via == "session":
            authentication.SessionAuthentication().enforce_csrf(request)
        request._request.principal = principal
        return principal, principal.key

    def authenticate_header(self, request: Request) -> str:
        return 'ApiKey realm="api"'


class HasAccount(permissions.BasePermission):
    def has_permission(self, request: Request, view) -> bool:
        return isinstance(request.user, Principal)


def account_of(request: Request) -> Account:
    return request.user.account


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Three alternatives (any one authenticates); seed 002's style needs both of its headers."""

    target_class = "accounts.auth.AccountAuthentication"
    name = ["ApiKeyAuth", "AccessKeyAuth", "AccessTokenAuth", "BasicAuth"]

    def get_security_requirement(self, auto_schema):
        return [{"ApiKeyAuth": []}, {"AccessKeyAuth": [], "AccessTokenAuth": []}, {"BasicAuth": []}]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Authorization: ApiKey psk_…` (seed 003)",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-Access-Key",
                "description": "`X-Access-Key: <accountID>`, with X-Access-Token (seed 002)",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-Access-Token",
                "description": "`X-Access-Token: psk_…`, with X-Access-Key (seed 002)",
            },
            {"type": "http", "scheme": "basic", "description": "User `api`, password = API key (seed 004)"},
        ]
