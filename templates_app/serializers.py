"""The video template object, declared once: the JSON-RPC ``Template`` struct
(``core.rpc.struct_from``) and every RPC answer come from these classes."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.shapes import JSONTextField
from templates_app.models import VideoTemplate


class TemplateSerializer(serializers.Serializer):
    """templateSecret only when just made (Template_New, Template_RotateSecret): only its digest is stored"""

    templateID = serializers.CharField(source="public_id")
    accountID = serializers.CharField(source="account.public_id")
    name = serializers.CharField()
    description = serializers.CharField()
    inputScripts = JSONTextField(source="input_scripts", help_text="The script object as JSON text")
    outProfiles = serializers.ListField(source="out_profiles", child=serializers.CharField())
    status = serializers.CharField()
    templateSecret = serializers.CharField(required=False)
    date = serializers.DateTimeField(source="created_at")
    updated = serializers.DateTimeField(source="updated_at")

    def to_representation(self, template: VideoTemplate) -> dict[str, Any]:
        data = super().to_representation(template)
        if self.context.get("secret") is not None:
            data["templateSecret"] = self.context["secret"]
        return data


class TemplatePageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = TemplateSerializer(many=True)


def template_json(template: VideoTemplate, secret: str | None = None) -> dict[str, Any]:
    return TemplateSerializer(template, context={"secret": secret}).data
