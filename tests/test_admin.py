"""Every model the admin registers answers a superuser: its changelist, a search by account,
each status-like filter and an object's page; read-only ones refuse to add, change or delete."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.admin import ReadOnly

pytestmark = pytest.mark.django_db


def is_ours(model) -> bool:
    """A model of the product's apps, which sit at the repository's top level (not Django's groups
    or a library's tables)."""
    return Path(apps.get_app_config(model._meta.app_label).path).parent == settings.BASE_DIR


REGISTERED = sorted(
    ((model, model_admin) for model, model_admin in admin.site._registry.items() if is_ours(model)),
    key=lambda pair: pair[0]._meta.label,
)


@pytest.fixture
def operator(db) -> Client:
    client = Client()  # not the tenant's test client, which the world's RPC calls use
    client.force_login(User.objects.create_superuser(email="ops@example.com", password="operator password 1"))
    return client


def first_row(model):
    manager = model.objects.unscoped() if hasattr(model.objects, "unscoped") else model.objects.all()
    return manager.order_by("pk").first()


def filter_queries(model_admin) -> list[dict[str, str]]:
    """One query per choice or yes/no filter, with a value it can take."""
    queries = []
    for name in model_admin.list_filter:
        if not isinstance(name, str):
            continue
        field = model_admin.model._meta.get_field(name)
        if field.choices:
            queries.append({f"{name}__exact": str(field.choices[0][0])})
        elif isinstance(field, models.BooleanField):
            queries.append({f"{name}__exact": "1"})
    return queries


def test_changelists_searches_filters_and_object_pages(operator, world, tenant):
    """One world for every registered model (it renders a video): each checked in turn."""
    for model, model_admin in REGISTERED:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert operator.get(changelist).status_code == 200, opts.label
        if model_admin.search_fields:
            assert operator.get(changelist, {"q": tenant.account_id}).status_code == 200, opts.label
        for query in filter_queries(model_admin):
            assert operator.get(changelist, query).status_code == 200, (opts.label, query)
        row = first_row(model)
        assert row is not None, f"the world has no {opts.label}"
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
        assert operator.get(change).status_code == 200, opts.label
        if isinstance(model_admin, ReadOnly):
            assert operator.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
            assert operator.post(change, {}).status_code == 403, opts.label
            delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk])
            assert operator.get(delete).status_code == 403, opts.label


def test_search_by_id_and_account_finds_the_row(operator, world, tenant, other_tenant):
    videos = reverse("admin:videos_video_changelist")
    assert world.video_id in operator.get(videos, {"q": world.video_id}).content.decode()
    assert world.video_id in operator.get(videos, {"q": tenant.account_id}).content.decode()
    assert world.video_id not in operator.get(videos, {"q": other_tenant.account_id}).content.decode()
    deliveries = operator.get(reverse("admin:webhooks_webhookdelivery_changelist"), {"q": world.webhook_id})
    assert "video.done" in deliveries.content.decode()
