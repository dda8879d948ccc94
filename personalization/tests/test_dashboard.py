"""Dashboard pages for personalization data, through the Django test client and
headless Chromium."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from personalization import services
from personalization.models import Placeholder, Product, VisitorUser
from personalization.objects import OBJECTS


@pytest.fixture
def logged_in(client, tenant):
    client.force_login(tenant.user)
    return client


def _user(account, **values):
    return services.record_create(account=account, kind=OBJECTS["users"], values={"email": "a@x.test", **values})


def test_menu_entry_and_tabs(logged_in):
    page = logged_in.get("/data/").content.decode()
    assert 'href="/data/"' in page and ">Data<" in page
    for name in ("placeholders", "products", "users"):
        assert f'href="/data/{name}/"' in page
        assert logged_in.get(f"/data/{name}/").status_code == 200
    assert logged_in.get("/data/widgets/").status_code == 404


def test_requires_login(client, tenant):
    response = client.get("/data/users/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_search_uses_the_api_syntax_and_pages(logged_in, account):
    services.record_bulk_create(
        account=account,
        kind=OBJECTS["users"],
        rows=[{"email": f"u{i:03}@x.test", "country": "FR" if i % 2 else "DE"} for i in range(120)],
    )

    def emails(response):
        return re.findall(r"<td>(u\d+@x.test)</td>", response.content.decode())

    response = logged_in.get("/data/users/", {"where": "country=FR"})
    assert len(emails(response)) == 50
    page = response.content.decode()
    assert "u001@x.test" in page and "u000@x.test" not in page
    assert "page=2" in page
    last = logged_in.get("/data/users/", {"where": "country=FR", "page": 2})
    assert len(emails(last)) == 10 and "Next" not in last.content.decode()
    found = logged_in.get("/data/users/", {"where": "email=u001@x.test|email:u002@x.test,u003@x.test"})
    assert emails(found) == ["u001@x.test", "u002@x.test", "u003@x.test"]


def test_bad_search_shows_the_api_message(logged_in):
    response = logged_in.get("/data/users/", {"where": "frist_name=Al"})
    assert response.status_code == 400
    assert "Unknown column &quot;frist_name&quot; for object &quot;users&quot;" in response.content.decode()


@override_settings(PERSONALIZATION_SLOW_TABLE_ROWS=1, PERSONALIZATION_SLOW_QUERIES_PER_MINUTE=1)
def test_slow_searches_are_throttled_like_the_api(logged_in, account):
    _user(account)
    _user(account, email="b@x.test")
    assert logged_in.get("/data/users/", {"where": "first_name=Al"}).status_code == 200
    response = logged_in.get("/data/users/", {"where": "first_name=Al"})
    assert response.status_code == 400 and "Too many slow queries" in response.content.decode()
    assert logged_in.get("/data/users/", {"where": "email=a@x.test"}).status_code == 200


def test_create_edit_delete(logged_in, account):
    response = logged_in.post(
        "/data/products/new",
        {"name": "Mug", "internal_id": "SKU1", "price": "9.50", "in_stock": "on", "attributes": '{"colour": "red"}'},
    )
    assert response.status_code == 302
    product = Product.objects.for_account(account).get()
    assert (product.name, product.price, product.in_stock, product.attributes) == ("Mug", 9.5, True, {"colour": "red"})
    response = logged_in.post(f"/data/products/{product.id}/", {"name": "Cup", "internal_id": "SKU1", "attributes": ""})
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.in_stock, product.attributes) == ("Cup", False, {})
    assert logged_in.post(f"/data/products/{product.id}/delete").status_code == 302
    assert not Product.objects.for_account(account).exists()


def test_form_errors(logged_in, account):
    _user(account)
    response = logged_in.post("/data/users/new", {"email": "a@x.test", "tags": "[]", "attributes": "{}"})
    assert response.status_code == 400
    assert "Duplicate email: &quot;a@x.test&quot; already exists" in response.content.decode()
    response = logged_in.post("/data/users/new", {"email": "b@x.test", "tags": '"vip"', "attributes": "{}"})
    assert response.status_code == 400 and "JSON array of strings" in response.content.decode()
    response = logged_in.post("/data/placeholders/new", {"html_id": "#a"})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert VisitorUser.objects.for_account(account).count() == 1


def test_another_accounts_records_are_not_found(logged_in, other_account, account):
    theirs = _user(other_account)
    pid = services.record_create(account=other_account, kind=OBJECTS["placeholders"], values={"name": "Theirs"})
    assert logged_in.get(f"/data/users/{theirs}/").status_code == 404
    assert logged_in.post(f"/data/users/{theirs}/", {"email": "hacked@x.test"}).status_code == 404
    assert logged_in.post(f"/data/users/{theirs}/delete").status_code == 404
    assert logged_in.post(f"/data/placeholders/{pid}/delete").status_code == 404
    assert "a@x.test" not in logged_in.get("/data/users/").content.decode()
    assert "Theirs" not in logged_in.get("/data/placeholders/", {"where": f"id={pid}"}).content.decode()
    assert VisitorUser.objects.for_account(other_account).get(id=theirs).email == "a@x.test"
    assert Placeholder.objects.for_account(other_account).filter(id=pid).exists()


# --- a real browser -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_browser_create_search_delete(chromium, live_server, tenant):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/login/")
    page.fill("input[name=email]", tenant.user.email)
    page.fill("input[name=password]", tenant.password)
    page.click("button[type=submit]")
    page.click("nav.mainnav >> text=Data")
    page.click("nav.tabs >> text=Users")
    page.click("text=New user")
    page.fill("input[name=email]", "ann@x.test")
    page.fill("input[name=first_name]", "Ann")
    page.fill("input[name=country]", "FR")
    page.click("button:has-text('Save')")
    assert "saved" in page.inner_text(".flash")
    page.fill("input[name=where]", "country=FR&first_name:Ann,Bob")
    page.click("button:has-text('Search')")
    assert "ann@x.test" in page.inner_text("table.data")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("table.data button:has-text('Delete')")
    assert re.search(r"User \d+ deleted", page.inner_text(".flash"))
    assert "No users" in page.inner_text("table.data")
    assert not VisitorUser.objects.for_account(tenant.account).exists()
