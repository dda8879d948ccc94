"""JSON-RPC methods of videos."""

from __future__ import annotations

from core import errors, rpc
from core.errors import AppError
from templates_app.selectors import template_get
from videos import selectors, services
from videos.inputs import parse_input_medias
from videos.links import video_links
from videos.player import rpc as player_rpc  # noqa: F401 - registers the Video_*_Page and *_Stats methods
from videos.serializers import VideoPageSerializer, video_json

rpc.struct(
    "InputMedia", {"inputID": "string", "type": "string?", "mediaID": "string?", "http": "string?", "text": "string?"}
)
rpc.struct(
    "VideoInput",
    {"name": "string?", "description": "string?", "inputMedias": "[]InputMedia?", "data": "string?"},
)
rpc.struct_from(VideoPageSerializer)
rpc.struct("FileLink", {"profile": "string", "name": "string", "size": "int", "url": "string"})
rpc.struct("VideoLinks", {"id": "string", "expiresIn": "int", "files": "[]FileLink", "thumbnail": "string"})


def _texts(video: dict) -> dict[str, str]:
    """The VideoInput's name, description and data that are strings (anything else is ignored)."""
    return {key: video[key] for key in ("name", "description", "data") if isinstance(video.get(key), str)}


@rpc.method(
    "Template_Video_New",
    params=[("templateID", "string"), ("video", "VideoInput")],
    returns="Video",
    aliases=("Template_VideoNew",),
    comment="Queue a personalised video of a template; returns it at once with status queued",
)
def template_video_new(ctx: rpc.Context, template_id: str, video: dict) -> dict:
    inputs = parse_input_medias(video.get("inputMedias"))
    created = services.video_create(account=ctx.account, template_id=template_id, inputs=inputs, **_texts(video))
    return video_json(created)


@rpc.method(
    "Template_Video_List",
    params=[("templateID", "string"), ("offset", "int?"), ("limit", "int?")],
    returns="VideoPage",
    comment="A template's videos, newest first",
    reads=True,
)
def template_video_list(ctx: rpc.Context, template_id: str, offset: int | None, limit: int | None) -> dict:
    template_get(account=ctx.account, template_id=template_id)
    offset, limit = rpc.page_bounds(offset, limit)
    total, items = selectors.video_list(account=ctx.account, template_id=template_id, offset=offset, limit=limit)
    return {"total": total, "items": [video_json(v) for v in items]}


@rpc.method(
    "Video_Get", params=[("videoID", "string")], returns="Video", comment="One video and its status", reads=True
)
def video_get(ctx: rpc.Context, video_id: str) -> dict:
    return video_json(selectors.video_get(account=ctx.account, video_id=video_id))


@rpc.many("Video_Get")
def video_get_many(ctx: rpc.Context, calls: list[list]) -> list[dict | AppError]:
    videos = selectors.video_map(account=ctx.account, video_ids=[video_id for (video_id,) in calls])
    return [
        video_json(videos[video_id])
        if video_id in videos
        else AppError(errors.VIDEO_NOT_FOUND, data=video_id, param="videoID")
        for (video_id,) in calls
    ]


@rpc.method(
    "Video_Update",
    params=[("videoID", "string"), ("video", "VideoInput")],
    returns="Video",
    comment="Change a video's name, description or data",
)
def video_update(ctx: rpc.Context, video_id: str, video: dict) -> dict:
    return video_json(services.video_update(account=ctx.account, video_id=video_id, **_texts(video)))


@rpc.method(
    "Video_Update_Metadata",
    params=[("videoID", "string"), ("metadata", "string")],
    returns="Video",
    comment="Replace a video's free-form metadata string",
)
def video_update_metadata(ctx: rpc.Context, video_id: str, metadata: str) -> dict:
    return video_json(services.video_update_metadata(account=ctx.account, video_id=video_id, metadata=metadata))


@rpc.method(
    "Video_Delete",
    params=[("videoID", "string")],
    returns="bool",
    comment="Delete a video and its files (their size goes back to the quota)",
)
def video_delete(ctx: rpc.Context, video_id: str) -> bool:
    services.video_delete(account=ctx.account, video_id=video_id)
    return True


@rpc.method(
    "Video_Get_Links",
    params=[("videoID", "string"), ("expiresIn", "int?")],
    returns="VideoLinks",
    comment="Download URLs of a video's files and poster, valid expiresIn seconds (default 3600, max 7 days)",
    reads=True,
)
def video_get_links(ctx: rpc.Context, video_id: str, expires_in: int | None) -> dict:
    video = selectors.video_get(account=ctx.account, video_id=video_id)
    return video_links(ctx.request, video, expires_in)
