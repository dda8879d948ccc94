"""Tenant scoping: every tenant-owned row carries its account, and every read
goes through a manager that fails closed.

``Model.objects.for_account(account)`` is the way in. A query that was not
scoped to an account raises :class:`UnscopedQuery` when it would touch the
database. ``Model.objects.unscoped()`` is the visible escape for the admin,
jobs that already hold a row id they trust, and maintenance commands.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class UnscopedQuery(RuntimeError):
    pass


# Lookups that pin rows to given accounts; anything else on the account (``account__isnull``,
# ``account__name``, a Q object) could match every tenant's rows and does not scope a query.
SCOPING_LOOKUPS = frozenset(
    f"{field}{lookup}" for field in ("account", "account_id") for lookup in ("", "__exact", "__in")
)


def _scopes(kwargs: dict[str, Any]) -> bool:
    return any(key in SCOPING_LOOKUPS and value is not None for key, value in kwargs.items())


class TenantQuerySet(models.QuerySet):
    _scoped = False
    _escaped = False  # .unscoped(): the only way to raw SQL, which no filter of ours can scope

    def _clone(self):
        clone = super()._clone()
        clone._scoped = self._scoped
        clone._escaped = self._escaped
        return clone

    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        # Django's own uniqueness checks filter on the unique fields, which
        # always include the account for tenant models.
        if not negate and _scopes(kwargs):
            clone._scoped = True
        return clone

    def _guard(self) -> None:
        if not self._scoped:
            raise UnscopedQuery(
                f"{self.model.__name__} query without an account: use "
                f"{self.model.__name__}.objects.for_account(account) or .unscoped()"
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._guard()
        super()._fetch_all()

    def count(self):
        self._guard()
        return super().count()

    def exists(self):
        self._guard()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._guard()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._guard()
        return super().update(**kwargs)

    def delete(self):
        self._guard()
        return super().delete()

    def iterator(self, chunk_size=None):
        self._guard()
        return super().iterator(chunk_size=chunk_size)

    def raw(self, raw_query, params=(), translations=None, using=None):
        if not self._escaped:
            raise UnscopedQuery(
                f"{self.model.__name__}.raw() ignores for_account(): write the account into the SQL "
                f"and call it on {self.model.__name__}.objects.unscoped()"
            )
        return super().raw(raw_query, params, translations, using)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    def for_account(self, account) -> TenantQuerySet:
        if account is None:
            raise UnscopedQuery(f"{self.model.__name__}.objects.for_account(None)")
        return self.get_queryset().filter(account=account)

    def unscoped(self) -> TenantQuerySet:
        queryset = self.get_queryset()
        queryset._scoped = queryset._escaped = True
        return queryset


class TenantModel(models.Model):
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, db_index=True, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True
