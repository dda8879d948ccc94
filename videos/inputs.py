"""A video's inputs: parsed from the wire's ``inputMedias`` at the edge (:func:`parse_input_medias`),
then checked against the template's script by the service (:func:`inputs_check`): 1001-1004, 2005."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accounts.models import Account
from core import errors
from core.errors import AppError
from media_app.models import MediaFile
from templates_app.models import VideoTemplate
from templates_app.scripts import Script

SOURCE_FIELDS = ("mediaID", "http", "text")


@dataclass(frozen=True)
class InputMedia:
    """One input of a video: the script input (or ``$variable``) it fills, the type the caller
    named (if any) and its one source, ``mediaID``, ``http`` or ``text``."""

    input_id: str
    source: str
    value: str
    type: str | None = None


def _mismatch(input_id: Any, reason: str) -> AppError:
    return AppError(errors.INPUTS_MISMATCH, data={"inputID": input_id, "reason": reason})


def parse_input_medias(raw: Any) -> list[InputMedia]:
    """The wire's ``inputMedias`` (a list of ``{inputID, type?, mediaID | http | text}``) as
    :class:`InputMedia`; 1004 naming the first malformed entry."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _mismatch(None, "inputMedias must be a list")
    parsed = []
    for item in raw:
        if not isinstance(item, dict):
            raise _mismatch(None, "each input is an object")
        input_id, itype = item.get("inputID"), item.get("type")
        if not isinstance(input_id, str) or not input_id:
            raise _mismatch(input_id, "inputID is required")
        if itype is not None and not isinstance(itype, str):
            raise _mismatch(input_id, "type must be a string")
        sources = [f for f in SOURCE_FIELDS if item.get(f) not in (None, "")]
        if len(sources) != 1:
            raise _mismatch(input_id, "give exactly one of mediaID, http, text")
        source = sources[0]
        if not isinstance(item[source], str):
            raise _mismatch(input_id, f"{source} must be a string")
        parsed.append(InputMedia(input_id=input_id, source=source, value=item[source], type=itype))
    return parsed


def usable_media(*, account: Account, template: VideoTemplate, media_id: str) -> MediaFile | None:
    """A library media of the account, or a per-video upload made for this template."""
    media = MediaFile.objects.for_account(account).filter(public_id=media_id).first()
    if media is None or (media.per_video and media.template_id != template.pk):
        return None
    return media


def inputs_check(
    *, account: Account, template: VideoTemplate, script: Script, inputs: list[InputMedia]
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The normalised inputs (as stored on the video) and the text variables they give.

    A ``text`` input fills the ``$variable`` of its inputID; it may be declared
    in the script's ``inputs`` or just be a variable the texts use.
    """
    declared = {i.id: i.type for i in script.inputs}
    variables_used = script.variables()
    if inputs and not declared and not variables_used:
        raise AppError(errors.INPUTS_NOT_ALLOWED, data="this template takes no inputs")
    normalised: list[dict[str, str]] = []
    variables: dict[str, str] = {}
    seen: set[str] = set()
    for item in inputs:
        if item.input_id in seen:
            raise _mismatch(item.input_id, "inputID given twice")
        seen.add(item.input_id)
        expected = declared.get(item.input_id) or ("text" if item.input_id in variables_used else None)
        if expected is None:
            raise AppError(errors.MEDIA_ID_NOT_IN_SCRIPTS, data=item.input_id, param="inputID")
        if item.type is not None and item.type != expected:
            raise _mismatch(item.input_id, f"the script declares a {expected}, not a {item.type}")
        if (item.source == "text") != (expected == "text"):
            raise _mismatch(
                item.input_id, f"a {expected} input takes {'text' if expected == 'text' else 'mediaID or http'}"
            )
        if item.source == "mediaID":
            media = usable_media(account=account, template=template, media_id=item.value)
            if media is None:
                raise AppError(errors.MEDIA_NOT_FOUND, data=item.value, param="mediaID")
            if media.kind != expected and not (expected == "video" and media.mime == "image/gif"):
                raise _mismatch(item.input_id, f"media {item.value} is a {media.kind}, the script wants a {expected}")
        if item.source == "text":
            variables[item.input_id] = item.value
        normalised.append({"inputID": item.input_id, "type": expected, item.source: item.value})
    missing_inputs = sorted(set(declared) - seen)
    if missing_inputs:
        raise _mismatch(missing_inputs[0], "no value for this input")
    missing_variables = sorted(variables_used - set(variables))
    if missing_variables:
        raise AppError(errors.VARIABLES_UNDEFINED, data=missing_variables)
    return normalised, variables
