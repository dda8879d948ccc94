"""Deliveries end to end against a real receiver on 127.0.0.1, with a stepped clock."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from core import errors
from core.errors import AppError
from webhooks import services
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from webhooks.tests.conftest import TEMPLATE_ID, VIDEO, make_template, verify
from webhooks.transport import RETRY_SCHEDULE_S, Sender

pytestmark = pytest.mark.django_db


def emit(account, now=None, event="video.done", template_id=TEMPLATE_ID, payload=VIDEO):
    return services.event_emit(account=account, event=event, payload=payload, template_id=template_id, now=now)


def attempts_of(delivery):
    return list(WebhookAttempt.objects.for_account(delivery.account_id).filter(delivery=delivery))


def notifications(account, kind=None):
    queryset = Notification.objects.for_account(account)
    return list(queryset.filter(kind=kind) if kind else queryset)


def test_video_event_is_posted_signed_with_the_seed_body(account, receiver):
    hook = services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    [delivery] = emit(account)
    assert delivery.msg_id.startswith("msg_") and delivery.status == "pending"

    assert services.delivery_send_due(limit=10) == 1

    [request] = receiver.requests
    assert json.loads(request.body) == VIDEO
    assert request.body == json.dumps(VIDEO, ensure_ascii=False, separators=(",", ":")).encode()
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "*/*"
    assert "Persona" in request.headers["user-agent"]
    assert request.headers["webhook-id"] == delivery.msg_id
    assert verify(hook.secret, request.headers, request.body)
    assert not verify("whsec_" + "A" * 44, request.headers, request.body)
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempt_count == 1
    [attempt] = WebhookAttempt.objects.for_account(account)
    assert attempt.response_status == 200 and attempt.response_body == "thanks"
    assert attempt.request_headers["webhook-id"] == delivery.msg_id
    assert attempt.request_body == request.body.decode()
    assert notifications(account) == []


def test_only_matching_active_endpoints_of_the_account_get_the_event(account, other_account, receiver):
    mine = services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url("/mine"))
    other_template = make_template(account).public_id
    services.webhook_create(account=account, template_id=other_template, url=receiver.url("/other-template"))
    off = services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url("/off"))
    services.webhook_update(account=account, webhook_id=off.public_id, active=False)
    services.webhook_create(account=account, url=receiver.url("/documents"))  # account-wide, document events
    services.webhook_create(
        account=other_account, template_id=make_template(other_account).public_id, url=receiver.url("/theirs")
    )

    deliveries = emit(account)
    assert [d.webhook_id for d in deliveries] == [mine.pk]
    doc = emit(account, event="document.completed", template_id=None, payload={"id": "d1"})
    assert [d.webhook.url for d in doc] == [receiver.url("/documents")]
    services.delivery_send_due(limit=10)
    assert sorted(r.path for r in receiver.requests) == ["/documents", "/mine"]


def test_500_then_200_is_sent_once_more_with_the_same_webhook_id(account, receiver):
    receiver.answers["/hook"] = [(500, {}), (200, {})]
    services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    t0 = timezone.now()
    [delivery] = emit(account, now=t0)

    services.delivery_send_due(now=t0)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.last_status == 500
    assert timedelta(seconds=4.5) <= delivery.next_attempt_at - t0 <= timedelta(seconds=5.5)
    assert services.delivery_send_due(now=t0 + timedelta(seconds=4)) == 0  # not due yet

    services.delivery_send_due(now=t0 + timedelta(seconds=6))
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert receiver.ids() == [delivery.msg_id, delivery.msg_id]
    assert [a.response_status for a in attempts_of(delivery)] == [500, 200]
    assert [n.title for n in notifications(account)] == ["Webhook call failed"]


def test_receiver_down_one_notification_retries_on_schedule_then_given_up(account, dead_url):
    services.webhook_create(account=account, template_id=TEMPLATE_ID, url=dead_url)
    now = timezone.now()
    [delivery] = emit(account, now=now)
    for attempt_number in range(1, len(RETRY_SCHEDULE_S) + 1):
        assert services.delivery_send_due(now=now) == 1
        delivery.refresh_from_db()
        assert delivery.attempt_count == attempt_number
        assert "connection failed" in delivery.last_error
        if attempt_number < len(RETRY_SCHEDULE_S):
            expected = RETRY_SCHEDULE_S[attempt_number]
            delay = (delivery.next_attempt_at - now).total_seconds()
            assert expected * 0.9 <= delay <= expected * 1.1 + 0.001, (attempt_number, delay)
            assert services.delivery_send_due(now=now + timedelta(seconds=delay - 1)) == 0
            # still exactly the one "failed" notice while retrying
            assert [n.title for n in notifications(account)] == ["Webhook call failed"]
            now = delivery.next_attempt_at
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    assert sorted(n.title for n in notifications(account)) == ["Webhook call failed", "Webhook call given up"]
    assert len(attempts_of(delivery)) == len(RETRY_SCHEDULE_S)


def test_410_disables_the_endpoint_at_once(account, receiver):
    receiver.answers["/hook"] = [(410, {})]
    hook = services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    [delivery] = emit(account)
    services.delivery_send_due()
    hook.refresh_from_db()
    delivery.refresh_from_db()
    assert not hook.active and "410" in hook.disabled_reason
    assert delivery.status == "failed"
    assert [n.kind for n in notifications(account)] == [Notification.Kind.WEBHOOK_DISABLED]
    assert emit(account) == []  # a disabled endpoint gets no new deliveries


def test_endpoint_failing_for_five_days_is_disabled_with_a_notification(account, dead_url):
    hook = services.webhook_create(account=account, template_id=TEMPLATE_ID, url=dead_url)
    now = timezone.now()
    Webhook.objects.for_account(account).filter(pk=hook.pk).update(failing_since=now - timedelta(days=5))
    [delivery] = emit(account, now=now)
    services.delivery_send_due(now=now)
    hook.refresh_from_db()
    assert not hook.active and "5 days" in hook.disabled_reason
    assert [n.kind for n in notifications(account)] == [Notification.Kind.WEBHOOK_DISABLED]


def test_success_resets_the_failing_window(account, receiver):
    receiver.answers["/hook"] = [(503, {}), (200, {})]
    hook = services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    now = timezone.now()
    emit(account, now=now)
    services.delivery_send_due(now=now)
    hook.refresh_from_db()
    assert hook.failing_since == now
    services.delivery_send_due(now=now + timedelta(seconds=10))
    hook.refresh_from_db()
    assert hook.failing_since is None


def test_429_retry_after_is_honoured(account, receiver):
    receiver.answers["/hook"] = [(429, {"Retry-After": "120"})]
    services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    now = timezone.now()
    [delivery] = emit(account, now=now)
    services.delivery_send_due(now=now)
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - now == timedelta(seconds=120)


def test_redirect_is_not_followed(account, receiver):
    receiver.answers["/hook"] = [(302, {"Location": "/target"})]
    services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    [delivery] = emit(account)
    services.delivery_send_due()
    delivery.refresh_from_db()
    assert [r.path for r in receiver.requests] == ["/hook"]
    assert delivery.status == "pending" and "redirect not followed" in delivery.last_error


@pytest.mark.parametrize("url", ["http://10.0.0.1/hook", "http://169.254.169.254/latest", "ftp://1.2.3.4/x"])
def test_private_or_odd_urls_are_refused_on_save(account, url):
    with pytest.raises(AppError) as caught:
        services.webhook_create(account=account, template_id=TEMPLATE_ID, url=url)
    assert caught.value.entry is errors.BAD_WEBHOOK_URL


def test_public_address_is_accepted_on_save_without_any_traffic(account):
    hook = services.webhook_create(account=account, template_id=TEMPLATE_ID, url="https://1.2.3.4/hook")
    assert hook.url == "https://1.2.3.4/hook"


def test_private_address_is_refused_again_at_delivery(account, receiver):
    hook = services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    Webhook.objects.for_account(account).filter(pk=hook.pk).update(url="http://10.0.0.1/hook")
    [delivery] = emit(account)
    services.delivery_send_due()
    delivery.refresh_from_db()
    assert "private" in delivery.last_error and delivery.last_status is None
    assert receiver.requests == []


def test_unknown_template_is_refused(account):
    with pytest.raises(AppError) as caught:
        services.webhook_create(account=account, template_id="not-a-template", url="https://1.2.3.4/")
    assert caught.value.entry is errors.TEMPLATE_NOT_FOUND


def test_unknown_events_are_refused(account):
    with pytest.raises(AppError) as caught:
        services.webhook_create(account=account, url="https://1.2.3.4/", events=["video.exploded"])
    assert caught.value.entry is errors.BAD_WEBHOOK_EVENTS


def test_rotation_sends_both_signatures_then_only_the_new_one(account, receiver):
    hook = services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    old = hook.secret
    now = timezone.now()
    hook = services.webhook_rotate_secret(account=account, webhook_id=hook.public_id, now=now)
    assert hook.secret != old
    emit(account, now=now)
    services.delivery_send_due(now=now)
    request = receiver.requests[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert verify(old, request.headers, request.body) and verify(hook.secret, request.headers, request.body)

    later = now + timedelta(hours=25)
    emit(account, now=later)
    services.delivery_send_due(now=later)
    request = receiver.requests[-1]
    assert verify(hook.secret, request.headers, request.body) and not verify(old, request.headers, request.body)


def test_redeliver_starts_a_new_cycle_with_the_same_id_and_body(account, receiver):
    services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    [delivery] = emit(account)
    services.delivery_send_due()
    services.delivery_redeliver(account=account, delivery_id=delivery.msg_id)
    services.delivery_send_due()
    assert receiver.ids() == [delivery.msg_id] * 2
    assert receiver.requests[0].body == receiver.requests[1].body
    assert len(attempts_of(delivery)) == 2


def test_worker_killed_between_send_and_record_still_delivers_and_logs(account, receiver):
    services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    now = timezone.now()
    [delivery] = emit(account, now=now)
    with Sender(timeout_s=5, allow_loopback=True) as sender:
        [outgoing] = services.delivery_claim(now=now)
        services.delivery_send(sender=sender, outgoing=outgoing)
        # ... the process dies here: nothing recorded, the lease is held.
    assert len(receiver.requests) == 1
    assert services.delivery_send_due(now=now + timedelta(seconds=30)) == 0  # lease still held
    after_lease = now + timedelta(seconds=61)
    assert services.delivery_send_due(now=after_lease) == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert receiver.ids() == [delivery.msg_id] * 2  # at least once, same webhook-id
    assert len(attempts_of(delivery)) == 1


def test_two_claimants_take_disjoint_deliveries(account, receiver):
    services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    now = timezone.now()
    for _ in range(10):
        emit(account, now=now)
    first = services.delivery_claim(now=now, limit=4)
    second = services.delivery_claim(now=now, limit=100)
    third = services.delivery_claim(now=now, limit=100)
    assert len(first) == 4 and len(second) == 6 and third == []
    assert not {o.delivery_id for o in first} & {o.delivery_id for o in second}


def test_a_late_record_after_losing_the_lease_does_not_clobber_the_new_owner(account, receiver):
    services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    now = timezone.now()
    [delivery] = emit(account, now=now)
    with Sender(timeout_s=5, allow_loopback=True) as sender:
        [slow] = services.delivery_claim(now=now)
        late = services.delivery_send(sender=sender, outgoing=slow)
        [fresh] = services.delivery_claim(now=now + timedelta(seconds=61))
        services.delivery_record(results=[late])
        delivery.refresh_from_db()
        assert delivery.claim_token == fresh.token and delivery.status == "pending"
        services.delivery_record(results=[services.delivery_send(sender=sender, outgoing=fresh)])
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and len(attempts_of(delivery)) == 2


def test_purge_keeps_30_days(account, receiver):
    services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    old = timezone.now() - timedelta(days=31)
    emit(account, now=old)
    services.delivery_send_due(now=old)
    emit(account)
    services.delivery_send_due()
    assert services.webhook_log_purge() == 1
    assert WebhookDelivery.objects.for_account(account).count() == 1
    assert WebhookAttempt.objects.for_account(account).count() == 1


def test_emit_is_rolled_back_with_the_callers_transaction(account, receiver):
    from django.db import transaction

    services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    with pytest.raises(RuntimeError), transaction.atomic():
        emit(account)
        raise RuntimeError("the render failed to commit")
    assert WebhookDelivery.objects.for_account(account).count() == 0


def test_disabling_an_endpoint_stops_its_pending_deliveries(account, receiver, dead_url):
    hook = services.webhook_create(account=account, template_id=TEMPLATE_ID, url=dead_url)
    now = timezone.now()
    [first] = emit(account, now=now)
    services.delivery_send_due(now=now)  # fails, retry scheduled
    [second] = emit(account, now=now)
    services.webhook_update(account=account, webhook_id=hook.public_id, active=False)
    for delivery in (first, second):
        delivery.refresh_from_db()
        assert delivery.status == "failed" and delivery.last_error == "endpoint disabled"
    # enabled again on a working URL, a failed delivery can be sent again
    services.webhook_update(account=account, webhook_id=hook.public_id, url=receiver.url(), active=True)
    services.delivery_redeliver(account=account, delivery_id=second.msg_id, now=now)
    assert services.delivery_send_due(now=now) == 1
    assert receiver.ids() == [second.msg_id]


def test_410_stops_the_other_pending_deliveries_of_the_endpoint(account, receiver):
    receiver.answers["/hook"] = [(410, {})]
    services.webhook_create(account=account, template_id=TEMPLATE_ID, url=receiver.url())
    now = timezone.now()
    emit(account, now=now)
    emit(account, now=now + timedelta(seconds=1))
    services.delivery_send_due(now=now, limit=1)
    statuses = sorted(WebhookDelivery.objects.for_account(account).values_list("status", flat=True))
    assert statuses == ["failed", "failed"]
    assert services.delivery_send_due(now=now + timedelta(seconds=2)) == 0
    assert len(receiver.requests) == 1
