"""The admin lists every account's personalization rows (through ``unscoped()``)."""

import pytest
from django.contrib.auth import get_user_model

from personalization import services
from personalization.objects import OBJECTS


@pytest.fixture
def admin_client(client, db):
    admin = get_user_model().objects.create_superuser(email="root@ops.test", password="correct horse battery")
    client.force_login(admin)
    return client


def test_admin_pages(admin_client, account, other_account):
    uid = services.record_create(account=account, kind=OBJECTS["users"], values={"email": "a@x.test"})
    services.record_create(account=other_account, kind=OBJECTS["users"], values={"email": "b@x.test"})
    services.record_create(account=account, kind=OBJECTS["products"], values={"name": "Mug"})
    services.record_create(account=account, kind=OBJECTS["placeholders"], values={"name": "Hero"})
    page = admin_client.get("/admin/personalization/visitoruser/").content.decode()
    assert "a@x.test" in page and "b@x.test" in page
    assert admin_client.get("/admin/personalization/visitoruser/", {"q": "a@x.test"}).status_code == 200
    assert admin_client.get(f"/admin/personalization/visitoruser/{uid}/change/").status_code == 200
    assert "Mug" in admin_client.get("/admin/personalization/product/").content.decode()
    assert "Hero" in admin_client.get("/admin/personalization/placeholder/").content.decode()
