"""RQ entry points of the render queue."""

from __future__ import annotations

from videos import services


def render_video(video_pk: int) -> None:
    services.video_render(video_pk=video_pk)


def sweep() -> int:
    return services.requeue_stale()
