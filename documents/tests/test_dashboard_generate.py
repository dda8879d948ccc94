"""Generating a document from the dashboard: the same service, credit and rate limit as
POST /v1/content; the request's page and its status; the live Requests rows; other tenants."""

import re

import pytest
from django.utils import timezone

from accounts.models import Account, UsageDay
from documents import services
from documents.models import DocumentRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client, tenant):
    client.force_login(tenant.user)
    return client


def generate(browser, template, capture, **posted):
    data = {"field-0": "Grace", "field-1": "AK-9", "field-2": "", "format": "PDF", "quality": "Display"} | posted
    with capture(execute=True):
        return browser.post(f"/documents/templates/{template.template_id}/generate", data)


def test_form_is_prefilled_with_the_sample_values(browser, seed_template):
    page = browser.get(f"/documents/templates/{seed_template.template_id}/").content.decode()
    assert re.search(r'<input id="gen-field-0" name="field-0" value="Ada"', page)
    assert 'name="field-2" value="Blue"' in page and 'action="/documents/templates/' in page


def test_generate_charges_renders_and_the_page_follows(
    browser, tenant, seed_template, django_capture_on_commit_callbacks, run_jobs
):
    before = Account.objects.get(pk=tenant.account.pk).credits
    response = generate(browser, seed_template, django_capture_on_commit_callbacks, format="PNG")
    item = DocumentRequest.objects.for_account(tenant.account).get()
    assert response.status_code == 302 and response["Location"] == f"/documents/requests/{item.request_id}/"
    assert item.fields == {"First Name": "Grace", "Machine": "AK-9"} and item.output["format"] == "PNG"
    assert Account.objects.get(pk=tenant.account.pk).credits == before - 1
    waiting = browser.get(response["Location"]).content.decode()
    assert 'data-status="InProgress"' in waiting and "Rendering…" in waiting

    run_jobs("documents")
    status = browser.get(f"/documents/requests/{item.request_id}/status?wait=1").json()
    assert status["Status"] == "Completed" and len(status["URLs"]) == 1
    ready = browser.get(response["Location"]).content.decode()
    assert "data-zoom" in ready and status["URLs"][0].replace("&", "&amp;") in ready
    image = browser.get(status["URLs"][0].removeprefix("http://testserver"))
    assert image["Content-Type"] == "image/png"
    day = UsageDay.objects.for_account(tenant.account).get(day=timezone.now().date())
    assert day.documents == 1 and day.credits_spent == 1


def test_field_errors_are_shown_by_the_field_and_cost_nothing(browser, tenant, django_capture_on_commit_callbacks):
    template = services.template_create(
        account=tenant.account,
        name="Invoice",
        html="<p>{{ Total }}</p>{% for row in Items %}<p>{{ row.item }}</p>{% endfor %}",
        fields=[
            {"name": "Total", "type": "number", "required": True, "sample": 12},
            {"name": "Items", "type": "list", "sample": [{"item": "Widget"}]},
        ],
    )
    page = browser.get(f"/documents/templates/{template.template_id}/").content.decode()
    assert 'name="field-0" value="12"' in page and "[{&quot;item&quot;: &quot;Widget&quot;}]</textarea>" in page
    before = Account.objects.get(pk=tenant.account.pk).credits
    response = generate(browser, template, django_capture_on_commit_callbacks, **{"field-0": "twelve", "field-1": "[]"})
    assert response.status_code == 400
    assert re.search(r'id="gen-field-0-error">Field &#x27;Total&#x27; must be a number', response.content.decode())
    response = generate(browser, template, django_capture_on_commit_callbacks, **{"field-0": "3", "field-1": "[{"})
    assert response.status_code == 400 and 'id="gen-field-1-error">' in response.content.decode()
    assert not DocumentRequest.objects.for_account(tenant.account).exists()
    assert Account.objects.get(pk=tenant.account.pk).credits == before


def test_no_credit_and_rate_limit_as_the_api(browser, tenant, seed_template, django_capture_on_commit_callbacks):
    plan = tenant.account.plan
    plan.rate_limit_per_minute = 2  # calls a minute, refused ones included, as on /v1
    plan.save()
    Account.objects.filter(pk=tenant.account.pk).update(credits=0)
    response = generate(browser, seed_template, django_capture_on_commit_callbacks)
    assert response.status_code == 402
    assert "No credit" in response.content.decode() and "(2004)" in response.content.decode()
    Account.objects.filter(pk=tenant.account.pk).update(credits=10)
    assert generate(browser, seed_template, django_capture_on_commit_callbacks).status_code == 302
    assert generate(browser, seed_template, django_capture_on_commit_callbacks).status_code == 429
    assert DocumentRequest.objects.for_account(tenant.account).count() == 1


def test_request_rows_fragment_and_other_tenants(
    browser, tenant, other_tenant, seed_template, django_capture_on_commit_callbacks
):
    theirs_template = services.template_create(account=other_tenant.account, name="Theirs", html="<p>x</p>")
    theirs = services.content_request_create(account=other_tenant.account, template=theirs_template, fields={})
    mine = services.content_request_create(account=tenant.account, template=seed_template, fields={})
    rows = browser.get("/documents/requests/").content.decode()
    assert f"/documents/requests/{mine.request_id}/" in rows and "InProgress" in rows
    assert str(theirs.request_id) not in rows and "<html" not in rows
    assert browser.get(f"/documents/requests/{theirs.request_id}/").status_code == 404
    assert browser.get(f"/documents/requests/{theirs.request_id}/status").status_code == 404
    assert generate(browser, theirs_template, django_capture_on_commit_callbacks).status_code == 404
    assert not DocumentRequest.objects.for_account(tenant.account).filter(template=theirs_template).exists()
