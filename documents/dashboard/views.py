"""Dashboard pages of documents: templates (list, editor with live preview), requests, on-demand URLs."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.auth import request_admit
from accounts.dashboard.errors import error_html
from accounts.dashboard.listing import Filter, Listing
from accounts.dashboard.views import account_required
from core import errors
from core.errors import AppError
from core.http import json_error
from documents import renderer, selectors, services
from documents.models import DocumentRequest, DocumentTemplate
from documents.serializers import ContentResultSerializer

STARTER_HTML = """<h1>Hello {{ fields["First Name"] }}</h1>
<p>Your {{ Machine }} is ready.</p>
"""
STARTER_FIELDS = [
    {"name": "First Name", "type": "text", "required": True, "default": None, "sample": "Ada"},
    {"name": "Machine", "type": "text", "required": False, "default": None, "sample": "AK-2000"},
]


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)


def _value_from_text(text: str, kind: str, param: str) -> Any:
    text = text.strip()
    if not text:
        return None
    if kind == "list":
        try:
            return json.loads(text)
        except ValueError:
            raise AppError(
                errors.INVALID_REQUEST, param=param, detail='A list value is JSON, e.g. [{"item": "Widget", "qty": 2}]'
            ) from None
    return text


def _posted_fields(post) -> list[dict]:
    """The editor's fields table (parallel lists ``field_name``, ``field_type``, ...) as FieldSpec dicts."""
    names, types = post.getlist("field_name"), post.getlist("field_type")
    defaults, samples = post.getlist("field_default"), post.getlist("field_sample")
    required = set(post.getlist("field_required"))  # the row indexes whose box is ticked
    fields = []
    for index, name in enumerate(names):
        if not name.strip():
            continue
        kind = types[index] if index < len(types) else "text"
        fields.append(
            {
                "name": name.strip(),
                "type": kind,
                "required": str(index) in required,
                "default": _value_from_text(
                    defaults[index] if index < len(defaults) else "", kind, f"Fields[{index}].Default"
                ),
                "sample": _value_from_text(
                    samples[index] if index < len(samples) else "", kind, f"Fields[{index}].Sample"
                ),
            }
        )
    return fields


def _posted_template(post) -> dict[str, Any]:
    return {
        "name": post.get("name", "").strip(),
        "html": post.get("html", ""),
        "css": post.get("css", ""),
        "page_size": post.get("page_size", "A4"),
        "orientation": post.get("orientation", "portrait"),
    }


REQUEST_STATUSES = [
    (api_status, [status for status, shown in DocumentRequest.API_STATUS.items() if shown == api_status])
    for api_status in dict.fromkeys(DocumentRequest.API_STATUS.values())
]


def _requests(request: HttpRequest) -> Listing:
    """The Requests table: the page of requests the filters select, with their live download links."""
    names = [(str(t.template_id), t.name) for t in selectors.template_list(account=request.account).order_by("name")]
    listing = Listing(
        request,
        noun="request",
        per_page=20,
        search=None,
        filters=[
            Filter("status", "Status", [(name, name) for name, _ in REQUEST_STATUSES]),
            Filter("template", "Template", names),
        ],
        prefix="r",
    )
    found = selectors.request_list(
        account=request.account,
        statuses=dict(REQUEST_STATUSES).get(listing.value("status") or ""),
        template_id=listing.value("template"),
    )
    now = timezone.now()
    base = request.build_absolute_uri("/").rstrip("/")
    rows = []
    for item in found[listing.offset : listing.offset + listing.limit]:
        expires = services.download_expires_at(item)
        live = item.status == DocumentRequest.Status.COMPLETED and expires and now < expires
        rows.append(
            {
                "request": item,
                "expires": expires,
                "live": live,
                "urls": services.request_urls(item, base) if live else [],
            }
        )
    return listing.fill(found.count(), rows)


@account_required
def index(request: HttpRequest) -> HttpResponse:
    account = request.account
    now = timezone.now()
    base = request.build_absolute_uri("/").rstrip("/")
    templates = Listing(request, noun="template", per_page=20, search="Name or TemplateId", prefix="t")
    found = selectors.template_list(account=account, search=templates.search)
    templates.fill(found.count(), found[templates.offset : templates.offset + templates.limit])
    links = Listing(request, noun="on-demand URL", per_page=20, search=None, prefix="l")
    found = selectors.link_list(account=account)
    links.fill(
        found.count(),
        [
            {"link": link, "url": f"{base}/d/{link.token}", "expired": now >= link.expires_at}
            for link in found[links.offset : links.offset + links.limit]
        ],
    )
    context = {"templates": templates, "requests": _requests(request), "links": links}
    return render(request, "documents/index.html", context)


@account_required
@require_GET
def request_rows(request: HttpRequest) -> HttpResponse:
    """The Requests table's rows alone (same filters and page): the index page swaps them in to stay current."""
    response = render(request, "documents/_request_rows.html", {"requests": _requests(request)})
    response["Cache-Control"] = "no-store"
    return response


def _editor(
    request: HttpRequest,
    template: DocumentTemplate | None,
    values: dict,
    fields: list[dict],
    error: AppError | None = None,
    status: int = 200,
    generate: dict | None = None,
) -> HttpResponse:
    rows = [
        {**field, "default_text": _value_text(field.get("default")), "sample_text": _value_text(field.get("sample"))}
        for field in fields
    ]
    assets = selectors.asset_list(template=template) if template else []
    return render(
        request,
        "documents/editor.html",
        {
            "template": template,
            "values": values,
            "fields": rows,
            "assets": assets,
            "error": error,
            "generate": generate or (_generate_form(template) if template else None),
            "field_types": renderer.FIELD_TYPES,
            "page_sizes": DocumentTemplate.PageSize.values,
            "orientations": DocumentTemplate.Orientation.values,
        },
        status=status,
    )


@account_required
def template_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        values = _posted_template(request.POST)
        try:
            fields = _posted_fields(request.POST)
            if not values["name"]:
                raise AppError(errors.INVALID_REQUEST, param="Name", detail="Give the template a name")
            template = services.template_create(account=request.account, fields=fields, **values)
        except AppError as exc:
            return _editor(request, None, values, _safe_fields(request.POST), exc, status=400)
        messages.success(request, f"Template “{template.name}” created.")
        return redirect("dashboard:document-template", template_id=template.template_id)
    values = {
        "name": "",
        "html": STARTER_HTML,
        "css": "h1 { color: #4338ca; }",
        "page_size": "A4",
        "orientation": "portrait",
    }
    return _editor(request, None, values, STARTER_FIELDS)


def _safe_fields(post) -> list[dict]:
    names, types = post.getlist("field_name"), post.getlist("field_type")
    defaults, samples = post.getlist("field_default"), post.getlist("field_sample")
    required = set(post.getlist("field_required"))
    return [
        {
            "name": name,
            "type": types[i] if i < len(types) else "text",
            "required": str(i) in required,
            "default": defaults[i] if i < len(defaults) else "",
            "sample": samples[i] if i < len(samples) else "",
        }
        for i, name in enumerate(names)
    ]


@account_required
def template_edit(request: HttpRequest, template_id) -> HttpResponse:
    template = _template_or_404(request, template_id)
    if request.method == "POST":
        values = _posted_template(request.POST)
        try:
            fields = _posted_fields(request.POST)
            template = services.template_update(account=request.account, template=template, fields=fields, **values)
        except AppError as exc:
            return _editor(request, template, values, _safe_fields(request.POST), exc, status=400)
        messages.success(request, "Template saved.")
        return redirect("dashboard:document-template", template_id=template.template_id)
    values = _saved_values(template)
    return _editor(request, template, values, template.fields)


def _or_404(selector, **lookup):
    """What ``selector`` finds for the request's account, else the dashboard's 404 (another account's id too)."""
    try:
        return selector(**lookup)
    except AppError:
        raise Http404("Not found") from None


def _saved_values(template: DocumentTemplate) -> dict[str, str]:
    return {key: getattr(template, key) for key in ("name", "html", "css", "page_size", "orientation")}


def _template_or_404(request: HttpRequest, template_id) -> DocumentTemplate:
    return _or_404(selectors.template_get, account=request.account, template_id=template_id)


@account_required
@require_POST
def template_delete(request: HttpRequest, template_id) -> HttpResponse:
    template = _template_or_404(request, template_id)
    services.template_delete(account=request.account, template=template)
    messages.success(request, f"Template “{template.name}” deleted.")
    return redirect("dashboard:documents")


@account_required
@require_POST
def asset_upload(request: HttpRequest, template_id) -> HttpResponse:
    template = _template_or_404(request, template_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a file to upload.")
    else:
        try:
            services.asset_put(
                account=request.account,
                template=template,
                name=upload.name,
                content=upload.read(),
                content_type=upload.content_type or "",
            )
            messages.success(request, f'Asset {upload.name} uploaded: use it as src="{upload.name}".')
        except AppError as exc:
            messages.error(request, error_html(exc))
    return redirect("dashboard:document-template", template_id=template.template_id)


@account_required
@require_POST
def asset_remove(request: HttpRequest, template_id, name: str) -> HttpResponse:
    template = _template_or_404(request, template_id)
    try:
        services.asset_delete(account=request.account, template=template, name=name)
        messages.success(request, f"Asset {name} removed.")
    except AppError as exc:
        messages.error(request, error_html(exc))
    return redirect("dashboard:document-template", template_id=template.template_id)


@account_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The editor's live preview: the posted (unsaved) template, first page as PNG, with the sample values."""
    template = None
    if request.POST.get("template_id"):
        template = _template_or_404(request, request.POST["template_id"])
    values = _posted_template(request.POST)
    try:
        png = services.template_preview(
            account=request.account,
            template=template,
            html=values["html"],
            css=values["css"],
            fields=_posted_fields(request.POST),
            page_size=values["page_size"],
            orientation=values["orientation"],
        )
    except AppError as exc:
        return json_error(exc)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response


# --- generate from the dashboard (the service behind POST /v1/content) ---------------------


def _generate_form(template: DocumentTemplate, post=None, error: AppError | None = None) -> dict[str, Any]:
    """The Generate card: one input per template field (its sample value, else its default,
    prefilled), the output format and quality, and the error of the last try by field."""
    inputs = []
    for index, field in enumerate(template.fields):
        prefill = field.get("sample") if field.get("sample") is not None else field.get("default")
        inputs.append(
            {
                **field,
                "key": f"field-{index}",
                "value": post.get(f"field-{index}", "") if post is not None else _value_text(prefill),
                "error": error.message if error is not None and error.param == field["name"] else "",
            }
        )
    named = error is not None and any(item["error"] for item in inputs)
    return {
        "inputs": inputs,
        "format": post.get("format", "PDF") if post is not None else "PDF",
        "quality": post.get("quality", "Display") if post is not None else "Display",
        "formats": list(renderer.FORMATS),
        "qualities": renderer.QUALITIES,
        "error": None if error is None or named else error,
    }


def _posted_output(post) -> renderer.Output:
    output_format, quality = post.get("format", "PDF"), post.get("quality", "Display")
    if output_format not in renderer.FORMATS:
        raise AppError(errors.INVALID_REQUEST, param="Format", detail="Format is PDF, PNG or JPG")
    if quality not in renderer.QUALITIES:
        raise AppError(errors.INVALID_REQUEST, param="Quality", detail="Quality is Display or Print")
    return renderer.Output(format=output_format, quality=quality)


@account_required
@require_POST
def generate(request: HttpRequest, template_id) -> HttpResponse:
    """Generate a document as ``POST /v1/content`` does (same service, credit and rate limit),
    then go to the request's page, which opens the file once it is ready."""
    template = _template_or_404(request, template_id)
    try:
        values = {}
        for index, field in enumerate(template.fields):
            value = _value_from_text(request.POST.get(f"field-{index}", ""), field["type"], field["name"])
            if value is not None:
                values[field["name"]] = value
        output = _posted_output(request.POST)
        request_admit(request, request.account)
        created = services.content_request_create(
            account=request.account, template=template, fields=values, output=output
        )
    except AppError as exc:
        values = _saved_values(template)
        form = _generate_form(template, request.POST, exc)
        return _editor(request, template, values, template.fields, status=exc.entry.http_status, generate=form)
    return redirect("dashboard:document-request", request_id=created.request_id)


def _request_or_404(request: HttpRequest, request_id) -> DocumentRequest:
    return _or_404(selectors.request_get, account=request.account, request_id=request_id)


@account_required
@require_GET
def request_detail(request: HttpRequest, request_id) -> HttpResponse:
    found = _request_or_404(request, request_id)
    base = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "documents/request.html",
        {
            "item": found,
            "result": ContentResultSerializer(found, context={"base_url": base}).data,
            "expires": services.download_expires_at(found),
            "fields_json": json.dumps(found.fields, indent=2, ensure_ascii=False),
        },
    )


DASHBOARD_WAIT_SECONDS = 10


@account_required
@require_GET
def request_status(request: HttpRequest, request_id) -> JsonResponse:
    """``GET /v1/content?requestId=&wait=`` for the dashboard session: the request page long-polls it."""
    found = _request_or_404(request, request_id)
    found = services.request_wait(request=found, seconds=DASHBOARD_WAIT_SECONDS if request.GET.get("wait") else 0)
    base = request.build_absolute_uri("/").rstrip("/")
    response = JsonResponse(ContentResultSerializer(found, context={"base_url": base}).data)
    response["Cache-Control"] = "no-store"
    return response
