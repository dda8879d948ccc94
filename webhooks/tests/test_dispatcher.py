"""The dispatcher loop in this process (threads), against the real receiver and Redis."""

import threading
import time

import django_rq
import pytest
from django.conf import settings
from django.db import transaction

from webhooks import services
from webhooks.dispatcher import Dispatcher
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.tests.conftest import TEMPLATE_ID, VIDEO


def start(**kwargs) -> tuple[Dispatcher, threading.Thread]:
    dispatcher = Dispatcher(**kwargs)
    thread = threading.Thread(target=dispatcher.run, daemon=True)
    thread.start()
    return dispatcher, thread


def stop(*running):
    for dispatcher, _ in running:
        dispatcher.shutdown()
    for _, thread in running:
        thread.join(timeout=30)
        assert not thread.is_alive()


def wait_for(predicate, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.django_db
def test_emit_pushes_a_wakeup_on_commit_only(account, django_capture_on_commit_callbacks):
    redis = django_rq.get_connection("webhooks")
    services.webhook_create(account=account, template_id=TEMPLATE_ID, url="https://1.2.3.4/hook")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.event_emit(account=account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    assert redis.llen(settings.WEBHOOK_WAKEUP_KEY) == 0
    for callback in callbacks:
        callback()
    assert redis.llen(settings.WEBHOOK_WAKEUP_KEY) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dispatcher_wakes_on_commit_and_delivers(account, receiver):
    services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    # A 60 s poll: only the Redis wake-up can make this delivery prompt.
    running = start(threads=2, poll_s=60)
    try:
        time.sleep(0.3)  # let it reach its wait
        with transaction.atomic():
            [delivery] = services.event_emit(
                account=account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID
            )
        assert wait_for(lambda: len(receiver.requests) == 1, seconds=20)
        assert wait_for(lambda: WebhookDelivery.objects.for_account(account).get(pk=delivery.pk).status == "delivered")
    finally:
        stop(running)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_dispatchers_do_not_double_send(account, receiver):
    for n in range(4):
        services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url(f"/e{n}"))
    with transaction.atomic():
        for _ in range(15):
            services.event_emit(account=account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    running = [start(threads=4, poll_s=0.1), start(threads=4, poll_s=0.1)]
    try:
        assert wait_for(
            lambda: WebhookDelivery.objects.for_account(account).filter(status="delivered").count() == 60, seconds=60
        )
    finally:
        stop(*running)
    ids = receiver.ids()
    assert len(ids) == 60 and len(set(ids)) == 60
    assert all(d.sent > 0 for d, _ in running) or sum(d.sent for d, _ in running) == 60


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dispatcher_killed_between_send_and_record_is_covered_by_the_next_one(account, receiver, processes):
    hook = services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    receiver.delays["/hook"] = [30.0]  # the first request is held: the dispatcher dies waiting
    first = processes.start("webhook_dispatcher", "--threads", "2", WEBHOOK_CLAIM_LEASE_S="3")
    with transaction.atomic():
        [delivery] = services.event_emit(account=account, event="video.done", payload=VIDEO, template_id=TEMPLATE_ID)
    processes.wait_for(lambda: len(receiver.requests) == 1, "the delivery sent", seconds=60)
    processes.kill(first)  # ... and killed before recording anything
    row = WebhookDelivery.objects.for_account(account).get(pk=delivery.pk)
    assert row.status == "pending" and row.claimed_until is not None
    assert WebhookAttempt.objects.for_account(account).count() == 0

    processes.start("webhook_dispatcher", "--threads", "2", WEBHOOK_CLAIM_LEASE_S="3")
    processes.wait_for(
        lambda: WebhookDelivery.objects.for_account(account).get(pk=delivery.pk).status == "delivered",
        "the delivery recorded by the next dispatcher",
        seconds=60,
    )
    assert receiver.ids() == [delivery.msg_id, delivery.msg_id]  # at least once, same webhook-id
    [attempt] = WebhookAttempt.objects.for_account(account).filter(delivery_id=delivery.pk)
    assert attempt.response_status == 200 and attempt.request_headers["webhook-id"] == delivery.msg_id
    assert hook.url == receiver.url()
