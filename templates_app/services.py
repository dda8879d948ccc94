"""Every write to video templates: create, update, delete, status, secret rotation."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from accounts.models import Account
from accounts.secrets import hash_secret, new_secret
from accounts.services import quota_notify
from core import errors
from core.errors import AppError
from media_app.models import MediaFile
from media_app.services import media_delete_files
from templates_app.models import VideoTemplate
from templates_app.profiles import COMMON_PROFILES, validate_profiles
from templates_app.scripts import Script, parse_script
from templates_app.selectors import template_count


def _script_json(input_scripts: Any) -> Any:
    """``inputScripts`` as a JSON value: an object, a string holding one, or a one-item list."""
    if input_scripts in (None, "", [], {}):
        raise AppError(errors.NO_SCRIPTS)
    if isinstance(input_scripts, list):
        if len(input_scripts) != 1:
            raise AppError(errors.BAD_SCRIPT, data={"element": None, "reason": "one script per template"})
        input_scripts = input_scripts[0]
    if isinstance(input_scripts, str):
        try:
            input_scripts = json.loads(input_scripts)
        except ValueError as exc:
            raise AppError(errors.BAD_SCRIPT, data={"element": None, "reason": f"invalid JSON: {exc}"}) from None
    return input_scripts


def script_check(*, account: Account, input_scripts: Any) -> tuple[Any, Script]:
    """Parse and check a script against the account: 1009, 1005, 2006, 2007, 1001, 2003."""
    raw = _script_json(input_scripts)
    script = parse_script(raw)
    media_ids = script.media_ids()
    if media_ids:
        found = set(
            MediaFile.objects.for_account(account)
            .filter(public_id__in=media_ids, per_video=False)
            .values_list("public_id", flat=True)
        )
        missing = sorted(media_ids - found)
        if missing:
            raise AppError(errors.MEDIA_NOT_FOUND, data=missing[0], param="inputScripts")
    limit = account.plan.max_objects_per_template
    if script.object_count() > limit:
        raise AppError(errors.TOO_MANY_OBJECTS, data={"objects": script.object_count(), "limit": limit})
    return raw, script


def _objects_notify(account: Account, before: int, script: Script) -> None:
    """The 2003 quota's notices: a template's script nearing or at the plan's element limit."""
    limit = account.plan.max_objects_per_template
    quota_notify(account=account, quota="objects", before=before, after=script.object_count(), limit=limit)


def profiles_check(*, account: Account, out_profiles: Any) -> list[str]:
    """1032 (none, duplicated, custom not allowed), 2002 (unknown or not in the plan)."""
    if not isinstance(out_profiles, list) or not all(isinstance(p, str) for p in out_profiles):
        raise AppError(errors.NO_VIDEO_PROFILES, data="outProfiles must be a list of profile names")
    profiles = validate_profiles(out_profiles)
    plan = account.plan
    for profile in profiles:
        if (
            not plan.custom_profiles
            and profile.name not in COMMON_PROFILES
            and profile.name not in plan.allowed_profiles
        ):
            raise AppError(errors.CUSTOM_PROFILES_NOT_ALLOWED, data=profile.name)
        if plan.allowed_profiles and profile.name not in plan.allowed_profiles:
            raise AppError(errors.PROFILE_NOT_ALLOWED, data={"profile": profile.name, "allowed": plan.allowed_profiles})
    return [p.name for p in profiles]


def _text(value: str | None, limit: int) -> str:
    return (value or "").strip()[:limit]


@transaction.atomic
def template_create(
    *,
    account: Account,
    name: str | None,
    description: str | None = "",
    input_scripts: Any,
    out_profiles: list[str] | None,
) -> tuple[VideoTemplate, str]:
    """A new template and its secret (returned once; only its digest is kept)."""
    # Lock the account row so two concurrent creations cannot both pass the quota.
    Account.objects.select_for_update().filter(pk=account.pk).first()
    if template_count(account=account) >= account.plan.max_templates:
        raise AppError(errors.MAX_TEMPLATES, data={"limit": account.plan.max_templates})
    raw, script = script_check(account=account, input_scripts=input_scripts)
    profiles = profiles_check(account=account, out_profiles=out_profiles)
    secret = new_secret()
    template = VideoTemplate.objects.create(
        account=account,
        name=_text(name, 200) or "Untitled template",
        description=_text(description, 5000),
        input_scripts=raw,
        out_profiles=profiles,
        media_ids=sorted(script.media_ids()),
        secret_hash=hash_secret(secret),
    )
    _objects_notify(account, 0, script)
    count = template_count(account=account)
    quota_notify(account=account, quota="templates", before=count - 1, after=count, limit=account.plan.max_templates)
    return template, secret


def template_get_for_update(*, account: Account, template_id: str) -> VideoTemplate:
    template = VideoTemplate.objects.for_account(account).select_for_update().filter(public_id=template_id).first()
    if template is None:
        raise AppError(errors.TEMPLATE_NOT_FOUND, data=template_id, param="templateID")
    return template


@transaction.atomic
def template_update(
    *,
    account: Account,
    template_id: str,
    name: str | None = None,
    description: str | None = None,
    input_scripts: Any = None,
    out_profiles: list[str] | None = None,
) -> VideoTemplate:
    """Change any of name, description, the script, the profiles (None: unchanged)."""
    template = template_get_for_update(account=account, template_id=template_id)
    if name is not None:
        template.name = _text(name, 200) or template.name
    if description is not None:
        template.description = _text(description, 5000)
    if input_scripts is not None:
        raw, script = script_check(account=account, input_scripts=input_scripts)
        _objects_notify(account, parse_script(template.input_scripts).object_count(), script)
        template.input_scripts = raw
        template.media_ids = sorted(script.media_ids())
    if out_profiles is not None:
        template.out_profiles = profiles_check(account=account, out_profiles=out_profiles)
    template.save()
    return template


@transaction.atomic
def template_delete(*, account: Account, template_id: str) -> None:
    """Delete a template and its pending per-video uploads; its videos stay (with their templateID)."""
    template = template_get_for_update(account=account, template_id=template_id)
    media_delete_files(account=account, medias=list(MediaFile.objects.for_account(account).filter(template=template)))
    template.delete()


@transaction.atomic
def template_set_status(*, account: Account, template_id: str, status: VideoTemplate.Status) -> VideoTemplate:
    template = template_get_for_update(account=account, template_id=template_id)
    template.status = status
    template.save(update_fields=["status", "updated_at"])
    return template


@transaction.atomic
def template_rotate_secret(*, account: Account, template_id: str) -> tuple[VideoTemplate, str]:
    template = template_get_for_update(account=account, template_id=template_id)
    secret = new_secret()
    template.secret_hash = hash_secret(secret)
    template.save(update_fields=["secret_hash", "updated_at"])
    return template, secret
