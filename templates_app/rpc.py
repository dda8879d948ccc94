"""JSON-RPC methods of video templates."""

from __future__ import annotations

from core import errors, rpc
from core.errors import AppError
from templates_app import selectors, services
from templates_app.models import VideoTemplate
from templates_app.serializers import TemplatePageSerializer, template_json

rpc.struct(
    "TemplateInput",
    {"name": "string?", "description": "string?", "inputScripts": "string?", "outProfiles": "[]string?"},
    comment="inputScripts is a script object, or a string holding its JSON (docs/video-scripts.md)",
)
rpc.struct_from(TemplatePageSerializer)
rpc.enum("TemplateStatus", list(VideoTemplate.Status.values), comment="An inactive template refuses new videos (1028)")


def _template_input(template: dict) -> dict:
    """A TemplateInput, checked here at the edge, as the service's keyword arguments."""
    for key in ("name", "description"):
        if template.get(key) is not None and not isinstance(template[key], str):
            raise AppError(errors.RPC_INVALID_PARAMS, data=f"{key} must be a string", param=key)
    return {
        "name": template.get("name"),
        "description": template.get("description"),
        "input_scripts": template.get("inputScripts"),
        "out_profiles": template.get("outProfiles"),
    }


@rpc.method(
    "Template_New",
    params=[("template", "TemplateInput")],
    returns="Template",
    comment="Create a template; the answer carries its templateSecret, shown only this once",
)
def template_new(ctx: rpc.Context, template: dict) -> dict:
    created, secret = services.template_create(account=ctx.account, **_template_input(template))
    return template_json(created, secret)


@rpc.method(
    "Template_Update",
    params=[("templateID", "string"), ("template", "TemplateInput")],
    returns="Template",
    comment="Change a template's name, description, inputScripts or outProfiles (fields left out stay)",
)
def template_update(ctx: rpc.Context, template_id: str, template: dict) -> dict:
    changed = services.template_update(account=ctx.account, template_id=template_id, **_template_input(template))
    return template_json(changed)


@rpc.method("Template_Delete", params=[("templateID", "string")], returns="bool", comment="Delete a template")
def template_delete(ctx: rpc.Context, template_id: str) -> bool:
    services.template_delete(account=ctx.account, template_id=template_id)
    return True


@rpc.method(
    "Template_List",
    params=[("offset", "int?"), ("limit", "int?")],
    returns="TemplatePage",
    comment="The account's video templates, newest first",
    reads=True,
)
def template_list(ctx: rpc.Context, offset: int | None, limit: int | None) -> dict:
    offset, limit = rpc.page_bounds(offset, limit)
    total, items = selectors.template_list(account=ctx.account, offset=offset, limit=limit)
    return {"total": total, "items": [template_json(t) for t in items]}


@rpc.method("Template_Get", params=[("templateID", "string")], returns="Template", comment="One template", reads=True)
def template_get(ctx: rpc.Context, template_id: str) -> dict:
    return template_json(selectors.template_get(account=ctx.account, template_id=template_id))


@rpc.method(
    "Template_SetStatus",
    params=[("templateID", "string"), ("status", "TemplateStatus")],
    returns="Template",
    comment='"active" or "inactive" (an inactive template refuses new videos: 1028)',
)
def template_set_status(ctx: rpc.Context, template_id: str, status: str) -> dict:
    return template_json(services.template_set_status(account=ctx.account, template_id=template_id, status=status))


@rpc.method(
    "Template_RotateSecret",
    params=[("templateID", "string")],
    returns="Template",
    comment="A new templateSecret (per-video uploads); the old one stops working",
)
def template_rotate_secret(ctx: rpc.Context, template_id: str) -> dict:
    template, secret = services.template_rotate_secret(account=ctx.account, template_id=template_id)
    return template_json(template, secret)
