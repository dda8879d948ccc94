"""Secrets never reach a log line: a logging filter for Django's handlers and a
gunicorn logger class that applies it to the access and error logs.

Credentials travel in query strings (``?accountSecret=`` of seeds 000/001,
``templateSecret``), headers (``Authorization``) and, in error messages, as
raw keys (``psk_<id>_<secret>``). The filter rewrites the final message (and a
traceback's text) of every record it sees; the key id stays, so a line still
says which key was used.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
_PATTERNS = [
    # name=value in query strings and form bodies
    (
        re.compile(
            r"(?i)\b((?:account|template)Secret|secret|password|token|api_?key|csrfmiddlewaretoken)=([^&\s\"']+)"
        ),
        rf"\1={REDACTED}",
    ),
    # an API key anywhere: keep its public id
    (re.compile(r"\bpsk_([0-9a-f]+)_[0-9a-f]+"), rf"psk_\1_{REDACTED}"),
    # HTTP credentials in a header dump
    (re.compile(r"(?i)\b(Basic|ApiKey|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}"), rf"\1 {REDACTED}"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class RedactingGunicornLogger(Logger):
    """gunicorn's logger (``logger_class`` in config/gunicorn.conf.py) with every
    access and error line redacted: the access line holds the full request URI."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecrets) for f in log.filters):
                log.addFilter(RedactSecrets())
