"""Seed 003's Python, JavaScript and cURL snippets, verbatim but for the base URL and the key,
against a live server; the documents worker runs between the snippet's polls.

Adaptation: `requests` is not a dependency of the project, so the Python snippet runs with
``import httpx as requests`` — httpx's ``post(url, headers=, json=)`` and ``.json()`` are the
same calls. Nothing else in the snippet changes."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import httpx
import pytest

from documents.tests.conftest import SEED_TEMPLATE_ID, pdf_pages, pdf_text

# Plans are rows of a data migration: a transactional test must restore them after its flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_URL = "https://api.personalia.io"

PYTHON_SNIPPET = """
# Generate a document using Python
import requests
url = "https://api.personalia.io/v1/content"
headers = {
"Authorization": "ApiKey YOUR_API_KEY",
"Content-Type": "application/json"
}
data = {
"TemplateId": "c790fd3b-10ef-4a58-963b-b688e564eefa",
"Fields": {
"First Name": "John",
"Machine": "AK-2000",
"Color": "Blue"
},
"Output": {
"Format": "PDF",
"Quality": "Display"
}
}
response = requests.post(url, headers=headers, json=data)
result = response.json()
request_id = result.get('RequestId')
"""

JS_SNIPPET = r"""
// 1. Request PDF generation
const response = await fetch(
'https://api.personalia.io/v1/content',
{
method: 'POST',
headers: {
'Content-Type': 'application/json',
'Authorization': 'ApiKey YOUR_API_KEY'
},
body: JSON.stringify({
TemplateId: 'c790fd3b-10ef-4a58-963b-b688e564eefa',
Fields: {
'First Name': 'John',
'Machine': 'AK-2000',
'Color': 'Blue'
},
Output: {
Format: 'PDF',
Quality: 'Display',
Package: false,
StrictPolicy: true
}
})
}
);
// 2. Get the request ID for polling
const { RequestId } = await response.json();
// 3. Poll for completion
const getResult = async () => {
const result = await fetch(
`https://api.personalia.io/v1/content?requestId=${RequestId}`,
{
headers: {
'Authorization': 'ApiKey YOUR_API_KEY'
}
}
);
return await result.json();
};
// 4. Check status periodically
let result = await getResult();
while (result.Status === 'InProgress') {
await new Promise(resolve => setTimeout(resolve, 1000));
result = await getResult();
}
// 5. Handle the result
if (result.Status === 'Completed') {
console.log('Download URL:', result.URLs[0]);
// URL is valid for 15 minutes
} else if (result.Status === 'Failed') {
console.error('Generation failed:', result.FailureDescription);
}
"""

CURL_SNIPPET = """curl -X POST https://api.personalia.io/v1/content \\
-H "Authorization: ApiKey YOUR_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{
"TemplateId": "c790fd3b-10ef-4a58-963b-b688e564eefa",
"Fields": {
"First Name": "John",
"Machine": "AK-2000",
"Color": "Blue"
},
"Output": {
"Format": "PDF",
"Quality": "Display"
}
}'
"""


def adapt(snippet: str, live_server, tenant) -> str:
    return snippet.replace(SEED_URL, live_server.url).replace("YOUR_API_KEY", tenant.key)


def poll_until_done(live_server, tenant, request_id: str, run_jobs) -> dict:
    headers = {"Authorization": f"ApiKey {tenant.key}"}
    for _ in range(50):
        result = httpx.get(f"{live_server.url}/v1/content", params={"requestId": request_id}, headers=headers).json()
        if result["Status"] != "InProgress":
            return result
        run_jobs("documents")
    raise AssertionError(f"request {request_id} never finished")


def check_pdf(url: str) -> None:
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert pdf_pages(response.content) == 1
    text = pdf_text(response.content)
    assert "Hello John" in text and "AK-2000" in text and "Blue" in text


def test_python_snippet(live_server, tenant, seed_template, run_jobs):
    namespace: dict = {}
    code = adapt(PYTHON_SNIPPET, live_server, tenant).replace("import requests", "import httpx as requests")
    exec(compile(code, "seed-003-python", "exec"), namespace)
    assert namespace["response"].status_code == 202
    request_id = namespace["request_id"]
    assert request_id
    result = poll_until_done(live_server, tenant, request_id, run_jobs)
    assert result["Status"] == "Completed", result
    check_pdf(result["URLs"][0])


@pytest.mark.skipif(
    shutil.which("node") is None,
    reason="Node.js is not installed (make test installs it as root; else apt-get install nodejs)",
)
def test_javascript_snippet(live_server, tenant, seed_template, run_jobs, tmp_path):
    script = tmp_path / "seed003.mjs"  # an ES module: top-level await, as the snippet is written
    script.write_text(adapt(JS_SNIPPET, live_server, tenant))
    process = subprocess.Popen(["node", str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        run_jobs("documents")  # the worker, between the snippet's one-second polls
        time.sleep(0.2)
    if process.poll() is None:
        process.kill()
    stdout, stderr = process.communicate()
    assert process.returncode == 0, stderr
    assert stdout.startswith("Download URL: "), (stdout, stderr)
    url = stdout.removeprefix("Download URL: ").strip()
    assert url.startswith(f"{live_server.url}/v1/files/")
    check_pdf(url)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_snippet(live_server, tenant, seed_template, run_jobs):
    command = adapt(CURL_SNIPPET, live_server, tenant)
    completed = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=30)
    assert completed.returncode == 0, completed.stderr
    request_id = json.loads(completed.stdout)["RequestId"]
    result = poll_until_done(live_server, tenant, request_id, run_jobs)
    assert result["Status"] == "Completed", result
    check_pdf(result["URLs"][0])


def test_on_demand_url_over_http(live_server, tenant, seed_template):
    headers = {"Authorization": f"ApiKey {tenant.key}"}
    body = {
        "TemplateId": SEED_TEMPLATE_ID,
        "Fields": {"First Name": "John", "Machine": "AK-2000", "Color": "Blue"},
        "Output": {"Format": "PDF", "Quality": "Display"},
    }
    url = httpx.post(f"{live_server.url}/v1/content/url", headers=headers, json=body).json()["URL"]
    check_pdf(url)
    check_pdf(url)
