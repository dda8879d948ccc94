"""Template helpers of every dashboard page: ``{% load dashboard %}``."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from accounts.dashboard.errors import error_html, failure_html
from core.errors import AppError

register = template.Library()


@register.filter
def clock(milliseconds: int | None) -> str:
    """A length as a person reads it: 6000 ms -> ``0:06``, 3723000 -> ``1:02:03``."""
    if milliseconds is None:
        return ""
    seconds = round(milliseconds / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@register.simple_tag
def failure(code: int | None, message: str) -> SafeString:
    """A failure stored on a row, in the dashboard's words with its code (accounts.dashboard.errors)."""
    return failure_html(code, message)


@register.filter
def in_words(exc: AppError) -> SafeString:
    """An ``AppError`` in the dashboard's words with its code (accounts.dashboard.errors)."""
    return error_html(exc)


@register.filter
def get_item(mapping: dict, key):
    """``{{ names|get_item:id }}``: a dict's value by a variable key."""
    return mapping.get(key)
