"""Links that need no credentials: ``/v/<id>/<name>.mp4`` and the style previews.

``/v/<id>/<any-name>.mp4?q=480`` serves one rendition of a published project:
``id`` is the project's 96-bit random id (the permission), the file name is for
people and players and is not checked, ``q`` picks the rendition (default: the
largest). ``.jpg`` gives its thumbnail. Each request that starts playing (no
``Range`` or one from byte 0, not ``HEAD``) counts a view.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from PIL import Image

from core import errors
from core.errors import AppError
from core.http import file_response, json_error, ranged_file_response
from media_app.services import ffmpeg_exe, scratch_dir
from templates_app.profiles import parse_profile
from templates_app.scripts import parse_script, resolve_timeline
from videos.compiler import compile_render, run_ffmpeg
from videos.maker import selectors
from videos.maker.services import project_view_count
from videos.maker.styles import STYLES, Frame, compose


def _file(project, quality: str | None, extension: str) -> tuple[str, str]:
    render = next(iter(project.done_renders), None)
    files = {selectors.QUALITY_OF.get(f["profile"]): f for f in (render.out_files if render else [])}
    files.pop(None, None)
    if not files:
        raise AppError(errors.VIDEO_FILE_NOT_FOUND)
    wanted = max(files) if quality is None else int(quality) if quality.isdigit() else None
    if wanted not in files:
        raise AppError(
            errors.VIDEO_FILE_NOT_FOUND, param="q", detail=f"Video file not found: q is one of {sorted(files)}"
        )
    if extension == "jpg":
        return render.poster_key, "image/jpeg"
    return files[wanted]["key"], "video/mp4"


@require_safe
def public_video_view(request: HttpRequest, project_id: str, filename: str) -> HttpResponse:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    project = selectors.published_project(project_id=project_id) if extension in ("mp4", "jpg") else None
    try:
        if project is None:
            raise AppError(errors.VIDEO_NOT_FOUND)
        key, content_type = _file(project, request.GET.get("q"), extension)
        try:
            handle = default_storage.open(key, "rb")
            size = default_storage.size(key)
        except OSError:
            raise AppError(errors.VIDEO_FILE_NOT_FOUND) from None
    except AppError as exc:
        return json_error(exc)
    header = request.headers.get("Range", "")
    if extension == "mp4" and request.method == "GET" and (not header or header.strip().startswith("bytes=0-")):
        project_view_count(project=project)
    # no-cache: every play reaches us and is counted
    return ranged_file_response(
        handle, size=size, range_header=header, content_type=content_type, cache_control="no-cache"
    )


def style_preview_path(name: str) -> str:
    return reverse("maker-style-preview", args=[name])


def _preview_key(name: str) -> str:
    return f"maker/styles/{name}.jpg"


def _render_preview(name: str) -> str:
    """A still of the style (a sample photo with a caption), drawn once by the real compiler."""
    style = STYLES[name]
    workdir = scratch_dir() / f"style-preview-{name}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    try:
        photo = workdir / "sample.png"
        Image.linear_gradient("L").resize((480, 320)).convert("RGB").point(lambda v: 60 + v // 2).save(photo)
        frame = Frame(kind="image", text="Your caption here", media_id="sample", width=480, height=320, duration_s=1)
        script = compose(name="", style=style, frames=[frame], music=None, credit=[])
        timeline = resolve_timeline(parse_script(script), {})
        poster = Path(workdir) / "poster.jpg"
        args = compile_render(
            timeline,
            inputs={"sample": photo},
            variables={},
            profile=parse_profile(selectors.RENDITIONS[360]),
            output_path=workdir / "preview.mp4",
            ffmpeg_exe=ffmpeg_exe(),
            poster_path=poster,
            poster_at=0.5,
        )
        run_ffmpeg(args, timeout_s=60)
        key = _preview_key(name)
        if default_storage.exists(key):
            default_storage.delete(key)
        with open(poster, "rb") as handle:
            return default_storage.save(key, File(handle, name=key))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@require_safe
def style_preview_view(request: HttpRequest, name: str) -> HttpResponse:
    if name not in STYLES:
        return json_error(AppError(errors.NOT_FOUND_ERROR, param="name", detail="No such style"))
    key = _preview_key(name)
    if not default_storage.exists(key):
        key = _render_preview(name)
    return file_response(
        default_storage.open(key, "rb"), content_type="image/jpeg", cache_control="public, max-age=86400"
    )
