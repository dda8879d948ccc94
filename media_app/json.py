"""The media object of the JSON-RPC API and the upload endpoint, declared once: the
JSON-RPC struct comes from the serializer (``core.rpc.struct_from``)."""

from __future__ import annotations

from rest_framework import serializers

from core import rpc
from core.shapes import BlankAsNullCharField
from media_app.models import MediaFile


class MediaSerializer(serializers.Serializer):
    mediaID = serializers.CharField(source="public_id")
    accountID = serializers.CharField(source="account.public_id")
    templateID = serializers.CharField(source="template.public_id", allow_null=True)
    type = serializers.CharField(source="kind")
    mime = serializers.CharField()
    size = serializers.IntegerField()
    duration = serializers.IntegerField(source="duration_ms", allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    videoCodec = BlankAsNullCharField(source="video_codec", allow_null=True)
    audioCodec = BlankAsNullCharField(source="audio_codec", allow_null=True)
    filename = serializers.CharField()
    description = serializers.CharField()
    perVideo = serializers.BooleanField(source="per_video")
    date = serializers.DateTimeField(source="created_at")


class MediaPageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = MediaSerializer(many=True)


rpc.struct_from(MediaPageSerializer)


def media_json(media: MediaFile) -> dict:
    return MediaSerializer(media).data
