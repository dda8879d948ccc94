"""REST endpoints of seed 003: document templates, /v1/content, on-demand URLs (the signed
downloads they point to are in ``documents.downloads``)."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import account_of
from core import errors
from core.dates import iso_z
from core.errors import AppError
from core.openapi import error_responses
from core.shapes import represent
from documents import downloads, renderer, selectors, services
from documents.models import DocumentTemplate
from documents.serializers import (
    CONTENT_EXAMPLE,
    EXAMPLE_REQUEST_ID,
    SEED_FIELDS,
    SEED_TEMPLATE_ID,
    TEMPLATE_EXAMPLE,
    AssetSerializer,
    ContentRequestSerializer,
    ContentResultSerializer,
    FieldSpecSerializer,
    LinkRequestSerializer,
    RequestIdSerializer,
    TemplateSerializer,
    UrlSerializer,
)
from documents.services import ASSET_NAME_PATTERN


def _invalid(param: str, message: str) -> AppError:
    return AppError(errors.INVALID_REQUEST, param=param, detail=message)


def template_json(template: DocumentTemplate) -> dict[str, Any]:
    return represent(TemplateSerializer, template)


def _template_values(data: Any, *, partial: bool) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _invalid("", "The body must be a JSON object")
    serializer = TemplateSerializer(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    valid = serializer.validated_data  # the stored names (the fields' sources)
    names = {"Name": "name", "Html": "html", "Css": "css", "PageSize": "page_size", "Orientation": "orientation"}
    values = {model: valid[model] for api, model in names.items() if model in valid and (not partial or api in data)}
    if "Fields" in data or not partial:
        fields = valid.get("fields", [])
        if partial:  # the list replaces the old one whole: each entry is checked in full, defaults filled in
            entries = FieldSpecSerializer(data=data["Fields"], many=True)
            if not entries.is_valid():
                raise serializers.ValidationError({"Fields": entries.errors})
            fields = entries.validated_data
        values["fields"] = [dict(field) for field in fields]
    return values


# --- templates ------------------------------------------------------------------------


class TemplateListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "templateId",
                OpenApiTypes.UUID,
                OpenApiParameter.QUERY,
                required=False,
                description="Seed 003's form: the one template's information (an object, 404 if unknown)",
            )
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="TemplatesOrTemplate",
                serializers=[TemplateSerializer(many=True), TemplateSerializer],
                resource_type_field_name=None,
                many=False,
            ),
            **error_responses(404),
        },
        examples=[OpenApiExample("Templates", value=[TEMPLATE_EXAMPLE], response_only=True)],
        operation_id="v1_templates_list",
        tags=["documents"],
    )
    def get(self, request):
        """The account's document templates, most recently changed first; with ``?templateId=`` that one template."""
        account = account_of(request)
        template_id = request.query_params.get("templateId")
        if template_id is not None:
            template = selectors.template_get(account=account, template_id=template_id, param="templateId")
            return Response(template_json(template))
        return Response([template_json(t) for t in selectors.template_list(account=account)])

    @extend_schema(
        request=TemplateSerializer,
        responses={201: TemplateSerializer, **error_responses(400)},
        examples=[
            OpenApiExample(
                "Template",
                value={k: TEMPLATE_EXAMPLE[k] for k in ("Name", "Html", "Css", "Fields", "PageSize", "Orientation")},
                request_only=True,
            ),
            OpenApiExample("Created", value=TEMPLATE_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
        tags=["documents"],
    )
    def post(self, request):
        """Create a document template (the HTML is checked: syntax and sandbox errors are a 400)."""
        values = _template_values(request.data, partial=False)
        template = services.template_create(account=account_of(request), **values)
        return Response(template_json(template), status=status.HTTP_201_CREATED)


TEMPLATE_ID_PARAM = OpenApiParameter(
    "templateId", OpenApiTypes.UUID, OpenApiParameter.PATH, description="ID of the template"
)


class TemplateDetailView(APIView):
    @extend_schema(
        parameters=[TEMPLATE_ID_PARAM],
        responses={200: TemplateSerializer, **error_responses(404)},
        examples=[OpenApiExample("Template", value=TEMPLATE_EXAMPLE, response_only=True)],
        tags=["documents"],
    )
    def get(self, request, templateId: str):
        """Information about a template, including its fields (name, type, required, default)."""
        template = selectors.template_get(account=account_of(request), template_id=templateId, param="templateId")
        return Response(template_json(template))

    @extend_schema(
        parameters=[TEMPLATE_ID_PARAM],
        request=TemplateSerializer,
        responses={200: TemplateSerializer, **error_responses(400, 404)},
        examples=[
            OpenApiExample("Rename", value={"Name": "Certificate v2"}, request_only=True),
            OpenApiExample("Template", value=TEMPLATE_EXAMPLE, response_only=True),
        ],
        tags=["documents"],
    )
    def patch(self, request, templateId: str):
        """Change some of a template's properties."""
        account = account_of(request)
        template = selectors.template_get(account=account, template_id=templateId, param="templateId")
        template = services.template_update(
            account=account, template=template, **_template_values(request.data, partial=True)
        )
        return Response(template_json(template))

    @extend_schema(
        parameters=[TEMPLATE_ID_PARAM],
        request=TemplateSerializer,
        responses={200: TemplateSerializer, **error_responses(400, 404)},
        examples=[OpenApiExample("Template", value=TEMPLATE_EXAMPLE, response_only=True)],
        tags=["documents"],
    )
    def put(self, request, templateId: str):
        """Replace a template's properties (its id, assets and requests stay)."""
        account = account_of(request)
        template = selectors.template_get(account=account, template_id=templateId, param="templateId")
        template = services.template_update(
            account=account, template=template, **_template_values(request.data, partial=False)
        )
        return Response(template_json(template))

    @extend_schema(
        parameters=[TEMPLATE_ID_PARAM],
        responses={204: None, **error_responses(404)},
        tags=["documents"],
    )
    def delete(self, request, templateId: str):
        """Delete a template, its assets and its on-demand URLs."""
        account = account_of(request)
        template = selectors.template_get(account=account, template_id=templateId, param="templateId")
        services.template_delete(account=account, template=template)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateAssetsView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[TEMPLATE_ID_PARAM],
        request={
            "multipart/form-data": inline_serializer(
                "AssetUpload",
                {
                    "file": serializers.FileField(),
                    "name": serializers.CharField(
                        required=False,
                        max_length=100,
                        allow_blank=True,
                        validators=[RegexValidator(ASSET_NAME_PATTERN)],
                        help_text="Letters, digits, '.', '_' and '-'; defaults to the file name",
                    ),
                },
            )
        },
        responses={201: AssetSerializer, **error_responses(400, 404, 413)},
        examples=[
            OpenApiExample(
                "Asset",
                value={"Name": "logo.png", "ContentType": "image/png", "Size": 5120},
                response_only=True,
                status_codes=["201"],
            )
        ],
        tags=["documents"],
    )
    def post(self, request, templateId: str):
        """Upload (or replace) a file the template refers to by name, e.g. ``<img src="logo.png">``."""
        account = account_of(request)
        template = selectors.template_get(account=account, template_id=templateId, param="templateId")
        upload = request.FILES.get("file")
        if upload is None:
            raise _invalid("file", "Send the asset as multipart field 'file'")
        name = request.data.get("name") or upload.name
        asset = services.asset_put(
            account=account, template=template, name=name, content=upload.read(), content_type=upload.content_type or ""
        )
        return Response(AssetSerializer(asset).data, status=status.HTTP_201_CREATED)


class TemplateAssetView(APIView):
    @extend_schema(
        parameters=[
            TEMPLATE_ID_PARAM,
            OpenApiParameter(
                "name", {"type": "string", "pattern": ASSET_NAME_PATTERN, "maxLength": 100}, OpenApiParameter.PATH
            ),
        ],
        responses={204: None, **error_responses(404)},
        tags=["documents"],
    )
    def delete(self, request, templateId: str, name: str):
        """Remove an asset from a template."""
        account = account_of(request)
        template = selectors.template_get(account=account, template_id=templateId, param="templateId")
        services.asset_delete(account=account, template=template, name=name)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- content ----------------------------------------------------------------------------


def _content_body(request, body_serializer: type[serializers.Serializer]) -> tuple[str, dict, renderer.Output]:
    """TemplateId, Fields and Output of a /v1/content or /v1/content/url body, checked here at the edge."""
    if not isinstance(request.data, dict):
        raise _invalid("", "The body must be a JSON object with TemplateId, Fields and Output")
    body = body_serializer(data=request.data)
    body.is_valid(raise_exception=True)
    output = body.validated_data.get("Output", {})
    return (
        body.validated_data["TemplateId"],
        body.validated_data["Fields"],
        renderer.Output(
            format=output.get("Format", "PDF"),
            quality=output.get("Quality", "Display"),
            package=output.get("Package", False),
            strict_policy=output.get("StrictPolicy", False),
            resolution=output.get("Resolution"),
        ),
    )


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _wait_seconds(raw: str | None) -> float:
    if raw is None:
        return 0.0
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= services.MAX_WAIT_SECONDS:
        raise _invalid("wait", f"wait is a number of seconds from 0 to {services.MAX_WAIT_SECONDS:g}")
    return seconds


class ContentView(APIView):
    @extend_schema(
        request=ContentRequestSerializer,
        responses={202: RequestIdSerializer, **error_responses(400, 402, 404)},
        examples=[
            CONTENT_EXAMPLE,
            OpenApiExample(
                "Accepted", value={"RequestId": EXAMPLE_REQUEST_ID}, response_only=True, status_codes=["202"]
            ),
        ],
        tags=["documents"],
    )
    def post(self, request):
        """Generate a document from a template: rendering starts now and one credit is charged now.
        Poll ``GET /v1/content?requestId=`` for the result."""
        account = account_of(request)
        template_id, fields, output = _content_body(request, ContentRequestSerializer)
        template = selectors.template_get(account=account, template_id=template_id)
        created = services.content_request_create(account=account, template=template, fields=fields, output=output)
        return Response({"RequestId": str(created.request_id)}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "requestId", OpenApiTypes.UUID, required=True, description="ID of the content generation request"
            ),
            OpenApiParameter(
                "wait",
                OpenApiTypes.NUMBER,
                required=False,
                description=(
                    "Long poll: answer as soon as the request is Completed or Failed, or after this many seconds "
                    f"(0-{services.MAX_WAIT_SECONDS:g}) with its status then. Default 0: answer at once."
                ),
            ),
        ],
        responses={200: ContentResultSerializer, **error_responses(400, 404)},
        examples=[
            OpenApiExample(
                "Completed",
                value={
                    "RequestId": EXAMPLE_REQUEST_ID,
                    "Status": "Completed",
                    "URLs": ["https://api.example.com/v1/files/WyI2ZjFk...:1tQk..."],
                    "ExpiresAt": "2025-01-01T10:30:00Z",
                },
                response_only=True,
            ),
            OpenApiExample(
                "In progress",
                value={"RequestId": EXAMPLE_REQUEST_ID, "Status": "InProgress", "URLs": []},
                response_only=True,
            ),
            OpenApiExample(
                "Failed",
                value={
                    "RequestId": EXAMPLE_REQUEST_ID,
                    "Status": "Failed",
                    "URLs": [],
                    "FailureDescription": "Template error on line 3: division by zero",
                },
                response_only=True,
            ),
        ],
        tags=["documents"],
    )
    def get(self, request):
        """The status and result of a content generation request. URLs stay live 30 minutes."""
        request_id = request.query_params.get("requestId")
        if not request_id:
            raise _invalid("requestId", "requestId is required")
        found = selectors.request_get(account=account_of(request), request_id=request_id)
        found = services.request_wait(request=found, seconds=_wait_seconds(request.query_params.get("wait")))
        return Response(ContentResultSerializer(found, context={"base_url": _base_url(request)}).data)


class ContentUrlView(APIView):
    @extend_schema(
        request=LinkRequestSerializer,
        responses={200: UrlSerializer, **error_responses(400, 404)},
        examples=[
            OpenApiExample(
                "Seed 003",
                request_only=True,
                value={
                    "TemplateId": SEED_TEMPLATE_ID,
                    "Fields": SEED_FIELDS,
                    "Output": {"Format": "PDF", "Quality": "Display"},
                },
            ),
            OpenApiExample(
                "URL",
                response_only=True,
                value={
                    "URL": "https://api.example.com/d/3q2-7wEAAAB0ZXN0X3Rva2VuXzEyMzQ",
                    "ExpiresAt": "2025-01-31T10:00:00Z",
                },
            ),
        ],
        tags=["documents"],
    )
    def post(self, request):
        """A URL (valid 30 days) that renders the PDF when opened; a credit is charged on the first open only."""
        account = account_of(request)
        template_id, fields, output = _content_body(request, LinkRequestSerializer)
        template = selectors.template_get(account=account, template_id=template_id)
        link = services.link_create(account=account, template=template, fields=fields, output=output)
        return Response(
            {
                "URL": f"{_base_url(request)}/d/{link.token}",
                "ExpiresAt": iso_z(link.expires_at),
            }
        )


urlpatterns = [
    path("templates", TemplateListView.as_view(), name="document-templates"),
    path("templates/<str:templateId>", TemplateDetailView.as_view(), name="document-template"),
    path("templates/<str:templateId>/assets", TemplateAssetsView.as_view(), name="document-template-assets"),
    path("templates/<str:templateId>/assets/<str:name>", TemplateAssetView.as_view(), name="document-template-asset"),
    path("content", ContentView.as_view(), name="content"),
    path("content/url", ContentUrlView.as_view(), name="content-url"),
    path("files/<str:token>", downloads.file_download, name="document-file"),
]
