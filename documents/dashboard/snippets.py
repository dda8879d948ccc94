"""The document template page's code to copy: ``POST /v1/content`` with the template's fields
(their sample values), then a long poll until the document is ready."""

from __future__ import annotations

from typing import Any

from core.snippets import Snippet, json_post_snippets
from documents.models import DocumentTemplate

KEY_PLACEHOLDER = "YOUR_API_KEY"

PYTHON_THEN = """
# Long poll: each GET answers as soon as the document is ready (or after 20 s).
while True:
    status = requests.get(
        url, headers=headers, params={"requestId": result["RequestId"], "wait": 20}, timeout=30
    ).json()
    if status["Status"] != "InProgress":
        break
if status["Status"] == "Completed":
    print("Download URL:", status["URLs"][0])  # live 30 minutes
else:
    print("Failed:", status["FailureDescription"])
"""
JS_THEN = """
// Long poll: each GET answers as soon as the document is ready (or after 20 s).
let status;
do {
  const poll = await fetch(`${url}?requestId=${result.RequestId}&wait=20`, { headers });
  status = await poll.json();
} while (status.Status === 'InProgress');
if (status.Status === 'Completed') console.log('Download URL:', status.URLs[0]); // live 30 minutes
else console.error('Failed:', status.FailureDescription);
"""


def sample_fields(template: DocumentTemplate) -> dict[str, Any]:
    """Each field's sample value (else its default; else its name, for a text)."""
    values = {}
    for field in template.fields:
        value = field.get("sample")
        if value is None:
            value = field.get("default")
        if value is None and field.get("type", "text") == "text":
            value = field["name"]
        if value is not None:
            values[field["name"]] = value
    return values


def content_body(template: DocumentTemplate, fields: dict[str, Any], output_format: str = "PDF") -> dict[str, Any]:
    return {
        "TemplateId": str(template.template_id),
        "Fields": fields,
        "Output": {"Format": output_format, "Quality": "Display"},
    }


def document_snippets(*, template: DocumentTemplate, base_url: str) -> list[Snippet]:
    return json_post_snippets(
        url=f"{base_url}/v1/content",
        headers={"Authorization": f"ApiKey {KEY_PLACEHOLDER}"},
        body=content_body(template, sample_fields(template)),
        python_then=PYTHON_THEN,
        js_then=JS_THEN,
    )
