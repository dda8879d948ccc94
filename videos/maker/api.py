"""Seed 002's REST surface: ``/me/videos`` projects, ``/me/styles``, ``/me/music``.

Bodies are JSON or form fields (``credit`` and ``assets`` then hold JSON text).
Errors answer in the seed's own shape, ``{"status": <code>, "message", "param"}``,
with the catalog entry's HTTP status.
"""

from __future__ import annotations

import json
from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.utils import html
from rest_framework.views import APIView

from accounts.auth import account_of
from core import errors, rest
from core.errors import AppError
from core.openapi import error_responses
from media_app.links import media_url
from media_app.models import MediaFile
from media_app.selectors import media_list
from videos.maker import selectors, services
from videos.maker.public import style_preview_path
from videos.maker.styles import STYLES


class SeedErrorSerializer(serializers.Serializer):
    """Seed 002's error answer."""

    status = serializers.IntegerField(help_text="The catalog code")
    message = serializers.CharField()
    param = serializers.CharField(allow_null=True)


def _errors(*statuses: int) -> dict:
    return error_responses(*statuses, body=SeedErrorSerializer)


def exception_handler(exc: Exception, context: dict) -> Response:
    response = rest.exception_handler(exc, context)  # logs the unexpected ones (5000, with the request id)
    error = rest.app_error_for(exc) or AppError(errors.INTERNAL_ERROR, detail=response.data["error"]["message"])
    response.data = {"status": error.entry.code, "message": error.message, "param": error.param}
    return response


class MeView(APIView):
    parser_classes = [rest.JSONParser, FormParser, MultiPartParser]

    def get_exception_handler(self):
        return exception_handler

    def base_url(self) -> str:
        return self.request.build_absolute_uri("/").rstrip("/")

    def project(self, project) -> dict:
        return selectors.project_json(project, base_url=self.base_url())


class _JSONList(serializers.ListField):
    """A list; in a form body, its JSON text."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError("Expected a list, or its JSON text in a form field.") from None
        return super().to_internal_value(data)


class AssetIn(rest.StrictSerializer):
    asset_id = serializers.CharField(required=False, max_length=24)
    text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    duration = serializers.FloatField(required=False, min_value=0.5, max_value=30)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data.get("asset_id") and not data.get("text"):
            raise serializers.ValidationError("An asset is {asset_id, text?} or a title card {text}.")
        return data


class ProjectCreateIn(rest.StrictSerializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ProjectUpdateIn(rest.StrictSerializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    style = serializers.CharField(required=False, max_length=40)
    credit = _JSONList(
        required=False,
        max_length=20,
        child=serializers.ListField(
            child=serializers.CharField(allow_blank=True, max_length=100), min_length=2, max_length=2
        ),
    )
    quality = serializers.ChoiceField(required=False, choices=[str(q) for q in selectors.RENDITIONS])
    assets = _JSONList(required=False, child=AssetIn())

    def validate_quality(self, value: str) -> int:
        return int(value)


class VideoObject(serializers.Serializer):
    """The seed's video object (documentation of the answers)."""

    status = serializers.ChoiceField(choices=["initial", "rendering", "published", "error"])
    style = serializers.CharField()
    name = serializers.CharField()
    assets = serializers.ListField(child=serializers.DictField())
    duration = serializers.FloatField(help_text="seconds")
    tags = serializers.ListField(child=serializers.CharField())
    comment_count = serializers.IntegerField()
    owner = serializers.DictField()
    id = serializers.CharField()
    credit = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    created_on = serializers.IntegerField()
    video = serializers.DictField(allow_null=True, help_text='{"360": {"url", "size"}, ...}')
    modified_on = serializers.IntegerField()
    view = serializers.IntegerField()
    quality = serializers.IntegerField()
    thumbnail = serializers.DictField(allow_null=True)


def _page_params(request) -> tuple[int, dict]:
    values: dict[str, Any] = {}
    try:
        raw = request.query_params.get("count", "15")
        count = int(raw)
    except ValueError:
        raise AppError(errors.INVALID_REQUEST, param="count", detail="count: A valid integer is required.") from None
    for name, key in (("from", "before"), ("to", "after")):
        if name in request.query_params:
            try:
                values[key] = selectors.cursor_parse(request.query_params[name])
            except ValueError as exc:
                raise AppError(errors.INVALID_REQUEST, param=name, detail=f"{name}: expected {exc}") from None
    return min(max(count, 1), 100), values


class VideoListView(MeView):
    @extend_schema(operation_id="me_videos_list", responses={200: dict, **_errors(400)})
    def get(self, request):
        """Videos created or being created, newest first (``count``, ``from``/``to`` epoch cursors)."""
        count, cursors = _page_params(request)
        page = selectors.project_list(account=account_of(request), count=count, **cursors)
        paging: dict[str, Any] = {"count": count, "next_url": None, "prev_url": None}
        if page.projects and page.older:
            paging["next_url"] = (
                f"/me/videos?count={count}&from={selectors.cursor_format(page.projects[-1].created_at)}"
            )
        if page.projects and page.newer:
            paging["prev_url"] = f"/me/videos?count={count}&to={selectors.cursor_format(page.projects[0].created_at)}"
        return Response({"paging": paging, "videos": [self.project(p) for p in page.projects]})

    @extend_schema(
        operation_id="me_videos_create",
        request=ProjectCreateIn,
        responses={200: VideoObject, 201: VideoObject, **_errors(400)},
    )
    def post(self, request):
        """A new project, or the last draft (still ``initial``), renamed when ``name`` is given."""
        data = ProjectCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        project, created = services.project_create(account=account_of(request), name=data.validated_data.get("name"))
        return Response(self.project(project), status=201 if created else 200)


class VideoView(MeView):
    @extend_schema(operation_id="me_videos_get", responses={200: VideoObject, **_errors(404)})
    def get(self, request, project_id: str):
        project = selectors.project_with_render(account=account_of(request), project_id=project_id)
        return Response(self.project(project))

    @extend_schema(
        operation_id="me_videos_update",
        request=ProjectUpdateIn,
        responses={200: VideoObject, **_errors(400, 404)},
    )
    def post(self, request, project_id: str):
        """Define or update the content: name, style, credit, quality, assets (frames and one music block)."""
        data = ProjectUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        account = account_of(request)
        services.project_update(account=account, project_id=project_id, changes=dict(data.validated_data))
        return Response(self.project(selectors.project_with_render(account=account, project_id=project_id)))

    @extend_schema(operation_id="me_videos_delete", responses={200: dict, **_errors(404)})
    def delete(self, request, project_id: str):
        services.project_delete(account=account_of(request), project_id=project_id)
        return Response({"message": "Video deleted"})


class RenderView(MeView):
    @extend_schema(operation_id="me_videos_render", request=None, responses={202: dict, **_errors(400, 402, 404)})
    def post(self, request, project_id: str):
        """Send the project to the render queue: 7201, or 7401-7405 when it cannot be made."""
        services.project_render(account=account_of(request), project_id=project_id)
        code, message = selectors.BEING_CREATED
        return Response({"message": message, "status": code}, status=202)


class StyleListView(MeView):
    @extend_schema(operation_id="me_styles_list", responses={200: dict, **_errors()})
    def get(self, request):
        """The style catalogue, each with a preview image."""
        styles = [
            style.as_json() | {"preview": request.build_absolute_uri(style_preview_path(style.name))}
            for style in STYLES.values()
        ]
        return Response({"styles": styles})


class MusicListView(MeView):
    @extend_schema(operation_id="me_music_list", responses={200: dict, **_errors()})
    def get(self, request):
        """Audio of the media library: each may be a project's music block (``{"asset_id": id}``)."""
        _, music = media_list(account=account_of(request), kind=MediaFile.Kind.AUDIO, limit=500)
        return Response(
            {
                "music": [
                    {
                        "asset_id": m.public_id,
                        "name": m.filename or m.public_id,
                        "duration": (m.duration_ms or 0) / 1000,
                        "url": request.build_absolute_uri(media_url(m)),
                    }
                    for m in music
                ]
            }
        )


urlpatterns = [
    path("videos", VideoListView.as_view(), name="maker-videos"),
    path("videos/<str:project_id>", VideoView.as_view(), name="maker-video"),
    path("videos/<str:project_id>/render", RenderView.as_view(), name="maker-render"),
    path("styles", StyleListView.as_view(), name="maker-styles"),
    path("music", MusicListView.as_view(), name="maker-music"),
]
