import json

import pytest
from django.core.management import CommandError, call_command

from accounts import services
from accounts.models import Account, Notification
from core.errors import AppError


def test_email_already_used_is_1016(tenant):
    with pytest.raises(AppError) as caught:
        services.account_create(name="X", email="OWNER@acme.test", password="long enough pw 1")
    assert caught.value.entry.code == 1016


def test_bad_password_is_1017(db):
    with pytest.raises(AppError) as caught:
        services.account_create(name="X", email="x@x.test", password="short")
    assert caught.value.entry.code == 1017
    assert not Account.objects.filter(name="X").exists()  # nothing half-written


def test_unknown_plan_is_1025(db):
    with pytest.raises(AppError) as caught:
        services.account_create(name="X", email="x@x.test", password="long enough pw 1", plan_code="gold")
    assert caught.value.entry.code == 1025


def test_credits_are_charged_atomically(account):
    account.credits = 0
    services.credits_refund(account=account, amount=2)
    account.refresh_from_db()
    assert account.credits == 1002
    services.credits_charge(account=account, amount=1002)
    with pytest.raises(AppError) as caught:
        services.credits_charge(account=account, amount=1)
    assert caught.value.entry.code == 2004


def test_storage_quota_and_notifications(account):
    limit = account.plan.max_media_bytes
    services.storage_reserve(account=account, kind="media", nbytes=int(limit * 0.5))
    assert not Notification.objects.for_account(account).exists()
    services.storage_reserve(account=account, kind="media", nbytes=int(limit * 0.35))
    kinds = list(Notification.objects.for_account(account).values_list("kind", flat=True))
    assert kinds == ["quota_nearly_reached"]
    with pytest.raises(AppError) as caught:
        services.storage_reserve(account=account, kind="media", nbytes=int(limit * 0.2))
    assert caught.value.entry.code == 2001
    with pytest.raises(AppError):
        services.storage_reserve(account=account, kind="media", nbytes=int(limit * 0.2))
    reached = Notification.objects.for_account(account).filter(kind="quota_reached").count()
    assert reached == 1  # not one per refusal while unread
    services.storage_release(account=account, kind="media", nbytes=int(limit * 0.85))
    account.refresh_from_db()
    assert account.stored_media_bytes == 0
    with pytest.raises(AppError) as caught:
        services.storage_reserve(account=account, kind="video", nbytes=account.plan.max_video_bytes + 1)
    assert caught.value.entry.code == 2000


def test_account_create_command_prints_json(db, capsys):
    call_command("account_create", "--name", "Initech", "--email", "boss@initech.test", "--plan", "business")
    result = json.loads(capsys.readouterr().out)
    assert len(result["accountID"]) == 24 and result["apiKey"].startswith("psk_")
    assert result["accountSecret"] == result["apiKey"] and result["email"] == "boss@initech.test"
    assert Account.objects.get(public_id=result["accountID"]).plan.code == "business"


def test_account_create_command_weak_password_is_the_seeds_1017(db):
    with pytest.raises(CommandError) as caught:
        call_command("account_create", "--name", "Initech", "--email", "boss@initech.test", "--password", "short")
    message = str(caught.value)
    assert message.startswith("1017 Bad password: ") and "too short" in message
    assert not Account.objects.filter(name="Initech").exists()


def test_demo_setup_prints_credentials_once(db, capsys):
    call_command("demo_setup")
    first = capsys.readouterr().out
    assert "password" in first and "accountSecret" in first
    call_command("demo_setup")
    assert "exists" in capsys.readouterr().out
