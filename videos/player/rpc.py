"""JSON-RPC methods of player pages (imported by ``videos.rpc``, which the registry discovers)."""

from __future__ import annotations

from core import errors, rpc
from core.errors import AppError
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

rpc.struct("PlayerPage", {"url": "string", "token": "string", "expires": "string?"})
rpc.struct("RetentionPoint", {"percent": "int", "viewers": "int"})
rpc.struct("CtaStats", {"id": "string", "label": "string", "clicks": "int", "clickThrough": "float"})
rpc.struct(
    "StatsDay",
    {
        "date": "string",
        "views": "int",
        "uniqueViewers": "int",
        "plays": "int",
        "completions": "int",
        "ctaClicks": "int",
    },
)
STATS_FIELDS = {
    "views": "int",
    "uniqueViewers": "int",
    "plays": "int",
    "completions": "int",
    "ctaClicks": "int",
    "playRate": "float",
    "completionRate": "float",
    "ctaClickThrough": "float",
    "retention": "[]RetentionPoint",
    "ctas": "[]CtaStats",
    "days": "[]StatsDay",
}
rpc.struct_from(PageBrandingSerializer)
rpc.struct("VideoStats", {"videoID": "string", **STATS_FIELDS})
rpc.struct("TemplateStats", {"templateID": "string", **STATS_FIELDS})


@rpc.method(
    "Video_Get_Page",
    params=[("videoID", "string"), ("expiresIn", "int?")],
    returns="PlayerPage",
    comment="The video's public player page (created on first call; expiresIn seconds sets an expiry); 2004 without the player",
)
def video_get_page(ctx: rpc.Context, video_id: str, expires_in: int | None) -> dict:
    video = services.page_get_or_create(account=ctx.account, video_id=video_id, expires_in=expires_in)
    return page_json(video)


@rpc.method(
    "Video_Revoke_Page",
    params=[("videoID", "string")],
    returns="bool",
    comment="End the video's player page: its token answers 404 from now on",
)
def video_revoke_page(ctx: rpc.Context, video_id: str) -> bool:
    services.page_revoke(account=ctx.account, video_id=video_id)
    return True


@rpc.method(
    "Video_Get_Stats",
    params=[("videoID", "string")],
    returns="VideoStats",
    comment="Views, unique viewers, plays, quartiles, CTA clicks and per-day counts of the video's page",
)
def video_get_stats(ctx: rpc.Context, video_id: str) -> dict:
    return stats.video_stats(account=ctx.account, video=video_get(account=ctx.account, video_id=video_id))


@rpc.method(
    "Template_Get_Stats",
    params=[("templateID", "string")],
    returns="TemplateStats",
    comment="The page analytics of all of a template's videos together",
)
def template_get_stats(ctx: rpc.Context, template_id: str) -> dict:
    template = template_get(account=ctx.account, template_id=template_id)
    return stats.template_stats(account=ctx.account, template=template)


@rpc.method(
    "Template_Get_Page_Branding",
    params=[("templateID", "string")],
    returns="PageBranding",
    comment="How the template's player pages look: title, message, colours, logo (the defaults until set)",
    reads=True,
)
def template_get_page_branding(ctx: rpc.Context, template_id: str) -> dict:
    return branding_json(services.branding_get(account=ctx.account, template_id=template_id))


BRANDING_PARAMS = [
    ("title", "string?"),
    ("message", "string?"),
    ("backgroundColor", "string?"),
    ("textColor", "string?"),
    ("accentColor", "string?"),
    ("logoMediaID", "string?"),
]


@rpc.method(
    "Template_Set_Page_Branding",
    params=[("templateID", "string"), *BRANDING_PARAMS],
    returns="PageBranding",
    comment="Set the whole branding of the template's player pages (a parameter left out takes its default); "
    "colours are #RRGGBB, text at least 4.5:1 and accent 3:1 on the background",
)
def template_set_page_branding(ctx: rpc.Context, template_id: str, *values: str | None) -> dict:
    given = {name: value for (name, _), value in zip(BRANDING_PARAMS, values, strict=True) if value is not None}
    serializer = PageBrandingInputSerializer(data=given)
    if not serializer.is_valid():
        param, problems = next(iter(serializer.errors.items()))
        raise AppError(errors.RPC_INVALID_PARAMS, data=f"{param}: {problems[0]}", param=param)
    branding = services.branding_set(
        account=ctx.account, template_id=template_id, **branding_arguments(serializer.validated_data)
    )
    return branding_json(branding)
