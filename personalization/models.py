"""Seed 004's objects: placeholders, the product catalog and visitor profiles.

Uniqueness is per account. The (account, email) and (account, internal_id)
unique constraints are also the indexes that make look-ups by email or
internal id fast on a million-row table; every other column is unindexed.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.tenancy import TenantModel


def _account_without_own_index() -> models.ForeignKey:
    """The tenant FK minus its single-column index: the (account, ...) unique index
    already serves account-only look-ups as its prefix, and every index is paid on
    each bulk-loaded row."""
    return models.ForeignKey("accounts.Account", on_delete=models.CASCADE, db_index=False, related_name="+")


class Placeholder(TenantModel):
    name = models.CharField(max_length=200, help_text="A label for people")
    html_id = models.CharField(
        "HTML id", max_length=200, blank=True, help_text="CSS selector of the page element, e.g. #hero"
    )
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Product(TenantModel):
    account = _account_without_own_index()
    internal_id = models.CharField(
        "internal id", max_length=200, null=True, blank=True, help_text="Your catalog's id (SKU); unique per account"
    )
    name = models.CharField(max_length=500)
    url = models.CharField("URL", max_length=2000, blank=True)
    image_url = models.CharField("image URL", max_length=2000, blank=True)
    price = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code, e.g. EUR")
    category = models.CharField(max_length=200, blank=True)
    in_stock = models.BooleanField(default=True)
    attributes = models.JSONField(default=dict, blank=True, help_text="Any other data, as a JSON object")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "internal_id"], name="product_internal_id_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class VisitorUser(TenantModel):
    """A visitor profile (seed 004's "users"), not a login of this product."""

    account = _account_without_own_index()

    internal_id = models.CharField(max_length=200, null=True, blank=True, help_text="Your system's id for the visitor")
    email = models.CharField(max_length=254, help_text="Unique per account")
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    country = models.CharField(max_length=64, blank=True)
    tags = models.JSONField(default=list, blank=True, help_text="A JSON array of strings")
    attributes = models.JSONField(default=dict, blank=True, help_text="Any other data, as a JSON object")
    created = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "email"], name="visitor_email_unique"),
        ]
        indexes = [models.Index(fields=["account", "internal_id"], name="visitor_internal_id_idx")]

    def __str__(self) -> str:
        return self.email
