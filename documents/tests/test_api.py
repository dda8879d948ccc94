"""The REST surface of documents: templates CRUD, /v1/content, on-demand URLs, signed downloads."""

from __future__ import annotations

import io
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from PIL import Image

from accounts.models import Account
from documents import services
from documents.models import DocumentRequest, OnDemandLink
from documents.tests.conftest import SEED_TEMPLATE_ID, body_of, pdf_pages, pdf_text, png_bytes, zip_names

ACCENTS = "José Ñúñez Zoë Łódź"
SEED_BODY = {
    "TemplateId": SEED_TEMPLATE_ID,
    "Fields": {"First Name": "John", "Machine": "AK-2000", "Color": "Blue"},
    "Output": {"Format": "PDF", "Quality": "Display", "Package": False, "StrictPolicy": True},
}


def credits(tenant) -> int:
    return Account.objects.get(pk=tenant.account.pk).credits


def submit(api, body, django_capture_on_commit_callbacks, run_jobs, run=True) -> dict:
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/v1/content", body)
    assert response.status_code == 202, response.content
    request_id = response.json()["RequestId"]
    if run:
        run_jobs("documents")
    return api.get(f"/v1/content?requestId={request_id}").json()


def download(client, url: str):
    return client.get(url.removeprefix("http://testserver"))


def assert_error(response, status: int, param: str | None = None):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "param", "type", "number"}
    if param is not None:
        assert error["param"] == param, error
    return error


@pytest.fixture
def frozen_time(time_machine):
    """Time stands still from now on; the test moves it with ``frozen_time.shift``."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


# --- templates ----------------------------------------------------------------------------


TEMPLATE_BODY = {
    "Name": "Invoice",
    "Html": "<h1>Invoice for {{ fields['Customer'] }}</h1>{% for r in fields.rows %}<p>{{ r.item }}</p>{% endfor %}",
    "Css": "h1 { color: #333; }",
    "Fields": [
        {"Name": "Customer", "Type": "text", "Required": True, "Sample": "Ada"},
        {"Name": "rows", "Type": "list", "Default": []},
    ],
    "PageSize": "Letter",
    "Orientation": "landscape",
}


def test_template_crud(api):
    created = api.post("/v1/templates", TEMPLATE_BODY)
    assert created.status_code == 201, created.content
    template = created.json()
    template_id = template["TemplateId"]
    assert template["Fields"][0] == {
        "Name": "Customer",
        "Type": "text",
        "Required": True,
        "Default": None,
        "Sample": "Ada",
    }
    assert template["PageSize"] == "Letter" and template["Orientation"] == "landscape"

    listed = api.get("/v1/templates").json()
    assert [t["TemplateId"] for t in listed] == [template_id]

    info = api.get(f"/v1/templates/{template_id}").json()
    assert [(f["Name"], f["Type"], f["Required"], f["Default"]) for f in info["Fields"]] == [
        ("Customer", "text", True, None),
        ("rows", "list", False, []),
    ]
    assert api.get(f"/v1/templates?templateId={template_id}").json() == info  # seed 003's parameter form
    missing = api.get("/v1/templates?templateId=c790fd3b-10ef-4a58-963b-b688e564eefa")
    assert assert_error(missing, 404, "templateId")["code"] == "template_not_found"

    patched = api.patch(f"/v1/templates/{template_id}", {"Name": "Invoice v2"})
    assert patched.status_code == 200 and patched.json()["Name"] == "Invoice v2"
    assert patched.json()["Fields"] == info["Fields"]

    replaced = api.put(
        f"/v1/templates/{template_id}", {"Name": "Plain", "Html": "<p>{{ Note }}</p>", "Fields": [{"Name": "Note"}]}
    )
    assert replaced.status_code == 200
    assert replaced.json()["PageSize"] == "A4" and [f["Name"] for f in replaced.json()["Fields"]] == ["Note"]

    assert api.delete(f"/v1/templates/{template_id}").status_code == 204
    assert_error(api.get(f"/v1/templates/{template_id}"), 404, "templateId")


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"Html": "{% for x in %}"}, "Html"),
        ({"Html": "{{ ''.__class__ }}"}, "Html"),
        ({"Css": "</style><script>"}, "Css"),
        ({"Fields": [{"Name": "a", "Type": "colour"}]}, "Fields.Type"),
        ({"Fields": [{"Name": "a"}, {"Name": "a"}]}, "Fields[1].Name"),
        ({"Fields": [{"Name": "n", "Type": "number", "Default": "abc"}]}, "Fields[0].Default"),
        ({"PageSize": "B5"}, "PageSize"),
        ({"Name": ""}, "Name"),
    ],
)
def test_template_validation(api, change, param):
    assert_error(api.post("/v1/templates", TEMPLATE_BODY | change), 400, param)


def test_template_assets(api, client):
    template_id = api.post(
        "/v1/templates", TEMPLATE_BODY | {"Html": '<img src="logo.png" width="10" height="10">'}
    ).json()["TemplateId"]
    upload = io.BytesIO(png_bytes())
    upload.name = "logo.png"
    response = client.post(f"/v1/templates/{template_id}/assets", {"file": upload}, **api.headers)
    assert response.status_code == 201, response.content
    assert response.json()["Name"] == "logo.png"
    assert api.get(f"/v1/templates/{template_id}").json()["Assets"][0]["Name"] == "logo.png"
    bad = io.BytesIO(b"x")
    bad.name = "x.png"
    assert_error(
        client.post(f"/v1/templates/{template_id}/assets", {"file": bad, "name": "../etc/passwd"}, **api.headers),
        400,
        "name",
    )
    assert api.delete(f"/v1/templates/{template_id}/assets/logo.png").status_code == 204
    assert api.get(f"/v1/templates/{template_id}").json()["Assets"] == []


def test_templates_need_a_key(client):
    assert_error(client.get("/v1/templates"), 401)


# --- POST/GET /v1/content ------------------------------------------------------------------


def test_content_pdf_end_to_end(api, client, tenant, seed_template, django_capture_on_commit_callbacks, run_jobs):
    before = credits(tenant)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/v1/content", SEED_BODY | {"Fields": {"First Name": ACCENTS, "Machine": "AK-2000"}})
    assert response.status_code == 202
    request_id = response.json()["RequestId"]
    assert credits(tenant) == before - 1  # charged at once
    pending = api.get(f"/v1/content?requestId={request_id}").json()
    assert pending == {"RequestId": request_id, "Status": "InProgress", "URLs": []}

    run_jobs("documents")
    result = api.get(f"/v1/content?requestId={request_id}").json()
    assert result["Status"] == "Completed", result
    assert len(result["URLs"]) == 1 and result["URLs"][0].startswith("http://testserver/v1/files/")
    pdf = download(client, result["URLs"][0])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    data = body_of(pdf)
    assert pdf_pages(data) == 1
    text = pdf_text(data)
    assert ACCENTS in text and "AK-2000" in text and "Black" in text  # Color took its default
    assert credits(tenant) == before - 1


@pytest.mark.parametrize(("quality", "dpi", "size"), [("Display", 150, (1240, 1754)), ("Print", 300, (2480, 3508))])
@pytest.mark.parametrize("fmt", ["PNG", "JPG"])
def test_content_images(
    api, client, seed_template, django_capture_on_commit_callbacks, run_jobs, fmt, quality, dpi, size
):
    body = SEED_BODY | {"Output": {"Format": fmt, "Quality": quality}}
    result = submit(api, body, django_capture_on_commit_callbacks, run_jobs)
    assert result["Status"] == "Completed", result
    response = download(client, result["URLs"][0])
    image = Image.open(io.BytesIO(body_of(response)))
    assert image.format == {"PNG": "PNG", "JPG": "JPEG"}[fmt]
    assert image.size == size
    assert round(image.info["dpi"][0]) == dpi


@pytest.mark.parametrize("fmt", ["PNG", "JPG"])
def test_content_image_resolution(api, client, seed_template, django_capture_on_commit_callbacks, run_jobs, fmt):
    body = SEED_BODY | {"Output": {"Format": fmt, "Quality": "Print", "Resolution": 72}}
    result = submit(api, body, django_capture_on_commit_callbacks, run_jobs)
    assert result["Status"] == "Completed", result
    image = Image.open(io.BytesIO(body_of(download(client, result["URLs"][0]))))
    assert image.size == (595, 842) and round(image.info["dpi"][0]) == 72  # A4 at 72 dpi


def test_content_package_zip(api, client, tenant, django_capture_on_commit_callbacks, run_jobs):
    template = services.template_create(
        account=tenant.account,
        name="Two pages",
        html="<p>{{ A }}</p><pdf:nextpage /><p>two</p>",
        fields=[{"name": "A"}],
    )
    body = {"TemplateId": str(template.template_id), "Fields": {"A": "x"}, "Output": {"Format": "PNG", "Package": True}}
    result = submit(api, body, django_capture_on_commit_callbacks, run_jobs)
    assert result["Status"] == "Completed"
    response = download(client, result["URLs"][0])
    assert response["Content-Type"] == "application/zip"
    assert zip_names(body_of(response)) == ["document-1.png", "document-2.png"]
    pdf = submit(api, body | {"Output": {"Package": True}}, django_capture_on_commit_callbacks, run_jobs)
    assert zip_names(body_of(download(client, pdf["URLs"][0]))) == ["document.pdf"]


@pytest.mark.parametrize(
    ("raw", "param"),
    [
        ("{not json", None),
        ("[1, 2]", ""),
        (json.dumps({"Fields": {}}), "TemplateId"),
        (json.dumps({"TemplateId": 12, "Fields": {}}), "TemplateId"),
        (json.dumps({"TemplateId": SEED_TEMPLATE_ID}), "Fields"),
        (json.dumps({"TemplateId": SEED_TEMPLATE_ID, "Fields": ["John"]}), "Fields"),
        (json.dumps({"TemplateId": SEED_TEMPLATE_ID, "Fields": {}, "Output": "PDF"}), "Output"),
        (json.dumps(SEED_BODY | {"Output": {"Format": "GIF"}}), "Output.Format"),
        (json.dumps(SEED_BODY | {"Output": {"Quality": "High"}}), "Output.Quality"),
        (json.dumps(SEED_BODY | {"Output": {"Package": "yes"}}), "Output.Package"),
        (json.dumps(SEED_BODY | {"Output": {"Format": "PDF", "Resolution": 300}}), "Output.Resolution"),
        (json.dumps(SEED_BODY | {"Output": {"Format": "PNG", "Resolution": 5000}}), "Output.Resolution"),
        (json.dumps(SEED_BODY | {"Output": {"Format": "PNG", "Resolution": "72dpi"}}), "Output.Resolution"),
        (json.dumps(SEED_BODY | {"Output": {"Format": "PDF", "Colour": "CMYK"}}), "Output.Colour"),
        (json.dumps(SEED_BODY | {"Fields": {"First Name": {"x": 1}, "Machine": "A"}}), "First Name"),
        # StrictPolicy: unknown and missing required fields name the field
        (json.dumps(SEED_BODY | {"Fields": {"First Name": "J", "Machine": "A", "Colour": "B"}}), "Colour"),
        (json.dumps(SEED_BODY | {"Fields": {"Machine": "A"}}), "First Name"),
        (json.dumps(SEED_BODY | {"Fields": {"First Name": None, "Machine": "A"}}), "First Name"),
    ],
)
@pytest.mark.parametrize("endpoint", ["/v1/content", "/v1/content/url"])
def test_content_bad_requests_are_400_and_free(api, client, tenant, seed_template, raw, param, endpoint):
    before = credits(tenant)
    response = client.post(endpoint, raw, content_type="application/json", **api.headers)
    error = assert_error(response, 400, param)
    assert error["type"] == "invalid_request_error" and error["message"]
    assert credits(tenant) == before
    assert not DocumentRequest.objects.for_account(tenant.account).exists()
    assert not OnDemandLink.objects.for_account(tenant.account).exists()


def test_lenient_policy_ignores_unknown_and_fills_missing(
    api, client, seed_template, django_capture_on_commit_callbacks, run_jobs
):
    body = {
        "TemplateId": SEED_TEMPLATE_ID,
        "Fields": {"Machine": "ZX-1", "Colour": "ignored"},
        "Output": {"StrictPolicy": False},
    }
    result = submit(api, body, django_capture_on_commit_callbacks, run_jobs)
    assert result["Status"] == "Completed"
    text = pdf_text(body_of(download(client, result["URLs"][0])))
    assert "ZX-1" in text and "Black" in text and "ignored" not in text
    # StrictPolicy defaults to lenient, as in the seed's quick-start snippets
    result = submit(
        api, {"TemplateId": SEED_TEMPLATE_ID, "Fields": {"Extra": 1}}, django_capture_on_commit_callbacks, run_jobs
    )
    assert result["Status"] == "Completed"


def test_unknown_template_is_404_with_param(api, tenant):
    before = credits(tenant)
    for template_id in ["00000000-0000-0000-0000-000000000000", "not-a-uuid"]:
        body = SEED_BODY | {"TemplateId": template_id}
        assert_error(api.post("/v1/content", body), 404, "TemplateId")
        assert_error(api.post("/v1/content/url", body), 404, "TemplateId")
    assert credits(tenant) == before


def test_no_credit_is_402_and_nothing_queued(api, tenant, seed_template, django_capture_on_commit_callbacks):
    Account.objects.filter(pk=tenant.account.pk).update(credits=0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api.post("/v1/content", SEED_BODY)
    error = assert_error(response, 402)
    assert (error["code"], error["number"], error["type"]) == ("no_credit", 2004, "quota_error")
    assert callbacks == [] and not DocumentRequest.objects.for_account(tenant.account).exists()


def test_get_content_needs_request_id(api):
    assert_error(api.get("/v1/content"), 400, "requestId")
    assert_error(api.get("/v1/content?requestId=nope"), 404, "requestId")


def test_render_failure_refunds(api, tenant, django_capture_on_commit_callbacks, run_jobs):
    template = services.template_create(
        account=tenant.account,
        name="Divides",
        fields=[{"name": "Amount", "type": "number"}],
        html="{% if fields.Amount == 0 %}{{ 1 / fields.Amount }}{% endif %}<p>ok</p>",
    )
    before = credits(tenant)
    result = submit(
        api,
        {"TemplateId": str(template.template_id), "Fields": {"Amount": 0}},
        django_capture_on_commit_callbacks,
        run_jobs,
    )
    assert result["Status"] == "Failed" and result["URLs"] == []
    assert "division by zero" in result["FailureDescription"]
    assert credits(tenant) == before  # charged, then refunded once


# --- signed downloads expire ------------------------------------------------------------------


def test_download_urls_expire_after_30_minutes(
    api, client, seed_template, frozen_time, django_capture_on_commit_callbacks, run_jobs
):
    result = submit(api, SEED_BODY, django_capture_on_commit_callbacks, run_jobs)
    url = result["URLs"][0]
    frozen_time.shift(timedelta(minutes=29, seconds=59))
    whole = download(client, url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    part = client.get(url.removeprefix("http://testserver"), HTTP_RANGE="bytes=-100")
    assert part.status_code == 206 and body_of(part) == body_of(whole)[-100:]
    frozen_time.shift(timedelta(seconds=1))
    error = assert_error(download(client, url), 410)
    assert "expired" in error["message"]
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert_error(download(client, tampered), 404)


# --- on-demand URLs -------------------------------------------------------------------------


def test_on_demand_url(api, client, tenant, seed_template, frozen_time):
    before = credits(tenant)
    response = api.post("/v1/content/url", SEED_BODY | {"Output": {"Format": "PDF", "Quality": "Display"}})
    assert response.status_code == 200, response.content
    url = response.json()["URL"]
    assert url.startswith("http://testserver/d/")
    assert credits(tenant) == before  # nothing rendered or charged yet

    first = download(client, url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    first_pdf = body_of(first)
    assert "John" in pdf_text(first_pdf)
    assert credits(tenant) == before - 1

    # Later opens stream the cache: an edited template does not change the document, nor is it charged again.
    services.template_update(account=tenant.account, template=seed_template, html="<p>changed</p>")
    frozen_time.shift(timedelta(days=29, hours=23))
    second = client.get(url.removeprefix("http://testserver"), HTTP_RANGE="bytes=0-")
    assert second.status_code == 206 and second["Content-Range"] == f"bytes 0-{len(first_pdf) - 1}/{len(first_pdf)}"
    assert body_of(second) == first_pdf and 'filename="' in second["Content-Disposition"]
    assert credits(tenant) == before - 1
    link = OnDemandLink.objects.for_account(tenant.account).get()
    assert link.opens == 2 and link.first_opened_at is not None

    frozen_time.shift(timedelta(hours=1))
    assert assert_error(download(client, url), 410)["message"] == "This link expired 30 days after it was created"
    assert_error(client.get("/d/unknown-token"), 404)


def test_on_demand_only_pdf(api, seed_template):
    assert_error(api.post("/v1/content/url", SEED_BODY | {"Output": {"Format": "PNG"}}), 400, "Output.Format")
    assert_error(api.post("/v1/content/url", SEED_BODY | {"Output": {"Package": True}}), 400, "Output.Package")


def test_on_demand_without_credit_is_402_and_renders_later(api, client, tenant, seed_template):
    url = api.post("/v1/content/url", SEED_BODY).json()["URL"]
    Account.objects.filter(pk=tenant.account.pk).update(credits=0)
    error = assert_error(download(client, url), 402)
    assert (error["code"], error["number"]) == ("no_credit", 2004)
    assert not OnDemandLink.objects.for_account(tenant.account).get().cached_key
    Account.objects.filter(pk=tenant.account.pk).update(credits=1)
    assert download(client, url).status_code == 200
    assert credits(tenant) == 0


# --- isolation, confinement, schema -------------------------------------------------------------


def test_other_tenants_ids_are_404(
    api, client, other_tenant, seed_template, django_capture_on_commit_callbacks, run_jobs
):
    result = submit(api, SEED_BODY, django_capture_on_commit_callbacks, run_jobs)
    other = api.as_tenant(other_tenant)
    template_path = f"/v1/templates/{SEED_TEMPLATE_ID}"
    assert_error(other.get(template_path), 404, "templateId")
    assert_error(other.patch(template_path, {"Name": "mine"}), 404, "templateId")
    assert_error(other.put(template_path, TEMPLATE_BODY), 404, "templateId")
    assert_error(other.delete(template_path), 404, "templateId")
    assert_error(other.delete(f"{template_path}/assets/logo.png"), 404, "templateId")
    assert_error(client.post(f"{template_path}/assets", {}, **other.headers), 404, "templateId")
    assert_error(other.post("/v1/content", SEED_BODY), 404, "TemplateId")
    assert_error(other.post("/v1/content/url", SEED_BODY), 404, "TemplateId")
    assert_error(other.get(f"/v1/content?requestId={result['RequestId']}"), 404, "requestId")
    assert other.get("/v1/templates").json() == []
    assert api.get(template_path).status_code == 200


class _CountingHandler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(png_bytes((10, 10)))

    def log_message(self, *args):
        pass


def test_render_never_reaches_the_network(api, tenant, django_capture_on_commit_callbacks, run_jobs):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        html = (
            f'<link rel="stylesheet" href="{base}/style.css"><style>@import url("{base}/import.css");</style>'
            f'<img src="{base}/img.png" width="20" height="20"><img src="file:///etc/hostname">'
            f'<img src="../../../etc/passwd"><div style="background-image: url({base}/bg.png)">x</div>'
            "<p>{{ Name }}</p>"
        )
        template = services.template_create(account=tenant.account, name="Greedy", html=html, fields=[{"name": "Name"}])
        result = submit(
            api,
            {"TemplateId": str(template.template_id), "Fields": {"Name": "Zoë"}},
            django_capture_on_commit_callbacks,
            run_jobs,
        )
        assert result["Status"] == "Completed"
        assert _CountingHandler.hits == []
    finally:
        server.shutdown()


def test_job_twice_is_harmless(api, tenant, seed_template, django_capture_on_commit_callbacks, run_jobs):
    result = submit(api, SEED_BODY, django_capture_on_commit_callbacks, run_jobs)
    request = DocumentRequest.objects.for_account(tenant.account).get()
    services.document_request_process(request_pk=request.pk)
    again = api.get(f"/v1/content?requestId={result['RequestId']}").json()
    assert again["Status"] == "Completed"
    assert DocumentRequest.objects.for_account(tenant.account).get().completed_at == request.completed_at


def test_schema_lists_every_endpoint(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in [
        "/v1/templates",
        "/v1/templates/{templateId}",
        "/v1/templates/{templateId}/assets",
        "/v1/content",
        "/v1/content/url",
    ]:
        assert path in schema["paths"], path
    content = schema["paths"]["/v1/content"]
    assert content["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert "402" in content["post"]["responses"]
