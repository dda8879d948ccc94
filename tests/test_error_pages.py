"""The 404 and 500 pages with DEBUG off: styled, with the dashboard's navigation, and the API's
surfaces still answering JSON."""

import pytest
from django.test import Client
from django.urls import include, path

import config.urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), path("v1/boom", boom), path("", include(config.urls))]
handler404 = config.urls.handler404
handler500 = config.urls.handler500


@pytest.fixture(autouse=True)
def no_debug(settings):
    settings.DEBUG = False


def test_404_page_has_the_navigation_for_a_manager(tenant):
    client = Client()
    client.force_login(tenant.user)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404 and "This page does not exist" in page
    assert 'id="mainnav"' in page and 'href="/videos/"' in page and "app.css" in page
    # another account's object is "not found" with the same page
    assert "This page does not exist" in client.get("/videos/0123456789abcdef01234567/").content.decode()


def test_404_page_offers_the_login_to_a_visitor(client):
    page = client.get("/no-such-page/").content.decode()
    assert 'href="/login/"' in page and 'id="mainnav"' not in page


def test_500_page_has_the_navigation_and_a_reference(tenant):
    client = Client(raise_request_exception=False)
    client.force_login(tenant.user)
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500 and "Something went wrong on our side" in page
    assert 'id="mainnav"' in page and response["X-Request-ID"] in page
    api = client.get("/v1/boom")
    assert api.status_code == 500 and api.json()["error"]["number"] == 5000
