"""Shapes and schema of the documents REST API (seed 003): request and answer serializers, examples.
A template and a content result are declared once here: the OpenAPI components and the answers
(``TemplateSerializer(template).data``, ``ContentResultSerializer(request, context=...).data``)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiExample, inline_serializer
from rest_framework import serializers

from core.rest import StrictSerializer
from documents import renderer, selectors, services
from documents.models import DocumentRequest, DocumentTemplate

SEED_TEMPLATE_ID = "c790fd3b-10ef-4a58-963b-b688e564eefa"
SEED_FIELDS = {"First Name": "John", "Machine": "AK-2000", "Color": "Blue"}
EXAMPLE_REQUEST_ID = "6f1d3c1e-8a9b-4c2d-9e0f-1a2b3c4d5e6f"


# --- serializers (shape and schema) ---------------------------------------------------------


# Read and written as a template stores its fields: {name, type, required, default, sample}.
class FieldSpecSerializer(StrictSerializer):
    """A field of a template: its name, type, whether it is required, a default and a sample value."""

    Name = serializers.CharField(
        source="name",
        max_length=100,
        validators=[RegexValidator(r"\S", "A field name needs a visible character")],
        help_text="As users see it; spaces allowed ('First Name')",
    )
    Type = serializers.ChoiceField(source="type", choices=renderer.FIELD_TYPES, default="text")
    Required = serializers.BooleanField(source="required", default=False)
    Default = serializers.JSONField(source="default", required=False, allow_null=True, default=None)
    Sample = serializers.JSONField(
        source="sample", required=False, allow_null=True, default=None, help_text="Used by previews"
    )


class _TemplateAssets(serializers.ListSerializer):
    def get_attribute(self, template: DocumentTemplate) -> list:
        return selectors.asset_list(template=template)


class AssetSerializer(serializers.Serializer):
    Name = serializers.CharField(source="name", help_text='Refer to it in the HTML by this name: <img src="logo.png">')
    ContentType = serializers.CharField(source="content_type")
    Size = serializers.IntegerField(source="size")

    class Meta:
        list_serializer_class = _TemplateAssets  # a template's Assets: prefetched by the list, else one query


class TemplateSerializer(StrictSerializer):
    TemplateId = serializers.UUIDField(source="template_id", read_only=True)
    Name = serializers.CharField(source="name", max_length=200)
    Html = serializers.CharField(
        source="html", help_text="Jinja2 (sandboxed): {{ fields['First Name'] }} or {{ First_Name }}"
    )
    Css = serializers.CharField(source="css", required=False, allow_blank=True, default="")
    Fields = FieldSpecSerializer(source="fields", many=True, required=False, default=list)
    PageSize = serializers.ChoiceField(source="page_size", choices=DocumentTemplate.PageSize.values, default="A4")
    Orientation = serializers.ChoiceField(
        source="orientation", choices=DocumentTemplate.Orientation.values, default="portrait"
    )
    Assets = AssetSerializer(many=True, read_only=True)
    Created = serializers.DateTimeField(source="created_at", read_only=True)
    Updated = serializers.DateTimeField(source="updated_at", read_only=True)


class _OutputKeys(StrictSerializer):
    """An Output object: a key the schema does not name is a 400 naming it (seed 003)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                known = ", ".join(self.fields)
                raise serializers.ValidationError({unknown[0]: [f"Unknown Output key {unknown[0]!r}; known: {known}"]})
        return super().to_internal_value(data)


class OutputSerializer(_OutputKeys):
    Format = serializers.ChoiceField(choices=list(renderer.FORMATS), default="PDF")
    Quality = serializers.ChoiceField(
        choices=renderer.QUALITIES,
        default="Display",
        help_text="Display ≈ 150 dpi, Print = 300 dpi and full-resolution images",
    )
    Resolution = serializers.IntegerField(
        required=False,
        min_value=renderer.RESOLUTION_LIMITS[0],
        max_value=renderer.RESOLUTION_LIMITS[1],
        help_text="dpi of PNG/JPG pages (default: the Quality's); refused for PDF. Any other Output key is a 400",
    )
    Package = serializers.BooleanField(default=False, help_text="One ZIP holding every output file")
    StrictPolicy = serializers.BooleanField(
        default=False, help_text="true: an unknown or missing required field is a 400 naming it in param"
    )

    def validate(self, attrs):
        if attrs.get("Resolution") is not None and attrs.get("Format", "PDF") == "PDF":
            raise serializers.ValidationError(
                {"Resolution": ["Resolution (dpi) applies to PNG and JPG; a PDF keeps its vector text"]}
            )
        return attrs


class ContentRequestSerializer(StrictSerializer):
    TemplateId = serializers.CharField(help_text="ID of the template to use")
    Fields = serializers.DictField(help_text="Key-value pairs of template fields")
    Output = OutputSerializer(required=False)


class LinkOutputSerializer(_OutputKeys):
    Format = serializers.ChoiceField(choices=["PDF"], default="PDF", help_text="On-demand URLs return the PDF itself")
    Quality = serializers.ChoiceField(
        choices=renderer.QUALITIES, default="Display", help_text="Display ≈ 150 dpi, Print = 300 dpi"
    )
    Package = serializers.BooleanField(default=False, help_text="Always false: on-demand URLs return the PDF itself")
    StrictPolicy = serializers.BooleanField(
        default=False, help_text="true: an unknown or missing required field is a 400 naming it in param"
    )

    def validate_Package(self, value: bool) -> bool:
        if value:
            raise serializers.ValidationError("On-demand URLs return the PDF itself")
        return value


class LinkRequestSerializer(StrictSerializer):
    TemplateId = serializers.CharField(help_text="ID of the template to use")
    Fields = serializers.DictField(help_text="Key-value pairs of template fields")
    Output = LinkOutputSerializer(required=False)


RequestIdSerializer = inline_serializer("ContentAccepted", {"RequestId": serializers.UUIDField()})


class _DownloadUrls(serializers.ListField):
    def get_attribute(self, request: DocumentRequest) -> list[str]:
        return services.request_urls(request, self.context["base_url"])


class _DownloadsExpireAt(serializers.DateTimeField):
    def get_attribute(self, request: DocumentRequest):
        return services.download_expires_at(request)


# Serializes a DocumentRequest; the context gives the base_url of its download URLs.
class ContentResultSerializer(serializers.Serializer):
    """The status of a content generation request and, once completed, its signed download URLs."""

    RequestId = serializers.UUIDField(source="request_id")
    Status = serializers.ChoiceField(
        source="api_status", choices=list(dict.fromkeys(DocumentRequest.API_STATUS.values()))
    )
    URLs = _DownloadUrls(child=serializers.URLField(), help_text="Signed; live 30 minutes")
    ExpiresAt = _DownloadsExpireAt(required=False, help_text="When the URLs stop working (Completed only)")
    FailureDescription = serializers.CharField(source="failure_description", required=False, help_text="Failed only")

    def to_representation(self, request: DocumentRequest) -> dict:
        data = super().to_representation(request)
        if request.status != DocumentRequest.Status.COMPLETED:
            del data["ExpiresAt"]
        if request.status != DocumentRequest.Status.FAILED:
            del data["FailureDescription"]
        return data


UrlSerializer = inline_serializer(
    "OnDemandUrl", {"URL": serializers.URLField(), "ExpiresAt": serializers.DateTimeField()}
)

CONTENT_EXAMPLE = OpenApiExample(
    "Seed 003",
    request_only=True,
    value={
        "TemplateId": SEED_TEMPLATE_ID,
        "Fields": SEED_FIELDS,
        "Output": {"Format": "PDF", "Quality": "Display", "Package": False, "StrictPolicy": True},
    },
)
TEMPLATE_EXAMPLE = {
    "TemplateId": SEED_TEMPLATE_ID,
    "Name": "Machine certificate",
    "Html": "<h1>Hello {{ fields['First Name'] }}</h1><p>Your {{ Machine }} in {{ Color }}.</p>",
    "Css": "h1 { color: #4338ca; }",
    "Fields": [
        {"Name": "First Name", "Type": "text", "Required": True, "Default": None, "Sample": "Ada"},
        {"Name": "Machine", "Type": "text", "Required": True, "Default": None, "Sample": "AK-2000"},
        {"Name": "Color", "Type": "text", "Required": False, "Default": "Black", "Sample": "Blue"},
    ],
    "PageSize": "A4",
    "Orientation": "portrait",
    "Assets": [{"Name": "logo.png", "ContentType": "image/png", "Size": 5120}],
    "Created": "2025-01-01T10:00:00Z",
    "Updated": "2025-01-01T10:00:00Z",
}
