"""The shapes of a template's page branding, declared once: the REST answer, the OpenAPI
component and the JSON-RPC struct (``core.rpc.struct_from``) come from the output class; the
input class parses ``Template_Set_Page_Branding`` and ``PUT /v1/templates/{id}/page-branding``."""

from __future__ import annotations

from rest_framework import serializers

from videos.models import PageBranding
from videos.player.services import HEX_COLOR_RE


class PageBrandingSerializer(serializers.Serializer):
    """How a template's player pages look (every field has a default)"""

    templateID = serializers.CharField(source="template.public_id")
    title = serializers.CharField(
        help_text="Page title with $variables from the video's inputs; empty: the video's name"
    )
    message = serializers.CharField(help_text="Shown under the video, with $variables from the video's inputs")
    backgroundColor = serializers.CharField(source="background_color", help_text="#RRGGBB")
    textColor = serializers.CharField(source="text_color", help_text="#RRGGBB, at least 4.5:1 on the background")
    accentColor = serializers.CharField(source="accent_color", help_text="#RRGGBB, at least 3:1 on the background")
    logoMediaID = serializers.CharField(source="logo.public_id", allow_null=True, help_text="An image of the library")


def _default(field: str) -> str:
    return PageBranding._meta.get_field(field).default


class PageBrandingInputSerializer(serializers.Serializer):
    """The whole branding: a field left out takes its default (a logo left out: none)."""

    title = serializers.CharField(max_length=200, allow_blank=True, default="")
    message = serializers.CharField(max_length=2000, allow_blank=True, default="")
    backgroundColor = serializers.RegexField(HEX_COLOR_RE, default=_default("background_color"))
    textColor = serializers.RegexField(HEX_COLOR_RE, default=_default("text_color"))
    accentColor = serializers.RegexField(HEX_COLOR_RE, default=_default("accent_color"))
    logoMediaID = serializers.CharField(max_length=24, allow_null=True, default=None)


def branding_json(branding: PageBranding) -> dict:
    return PageBrandingSerializer(branding).data


def branding_arguments(validated: dict) -> dict:
    """``services.branding_set``'s keyword arguments from a valid input."""
    return {
        "title": validated["title"],
        "message": validated["message"],
        "background_color": validated["backgroundColor"],
        "text_color": validated["textColor"],
        "accent_color": validated["accentColor"],
        "logo_media_id": validated["logoMediaID"],
    }
