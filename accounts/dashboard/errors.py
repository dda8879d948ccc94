"""Errors in words a manager understands, with the catalogue code kept small beside them.

The one mapping from ``core.errors``' catalogue to the dashboard: every page's flash
messages, form errors and failed renders go through :func:`error_html` (an ``AppError``)
or :func:`failure_html` (a code and message stored on a row). The API keeps the
seeds' own messages; these words are for people.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

from core import errors
from core.errors import AppError, ErrorEntry

WORDS: dict[ErrorEntry, str] = {
    errors.TEMPLATE_NOT_FOUND: "This template does not exist (any more).",
    errors.MEDIA_NOT_FOUND: "This media file does not exist (any more).",
    errors.MEDIA_ID_NOT_IN_SCRIPTS: "The script names a media file that is not in your library.",
    errors.INPUTS_NOT_ALLOWED: "This template takes no inputs.",
    errors.INPUTS_MISMATCH: "The values given do not match the inputs the script asks for.",
    errors.BAD_SCRIPT: "The script has a mistake.",
    errors.VIDEO_FILE_NOT_FOUND: "This video file does not exist (any more).",
    errors.VIDEO_NOT_FOUND: "This video does not exist (any more).",
    errors.MEDIA_IN_USE: "This file is used in a template's script, so it cannot be deleted. "
    "Remove it from those templates first.",
    errors.NO_SCRIPTS: "The template has no script yet.",
    errors.ACCOUNT_NOT_FOUND: "No account has this id.",
    errors.ERROR_DOWNLOADING_MEDIAS: "A media file of the video could not be fetched.",
    errors.ERROR_PROCESSING_VIDEO: "The video could not be made.",
    errors.ERROR_UPLOADING_YOUTUBE: "The video could not be sent to YouTube.",
    errors.YOUTUBE_ACCOUNT_NOT_FOUND: "No YouTube account is connected.",
    errors.AUTHENTICATION_ERROR: "Signing in failed.",
    errors.EMAIL_ALREADY_USED: "Another user already has this email address.",
    errors.BAD_PASSWORD: "The password is wrong or too weak.",
    errors.BAD_SECRET: "The secret or API key is wrong.",
    errors.NO_SIZE_SPECIFIED: "The upload did not say how large it is.",
    errors.INVALID_CONTENT_TYPE: "This kind of file is not accepted.",
    errors.ACCOUNT_NOT_ACTIVE: "This account is not active.",
    errors.YOUTUBE_BAD_TOKEN: "The YouTube connection has expired; connect it again.",
    errors.ACCOUNT_TYPE_NOT_FOUND: "This plan does not exist.",
    errors.PAYMENT_CLIENT_ERROR: "The payment could not be made.",
    errors.PAYMENT_MISMATCH: "The payment does not match the order.",
    errors.TEMPLATE_INACTIVE: "This template is switched off; activate it to make videos again.",
    errors.BAD_INPUT_MEDIA: "An input file is not usable (wrong type or unreadable).",
    errors.ERROR_DELETING_VIDEO_FILES: "The video's files could not be removed from storage; try again shortly.",
    errors.VIDEO_NOT_IN_YOUTUBE: "This video is not on YouTube.",
    errors.CUSTOM_PROFILES_NOT_ALLOWED: "Your plan does not allow custom output formats.",
    errors.NO_VIDEO_PROFILES: "Choose at least one output format.",
    errors.DUPLICATED_PROFILE: "The same output format is chosen twice.",
    errors.ACCOUNT_LOCKED: "Too many failed sign-ins: this login is locked for a while.",
    errors.STORED_VIDEOS_LIMIT: "Your video storage is full: delete some videos or upgrade your plan.",
    errors.STORED_MEDIAS_LIMIT: "Your media storage is full: delete some files or upgrade your plan.",
    errors.PROFILE_NOT_ALLOWED: "Your plan does not include this output format.",
    errors.TOO_MANY_OBJECTS: "The script has more elements than your plan allows.",
    errors.NO_CREDIT: "You have no credits left: buy credits or upgrade your plan.",
    errors.MAX_TEMPLATES: "You have as many templates as your plan allows: delete one or upgrade.",
    errors.VARIABLES_UNDEFINED: "Some $variables of the script have no value.",
    errors.CTA_START_EMPTY: "A call to action needs a start time.",
    errors.CTA_FIELD_REQUIRED: "A call to action needs at least a text or a link.",
    errors.CTA_SAME_START: "Two calls to action start at the same time.",
    errors.CTA_SAME_END: "Two calls to action end at the same time.",
    errors.UPGRADE_FOR_STATIC_TEMPLATES: "Static templates in the player need a paid plan.",
    errors.INTERNAL_ERROR: "Something went wrong on our side; try again, and tell us if it keeps happening.",
    errors.WEBHOOK_NOT_FOUND: "This webhook does not exist (any more).",
    errors.DELIVERY_NOT_FOUND: "This webhook call does not exist (any more).",
    errors.BAD_WEBHOOK_URL: "Webhooks cannot be sent to this address.",
    errors.BAD_WEBHOOK_EVENTS: "One of the chosen events does not exist.",
    errors.WEBHOOK_INACTIVE: "This webhook is switched off; enable it first.",
    errors.STYLE_NOT_DEFINED: "Choose a style.",
    errors.MUSIC_NOT_DEFINED: "Choose the music.",
    errors.INSUFFICIENT_ASSETS: "Add more photos or clips.",
    errors.NO_TITLE: "Give the video a title.",
    errors.INSUFFICIENT_CREDITS: "You do not have enough credits for this.",
    errors.INVALID_REQUEST: "Something in the form is not right.",
    errors.UNAUTHORIZED: "The API key is wrong or missing.",
    errors.FORBIDDEN: "You are not allowed to do this.",
    errors.NOT_FOUND_ERROR: "This does not exist (any more).",
    errors.GONE: "This link has expired.",
    errors.PAYLOAD_TOO_LARGE: "The file is too large (at most 50 MB).",
    errors.RATE_LIMITED: "Too many requests at once; wait a moment and try again.",
    errors.DUPLICATE_VALUE: "Another record already has this value.",
    errors.SELECTOR_REQUIRED: "Say which records: an id or a condition.",
    errors.SLOW_QUERIES_LIMIT: "Too many slow searches this minute; wait a moment, or search on an indexed column.",
    errors.SERVICE_UNAVAILABLE: "The service is briefly unavailable; try again in a moment.",
    errors.RPC_PARSE_ERROR: "The request is not valid JSON.",
    errors.RPC_INVALID_REQUEST: "The request is not a valid JSON-RPC call.",
    errors.RPC_METHOD_NOT_FOUND: "There is no such API method.",
    errors.RPC_INVALID_PARAMS: "The API method was given the wrong parameters.",
    errors.RPC_INTERNAL_ERROR: "Something went wrong on our side; try again.",
}

_BY_CODE: dict[int, ErrorEntry] = {}
for _entry in errors.catalog():
    _BY_CODE.setdefault(_entry.code, _entry)


def words(entry: ErrorEntry) -> str:
    return WORDS.get(entry, entry.message)


def _html(text: str, detail: str, code: int) -> SafeString:
    if detail:
        return format_html('{} {} <small class="error-code" title="error code">{}</small>', text, detail, code)
    return format_html('{} <small class="error-code" title="error code">{}</small>', text, code)


def _detail(exc: AppError) -> str:
    """The specifics: the error's own detail, else its data in words; nothing that repeats the seed's message."""
    detail = errors.describe(exc.data) if exc.data is not None and not exc.detail else (exc.detail or "")
    return "" if detail == exc.entry.message else detail


def error_html(exc: AppError) -> SafeString:
    """``This file is used in a template's script… (media “5f…”, templates “…”) ·1008``: words, specifics, code."""
    detail = _detail(exc)
    return _html(words(exc.entry), f"({detail})" if detail else "", exc.entry.code)


def error_text(exc: AppError) -> str:
    """The same as plain text for a script's status line: ``1005 The script has a mistake. (element “hello”: …)``."""
    detail = _detail(exc)
    return f"{exc.entry.code} {words(exc.entry)}" + (f" ({detail})" if detail else "")


def failure_html(code: int | None, message: str) -> SafeString:
    """A failure stored on a row (a video's ``status_code`` and ``status_message``) in the same words."""
    entry = _BY_CODE.get(code) if code is not None else None
    if entry is None:
        return format_html("{}", message)
    detail = message.removeprefix(entry.message).removeprefix(":").strip()
    return _html(words(entry), f"({detail})" if detail else "", entry.code)
