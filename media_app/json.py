"""The media object of the JSON-RPC API and the upload endpoint."""

from __future__ import annotations

from core import rpc
from core.dates import iso_z
from media_app.models import MediaFile

rpc.struct(
    "Media",
    {
        "mediaID": "string",
        "accountID": "string",
        "templateID": "string?",
        "type": "string",
        "mime": "string",
        "size": "int",
        "duration": "int?",
        "width": "int?",
        "height": "int?",
        "videoCodec": "string?",
        "audioCodec": "string?",
        "filename": "string",
        "description": "string",
        "perVideo": "bool",
        "date": "string",
    },
)
rpc.struct("MediaPage", {"total": "int", "items": "[]Media"})


def media_json(media: MediaFile) -> dict:
    return {
        "mediaID": media.public_id,
        "accountID": media.account.public_id,
        "templateID": media.template.public_id if media.template_id else None,
        "type": media.kind,
        "mime": media.mime,
        "size": media.size,
        "duration": media.duration_ms,
        "width": media.width,
        "height": media.height,
        "videoCodec": media.video_codec or None,
        "audioCodec": media.audio_codec or None,
        "filename": media.filename,
        "description": media.description,
        "perVideo": media.per_video,
        "date": iso_z(media.created_at),
    }
