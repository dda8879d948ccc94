"""Dashboard pages of the accounts app, through the Django test client."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import ApiKey


@pytest.fixture
def logged_in(client, tenant):
    client.force_login(tenant.user)
    return client


def test_pages_require_login(client, db):
    for name in ("dashboard:overview", "dashboard:notifications", "dashboard:api-test"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_login_with_email_and_password(client, tenant):
    response = client.post("/login/", {"email": tenant.user.email, "password": tenant.password})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200 and tenant.account.public_id.encode() in page.content


def test_bad_password_keeps_you_out_with_a_message(client, tenant):
    response = client.post("/login/", {"email": tenant.user.email, "password": "wrong password"})
    assert response.status_code == 400
    assert b"Bad password" in response.content


def test_lockout_page_after_repeated_failures(client, tenant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"email": tenant.user.email, "password": "wrong"})
    response = client.post("/login/", {"email": tenant.user.email, "password": tenant.password})
    assert response.status_code == 429
    assert b"locked after too many failed login attempts" in response.content
    assert int(response["Retry-After"]) > 0


def test_overview_shows_meters_credits_keys_and_notifications(logged_in, tenant):
    services.notification_create(account=tenant.account, kind="info", title="Hello there")
    page = logged_in.get("/").content.decode()
    assert "Stored media" in page and "Stored videos" in page and "Templates" in page
    assert "1000" in page  # credits
    assert "Default key" in page and "Hello there" in page
    assert "data-unread-badge>1<" in page


def test_new_key_is_shown_once(logged_in, tenant):
    response = logged_in.post(reverse("dashboard:key-create"), {"name": "laptop"}, follow=True)
    raw = response.context["new_key"]["raw"]
    assert raw.encode() in response.content
    again = logged_in.get("/")
    assert raw.encode() not in again.content
    assert logged_in.get(f"/v1/account?accountID={tenant.account_id}&accountSecret={raw}").status_code == 200


def test_revoke_key(logged_in, tenant):
    key = ApiKey.objects.for_account(tenant.account).get()
    logged_in.post(reverse("dashboard:key-revoke", args=[key.pk]))
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_another_accounts_key_cannot_be_revoked(logged_in, other_tenant):
    theirs = ApiKey.objects.for_account(other_tenant.account).get()
    response = logged_in.post(reverse("dashboard:key-revoke", args=[theirs.pk]), follow=True)
    assert b"API key not found" in response.content
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_notifications_page_and_mark_read(logged_in, tenant, other_tenant):
    services.notification_create(account=tenant.account, kind="webhook_failed", title="Mine")
    services.notification_create(account=other_tenant.account, kind="info", title="Theirs")
    page = logged_in.get(reverse("dashboard:notifications")).content
    assert b"Mine" in page and b"Theirs" not in page
    logged_in.post(reverse("dashboard:notifications-read"))
    assert b"Mine" not in logged_in.get(reverse("dashboard:notifications") + "?unread=1").content


def test_api_test_page_lists_methods_from_the_idl(logged_in, tenant):
    page = logged_in.get(reverse("dashboard:api-test")).content.decode()
    assert 'id="idl-data"' in page and "Account_Get" in page and tenant.account_id in page


def test_healthz_reports_database_and_redis(client, db):
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "database": "ok", "redis": "ok"}


def test_next_parameters_only_redirect_within_the_site(client, tenant):
    response = client.post(
        "/login/?next=https://evil.example/", {"email": tenant.user.email, "password": tenant.password}
    )
    assert response["Location"] == "/"
    response = client.post(reverse("dashboard:notifications-read"), {"next": "//evil.example/x"})
    assert response["Location"] == reverse("dashboard:notifications")
    response = client.post(reverse("dashboard:notifications-read"), {"next": "/api-test/"})
    assert response["Location"] == "/api-test/"
