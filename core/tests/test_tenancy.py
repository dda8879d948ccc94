import pytest

from accounts.models import ApiKey, Notification
from accounts.services import notification_create
from core.tenancy import UnscopedQuery


@pytest.fixture
def notes(account, other_account):
    mine = notification_create(account=account, kind="info", title="mine")
    theirs = notification_create(account=other_account, kind="info", title="theirs")
    return mine, theirs


@pytest.mark.parametrize(
    "query",
    [
        lambda: list(Notification.objects.all()),
        lambda: Notification.objects.count(),
        lambda: Notification.objects.filter(kind="info").exists(),
        lambda: Notification.objects.get(title="mine"),
        lambda: Notification.objects.filter(title="mine").update(title="x"),
        lambda: Notification.objects.filter(title="mine").delete(),
        lambda: list(Notification.objects.order_by("id").iterator()),
        lambda: Notification.objects.first(),
        lambda: list(Notification.objects.filter(account__isnull=False)),
        lambda: list(Notification.objects.filter(account__name__startswith="")),
        lambda: list(Notification.objects.filter(account_id__gt=0)),
        lambda: list(Notification.objects.filter(account=None)),
        lambda: list(Notification.objects.exclude(account_id=0)),
        lambda: list(Notification.objects.raw("SELECT * FROM accounts_notification")),
        lambda: list(Notification.objects.filter(account_id__gt=0).raw("SELECT * FROM accounts_notification")),
    ],
)
def test_a_query_without_an_account_fails_closed(notes, query):
    with pytest.raises(UnscopedQuery):
        query()


def test_for_account_sees_only_that_account(notes, account, other_account):
    mine, theirs = notes
    assert list(Notification.objects.for_account(account)) == [mine]
    assert list(Notification.objects.for_account(other_account)) == [theirs]
    assert not Notification.objects.for_account(account).filter(pk=theirs.pk).exists()


def test_for_account_none_raises(db):
    with pytest.raises(UnscopedQuery):
        Notification.objects.for_account(None)


def test_unscoped_is_the_visible_escape(notes):
    assert Notification.objects.unscoped().count() == 2


def test_model_validation_runs_scoped_unique_checks(tenant):
    key = ApiKey.objects.for_account(tenant.account).get()
    key.full_clean()  # Django's own unique checks include the account
    duplicate = ApiKey(account=tenant.account, name="dup", key_id=key.key_id, secret_hash="0" * 64)
    with pytest.raises(Exception, match="already exists"):
        duplicate.full_clean()


def test_only_exact_account_lookups_scope_a_query(notes, account, other_account):
    mine, theirs = notes
    assert list(Notification.objects.filter(account=account)) == [mine]
    assert list(Notification.objects.filter(account_id=account.pk)) == [mine]
    assert list(Notification.objects.filter(account__exact=account)) == [mine]
    assert list(Notification.objects.filter(account__in=[account]).order_by("id")) == [mine]
    assert list(Notification.objects.filter(account_id__in=[other_account.pk])) == [theirs]


def test_raw_sql_needs_the_visible_escape(notes, account):
    mine, _ = notes
    sql = "SELECT * FROM accounts_notification WHERE account_id = %s"
    assert list(Notification.objects.unscoped().raw(sql, [account.pk])) == [mine]
    with pytest.raises(UnscopedQuery):
        Notification.objects.for_account(account).raw(sql, [account.pk])
