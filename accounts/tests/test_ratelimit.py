"""Per-plan rate limits on every authenticated surface: each call of a batch counts."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts import services
from conftest import make_tenant, with_rate_limit
from documents import services as document_services
from documents.models import DocumentRequest


@pytest.fixture
def small(db):
    """A tenant whose plan allows 5 calls a minute."""
    return with_rate_limit(make_tenant("Small", "owner@small.test", plan="free"), code="small", calls_a_minute=5)


def _batch(size: int) -> str:
    return json.dumps([{"jsonrpc": "2.0", "method": "Account_Get", "id": i} for i in range(size)])


def test_rest_answers_carry_ratelimit_headers_and_429_beyond_the_plan(client, small, other_tenant):
    for remaining in range(4, -1, -1):
        response = client.get("/v1/account", **small.auth_headers())
        assert response.status_code == 200
        assert response["RateLimit-Limit"] == "5" and response["RateLimit-Remaining"] == str(remaining)
    refused = client.get("/v1/account", **small.auth_headers())
    assert refused.status_code == 429 and refused.json()["error"]["type"] == "rate_limit_error"
    assert 0 < int(refused["Retry-After"]) <= 61
    # another tenant is not affected
    response = client.get("/v1/account", **other_tenant.auth_headers())
    assert response.status_code == 200, (response.content, dict(response.headers))


def test_each_call_of_a_batch_counts(client, small):
    answers = client.post(small.rpc_url(), _batch(4), content_type="application/json").json()
    assert all("result" in answer for answer in answers)
    answers = client.post(small.rpc_url(), _batch(2), content_type="application/json")
    assert {answer["error"]["code"] for answer in answers.json()} == {4290}
    assert int(answers["Retry-After"]) > 0 and answers["RateLimit-Remaining"] == "0"


def test_a_batch_holds_at_most_100_calls(client, tenant):
    answer = client.post(tenant.rpc_url(), _batch(101), content_type="application/json").json()
    assert answer["error"]["code"] == -32600
    assert "at most 100 calls" in answer["error"]["data"]


def test_rest_objects_and_uploads_count_too(client, small, upload, media_samples):
    headers = small.auth_headers("basic")
    for _ in range(4):
        assert client.get("/rest/users", **headers).status_code == 200
    assert upload(small, media_samples / "photo.jpg", "image/jpeg").status_code == 200
    refused = client.get("/rest/users", **headers)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    refused = upload(small, media_samples / "photo.jpg", "image/jpeg")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == 4290


def test_a_plan_without_limit_sends_no_ratelimit_headers(client, tenant):
    plan = services.plan_get(code="pro")
    plan.rate_limit_per_minute = 0
    plan.save()
    response = client.get("/v1/account", **tenant.auth_headers())
    assert response.status_code == 200 and "RateLimit-Limit" not in response


def test_document_downloads_and_on_demand_links_count_too(client, small):
    template = document_services.template_create(account=small.account, name="Note", html="<p>Hello</p>", fields=[])
    link = document_services.link_create(account=small.account, template=template, fields={})
    key = f"documents/{small.account.public_id}/note.pdf"
    default_storage.save(key, ContentFile(b"%PDF-1.4 stored"))
    document = DocumentRequest.objects.create(
        account=small.account,
        template=template,
        status=DocumentRequest.Status.COMPLETED,
        completed_at=timezone.now(),
        outputs=[{"name": "note.pdf", "key": key, "content_type": "application/pdf", "size": 15}],
    )
    file_url = document_services.request_urls(document)[0]
    opens = [f"/d/{link.token}", file_url, f"/d/{link.token}", file_url, file_url]
    for remaining, url in zip(range(4, -1, -1), opens, strict=True):
        response = client.get(url)
        assert response.status_code == 200, response.content
        assert response["RateLimit-Limit"] == "5" and response["RateLimit-Remaining"] == str(remaining)
    for url in (f"/d/{link.token}", file_url):
        refused = client.get(url)
        assert refused.status_code == 429 and refused.json()["error"]["type"] == "rate_limit_error"
        assert 0 < int(refused["Retry-After"]) <= 61
