"""The single source of truth for every error the product can return.

Each entry of the seeds' error tables (000/001) is its own constant, even where
the seed reuses a number with another message (1032, 2005, 2007, 2004). The same
entry carries what the REST surfaces need (seed 003's shape): an HTTP status and
an error ``type``. Services raise :class:`AppError`; each surface maps it once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class ErrorEntry:
    code: int
    message: str
    http_status: int
    type: str  # seed 003 "type": the family (invalid_request_error, not_found_error, ...)
    slug: str = ""  # seed 003 "code": a stable string, the constant's name unless _SLUGS says better

    def __str__(self) -> str:
        return f"{self.code} {self.message}"


def _e(code: int, message: str, http_status: int = 400, type_: str = "invalid_request_error") -> ErrorEntry:
    return ErrorEntry(code, message, http_status, type_)


NOT_FOUND = "not_found_error"
AUTH = "authentication_error"
PERMISSION = "permission_error"
QUOTA = "quota_error"
RATE = "rate_limit_error"
API = "api_error"

TEMPLATE_NOT_FOUND = _e(1000, "Template not found", 404, NOT_FOUND)
MEDIA_NOT_FOUND = _e(1001, "Media not found", 404, NOT_FOUND)
MEDIA_ID_NOT_IN_SCRIPTS = _e(1002, "MediaID not found in scripts")
INPUTS_NOT_ALLOWED = _e(1003, "Inputs not allowed for this template")
INPUTS_MISMATCH = _e(1004, "Scripts inputs and medias mismatch")
BAD_SCRIPT = _e(1005, "Bad script", 422)
VIDEO_FILE_NOT_FOUND = _e(1006, "Video file not found", 404, NOT_FOUND)
VIDEO_NOT_FOUND = _e(1007, "Video not found", 404, NOT_FOUND)
MEDIA_IN_USE = _e(1008, "Media in use in templates", 409)
NO_SCRIPTS = _e(1009, "No scripts")
ACCOUNT_NOT_FOUND = _e(1010, "Account not found", 401, AUTH)
ERROR_DOWNLOADING_MEDIAS = _e(1011, "Error downloading medias", 422)
ERROR_PROCESSING_VIDEO = _e(1012, "Error processing video", 500, API)
ERROR_UPLOADING_YOUTUBE = _e(1013, "Error uploading to Youtube", 502, API)
YOUTUBE_ACCOUNT_NOT_FOUND = _e(1014, "Youtube Account not Found", 404, NOT_FOUND)
AUTHENTICATION_ERROR = _e(1015, "Authentication error", 401, AUTH)
EMAIL_ALREADY_USED = _e(1016, "Email already used", 409)
BAD_PASSWORD = _e(1017, "Bad password", 401, AUTH)
BAD_SECRET = _e(1018, "Bad secret", 401, AUTH)
NO_SIZE_SPECIFIED = _e(1019, "No size specified (content-length)", 411)
INVALID_CONTENT_TYPE = _e(1020, "Invalid Content-Type", 415)
ACCOUNT_NOT_ACTIVE = _e(1021, "Account not active", 403, PERMISSION)
YOUTUBE_BAD_TOKEN = _e(1023, "Youtube upload bad token", 401, AUTH)
ACCOUNT_TYPE_NOT_FOUND = _e(1025, "Account type not found")
PAYMENT_CLIENT_ERROR = _e(1026, "Payment client error", 402)
PAYMENT_MISMATCH = _e(1027, "Payment mismatch", 402)
TEMPLATE_INACTIVE = _e(1028, "Template inactive", 409)
BAD_INPUT_MEDIA = _e(1029, "Bad input media", 422)
ERROR_DELETING_VIDEO_FILES = _e(1030, "Error deleting video files", 500, API)
VIDEO_NOT_IN_YOUTUBE = _e(1031, "Video is not in Youtube", 404, NOT_FOUND)
CUSTOM_PROFILES_NOT_ALLOWED = _e(1032, "This account type does not allow custom video profiles", 403, PERMISSION)
NO_VIDEO_PROFILES = _e(1032, "No video profiles in template")
DUPLICATED_PROFILE = _e(1032, "Duplicated profile name")
ACCOUNT_LOCKED = _e(
    1033,
    "Your account was locked after too many failed login attempts. Please try again later.",
    429,
    RATE,
)
STORED_VIDEOS_LIMIT = _e(2000, "Stored videos size limit reached", 403, QUOTA)
STORED_MEDIAS_LIMIT = _e(2001, "Stored medias size limit reached", 403, QUOTA)
PROFILE_NOT_ALLOWED = _e(2002, "Video profile not allowed", 403, QUOTA)
TOO_MANY_OBJECTS = _e(2003, "Too much free objects in template", 403, QUOTA)
NO_CREDIT = _e(2004, "No credit", 402, QUOTA)
MAX_TEMPLATES = _e(2005, "Max templates reached", 403, QUOTA)
VARIABLES_UNDEFINED = _e(2005, "Not all variables defined")
CTA_START_EMPTY = _e(2006, "CTA start time cannot be empty.")
CTA_FIELD_REQUIRED = _e(2007, "Atleast one field must be specified.")
CTA_SAME_START = _e(2007, "More than one elements have the same start time.")
CTA_SAME_END = _e(2007, "More than one elements have the same end time.")
UPGRADE_FOR_STATIC_TEMPLATES = _e(
    2004, "Please upgrade your account to use Static Templates with Pirsonal Player", 402, QUOTA
)
INTERNAL_ERROR = _e(5000, "Internal Error", 500, API)

# Webhooks (issue 5): the seeds have no codes for these; 3xxx is free in their table.
WEBHOOK_NOT_FOUND = _e(3001, "Webhook not found", 404, NOT_FOUND)
DELIVERY_NOT_FOUND = _e(3002, "Webhook delivery not found", 404, NOT_FOUND)
BAD_WEBHOOK_URL = _e(3003, "Webhook URL not allowed", 400)
BAD_WEBHOOK_EVENTS = _e(3004, "Unknown webhook event", 400)
WEBHOOK_INACTIVE = _e(3005, "Webhook is not active", 409)

# Seed 002's video maker (/me/videos): its table's refusals, as the seed numbers them.
STYLE_NOT_DEFINED = _e(7401, "Style not defined")
MUSIC_NOT_DEFINED = _e(7402, "Music not defined")
INSUFFICIENT_ASSETS = _e(7403, "Insufficient Assets")
NO_TITLE = _e(7404, "No title")
INSUFFICIENT_CREDITS = _e(7405, "Insufficient credits amount", 402, QUOTA)

# REST-only entries (seed 003 has no numeric codes: these use 4xxx so they never
# clash with the video API's table).
INVALID_REQUEST = _e(4000, "The request was invalid. Check the request parameters and try again.")
UNAUTHORIZED = _e(4010, "Invalid or missing API key", 401, AUTH)
FORBIDDEN = _e(4030, "Forbidden", 403, PERMISSION)
NOT_FOUND_ERROR = _e(4040, "Resource not found", 404, NOT_FOUND)
GONE = _e(4100, "This link has expired", 410, NOT_FOUND)
PAYLOAD_TOO_LARGE = _e(4130, "Upload is larger than 50,000,000 bytes", 413)
RATE_LIMITED = _e(4290, "Too many requests; retry later", 429, RATE)

# Seed 004's /rest surface answers these as plain text with their HTTP status.
DUPLICATE_VALUE = _e(4091, "Duplicate value", 409)
SELECTOR_REQUIRED = _e(4002, "PUT and DELETE need an id or a where condition", 400)
SLOW_QUERIES_LIMIT = _e(5031, "Too many slow queries; retry later", 503, RATE)
# The database connection was lost mid-request (the next request reconnects).
SERVICE_UNAVAILABLE = _e(5030, "Service temporarily unavailable; retry shortly", 503, API)

# JSON-RPC 2.0 standard errors.
RPC_PARSE_ERROR = _e(-32700, "Parse error")
RPC_INVALID_REQUEST = _e(-32600, "Invalid Request")
RPC_METHOD_NOT_FOUND = _e(-32601, "Method not found", 404, NOT_FOUND)
RPC_INVALID_PARAMS = _e(-32602, "Invalid params")
RPC_INTERNAL_ERROR = _e(-32603, "Internal error", 500, API)


# REST "code" where the constant's lower-cased name would read worse; INVALID_REQUEST keeps seed 003's own example.
_SLUGS = {
    "INVALID_REQUEST": "invalid_request_error",
    "UNAUTHORIZED": "invalid_api_key",
    "NOT_FOUND_ERROR": "resource_not_found",
    "GONE": "link_expired",
    "INTERNAL_ERROR": "internal_error",
}
for _name, _entry in list(globals().items()):
    if isinstance(_entry, ErrorEntry) and not _entry.slug:
        globals()[_name] = replace(_entry, slug=_SLUGS.get(_name, _name.lower()))
del _name, _entry


def catalog() -> list[ErrorEntry]:
    """Every entry, in declaration order (used by docs and tests)."""
    return [value for value in globals().values() if isinstance(value, ErrorEntry)]


class AppError(Exception):
    """The one error type services raise.

    ``data`` is extra detail for JSON-RPC (e.g. the script element at fault),
    ``param`` names the offending request field for REST, ``detail`` replaces the
    catalog message where a more precise one helps a person (the code stays).
    """

    def __init__(
        self,
        entry: ErrorEntry,
        *,
        data: Any = None,
        param: str | None = None,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.entry = entry
        self.data = data
        self.param = param
        self.detail = detail
        self.headers = headers or {}
        super().__init__(detail or entry.message)

    @property
    def message(self) -> str:
        return self.detail or self.entry.message

    def rpc_error(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.entry.code, "message": self.entry.message}
        data = self.data
        if data is None and self.detail:
            data = self.detail
        if data is not None:
            body["data"] = data
        return body

    def rest_error(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.entry.slug or self.entry.type,
                "message": self.message,
                "param": self.param,
                "type": self.entry.type,
                "number": self.entry.code,  # the catalogue number (the video API's code for the same error)
            }
        }


# What a person calls the keys an error's ``data`` names (a script's element, a media, an input, ...).
_DATA_NAMES = {
    "element": "element",
    "mediaID": "media",
    "inputID": "input",
    "url": "URL",
    "templateIDs": "templates",
    "videoID": "video",
}


def describe(data: Any) -> str:
    """An error's ``data`` in words: ``element “logo” (media “5f…”): media deleted``, never a Python repr."""
    if data is None:
        return ""
    if isinstance(data, dict):
        named = []
        for key, value in data.items():
            if key == "reason" or value is None or value == "":
                continue
            shown = ", ".join(f"“{v}”" for v in value) if isinstance(value, (list, tuple)) else f"“{value}”"
            named.append(f"{_DATA_NAMES.get(key, key)} {shown}")
        reason = data.get("reason")
        return ", ".join(named) + (f": {reason}" if reason and named else str(reason or ""))
    if isinstance(data, (list, tuple)):
        return ", ".join(map(str, data))
    return str(data)
