"""Dashboard pages of documents through the Django test client."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from documents import services
from documents.models import DocumentTemplate
from documents.tests.conftest import SEED_TEMPLATE_ID, png_bytes

FORM = {
    "name": "Welcome letter",
    "page_size": "A5",
    "orientation": "landscape",
    "html": "<h1>Hi {{ fields['First Name'] }}</h1>{% for r in fields.rows %}<p>{{ r.item }}</p>{% endfor %}",
    "css": "h1 { color: red; }",
    "field_name": ["First Name", "rows", ""],
    "field_type": ["text", "list", "text"],
    "field_required": ["0"],
    "field_default": ["", "[]", ""],
    "field_sample": ["Zoë", '[{"item": "Widget"}]', ""],
}


@pytest.fixture
def logged_in(client, tenant):
    client.force_login(tenant.user)
    return client


def test_index_lists_templates_requests_and_links(
    logged_in, tenant, seed_template, django_capture_on_commit_callbacks, run_jobs, time_machine
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.content_request_create(
            account=tenant.account, template=seed_template, fields={"First Name": "A", "Machine": "B"}, output=None
        )
    run_jobs("documents")
    link = services.link_create(account=tenant.account, template=seed_template, fields={}, output=None)
    page = logged_in.get("/documents/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Machine certificate" in html and SEED_TEMPLATE_ID in html
    assert "Completed" in html and "/v1/files/" in html
    assert f"/d/{link.token[:10]}" in html
    # 31 minutes later the download link is gone from the page
    time_machine.move_to(timezone.now() + timedelta(minutes=31))
    html = logged_in.get("/documents/").content.decode()
    assert "/v1/files/" not in html and "expired" in html
    assert str(request.request_id)[:8] in html


def test_create_and_edit_template(logged_in, tenant):
    response = logged_in.post("/documents/templates/new", FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    template = DocumentTemplate.objects.for_account(tenant.account).get()
    assert response["Location"] == f"/documents/templates/{template.template_id}/"
    assert template.page_size == "A5" and template.orientation == "landscape"
    assert template.fields == [
        {"name": "First Name", "type": "text", "required": True, "default": None, "sample": "Zoë"},
        {"name": "rows", "type": "list", "required": False, "default": [], "sample": [{"item": "Widget"}]},
    ]
    page = logged_in.get(response["Location"])
    assert page.status_code == 200 and "Welcome letter" in page.content.decode()

    bad = logged_in.post(response["Location"], FORM | {"html": "{% if %}"})
    assert bad.status_code == 400 and "syntax error" in bad.content.decode()
    ok = logged_in.post(response["Location"], FORM | {"name": "Renamed"})
    assert ok.status_code == 302
    template.refresh_from_db()
    assert template.name == "Renamed"


def test_preview_renders_the_sample_values(logged_in, tenant, seed_template):
    response = logged_in.post("/documents/preview", FORM)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (595, 420)  # A5 landscape at 72 dpi
    error = logged_in.post("/documents/preview", FORM | {"html": "{{ ''.__class__ }}"})
    assert error.status_code == 400 and "forbidden" in error.json()["error"]["message"]
    # with the saved template's assets
    with_logo = logged_in.post(
        "/documents/preview",
        FORM | {"template_id": SEED_TEMPLATE_ID, "html": '<img src="logo.png" width="200" height="60">'},
    )
    assert with_logo.status_code == 200


def test_assets_upload_and_remove(logged_in, tenant, seed_template):
    upload = io.BytesIO(png_bytes())
    upload.name = "badge.png"
    response = logged_in.post(f"/documents/templates/{SEED_TEMPLATE_ID}/assets", {"file": upload})
    assert response.status_code == 302
    assert "badge.png" in logged_in.get(response["Location"]).content.decode()
    logged_in.post(f"/documents/templates/{SEED_TEMPLATE_ID}/assets/badge.png/delete")
    assert "<code>badge.png</code>" not in logged_in.get(response["Location"]).content.decode()


def test_delete_template(logged_in, tenant, seed_template):
    response = logged_in.post(f"/documents/templates/{SEED_TEMPLATE_ID}/delete")
    assert response.status_code == 302
    assert not DocumentTemplate.objects.for_account(tenant.account).exists()


def test_other_tenants_template_pages_are_404(client, other_tenant, tenant, seed_template):
    client.force_login(other_tenant.user)
    base = f"/documents/templates/{SEED_TEMPLATE_ID}"
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/", FORM).status_code == 404
    assert client.post(f"{base}/delete").status_code == 404
    assert client.post(f"{base}/assets", {}).status_code == 404
    assert client.post(f"{base}/assets/logo.png/delete").status_code == 404
    assert client.post("/documents/preview", FORM | {"template_id": SEED_TEMPLATE_ID}).status_code == 404
    assert "Machine certificate" not in client.get("/documents/").content.decode()
    assert DocumentTemplate.objects.for_account(tenant.account).exists()


def test_pages_need_login(client):
    assert client.get("/documents/").status_code == 302


# --- in headless Chromium: the live preview and both layouts (screenshots kept in tmp_path) ----------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_editor_live_preview_in_chromium(
    chromium, live_server, tenant, seed_template, tmp_path, django_capture_on_commit_callbacks, run_jobs
):
    _editor_checks(chromium, live_server, tenant, seed_template, tmp_path, django_capture_on_commit_callbacks, run_jobs)


def _editor_checks(
    chromium, live_server, tenant, seed_template, tmp_path, django_capture_on_commit_callbacks, run_jobs
):
    from conftest import browser_login

    with django_capture_on_commit_callbacks(execute=True):
        services.content_request_create(
            account=tenant.account,
            template=seed_template,
            fields={"First Name": "Zoë", "Machine": "AK-2000"},
            output=None,
        )
    run_jobs("documents")
    services.link_create(account=tenant.account, template=seed_template, fields={"First Name": "Ada"}, output=None)
    for width, height in [(1280, 860), (390, 844)]:
        context = chromium.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url, is_mobile=width < 500
        )
        page = context.new_page()
        browser_login(page, tenant)
        page.goto("/documents/")
        page.screenshot(path=tmp_path / f"documents-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        page.goto(f"/documents/templates/{SEED_TEMPLATE_ID}/")
        expect(page.locator("#preview-image")).not_to_have_js_property("naturalWidth", 0)
        first = page.evaluate("document.getElementById('preview-image').src")
        page.screenshot(path=tmp_path / f"editor-{width}-loaded.png", full_page=True)
        page.fill("#id_html", "<h1>{{ fields['First Name'] }} changed</h1>")
        expect(page.locator("#preview-image")).not_to_have_js_property("src", first)
        page.click("#add-field")
        assert page.locator("[data-field-row]").count() == 4
        page.locator("[data-field-row]").last.locator("[data-remove-field]").click()
        assert page.locator("[data-field-row]").count() == 3
        page.fill("#id_html", "{{ ''.__class__ }}")
        page.wait_for_selector("#preview-error:not([hidden])")
        assert "forbidden" in page.locator("#preview-error").inner_text()
        page.fill("#id_html", "<h1>{{ fields['First Name'] }}</h1><img src='logo.png' width='200' height='60'>")
        page.wait_for_selector("#preview-error", state="hidden")
        expect(page.locator("#preview-state")).to_have_text("sample values")
        page.screenshot(path=tmp_path / f"editor-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
    print(f"screenshots in {tmp_path}")
