"""The JSON-RPC reference page is generated from the registry: every method (and alias), struct,
enum and catalogued error is on it, with nothing to keep in step by hand."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.urls import reverse

from core import errors, rpc

pytestmark = pytest.mark.django_db


def test_every_registered_method_struct_enum_and_error_is_documented(client):
    response = client.get(reverse("dashboard:api-reference"))  # public: no login, like /api/docs/
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    names = set(rpc.REGISTRY.methods) | set(rpc.REGISTRY.aliases)
    assert names and all(f'id="method-{name}"' in page for name in names), names - {
        name for name in names if f'id="method-{name}"' in page
    }
    for name, method in rpc.REGISTRY.methods.items():
        for param in method.params:
            assert f"<code>{param.name}:</code>" in page.split(f'id="method-{name}"', 1)[1].split("</article>", 1)[0]
    assert all(f'id="type-{name}"' in page for name in [*rpc.REGISTRY.structs, *rpc.REGISTRY.enums])
    for entry in errors.catalog():
        assert f'<code>{entry.code}</code></td><td data-label="Message">{entry.message}</td>' in page


def test_types_link_to_their_struct(client):
    page = client.get(reverse("dashboard:api-reference")).content.decode()
    method = page.split('id="method-Video_Get"', 1)[1].split("</article>", 1)[0]
    assert '<a href="#type-Video">Video</a>' in method


def test_the_docs_link_to_it(client, tenant):
    assert "/api/reference/" in (settings.BASE_DIR / "README.md").read_text()
    client.force_login(tenant.user)
    assert reverse("dashboard:api-reference") in client.get(reverse("dashboard:api-test")).content.decode()
