"""What every dashboard page needs: the navigation and the unread badge."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from accounts.selectors import notification_unread_count


def _nav(current_path: str) -> list[dict]:
    items = []
    for label, url_name in settings.DASHBOARD_NAV:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = current_path == url if url == reverse("dashboard:overview") else current_path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return items


def dashboard(request) -> dict:
    context = {"product_name": settings.PRODUCT_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.account_id:
        context["nav"] = _nav(request.path)
        context["unread_count"] = notification_unread_count(account=user.account)
        context["current_account"] = user.account
    return context
