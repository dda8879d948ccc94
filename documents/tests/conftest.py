"""Document-specific fixtures (the shared ones — tenant, api, run_jobs — are in the root conftest)."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader

from documents import services

SEED_TEMPLATE_ID = "c790fd3b-10ef-4a58-963b-b688e564eefa"
SEED_HTML = """<html><body>
<img src="logo.png" width="120" height="40">
<h1>Hello {{ fields["First Name"] }}</h1>
<p>Machine: {{ Machine }}</p><p>Color: {{ Color }}</p>
</body></html>"""
SEED_FIELDS = [
    {"name": "First Name", "type": "text", "required": True, "sample": "Ada"},
    {"name": "Machine", "type": "text", "required": True, "sample": "AK-2000"},
    {"name": "Color", "type": "text", "required": False, "default": "Black", "sample": "Blue"},
]


def png_bytes(size=(240, 80), color=(67, 56, 202)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def zip_names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


@pytest.fixture
def seed_template(tenant):
    """The template of seed 003's snippets, with the seed's TemplateId and a logo asset."""
    template = services.template_create(
        account=tenant.account,
        name="Machine certificate",
        html=SEED_HTML,
        fields=SEED_FIELDS,
        template_id=SEED_TEMPLATE_ID,
    )
    services.asset_put(
        account=tenant.account, template=template, name="logo.png", content=png_bytes(), content_type="image/png"
    )
    return template
