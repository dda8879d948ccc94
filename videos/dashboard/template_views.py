"""The template editor: create and edit, status, secret rotation, a test render.

Thin views: forms shape the input, ``templates_app.services`` and
``videos.services`` do every write, and their ``AppError`` is shown in place.
Every successful POST redirects (a refresh never creates a second template). A new
``templateSecret`` rides in the session to the page the POST redirects to, which
takes it out: it is shown exactly once.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.dashboard.errors import error_html
from accounts.dashboard.views import account_required
from core.errors import AppError
from templates_app import selectors, services
from templates_app.models import VideoTemplate
from templates_app.scripts import parse_script
from videos import services as video_services
from videos.dashboard.forms import SampleRenderForm, TemplateForm
from videos.inputs import parse_input_medias

NEW_SECRET = "new_template_secret"


def _template(request: HttpRequest, template_id: str) -> VideoTemplate:
    try:
        return selectors.template_get(account=request.account, template_id=template_id)
    except AppError:
        raise Http404("template not found") from None


def _render_form(request: HttpRequest, template: VideoTemplate, data=None) -> SampleRenderForm | None:
    try:
        script = parse_script(template.input_scripts)
    except AppError:
        return None
    return SampleRenderForm(data, account=request.account, script=script, prefix="render")


def _editor(
    request: HttpRequest,
    template: VideoTemplate | None,
    *,
    form: TemplateForm | None = None,
    render_form: SampleRenderForm | None = None,
    secret: str | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = TemplateForm(account=request.account, template=template)
    if template is not None and render_form is None:
        render_form = _render_form(request, template)
    context = {"template": template, "form": form, "render_form": render_form, "secret": secret}
    return render(request, "dashboard/videos/template_edit.html", context, status=status)


@account_required
def template_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _editor(request, None)
    form = TemplateForm(request.POST, account=request.account)
    if form.is_valid():
        try:
            template, secret = services.template_create(account=request.account, **form.changes())
        except AppError as exc:
            form.add_app_error(exc)
        else:
            messages.success(request, f"Template “{template.name}” created.")
            return _redirect_with_secret(request, template, secret)
    return _editor(request, None, form=form, status=422)


def _redirect_with_secret(request: HttpRequest, template: VideoTemplate, secret: str) -> HttpResponse:
    request.session[NEW_SECRET] = {"templateID": template.public_id, "secret": secret}
    return redirect("dashboard:template-edit", template.public_id)


def _new_secret(request: HttpRequest, template: VideoTemplate) -> str | None:
    shown = request.session.pop(NEW_SECRET, None)
    return shown["secret"] if shown and shown["templateID"] == template.public_id else None


@account_required
def template_edit(request: HttpRequest, template_id: str) -> HttpResponse:
    template = _template(request, template_id)
    if request.method != "POST":
        return _editor(request, template, secret=_new_secret(request, template))
    form = TemplateForm(request.POST, account=request.account, template=template)
    if form.is_valid():
        try:
            services.template_update(account=request.account, template_id=template_id, **form.changes())
        except AppError as exc:
            form.add_app_error(exc)
        else:
            messages.success(request, "Template saved.")
            return redirect("dashboard:template-edit", template_id)
    return _editor(request, template, form=form, status=422)


@account_required
@require_POST
def template_status(request: HttpRequest, template_id: str) -> HttpResponse:
    _template(request, template_id)
    try:
        template = services.template_set_status(
            account=request.account, template_id=template_id, status=request.POST.get("status", "")
        )
    except AppError as exc:
        messages.error(request, error_html(exc))
    else:
        messages.success(request, f"Template is now {template.status}.")
    return redirect("dashboard:template-edit", template_id)


@account_required
@require_POST
def template_secret(request: HttpRequest, template_id: str) -> HttpResponse:
    _template(request, template_id)
    template, secret = services.template_rotate_secret(account=request.account, template_id=template_id)
    return _redirect_with_secret(request, template, secret)


@account_required
@require_POST
def template_render(request: HttpRequest, template_id: str) -> HttpResponse:
    """Render a test video from sample inputs; on success, go to the video's page."""
    template = _template(request, template_id)
    render_form = _render_form(request, template, request.POST)
    if render_form is None:
        messages.error(request, "Fix the script before rendering a test video.")
        return redirect("dashboard:template-edit", template_id)
    if render_form.is_valid():
        try:
            created = video_services.video_create(
                account=request.account,
                template_id=template_id,
                name=render_form.cleaned_data["video_name"] or f"Test of {template.name}",
                inputs=parse_input_medias(render_form.input_medias()),
            )
        except AppError as exc:
            render_form.add_app_error(exc)
        else:
            messages.success(request, f"Test video “{created.name}” queued.")
            return redirect("dashboard:video", created.public_id)
    return _editor(request, template, render_form=render_form, status=422)
