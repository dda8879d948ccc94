"""Operators see every account's rows in the admin, with search and filters."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Account, ApiKey, Notification, Plan, User


@pytest.fixture
def staff_client(client, db):
    staff = User.objects.create_superuser(email="ops@example.com", password="operator password 1")
    client.force_login(staff)
    return client


@pytest.mark.parametrize("model", [Account, User, ApiKey, Plan, Notification])
def test_changelists_search_and_change_pages(staff_client, tenant, other_tenant, model):
    services.notification_create(account=tenant.account, kind="info", title="hello")
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff_client.get(changelist).status_code == 200
    assert staff_client.get(changelist, {"q": "acme"}).status_code == 200
    obj = model.objects.unscoped().first() if hasattr(model.objects, "unscoped") else model.objects.first()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert staff_client.get(change).status_code == 200


def test_api_key_changelist_shows_every_account(staff_client, tenant, other_tenant):
    page = staff_client.get(reverse("admin:accounts_apikey_changelist")).content.decode()
    assert "Acme" in page and "Globex" in page
