"""JSON-RPC methods of the media library."""

from __future__ import annotations

from core import rpc
from media_app import selectors, services
from media_app.json import media_json

rpc.struct(
    "AudioLevel",
    {
        "integratedLUFS": "float?",
        "loudnessRangeLU": "float?",
        "peakDB": "float?",
        "meanVolumeDB": "float?",
        "maxVolumeDB": "float?",
    },
)


@rpc.method(
    "Media_List",
    params=[("offset", "int?"), ("limit", "int?"), ("type", "string?")],
    returns="MediaPage",
    comment="The account's media library, newest first (limit at most 100; type video|image|audio)",
    reads=True,
)
def media_list(ctx: rpc.Context, offset: int | None, limit: int | None, kind: str | None) -> dict:
    offset, limit = rpc.page_bounds(offset, limit)
    total, items = selectors.media_list(account=ctx.account, offset=offset, limit=limit, kind=kind)
    return {"total": total, "items": [media_json(m) for m in items]}


@rpc.method(
    "Media_Get", params=[("mediaID", "string")], returns="Media", comment="One media of the account", reads=True
)
def media_get(ctx: rpc.Context, media_id: str) -> dict:
    return media_json(selectors.media_get(account=ctx.account, media_id=media_id))


@rpc.method(
    "Media_Delete",
    params=[("mediaID", "string")],
    returns="bool",
    comment="Delete a media (1008 while a template uses it)",
)
def media_delete(ctx: rpc.Context, media_id: str) -> bool:
    services.media_delete(account=ctx.account, media_id=media_id)
    return True


rpc.enum("MediaPattern", ["audiolevel"], comment="The analyses Media_Apply_Pattern knows")
rpc.enum("MediaPatternMode", ["info"])


@rpc.method(
    "Media_Apply_Pattern",
    params=[("mediaID", "string"), ("pattern", "MediaPattern"), ("mode", "MediaPatternMode"), ("params", "string?")],
    returns="AudioLevel",
    comment='Analyse a media: ("audiolevel", "info", "{}") gives its loudness (EBU R128 and volumedetect)',
)
def media_apply_pattern(ctx: rpc.Context, media_id: str, pattern: str, mode: str, params: str | None) -> dict:
    return services.media_audio_level(account=ctx.account, media_id=media_id)  # the one pattern and mode there are
