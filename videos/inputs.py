"""Check a video's ``inputMedias`` against its template's script (1001-1004, 2005)."""

from __future__ import annotations

from typing import Any

from accounts.models import Account
from core import errors
from core.errors import AppError
from media_app.models import MediaFile
from templates_app.models import VideoTemplate
from templates_app.scripts import Script

SOURCE_FIELDS = ("mediaID", "http", "text")


def _mismatch(input_id: Any, reason: str) -> AppError:
    return AppError(errors.INPUTS_MISMATCH, data={"inputID": input_id, "reason": reason})


def usable_media(*, account: Account, template: VideoTemplate, media_id: str) -> MediaFile | None:
    """A library media of the account, or a per-video upload made for this template."""
    media = MediaFile.objects.for_account(account).filter(public_id=media_id).first()
    if media is None or (media.per_video and media.template_id != template.pk):
        return None
    return media


def inputs_check(
    *, account: Account, template: VideoTemplate, script: Script, input_medias: Any
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The normalised inputs and the text variables they give.

    A ``text`` input fills the ``$variable`` of its inputID; it may be declared
    in the script's ``inputs`` or just be a variable the texts use.
    """
    if input_medias is None:
        input_medias = []
    if not isinstance(input_medias, list):
        raise _mismatch(None, "inputMedias must be a list")
    declared = {i.id: i.type for i in script.inputs}
    variables_used = script.variables()
    if input_medias and not declared and not variables_used:
        raise AppError(errors.INPUTS_NOT_ALLOWED, data="this template takes no inputs")
    normalised: list[dict[str, str]] = []
    variables: dict[str, str] = {}
    seen: set[str] = set()
    for item in input_medias:
        if not isinstance(item, dict):
            raise _mismatch(None, "each input is an object")
        input_id, itype = item.get("inputID"), item.get("type")
        if not isinstance(input_id, str) or not input_id:
            raise _mismatch(input_id, "inputID is required")
        if input_id in seen:
            raise _mismatch(input_id, "inputID given twice")
        seen.add(input_id)
        expected = declared.get(input_id) or ("text" if input_id in variables_used else None)
        if expected is None:
            raise AppError(errors.MEDIA_ID_NOT_IN_SCRIPTS, data=input_id, param="inputID")
        if itype is not None and itype != expected:
            raise _mismatch(input_id, f"the script declares a {expected}, not a {itype}")
        sources = [f for f in SOURCE_FIELDS if item.get(f) not in (None, "")]
        if len(sources) != 1:
            raise _mismatch(input_id, "give exactly one of mediaID, http, text")
        source = sources[0]
        value = item[source]
        if not isinstance(value, str):
            raise _mismatch(input_id, f"{source} must be a string")
        if (source == "text") != (expected == "text"):
            raise _mismatch(input_id, f"a {expected} input takes {'text' if expected == 'text' else 'mediaID or http'}")
        if source == "mediaID":
            media = usable_media(account=account, template=template, media_id=value)
            if media is None:
                raise AppError(errors.MEDIA_NOT_FOUND, data=value, param="mediaID")
            if media.kind != expected and not (expected == "video" and media.mime == "image/gif"):
                raise _mismatch(input_id, f"media {value} is a {media.kind}, the script wants a {expected}")
        if source == "text":
            variables[input_id] = value
        normalised.append({"inputID": input_id, "type": expected, source: value})
    missing_inputs = sorted(set(declared) - seen)
    if missing_inputs:
        raise _mismatch(missing_inputs[0], "no value for this input")
    missing_variables = sorted(variables_used - set(variables))
    if missing_variables:
        raise AppError(errors.VARIABLES_UNDEFINED, data=missing_variables)
    return normalised, variables
