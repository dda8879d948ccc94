"""Campaign fixtures: a video and a document template, seed-004 users, an HTTP client on the live server."""

from __future__ import annotations

import httpx
import pytest

from core.openapi import answer_errors
from documents import services as document_services
from personalization.models import VisitorUser

VIDEO_SCRIPT = {
    "width": 176,
    "height": 144,
    "background": "#203060",
    "elements": [{"id": "hi", "type": "text", "text": "Hi $name", "duration": 0.5, "size": 20}],
}
PROFILE = "MP4_H264_AAC_176x144_24fps"
DOCUMENT_HTML = "<html><body><h1>Dear {{ Name }}</h1><p>Plan: {{ Plan }}</p></body></html>"
DOCUMENT_FIELDS = [
    {"name": "Name", "type": "text", "required": True},
    {"name": "Plan", "type": "text", "required": False, "default": "basic"},
]
USERS = [
    ("ana@example.com", "Ana", "ES"),
    ("bruno@example.com", "Bruno", "ES"),
    ("carla@example.com", "", "ES"),  # no first name: the fallback or a per-recipient error
    ("dirk@example.com", "Dirk", "DE"),
]


def make_video_template(rpc) -> str:
    return rpc("Template_New", {"name": "Hello", "inputScripts": VIDEO_SCRIPT, "outProfiles": [PROFILE]})["templateID"]


def make_document_template(account) -> str:
    template = document_services.template_create(
        account=account, name="Letter", html=DOCUMENT_HTML, fields=DOCUMENT_FIELDS
    )
    return str(template.template_id)


def make_users(account, users=USERS) -> list[VisitorUser]:
    return VisitorUser.objects.bulk_create(
        VisitorUser(account=account, email=email, first_name=name, country=country) for email, name, country in users
    )


@pytest.fixture
def http(live_server, tenant):
    """Real HTTP to the live server as the tenant (``http.as_tenant(other)`` for another one); every
    answer is checked against the OpenAPI schema, as the ``api`` fixture does."""

    def conforms(response: httpx.Response) -> None:
        content_type = response.headers.get("content-type", "")
        body = response.read() if content_type.startswith("application/json") else b""
        found = answer_errors(response.request.method, response.url.path, response.status_code, content_type, body)
        assert found == [], found

    def client_for(who) -> httpx.Client:
        return httpx.Client(
            base_url=live_server.url,
            headers={"Authorization": f"ApiKey {who.key}"},
            timeout=30,
            event_hooks={"response": [conforms]},
        )

    client = client_for(tenant)
    client.as_tenant = client_for
    yield client
    client.close()
