import pytest

from templates_app import services

SCRIPT = {"elements": [{"id": "t", "type": "text", "text": "Hello", "duration": 1}]}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_template_services_run_in_their_own_transaction(tenant):
    """Services lock rows (quota check, updates); they must not depend on the caller's transaction."""
    template, secret = services.template_create(
        account=tenant.account, name="t", input_scripts=SCRIPT, out_profiles=["GIF_320x240_10fps"]
    )
    assert secret
    services.template_set_status(account=tenant.account, template_id=template.public_id, status="inactive")
    services.template_update(account=tenant.account, template_id=template.public_id, name="u")
    services.template_rotate_secret(account=tenant.account, template_id=template.public_id)
    services.template_delete(account=tenant.account, template_id=template.public_id)
