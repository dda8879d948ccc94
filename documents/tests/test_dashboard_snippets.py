"""The document template page's code to copy: each snippet, with the placeholder replaced by
a real key, generates the document on a live server and prints its download URL."""

import json

import httpx
import pytest

from documents import services
from documents.models import DocumentRequest
from documents.tests.conftest import pdf_text
from tests.snippet_runner import missing_tool, run_snippet, snippets_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("language", ["curl", "python", "javascript"])
def test_snippet_generates_the_document(language, client, live_server, tenant, seed_template, run_jobs, tmp_path):
    if missing_tool(language):
        pytest.skip(f"{missing_tool(language)} is not installed")
    client.force_login(tenant.user)
    page = client.get(f"/documents/templates/{seed_template.template_id}/").content.decode()
    code = snippets_of(page)[language]
    assert str(seed_template.template_id) in code and '"First Name": "Ada"' in code
    assert "YOUR_API_KEY" in code and tenant.key not in code

    runnable = code.replace("http://testserver", live_server.url).replace("YOUR_API_KEY", tenant.key)
    done = run_snippet(language, runnable, tmp_path, between=lambda: run_jobs("documents"))
    assert done.returncode == 0, done.stderr
    request = DocumentRequest.objects.for_account(tenant.account).get()
    if language == "curl":
        assert json.loads(done.stdout) == {"RequestId": str(request.request_id)}
        return
    assert done.stdout.startswith("Download URL: "), (done.stdout, done.stderr)
    pdf = httpx.get(done.stdout.removeprefix("Download URL: ").strip())
    assert pdf.headers["content-type"] == "application/pdf"
    assert "Hello Ada" in pdf_text(pdf.content) and "AK-2000" in pdf_text(pdf.content)


def test_another_accounts_template_has_no_page(client, tenant, other_tenant):
    theirs = services.template_create(account=other_tenant.account, name="Theirs", html="<p>x</p>")
    client.force_login(tenant.user)
    assert client.get(f"/documents/templates/{theirs.template_id}/").status_code == 404
