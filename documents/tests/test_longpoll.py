"""GET /v1/content?wait=: a long poll that answers as soon as the document is ready."""

from __future__ import annotations

import threading

import pytest
from django.test import Client

from documents.tests.conftest import SEED_TEMPLATE_ID

BODY = {"TemplateId": SEED_TEMPLATE_ID, "Fields": {"First Name": "John", "Machine": "AK-2000"}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_wait_answers_when_the_worker_finishes(api, tenant, seed_template, run_jobs):
    request_id = api.post("/v1/content", BODY).json()["RequestId"]
    assert api.get(f"/v1/content?requestId={request_id}").json()["Status"] == "InProgress"
    assert api.get(f"/v1/content?requestId={request_id}&wait=0.2").json()["Status"] == "InProgress"

    answer: dict = {}

    def long_poll() -> None:
        response = Client().get(f"/v1/content?requestId={request_id}&wait=20", **api.headers)
        answer.update(response.json())

    waiter = threading.Thread(target=long_poll)
    waiter.start()
    run_jobs("documents")
    waiter.join(30)
    assert answer["Status"] == "Completed" and len(answer["URLs"]) == 1
    assert api.get(f"/v1/content?requestId={request_id}&wait=20").json()["Status"] == "Completed"


@pytest.mark.parametrize("wait", ["-1", "21", "soon", "nan"])
def test_wait_out_of_range_is_400(api, tenant, seed_template, wait):
    request_id = api.post("/v1/content", BODY).json()["RequestId"]
    response = api.get(f"/v1/content?requestId={request_id}&wait={wait}")
    assert response.status_code == 400 and response.json()["error"]["param"] == "wait"
