"""REST equivalents of the player RPC methods (mounted under ``/v1/``)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import account_of
from core import errors
from core.errors import AppError
from core.openapi import error_responses
from templates_app.selectors import template_get
from videos.player import services, stats
from videos.player.selectors import page_json
from videos.player.serializers import (
    PageBrandingInputSerializer,
    PageBrandingSerializer,
    branding_arguments,
    branding_json,
)
from videos.selectors import video_get

PageSerializer = inline_serializer(
    "PlayerPage",
    {
        "url": serializers.URLField(),
        "token": serializers.CharField(),
        "expires": serializers.DateTimeField(allow_null=True, help_text="null: never"),
    },
)
STATS_FIELDS = {
    "views": serializers.IntegerField(),
    "uniqueViewers": serializers.IntegerField(help_text="Sum of each day's distinct viewers"),
    "plays": serializers.IntegerField(),
    "completions": serializers.IntegerField(),
    "ctaClicks": serializers.IntegerField(),
    "playRate": serializers.FloatField(help_text="plays / views"),
    "completionRate": serializers.FloatField(help_text="completions / plays"),
    "ctaClickThrough": serializers.FloatField(help_text="CTA clicks / views"),
    "retention": inline_serializer(
        "RetentionPoint", {"percent": serializers.IntegerField(), "viewers": serializers.IntegerField()}, many=True
    ),
    "ctas": inline_serializer(
        "CtaStats",
        {
            "id": serializers.CharField(),
            "label": serializers.CharField(),
            "clicks": serializers.IntegerField(),
            "clickThrough": serializers.FloatField(),
        },
        many=True,
    ),
    "days": inline_serializer(
        "StatsDay",
        {
            "date": serializers.DateField(),
            "views": serializers.IntegerField(),
            "uniqueViewers": serializers.IntegerField(),
            "plays": serializers.IntegerField(),
            "completions": serializers.IntegerField(),
            "ctaClicks": serializers.IntegerField(),
        },
        many=True,
    ),
}


class PageRequestSerializer(serializers.Serializer):
    expiresIn = serializers.IntegerField(
        required=False, min_value=60, max_value=services.MAX_EXPIRES_S, help_text="Seconds until the page stops working"
    )


class VideoPageView(APIView):
    @extend_schema(responses={200: PageSerializer, **error_responses(404)}, tags=["player"])
    def get(self, request, video_id: str):
        """The video's live player page (404 when it has none)."""
        video = video_get(account=account_of(request), video_id=video_id)
        if not video.page_key:
            raise AppError(errors.NOT_FOUND_ERROR, detail="This video has no player page")
        return Response(page_json(video))

    @extend_schema(
        request=PageRequestSerializer,
        responses={200: PageSerializer, **error_responses(400, 402, 404)},
        tags=["player"],
    )
    def post(self, request, video_id: str):
        """The video's player page, created when it has none (Video_Get_Page); 2004 without the player."""
        serializer = PageRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        video = services.page_get_or_create(
            account=account_of(request), video_id=video_id, expires_in=serializer.validated_data.get("expiresIn")
        )
        return Response(page_json(video))

    @extend_schema(responses={204: None, **error_responses(404)}, tags=["player"])
    def delete(self, request, video_id: str):
        """Revoke the page (Video_Revoke_Page): its token answers 404 from now on."""
        services.page_revoke(account=account_of(request), video_id=video_id)
        return Response(status=204)


class VideoStatsView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer("VideoStats", {"videoID": serializers.CharField(), **STATS_FIELDS}),
            **error_responses(404),
        },
        tags=["player"],
    )
    def get(self, request, video_id: str):
        """Page analytics of the video (Video_Get_Stats)."""
        account = account_of(request)
        return Response(stats.video_stats(account=account, video=video_get(account=account, video_id=video_id)))


class TemplateStatsView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer("TemplateStats", {"templateID": serializers.CharField(), **STATS_FIELDS}),
            **error_responses(404),
        },
        tags=["player"],
    )
    def get(self, request, template_id: str):
        """Page analytics of all of the template's videos (Template_Get_Stats)."""
        account = account_of(request)
        template = template_get(account=account, template_id=template_id)
        return Response(stats.template_stats(account=account, template=template))


class TemplatePageBrandingView(APIView):
    @extend_schema(responses={200: PageBrandingSerializer, **error_responses(404)}, tags=["player"])
    def get(self, request, template_id: str):
        """How the template's player pages look (Template_Get_Page_Branding): the defaults until set."""
        return Response(branding_json(services.branding_get(account=account_of(request), template_id=template_id)))

    @extend_schema(
        request=PageBrandingInputSerializer,
        responses={200: PageBrandingSerializer, **error_responses(400, 404)},
        tags=["player"],
    )
    def put(self, request, template_id: str):
        """Set the whole branding (Template_Set_Page_Branding): a field left out takes its default."""
        serializer = PageBrandingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        branding = services.branding_set(
            account=account_of(request), template_id=template_id, **branding_arguments(serializer.validated_data)
        )
        return Response(branding_json(branding))


urlpatterns = [
    path("videos/<str:video_id>/page", VideoPageView.as_view(), name="video-page"),
    path("videos/<str:video_id>/stats", VideoStatsView.as_view(), name="video-stats"),
    path("templates/<str:template_id>/stats", TemplateStatsView.as_view(), name="template-stats"),
    path(
        "templates/<str:template_id>/page-branding", TemplatePageBrandingView.as_view(), name="template-page-branding"
    ),
]
