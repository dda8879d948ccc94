"""JSON-RPC 2.0 at ``/api``, following barrister's conventions.

Apps register methods with :func:`method` (in their ``rpc.py``, discovered at
start-up) and the structs they return with :func:`struct`. The registry is also
the contract: ``barrister-idl`` returns it as barrister IDL JSON, so a barrister
client can load it, and the dashboard's API Test page fills its Method list
from it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from rest_framework import serializers

from core import errors
from core.errors import AppError

logger = logging.getLogger("core.rpc")

INTERFACE = "PirsonalAPI"
BARRISTER_VERSION = "0.1.6"
PRIMITIVES = {"string", "int", "float", "bool"}
MAX_BATCH_CALLS = 100


@dataclass(frozen=True)
class Type:
    type: str
    is_array: bool = False
    optional: bool = False

    def idl(self) -> dict[str, Any]:
        return {"type": self.type, "is_array": self.is_array, "optional": self.optional}


@dataclass(frozen=True)
class Param:
    name: str
    type: Type
    comment: str = ""

    def idl(self) -> dict[str, Any]:
        return {"name": self.name, **self.type.idl(), "comment": self.comment}


@dataclass
class Method:
    name: str
    func: Callable[..., Any]
    params: list[Param]
    returns: Type
    comment: str
    authenticated: bool = True
    reads: bool = False  # only reads: runs outside a transaction
    # ``many(ctx, [args, ...])`` -> one result or AppError per call: consecutive calls of the
    # method in a batch are answered together (one query for twenty look-ups).
    many: Callable[..., list[Any]] | None = None


@dataclass
class Context:
    """What a method receives first: the caller's account and the HTTP request."""

    request: HttpRequest
    principal: Any = None

    @property
    def account(self):
        return self.principal.account


@dataclass
class Registry:
    methods: dict[str, Method] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    structs: dict[str, dict[str, Any]] = field(default_factory=dict)
    enums: dict[str, dict[str, Any]] = field(default_factory=dict)

    def lookup(self, name: str) -> Method | None:
        bare = name.rsplit(".", 1)[-1]
        return self.methods.get(self.aliases.get(bare, bare))


REGISTRY = Registry()


def _type(spec: str | Type) -> Type:
    """``"string"``, ``"[]Media"``, ``"int?"`` (optional) or a :class:`Type`."""
    if isinstance(spec, Type):
        return spec
    optional = spec.endswith("?")
    spec = spec.rstrip("?")
    is_array = spec.startswith("[]")
    return Type(spec.removeprefix("[]"), is_array=is_array, optional=optional)


def struct(name: str, fields: dict[str, str], comment: str = "") -> None:
    REGISTRY.structs[name] = {
        "type": "struct",
        "name": name,
        "comment": comment,
        "extends": "",
        "fields": [{"name": key, **_type(spec).idl(), "comment": ""} for key, spec in fields.items()],
    }


def _idl_spec(field: serializers.Field) -> str:
    """The IDL type of one field of an output serializer (nested serializers become structs)."""
    if isinstance(field, serializers.ListSerializer):
        spec = "[]" + struct_from(type(field.child))
    elif isinstance(field, serializers.Serializer):
        spec = struct_from(type(field))
    elif isinstance(field, serializers.ListField):
        spec = "[]" + _idl_spec(field.child).rstrip("?")
    elif isinstance(field, serializers.BooleanField):
        spec = "bool"
    elif isinstance(field, serializers.IntegerField):
        spec = "int"
    elif isinstance(field, (serializers.FloatField, serializers.DecimalField)):
        spec = "float"
    elif isinstance(field, (serializers.CharField, serializers.ChoiceField, serializers.DateTimeField)):
        spec = "string"
    else:
        raise TypeError(f"no IDL type for {type(field).__name__}")
    optional = field.allow_null or not (field.required or field.read_only)  # null, or may be left out
    return spec + ("?" if optional else "")


def struct_from(serializer_class: type[serializers.Serializer], comment: str = "") -> str:
    """Register the struct of an output serializer, the one declaration of a resource's shape
    (the OpenAPI component of the same name comes from the same class); returns the struct name."""
    name = serializer_class.__name__.removesuffix("Serializer")
    if name not in REGISTRY.structs:
        fields = serializer_class().fields
        struct(
            name, {key: _idl_spec(field) for key, field in fields.items()}, comment or (serializer_class.__doc__ or "")
        )
    return name


def shape_errors(value: Any, spec: str | Type, path: str = "result") -> list[str]:
    """Where ``value`` departs from an IDL type: missing or unknown struct fields, wrong
    primitive types, values outside an enum. Empty when it conforms."""
    spec = _type(spec)
    if value is None:
        return [] if spec.optional else [f"{path}: null for a non-optional {spec.type}"]
    if spec.is_array:
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__} for an array"]
        item = Type(spec.type)
        return [error for i, v in enumerate(value) for error in shape_errors(v, item, f"{path}[{i}]")]
    if spec.type in _PYTHON_TYPES or spec.type in REGISTRY.enums:
        return [] if _value_ok(value, Type(spec.type)) else [f"{path}: {value!r} is not {spec.type}"]
    declared = REGISTRY.structs.get(spec.type)
    if declared is None:
        return [f"{path}: unknown type {spec.type}"]
    if not isinstance(value, dict):
        return [f"{path}: {type(value).__name__} for struct {spec.type}"]
    if not declared["fields"]:
        return []  # a struct declared without fields is a free-form object (e.g. column name -> value)
    fields = {f["name"]: Type(f["type"], f["is_array"], f["optional"]) for f in declared["fields"]}
    errors_found = [f"{path}.{key}: not in struct {spec.type}" for key in value.keys() - fields.keys()]
    for key, field_type in fields.items():
        if key not in value and not field_type.optional:
            errors_found.append(f"{path}.{key}: missing")
        elif key in value:
            errors_found += shape_errors(value[key], field_type, f"{path}.{key}")
    return errors_found


def enum(name: str, values: list[str], comment: str = "") -> None:
    REGISTRY.enums[name] = {
        "type": "enum",
        "name": name,
        "comment": comment,
        "values": [{"value": value, "comment": ""} for value in values],
    }


def method(
    name: str,
    *,
    params: list[tuple[str, str]] | None = None,
    returns: str,
    comment: str = "",
    aliases: tuple[str, ...] = (),
    authenticated: bool = True,
    reads: bool = False,
):
    """Register ``func(ctx, *params)`` as a JSON-RPC method; every call of one that does
    not only read (``reads=False``) runs in a transaction."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY.methods[name] = Method(
            name=name,
            func=func,
            params=[Param(pname, _type(spec)) for pname, spec in (params or [])],
            returns=_type(returns),
            comment=comment or (func.__doc__ or "").strip().split("\n")[0],
            authenticated=authenticated,
            reads=reads,
        )
        for alias in aliases:
            REGISTRY.aliases[alias] = name
        return func

    return register


def many(name: str):
    """Register ``func(ctx, [args, ...])`` as the batch form of the read method ``name``."""

    def register(func: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
        target = REGISTRY.methods[name]
        if not target.reads:
            raise ValueError(f"{name}: only a method that only reads can be answered in bulk")
        target.many = func
        return func

    return register


def idl() -> list[dict[str, Any]]:
    # An alias (the seeds' own spelling, e.g. Template_VideoNew) is a function of the contract too,
    # so IDL-driven clients can call it by that name.
    named = [(m.name, m) for m in REGISTRY.methods.values()]
    named += [(alias, REGISTRY.methods[target]) for alias, target in REGISTRY.aliases.items()]
    functions = [
        {
            "name": name,
            "comment": m.comment if name == m.name else f"Same as {m.name}: {m.comment}",
            "params": [p.idl() for p in m.params],
            "returns": m.returns.idl(),
        }
        for name, m in sorted(named, key=lambda pair: pair[0])
    ]
    elements: list[dict[str, Any]] = [
        {"type": "interface", "name": INTERFACE, "comment": "The video API of seeds 000/001", "functions": functions}
    ]
    elements += [REGISTRY.structs[k] for k in sorted(REGISTRY.structs)]
    elements += [REGISTRY.enums[k] for k in sorted(REGISTRY.enums)]
    checksum = hashlib.md5(json.dumps(elements, sort_keys=True).encode(), usedforsecurity=False).hexdigest()
    elements.append({"type": "meta", "barrister_version": BARRISTER_VERSION, "checksum": checksum})
    return elements


def page_bounds(offset: int | None, limit: int | None, *, default: int = 50, maximum: int = 100) -> tuple[int, int]:
    """The ``offset``/``limit`` of a paged method: offset at least 0, limit 1..maximum."""
    return max(offset or 0, 0), min(max(limit or default, 1), maximum)


# -- parameter checking ------------------------------------------------------

_PYTHON_TYPES = {"string": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}


def _value_ok(value: Any, spec: Type, *, element: bool = False) -> bool:
    if value is None:
        return spec.optional
    if spec.is_array and not element:
        return isinstance(value, list) and all(_value_ok(item, spec, element=True) for item in value)
    if spec.type in _PYTHON_TYPES:
        if spec.type in ("int", "float") and isinstance(value, bool):
            return False
        return isinstance(value, _PYTHON_TYPES[spec.type])
    if spec.type in REGISTRY.enums:
        return value in {v["value"] for v in REGISTRY.enums[spec.type]["values"]}
    return isinstance(value, dict)


def _bind(m: Method, params: Any) -> list[Any]:
    if params is None:
        params = []
    if isinstance(params, dict):
        unknown = set(params) - {p.name for p in m.params}
        if unknown:
            raise AppError(errors.RPC_INVALID_PARAMS, data=f"unknown parameter(s): {', '.join(sorted(unknown))}")
        params = [params.get(p.name) for p in m.params]
    if not isinstance(params, list):
        raise AppError(errors.RPC_INVALID_PARAMS, data="params must be an array or an object")
    if len(params) > len(m.params):
        raise AppError(
            errors.RPC_INVALID_PARAMS, data=f"{m.name} takes {len(m.params)} parameter(s), got {len(params)}"
        )
    params = params + [None] * (len(m.params) - len(params))
    for value, p in zip(params, m.params, strict=True):
        if not _value_ok(value, p.type):
            expected = ("[]" if p.type.is_array else "") + p.type.type
            got = "missing" if value is None else type(value).__name__
            raise AppError(errors.RPC_INVALID_PARAMS, data=f"parameter '{p.name}' must be {expected} (got {got})")
    return params


# -- dispatch ------------------------------------------------------------------


def _error(request_id: Any, error: AppError) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "error": error.rpc_error()}


class _Auth:
    """Authenticates once per HTTP request (a batch shares it, and each of its calls
    counts toward the caller's rate limit), only when a method needs it."""

    def __init__(self, request: HttpRequest, authenticate: Callable[[HttpRequest, int], Any], calls: int):
        self.request = request
        self.authenticate = authenticate
        self.calls = calls
        self.result: Any = None
        self.error: AppError | None = None
        self.done = False

    def principal(self) -> Any:
        if not self.done:
            self.done = True
            try:
                self.result = self.authenticate(self.request, self.calls)
            except AppError as exc:
                self.error = exc
        if self.error:
            raise self.error
        return self.result


def _call(auth: _Auth, request: HttpRequest, call: Any) -> dict[str, Any] | None:
    if not isinstance(call, dict):
        return _error(None, AppError(errors.RPC_INVALID_REQUEST, data="each call must be a JSON object"))
    is_notification = "id" not in call
    request_id = call.get("id")
    name = call.get("method")
    try:
        if not isinstance(name, str) or call.get("jsonrpc", "2.0") != "2.0":
            raise AppError(errors.RPC_INVALID_REQUEST, data='a call needs "jsonrpc": "2.0" and a string "method"')
        if name == "barrister-idl":
            result: Any = idl()
        else:
            m = REGISTRY.lookup(name)
            if m is None:
                raise AppError(errors.RPC_METHOD_NOT_FOUND, data=f"no method named {name!r}")
            args = _bind(m, call.get("params"))
            ctx = Context(request=request, principal=auth.principal() if m.authenticated else None)
            if m.reads:
                result = m.func(ctx, *args)
            else:
                with transaction.atomic():
                    result = m.func(ctx, *args)
    except AppError as exc:
        return None if is_notification else _error(request_id, exc)
    except (OperationalError, InterfaceError):
        raise  # the database went away: the whole request is a 503 (core.middleware)
    except Exception:
        logger.exception("unhandled JSON-RPC error request_id=%s method=%s", getattr(request, "request_id", "-"), name)
        error = AppError(errors.INTERNAL_ERROR, data=f"request id {getattr(request, 'request_id', '-')}")
        return None if is_notification else _error(request_id, error)
    return None if is_notification else {"jsonrpc": "2.0", "id": request_id, "result": result}


def _bulk_method(call: Any) -> Method | None:
    if isinstance(call, dict) and isinstance(call.get("method"), str) and call.get("jsonrpc", "2.0") == "2.0":
        m = REGISTRY.lookup(call["method"])
        if m is not None and m.many is not None:
            return m
    return None


def _call_together(auth: _Auth, request: HttpRequest, m: Method, calls: list[dict]) -> list[dict[str, Any]]:
    """Consecutive calls of one method with a ``many`` form: each bound on its own, run together."""
    outcomes: list[Any] = [None] * len(calls)
    bound: list[tuple[int, list[Any]]] = []
    for index, call in enumerate(calls):
        try:
            bound.append((index, _bind(m, call.get("params"))))
        except AppError as exc:
            outcomes[index] = exc
    if bound:
        try:
            ctx = Context(request=request, principal=auth.principal() if m.authenticated else None)
            results = m.many(ctx, [args for _, args in bound])
        except AppError as exc:
            results = [exc] * len(bound)
        except Exception:
            request_id = getattr(request, "request_id", "-")
            logger.exception("unhandled JSON-RPC error request_id=%s method=%s", request_id, m.name)
            results = [AppError(errors.INTERNAL_ERROR, data=f"request id {request_id}")] * len(bound)
        for (index, _), result in zip(bound, results, strict=True):
            outcomes[index] = result
    answers = []
    for call, outcome in zip(calls, outcomes, strict=True):
        if "id" in call:
            if isinstance(outcome, AppError):
                answers.append(_error(call["id"], outcome))
            else:
                answers.append({"jsonrpc": "2.0", "id": call["id"], "result": outcome})
    return answers


def _batch(auth: _Auth, request: HttpRequest, payload: list[Any]) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    start = 0
    while start < len(payload):
        m = _bulk_method(payload[start])
        end = start + 1
        while m is not None and end < len(payload) and _bulk_method(payload[end]) is m:
            end += 1
        if end - start > 1:
            answers += _call_together(auth, request, m, payload[start:end])
        elif (answer := _call(auth, request, payload[start])) is not None:
            answers.append(answer)
        start = end
    return answers


def dispatch(request: HttpRequest, body: bytes, authenticate: Callable[[HttpRequest, int], Any]) -> Any:
    """The JSON-RPC answer to ``body`` (``None`` when nothing is to be sent back)."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(None, AppError(errors.RPC_PARSE_ERROR, data="the body is not valid JSON"))
    except RecursionError:
        return _error(None, AppError(errors.RPC_PARSE_ERROR, data="the body's JSON is nested too deeply"))
    if isinstance(payload, list):
        if not payload:
            return _error(None, AppError(errors.RPC_INVALID_REQUEST, data="empty batch"))
        if len(payload) > MAX_BATCH_CALLS:
            error = AppError(
                errors.RPC_INVALID_REQUEST,
                data=f"a batch holds at most {MAX_BATCH_CALLS} calls (this one has {len(payload)})",
            )
            return _error(None, error)
        answers = _batch(_Auth(request, authenticate, len(payload)), request, payload)
        return answers or None
    return _call(_Auth(request, authenticate, 1), request, payload)


@functools.cache
def _authenticator(path: str) -> Callable[[HttpRequest], Any]:
    return import_string(path)


@csrf_exempt
def rpc_view(request: HttpRequest) -> HttpResponse:
    """``settings.RPC_AUTHENTICATOR(request, calls)`` turns a request into the caller (or
    raises an :class:`AppError`); it runs once per request, only if a called method needs it."""
    if request.method != "POST":
        error = AppError(errors.RPC_INVALID_REQUEST, data="POST a JSON-RPC 2.0 request to this URL")
        return JsonResponse(_error(None, error), status=405)
    answer = dispatch(request, request.body, _authenticator(settings.RPC_AUTHENTICATOR))
    if answer is None:
        return HttpResponse(status=204)
    return JsonResponse(answer, safe=False)
