"""Reads of video-maker projects and their one output shape (the seed 002 video object)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.text import slugify

from accounts.models import Account
from core import errors
from core.errors import AppError
from videos.models import Project, Video

# quality -> the output profile of that rendition (16:9, 24 fps, H.264 + AAC)
RENDITIONS = {
    360: "MP4_H264_AAC_640x360_24fps",
    480: "MP4_H264_AAC_854x480_24fps",
    720: "MP4_H264_AAC_1280x720_24fps",
}
QUALITY_OF = {profile: quality for quality, profile in RENDITIONS.items()}
BEING_CREATED = (7201, "Video is being created")
CREATED = (7202, "Video successfully created")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def renditions(quality: int) -> list[int]:
    """Every rendition up to ``quality``, smallest first."""
    return [q for q in RENDITIONS if q <= quality]


def project_get(*, account: Account, project_id: str) -> Project:
    project = Project.objects.for_account(account).select_related("account").filter(public_id=project_id).first()
    if project is None:
        raise AppError(errors.VIDEO_NOT_FOUND, data=project_id, param="id")
    return project


def _published(account: Account) -> Prefetch:
    done = Video.objects.for_account(account).filter(status=Video.Status.DONE).order_by("-id")
    return Prefetch("renders", queryset=done, to_attr="done_renders")


def project_with_render(*, account: Account, project_id: str) -> Project:
    """The project with ``done_renders`` (its finished renders, newest first) loaded."""
    project = (
        Project.objects.for_account(account)
        .select_related("account")
        .prefetch_related(_published(account))
        .filter(public_id=project_id)
        .first()
    )
    if project is None:
        raise AppError(errors.VIDEO_NOT_FOUND, data=project_id, param="id")
    return project


def published_project(*, project_id: str) -> Project | None:
    """A published project by its public id alone (the public link; no account)."""
    project = Project.objects.unscoped().select_related("account").filter(public_id=project_id).first()
    if project is None or project.status != Project.Status.PUBLISHED:
        return None
    return project_with_render(account=project.account, project_id=project_id)


def cursor_parse(raw: str) -> datetime:
    """An epoch-seconds cursor (``1418715805`` or ``1418715805.123456``), exactly; ValueError if not one."""
    try:
        micros = int(Decimal(raw) * 1_000_000)
    except (InvalidOperation, ValueError):
        raise ValueError("an epoch in seconds") from None
    if not 0 <= micros < 2**53:
        raise ValueError("an epoch in seconds")
    return _EPOCH + micros * _MICRO


def cursor_format(moment: datetime) -> str:
    micros = (moment - _EPOCH) // _MICRO
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


@dataclass(frozen=True)
class ProjectPage:
    projects: list[Project]
    older: bool  # projects exist after the last one
    newer: bool  # projects exist before the first one


def project_list(
    *, account: Account, count: int, before: datetime | None = None, after: datetime | None = None
) -> ProjectPage:
    """Newest first: ``count`` projects created before ``before``, or the ``count`` just after ``after``."""
    queryset = Project.objects.for_account(account).select_related("account").prefetch_related(_published(account))
    if after is not None:
        page = list(queryset.filter(created_at__gt=after).order_by("created_at", "id")[: count + 1])
        newer = len(page) > count
        page = page[:count][::-1]
        older = Project.objects.for_account(account).filter(created_at__lte=after).exists()
        return ProjectPage(page, older=older, newer=newer)
    if before is not None:
        queryset = queryset.filter(created_at__lt=before)
    page = list(queryset[: count + 1])
    newer = before is not None and Project.objects.for_account(account).filter(created_at__gte=before).exists()
    return ProjectPage(page[:count], older=len(page) > count, newer=newer)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def public_url(base_url: str, project: Project, quality: int, extension: str = "mp4") -> str:
    """The permanent link of one rendition (``?q=``); any file name works, this one is the project's."""
    name = slugify(project.name) or "video"
    path = reverse("maker-public", args=[project.public_id, f"{name}.{extension}"])
    return f"{base_url}{path}?q={quality}"


def project_json(project: Project, *, base_url: str) -> dict:
    """The seed 002 video object; ``error`` (code and message) is added only when the render failed."""
    account = project.account
    render = next(iter(getattr(project, "done_renders", [])), None)
    video = thumbnail = None
    if project.status == Project.Status.PUBLISHED and render is not None:
        sizes = {QUALITY_OF[f["profile"]]: f["size"] for f in render.out_files if f["profile"] in QUALITY_OF}
        video = {str(q): {"url": public_url(base_url, project, q), "size": size} for q, size in sorted(sizes.items())}
        thumbnail = {str(q): public_url(base_url, project, q, "jpg") for q in sorted(sizes)}
    body = {
        "status": project.status,
        "style": project.style,
        "name": project.name,
        "assets": project.assets,
        "duration": project.duration_ms / 1000,
        "tags": [],
        "comment_count": 0,
        "owner": {"profile_pic": None, "id": account.public_id, "name": account.name},
        "id": project.public_id,
        "credit": project.credit,
        "created_on": _epoch(project.created_at),
        "video": video,
        "modified_on": _epoch(project.modified_at),
        "view": project.views,
        "quality": project.quality,
        "thumbnail": thumbnail,
    }
    if project.status == Project.Status.ERROR:
        body["error"] = {"code": project.error_code, "message": project.error_message}
    return body


def project_webhook_json(project: Project, *, base_url: str) -> dict:
    """The body of ``maker.published`` / ``maker.error``: the seed's status answer plus the video object."""
    if project.status == Project.Status.PUBLISHED:
        project = project_with_render(account=project.account, project_id=project.public_id)
        code, message = CREATED
    else:
        code, message = project.error_code, project.error_message
    return {"status": code, "message": message, "video": project_json(project, base_url=base_url)}
