"""RQ entry points of campaigns (queue ``default``); the renders themselves run on the videos and documents queues."""

from __future__ import annotations

from campaigns import services


def campaign_build(build_pk: int) -> None:
    services.campaign_build(build_pk=build_pk)


def campaign_sweep() -> int:
    return services.campaign_sweep()
