"""REST endpoints of campaigns under /v1/campaigns (the Campaign_* JSON-RPC methods' twins)."""

from __future__ import annotations

import json

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import account_of
from campaigns import selectors, services
from campaigns.models import Recipient
from core import errors
from core.errors import AppError
from core.http import attachment_response
from core.openapi import error_responses
from core.rest import page_params

MAX_CSV_BYTES = 50_000_000

CampaignSerializer = inline_serializer(
    "Campaign",
    {
        "id": serializers.CharField(),
        "name": serializers.CharField(),
        "templateId": serializers.CharField(),
        "kind": serializers.ChoiceField(choices=["video", "document"]),
        "mode": serializers.ChoiceField(choices=["render", "link"]),
        "audience": serializers.JSONField(help_text='{"where": …}, or {"csv"|"rows": {"columns": [...]}}'),
        "fields": serializers.DictField(child=serializers.CharField()),
        "linkTtlDays": serializers.IntegerField(),
        "status": serializers.ChoiceField(choices=["queued", "running", "done", "partial", "cancelled"]),
        "total": serializers.IntegerField(),
        "done": serializers.IntegerField(),
        "failed": serializers.IntegerField(),
        "rendering": serializers.IntegerField(),
        "pending": serializers.IntegerField(),
        "createdAt": serializers.DateTimeField(),
        "finishedAt": serializers.DateTimeField(allow_null=True),
    },
)
CampaignPageSerializer = inline_serializer(
    "CampaignPage", {"total": serializers.IntegerField(), "items": CampaignSerializer.__class__(many=True)}
)
CampaignAcceptedSerializer = inline_serializer(
    "CampaignAccepted",
    {"id": serializers.CharField(), "status": serializers.CharField(), "total": serializers.IntegerField()},
)
RecipientSerializer = inline_serializer(
    "CampaignRecipient",
    {
        "key": serializers.CharField(help_text="The user's id (where audience) or the row number (CSV, rows)"),
        "email": serializers.CharField(),
        "status": serializers.ChoiceField(choices=Recipient.Status.values),
        "error": inline_serializer(
            "CampaignRecipientError",
            {"code": serializers.IntegerField(), "message": serializers.CharField()},
            allow_null=True,
            help_text="null unless the status is error",
        ),
        "values": serializers.DictField(child=serializers.CharField()),
        "videoId": serializers.CharField(allow_null=True),
        "documentId": serializers.CharField(allow_null=True),
        "link": serializers.CharField(),
        "updatedAt": serializers.DateTimeField(),
    },
)
RecipientPageSerializer = inline_serializer(
    "CampaignRecipientPage", {"total": serializers.IntegerField(), "items": RecipientSerializer.__class__(many=True)}
)
PreviewSerializer = inline_serializer(
    "CampaignAudiencePreview",
    {
        "source": serializers.ChoiceField(choices=["where", "csv", "rows"]),
        "columns": serializers.ListField(child=serializers.CharField()),
        "total": serializers.IntegerField(),
        "unknownColumns": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        "preview": serializers.ListField(child=serializers.DictField()),
    },
)


class CampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    templateId = serializers.CharField(max_length=40)
    audience = serializers.JSONField(help_text='{"where": "country=ES"} | {"csv": "<text>"} | {"rows": [{…}]}')
    fields = serializers.DictField(
        child=serializers.CharField(max_length=500),
        help_text='Template input → column, "constant" or column|"fallback"',
    )
    mode = serializers.ChoiceField(choices=["render", "link"])
    linkTtlDays = serializers.IntegerField(min_value=1, max_value=services.MAX_LINK_TTL_DAYS, required=False)


class CampaignUploadSerializer(serializers.Serializer):
    """The multipart form: the CSV as ``file``, ``fields`` as JSON text."""

    name = serializers.CharField(max_length=200)
    templateId = serializers.CharField(max_length=40)
    file = serializers.FileField(help_text="UTF-8 CSV with a header row, up to 100,000 rows")
    fields = serializers.CharField(help_text="JSON object: template input → expression")
    mode = serializers.ChoiceField(choices=["render", "link"])
    linkTtlDays = serializers.IntegerField(min_value=1, max_value=services.MAX_LINK_TTL_DAYS, required=False)


class PreviewRequestSerializer(serializers.Serializer):
    audience = serializers.JSONField()
    fields = serializers.DictField(child=serializers.CharField(max_length=500), required=False)


CREATE_EXAMPLE = OpenApiExample(
    "Where audience",
    value={
        "name": "Spring greetings",
        "templateId": "66f0c0ffee0000000000abcd",
        "audience": {"where": "country=ES&last_seen>=2025-01-01"},
        "fields": {"name": 'first_name|"friend"'},
        "mode": "render",
    },
    request_only=True,
)


def _upload_body(request) -> dict:
    form = CampaignUploadSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    data = form.validated_data
    upload = data["file"]
    if upload.size > MAX_CSV_BYTES:
        raise AppError(errors.PAYLOAD_TOO_LARGE, param="file", detail=f"The CSV may not exceed {MAX_CSV_BYTES} bytes")
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise AppError(errors.INVALID_REQUEST, param="file", detail="file: the CSV is not UTF-8 text") from None
    try:
        fields = json.loads(data["fields"])
    except json.JSONDecodeError:
        raise AppError(errors.INVALID_REQUEST, param="fields", detail="fields: not valid JSON") from None
    return {**data, "audience": {"csv": text}, "fields": fields}


class CampaignListView(APIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        parameters=[OpenApiParameter("offset", int), OpenApiParameter("limit", int, description="At most 100")],
        responses={200: CampaignPageSerializer, **error_responses(400)},
        operation_id="v1_campaigns_list",
        tags=["campaigns"],
    )
    def get(self, request):
        """The account's campaigns, newest first."""
        offset, limit = page_params(request)
        total, items = selectors.campaign_list(account=account_of(request), offset=offset, limit=limit)
        return Response({"total": total, "items": [selectors.campaign_json(c) for c in items]})

    @extend_schema(
        request={"application/json": CampaignCreateSerializer, "multipart/form-data": CampaignUploadSerializer},
        responses={202: CampaignAcceptedSerializer, **error_responses(400, 402, 404, 409)},
        examples=[CREATE_EXAMPLE],
        tags=["campaigns"],
    )
    def post(self, request):
        """Start a campaign: its recipients are built and (mode render) rendered in the background.
        Render mode checks the credits for every recipient first (2004 naming how many are short)."""
        if request.content_type.startswith("multipart/"):
            data = _upload_body(request)
        else:
            serializer = CampaignCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        campaign = services.campaign_create(
            account=account_of(request),
            name=data["name"],
            template_id=data["templateId"],
            audience=data["audience"],
            fields=data["fields"],
            mode=data["mode"],
            link_ttl_days=data.get("linkTtlDays"),
        )
        return Response(
            {"id": campaign.public_id, "status": campaign.status, "total": campaign.total},
            status=status.HTTP_202_ACCEPTED,
        )


class CampaignPreviewView(APIView):
    @extend_schema(
        request=PreviewRequestSerializer, responses={200: PreviewSerializer, **error_responses(400)}, tags=["campaigns"]
    )
    def post(self, request):
        """How many recipients an audience selects and three of them with their mapped values."""
        serializer = PreviewRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        preview = services.audience_preview(
            account=account_of(request), audience=data["audience"], fields=data.get("fields")
        )
        return Response(preview)


class CampaignDetailView(APIView):
    @extend_schema(responses={200: CampaignSerializer, **error_responses(404)}, tags=["campaigns"])
    def get(self, request, campaign_id: str):
        """One campaign with its recipients counted by status."""
        campaign = selectors.campaign_get(account=account_of(request), campaign_id=campaign_id)
        return Response(selectors.campaign_json(campaign))

    @extend_schema(responses={204: None, **error_responses(404)}, tags=["campaigns"])
    def delete(self, request, campaign_id: str):
        """Delete the campaign and its recipients. Rendered videos and documents stay in the account."""
        services.campaign_delete(account=account_of(request), campaign_id=campaign_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _action(name: str, service, doc: str) -> type[APIView]:
    @extend_schema(request=None, responses={200: CampaignSerializer, **error_responses(402, 404)}, tags=["campaigns"])
    def post(self, request, campaign_id: str):
        campaign = service(account=account_of(request), campaign_id=campaign_id)
        return Response(selectors.campaign_json(campaign))

    post.__doc__ = doc
    return type(name, (APIView,), {"post": post})


CampaignCancelView = _action(
    "CampaignCancelView",
    services.campaign_cancel,
    "Stop: no further renders are queued; those already rendering finish.",
)
CampaignRetryView = _action(
    "CampaignRetryView",
    services.campaign_retry_failed,
    "Render the failed recipients again (2004 when the credits do not cover them).",
)
CampaignRefreshView = _action(
    "CampaignRefreshView",
    services.campaign_refresh,
    "Add the audience members that match now and are not recipients yet (a where audience).",
)

STATUS_FILTER = OpenApiParameter("status", str, enum=Recipient.Status.values, description="Only this status")


def _status_filter(request) -> str | None:
    value = request.query_params.get("status") or None
    if value is not None and value not in Recipient.Status.values:
        raise AppError(
            errors.INVALID_REQUEST, param="status", detail=f"status: one of {', '.join(Recipient.Status.values)}"
        )
    return value


class RecipientListView(APIView):
    @extend_schema(
        parameters=[STATUS_FILTER, OpenApiParameter("offset", int), OpenApiParameter("limit", int)],
        responses={200: RecipientPageSerializer, **error_responses(400, 404)},
        tags=["campaigns"],
    )
    def get(self, request, campaign_id: str):
        """The campaign's recipients in order, with status, error, video/document id and link."""
        offset, limit = page_params(request)
        campaign, total, items = selectors.recipient_page(
            account=account_of(request),
            campaign_id=campaign_id,
            status=_status_filter(request),
            offset=offset,
            limit=limit,
        )
        return Response({"total": total, "items": [selectors.recipient_json(campaign, r) for r in items]})


class CsvRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: text/csv``; the file itself is a streamed response."""

    media_type = "text/csv"
    format = "csv"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode() if not isinstance(data, (str, bytes)) else data


class RecipientCsvView(APIView):
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        parameters=[STATUS_FILTER],
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(400, 404)},
        tags=["campaigns"],
    )
    def get(self, request, campaign_id: str):
        """The links file: key, email, status, error, video/document id and the absolute link, streamed."""
        campaign = selectors.campaign_get(account=account_of(request), campaign_id=campaign_id)
        return attachment_response(
            selectors.recipients_csv(campaign=campaign, status=_status_filter(request)),
            filename=f"campaign-{campaign.public_id}.csv",
            content_type="text/csv; charset=utf-8",
        )


urlpatterns = [
    path("campaigns", CampaignListView.as_view(), name="campaigns"),
    path("campaigns/preview", CampaignPreviewView.as_view(), name="campaign-preview"),
    path("campaigns/<str:campaign_id>", CampaignDetailView.as_view(), name="campaign"),
    path("campaigns/<str:campaign_id>/cancel", CampaignCancelView.as_view(), name="campaign-cancel"),
    path("campaigns/<str:campaign_id>/retry-failed", CampaignRetryView.as_view(), name="campaign-retry-failed"),
    path("campaigns/<str:campaign_id>/refresh", CampaignRefreshView.as_view(), name="campaign-refresh"),
    path("campaigns/<str:campaign_id>/recipients", RecipientListView.as_view(), name="campaign-recipients"),
    path("campaigns/<str:campaign_id>/recipients.csv", RecipientCsvView.as_view(), name="campaign-recipients-csv"),
]
