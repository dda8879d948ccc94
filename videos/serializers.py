"""The video object, declared once: the JSON-RPC ``Video`` struct (``core.rpc.struct_from``),
the RPC answers and the webhook body all come from these classes."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.shapes import MillisecondsDateTimeField, represent
from videos.models import Video
from videos.selectors import page_url


class FileStorageSerializer(serializers.Serializer):
    sezionID = serializers.CharField(required=False)
    fileID = serializers.CharField()


class OutFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    profile = serializers.CharField()
    size = serializers.IntegerField()
    storage = FileStorageSerializer()


class VideoStatusSerializer(serializers.Serializer):
    """message and error only when code is "error"."""

    code = serializers.CharField(source="status")
    message = serializers.CharField(source="status_message", required=False)
    error = serializers.IntegerField(source="status_code", required=False, allow_null=True)

    def to_representation(self, video: Video) -> dict[str, Any]:
        data = super().to_representation(video)
        if video.status != Video.Status.ERROR:
            del data["message"], data["error"]
        return data


class _PageUrlField(serializers.CharField):
    def get_attribute(self, video: Video) -> str | None:
        return page_url(video)


class _DurationField(serializers.IntegerField):
    def get_attribute(self, video: Video) -> int:
        return video.duration_ms or 0


class VideoSerializer(serializers.Serializer):
    """The video object of seed 001 (its webhook example), plus thumbnail, metadata and pageUrl."""

    id = serializers.CharField(source="public_id")
    accountID = serializers.CharField(source="account.public_id")
    templateID = serializers.CharField(source="template_public_id")
    name = serializers.CharField()
    description = serializers.CharField()
    duration = _DurationField(help_text="Milliseconds; 0 until rendered")
    outFiles = OutFileSerializer(source="out_files", many=True)
    status = VideoStatusSerializer(source="*")
    date = MillisecondsDateTimeField(source="created_at")
    data = serializers.CharField()
    metadata = serializers.CharField()
    thumbnail = FileStorageSerializer(source="poster_storage", allow_null=True)
    pageUrl = _PageUrlField(allow_null=True, help_text="The live player page, if any")


class VideoPageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = VideoSerializer(many=True)


# The seed 001 webhook body: the video object without our extra keys.
WEBHOOK_KEYS = (
    "accountID",
    "description",
    "duration",
    "name",
    "templateID",
    "outFiles",
    "status",
    "date",
    "id",
    "data",
)


def video_json(video: Video) -> dict[str, Any]:
    return represent(VideoSerializer, video)


def video_webhook_json(video: Video) -> dict[str, Any]:
    full = video_json(video)
    return {key: full[key] for key in WEBHOOK_KEYS}
