"""Page analytics: beacons counted in Redis, flushed into per-day rows, read back as stats.

The beacon costs one pipelined round trip to Redis (a few ``HINCRBY`` and one
``SADD``); nothing touches the database on the page's path. A scheduled job
(``jobs.stats_flush``, queued at most once per ``FLUSH_EVERY_S`` by the first
beacon that finds none due) moves the counters into :class:`VideoStatsDay` rows,
and every stats read flushes the video first, so answers are exact. Counters
that reached the database survive a Redis restart; the flush holds a Redis lock,
takes each batch away with ``RENAME`` (new beacons start a fresh batch) and
deletes it only after the database commit, so a crashed flush is retried.

Unique viewers are a day's distinct :func:`analytics.viewer_hash` values, kept as
:class:`PageViewer` rows for ``VIEWER_DAYS`` days so the count is exact within a day.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from typing import Any

import django_rq
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from templates_app.models import VideoTemplate
from templates_app.scripts import parse_script
from videos.models import PageViewer, Video, VideoStatsDay
from videos.player import analytics
from videos.player.events import emit_cta_clicks, emit_first_view
from videos.player.selectors import page_video
from videos.player.services import info_cache_key, redis_client

FLUSH_EVERY_S = 10
VIEWER_DAYS = 30
DIRTY = "player:dirty"
FLUSH_DUE = "player:flush-due"
FLUSH_LOCK = "player:flush-lock"
COUNTS, VIEWERS = "player:c:", "player:u:"
FLUSHING_COUNTS, FLUSHING_VIEWERS = "player:fc:", "player:fu:"


def _page_info(page_key: str) -> dict | None:
    """What a beacon needs of its page (cached: a beacon never reads the database twice)."""
    cached = redis_client().get(info_cache_key(page_key))
    if cached is not None:
        info = json.loads(cached)
    else:
        video = page_video(page_key)
        info = {}
        if video is not None:
            info = {"a": video.account_id, "v": video.pk, "ctas": [c["id"] for c in video.ctas]}
        done = video is not None and video.status == Video.Status.DONE
        redis_client().set(info_cache_key(page_key), json.dumps(info), ex=300 if done else 5)
    return info or None


def events_record(*, page_key: str, events: list, address: str, user_agent: str, now: dt.datetime | None = None) -> int:
    """Count a beacon's events (bots and unknown events are ignored); returns how many counted."""
    if analytics.is_bot(user_agent):
        return 0
    info = _page_info(page_key)
    if info is None:
        return 0
    cta_ids = frozenset(info["ctas"])
    counts = Counter(c for event in events if (c := analytics.counter_of(event, cta_ids)) is not None)
    if not counts:
        return 0
    day = (now or timezone.now()).date()
    member = f"{info['a']}:{info['v']}:{day.isoformat()}"
    pipe = redis_client().pipeline(transaction=False)
    for field, amount in counts.items():
        pipe.hincrby(COUNTS + member, field, amount)
    if counts["views"]:
        viewer = analytics.viewer_hash(secret=settings.SECRET_KEY, day=day, address=address, user_agent=user_agent)
        pipe.sadd(VIEWERS + member, viewer)
    pipe.sadd(DIRTY, member)
    pipe.set(FLUSH_DUE, 1, nx=True, ex=FLUSH_EVERY_S)
    if pipe.execute()[-1]:
        _schedule_flush()
    return sum(counts.values())


def _schedule_flush() -> None:
    due = timezone.now() + dt.timedelta(seconds=FLUSH_EVERY_S)
    django_rq.get_queue("default").enqueue_at(
        due, "videos.player.jobs.stats_flush", job_id=f"player-stats-flush-{int(due.timestamp())}"
    )


def stats_flush(*, video_pk: int | None = None) -> int:
    """Move counted events into the database (only ``video_pk``'s when given); returns batches written."""
    redis = redis_client()
    written = 0
    with redis.lock(FLUSH_LOCK, timeout=120, blocking_timeout=60):
        # Batches a crashed flush took away but never wrote.
        leftovers = {key.decode().removeprefix(FLUSHING_COUNTS) for key in redis.scan_iter(f"{FLUSHING_COUNTS}*")}
        leftovers |= {key.decode().removeprefix(FLUSHING_VIEWERS) for key in redis.scan_iter(f"{FLUSHING_VIEWERS}*")}
        for member in leftovers:
            written += _write(redis, member)
        for raw in redis.smembers(DIRTY):
            member = raw.decode()
            if video_pk is not None and member.split(":")[1] != str(video_pk):
                continue
            redis.srem(DIRTY, member)
            for live, taken in ((COUNTS, FLUSHING_COUNTS), (VIEWERS, FLUSHING_VIEWERS)):
                if redis.exists(live + member):
                    redis.rename(live + member, taken + member)
            written += _write(redis, member)
        PageViewer.objects.unscoped().filter(day__lt=timezone.now().date() - dt.timedelta(days=VIEWER_DAYS)).delete()
    return written


def _write(redis, member: str) -> int:
    account_pk, video_pk, day_text = member.split(":")
    counts = {k.decode(): int(v) for k, v in redis.hgetall(FLUSHING_COUNTS + member).items()}
    viewers = [v.decode() for v in redis.smembers(FLUSHING_VIEWERS + member)]
    day = dt.date.fromisoformat(day_text)
    video = Video.objects.unscoped().select_related("account").filter(pk=video_pk, account_id=account_pk).first()
    if video is not None and (counts or viewers):
        with transaction.atomic():
            _add(video, day, counts, viewers)
    redis.delete(FLUSHING_COUNTS + member, FLUSHING_VIEWERS + member)
    return 1


def _add(video: Video, day: dt.date, counts: dict[str, int], viewers: list[str]) -> None:
    rows = VideoStatsDay.objects.for_account(video.account).filter(video=video)
    first_view = counts.get("views", 0) > 0 and not rows.filter(views__gt=0).exists()
    row, _ = rows.select_for_update().get_or_create(
        account=video.account, video=video, day=day, defaults={"template_public_id": video.template_public_id}
    )
    for field in analytics.COUNTERS:
        setattr(row, field, getattr(row, field) + counts.get(field, 0))
    clicks = {k.removeprefix("cta:"): n for k, n in counts.items() if k.startswith("cta:")}
    for cta_id, amount in clicks.items():
        row.cta_clicks[cta_id] = row.cta_clicks.get(cta_id, 0) + amount
    if viewers:
        PageViewer.objects.bulk_create(
            [PageViewer(account=video.account, video=video, day=day, viewer=v) for v in viewers], ignore_conflicts=True
        )
        row.unique_viewers = PageViewer.objects.for_account(video.account).filter(video=video, day=day).count()
    row.save()
    if first_view:
        emit_first_view(video)
    if clicks:
        emit_cta_clicks(video, clicks)


def _summary(rows: list[VideoStatsDay], ctas: list[dict]) -> dict:
    totals = {field: sum(getattr(r, field) for r in rows) for field in (*analytics.COUNTERS, "unique_viewers")}
    clicks: Counter = Counter()
    for row in rows:
        clicks.update(row.cta_clicks)
    total_clicks = sum(clicks.values())
    views, plays = totals["views"], totals["plays"]

    def rate(part: int, whole: int) -> float:
        return round(part / whole, 4) if whole else 0.0

    labels = {c["id"]: c.get("text") or c.get("url") or c["id"] for c in ctas}
    days: dict[dt.date, dict] = {}
    for row in rows:
        day = days.setdefault(
            row.day,
            {"date": row.day.isoformat(), "views": 0, "uniqueViewers": 0, "plays": 0, "completions": 0, "ctaClicks": 0},
        )
        day["views"] += row.views
        day["uniqueViewers"] += row.unique_viewers
        day["plays"] += row.plays
        day["completions"] += row.q100
        day["ctaClicks"] += sum(row.cta_clicks.values())
    return {
        "views": views,
        "uniqueViewers": totals["unique_viewers"],
        "plays": plays,
        "completions": totals["q100"],
        "ctaClicks": total_clicks,
        "playRate": rate(plays, views),
        "completionRate": rate(totals["q100"], plays),
        "ctaClickThrough": rate(total_clicks, views),
        "retention": [
            {"percent": 0, "viewers": plays},
            *({"percent": int(q[1:]), "viewers": totals[q]} for q in analytics.QUARTILES),
        ],
        "ctas": [
            {
                "id": cta_id,
                "label": labels.get(cta_id, cta_id),
                "clicks": clicks.get(cta_id, 0),
                "clickThrough": rate(clicks.get(cta_id, 0), views),
            }
            for cta_id in [*labels, *sorted(set(clicks) - set(labels))]
        ],
        "days": [days[d] for d in sorted(days)],
    }


def video_stats(*, account: Account, video: Video) -> dict:
    """Exact counts of one video's page (flushes what Redis holds for it first)."""
    stats_flush(video_pk=video.pk)
    rows = list(VideoStatsDay.objects.for_account(account).filter(video=video).order_by("day"))
    return {"videoID": video.public_id, **_summary(rows, video.ctas)}


def template_stats(*, account: Account, template: VideoTemplate) -> dict:
    """The pages of all of a template's videos together."""
    stats_flush()
    rows = list(
        VideoStatsDay.objects.for_account(account).filter(template_public_id=template.public_id).order_by("day")
    )
    return {"templateID": template.public_id, **_summary(rows, _template_ctas(template))}


def grouped_stats(*, account: Account, groups: dict[Any, QuerySet]) -> dict[Any, dict]:
    """The pages of each group of videos together, e.g. each campaign's recipients' videos; a group is a
    query of video primary keys. One flush for all of them."""
    stats_flush()
    answers = {}
    for key, video_pks in groups.items():
        rows = list(VideoStatsDay.objects.for_account(account).filter(video__in=video_pks).order_by("day"))
        answers[key] = _summary(rows, [])
    return answers


def _template_ctas(template: VideoTemplate) -> list[dict]:
    script = parse_script(template.input_scripts)
    return [{"id": e.id, "text": e.text, "url": e.url} for e in script.elements if e.type == "cta"]


def stats_csv(*, account: Account, video: Video | None = None, template: VideoTemplate | None = None) -> str:
    """Per-day counters of a video's page (or all of a template's) as CSV, one column per CTA."""
    if video is not None:
        stats_flush(video_pk=video.pk)
        rows = VideoStatsDay.objects.for_account(account).filter(video=video)
        cta_ids = [c["id"] for c in video.ctas]
    else:
        stats_flush()
        rows = VideoStatsDay.objects.for_account(account).filter(template_public_id=template.public_id)
        cta_ids = [c["id"] for c in _template_ctas(template)]
    rows = list(rows.select_related("video").order_by("day", "video_id"))
    cta_ids += sorted({k for r in rows for k in r.cta_clicks} - set(cta_ids))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["date", "videoID", "views", "uniqueViewers", "plays", "q25", "q50", "q75", "q100"]
        + [f"cta:{c}" for c in cta_ids]
    )
    for r in rows:
        writer.writerow(
            [r.day.isoformat(), r.video.public_id, r.views, r.unique_viewers, r.plays, r.q25, r.q50, r.q75, r.q100]
            + [r.cta_clicks.get(c, 0) for c in cta_ids]
        )
    return out.getvalue()


def top_videos(*, account: Account, template: VideoTemplate, limit: int = 20) -> list[dict]:
    """A template's most viewed video pages (read after a flush, e.g. by :func:`template_stats`)."""
    totals: dict[int, dict] = {}
    rows = (
        VideoStatsDay.objects.for_account(account).filter(template_public_id=template.public_id).select_related("video")
    )
    for row in rows:
        entry = totals.setdefault(
            row.video_id, {"video": row.video, "views": 0, "plays": 0, "completions": 0, "clicks": 0}
        )
        entry["views"] += row.views
        entry["plays"] += row.plays
        entry["completions"] += row.q100
        entry["clicks"] += sum(row.cta_clicks.values())
    return sorted(totals.values(), key=lambda e: (-e["views"], e["video"].pk))[:limit]
