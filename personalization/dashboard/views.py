"""Dashboard pages for personalization data: browse, search (the same ``where``
syntax as the API), create, edit and delete placeholders, products and users."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.forms import modelform_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.dashboard.errors import error_html
from accounts.dashboard.listing import Listing
from accounts.dashboard.views import account_required
from core.errors import AppError
from personalization import selectors, services
from personalization.objects import OBJECTS, SCHEMAS, ObjectType
from personalization.query import ColumnType, QueryError, parse_path

PER_PAGE = 50
# The columns of the listing (every column is in the edit form and the API).
LIST_COLUMNS = {
    "placeholders": ["id", "name", "html_id", "active"],
    "products": ["id", "internal_id", "name", "price", "currency", "category", "in_stock"],
    "users": ["id", "email", "first_name", "last_name", "country", "last_seen"],
}


def _kind(object_name: str) -> ObjectType:
    kind = OBJECTS.get(object_name)
    if kind is None:
        raise Http404("Unknown object")
    return kind


WHERE_HINTS = {"users": "country=FR&first_name:Ann,Bob", "products": "price>=10&in_stock=1", "placeholders": "active=1"}


@account_required
def record_list(request: HttpRequest, object_name: str = "placeholders") -> HttpResponse:
    kind = _kind(object_name)
    listing = Listing(
        request,
        noun=kind.label.lower(),
        per_page=PER_PAGE,
        search=f"Filter ({kind.name} where)",
        search_hint=WHERE_HINTS[kind.name],
        search_param="where",
    )
    error = None
    try:
        # The box takes the API's syntax; a "/" typed in it is part of a value.
        path = kind.name + (f"/where/{listing.search.replace('/', '%2F')}" if listing.search else "")
        query = parse_path(path, SCHEMAS)
        query.offset, query.limit = listing.offset, listing.limit
        if selectors.is_slow(account=request.account, kind=kind, query=query):
            services.slow_query_admit(account=request.account)
        rows = selectors.record_list(account=request.account, kind=kind, query=query)
        listing.fill(
            selectors.record_count(account=request.account, kind=kind, query=query),
            rows,
            of=selectors.record_count(account=request.account, kind=kind),
        )
    except QueryError as exc:
        error = str(exc)
    except AppError as exc:
        error = error_html(exc)
    columns = LIST_COLUMNS[kind.name]
    context = {
        "kind": kind,
        "objects": OBJECTS.values(),
        "columns": columns,
        "rows": [[row[column] for column in columns] for row in listing.items],
        "listing": listing,
        "error": error,
    }
    return render(request, "personalization/list.html", context, status=400 if error else 200)


# Set by the server when a record is made in the dashboard (the API may import them).
FORM_EXCLUDE = {"created"}


def _form_fields(kind: ObjectType) -> list[str]:
    return [name for name in kind.writable() if name not in FORM_EXCLUDE]


def _form_class(kind: ObjectType) -> type[forms.ModelForm]:
    textareas = {
        name: forms.Textarea(attrs={"rows": 4})
        for name in _form_fields(kind)
        if kind.schema.columns[name] is ColumnType.JSON or name == "description"
    }
    return modelform_factory(kind.model, fields=_form_fields(kind), widgets=textareas)


def _edit(request: HttpRequest, kind: ObjectType, record_id: int | None) -> HttpResponse:
    instance = None
    if record_id is not None:
        instance = kind.model.objects.for_account(request.account).filter(id=record_id).first()
        if instance is None:
            raise Http404("Row not found")
    form = _form_class(kind)(request.POST or None, instance=instance)
    values = None
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in _form_fields(kind)}
        for name, field in kind.fields.items():
            if kind.schema.columns[name] is ColumnType.JSON and name in values and values[name] is None:
                values[name] = field.get_default()
        if "tags" in values and not (
            isinstance(values["tags"], list) and all(isinstance(tag, str) for tag in values["tags"])
        ):
            form.add_error("tags", 'Enter a JSON array of strings, like ["vip", "newsletter"].')
            values = None
        elif "attributes" in values and not isinstance(values["attributes"], dict):
            form.add_error("attributes", 'Enter a JSON object, like {"plan": "gold"}.')
            values = None
    if values is not None:
        try:
            if instance is None:
                record_id = services.record_create(account=request.account, kind=kind, values=values)
            else:
                services.record_update(account=request.account, kind=kind, selector=Q(id=record_id), values=values)
        except AppError as exc:
            form.add_error(exc.param if exc.param in form.fields else None, error_html(exc))
        else:
            messages.success(request, f"{kind.label} {record_id} saved.")
            return redirect("dashboard:personalization-list", object_name=kind.name)
    context = {"kind": kind, "objects": OBJECTS.values(), "form": form, "record_id": record_id}
    return render(request, "personalization/edit.html", context, status=400 if form.errors else 200)


@account_required
def record_create(request: HttpRequest, object_name: str) -> HttpResponse:
    return _edit(request, _kind(object_name), None)


@account_required
def record_edit(request: HttpRequest, object_name: str, record_id: int) -> HttpResponse:
    return _edit(request, _kind(object_name), record_id)


@account_required
@require_POST
def record_delete(request: HttpRequest, object_name: str, record_id: int) -> HttpResponse:
    kind = _kind(object_name)
    deleted = services.record_delete(account=request.account, kind=kind, selector=Q(id=record_id))
    if not deleted:
        raise Http404("Row not found")
    messages.success(request, f"{kind.label} {record_id} deleted.")
    return redirect(reverse("dashboard:personalization-list", kwargs={"object_name": kind.name}))
