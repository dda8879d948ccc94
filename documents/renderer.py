"""HTML template → PDF / PNG / JPG engine (pure: no ORM, no settings, no storage).

Templates are written by untrusted customers, so two walls stand between them and
the server: Jinja2's sandbox for the template language, and resource confinement
for xhtml2pdf — every URL the document names is looked up in the ``assets``
mapping the caller prepared, and nothing else is fetched or read (see
:func:`_confined_link_callback` and :func:`_resource_policy`).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import io
import logging
import math
import re
import string
import tempfile
import threading
import time
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from jinja2 import ChainableUndefined, Template, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.filters import do_center, do_format, do_indent, do_replace, sync_do_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from PIL import Image
from reportlab.lib import pagesizes
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont, TTFontFace
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy, current_policy
from xhtml2pdf.context import pisaContext
from xhtml2pdf.parser import DEFAULT_CSS_SOURCE
from xhtml2pdf.xhtml2pdf_reportlab import PmlImageReader

from core import errors

log = logging.getLogger(__name__)

FIELD_TYPES = ("text", "number", "date", "image", "list")
FORMATS = {"PDF": ("pdf", "application/pdf"), "PNG": ("png", "image/png"), "JPG": ("jpg", "image/jpeg")}
QUALITIES = ("Display", "Print")
DISPLAY_DPI = 150
PRINT_DPI = 300
QUALITY_DPI = {"Display": DISPLAY_DPI, "Print": PRINT_DPI}
RESOLUTION_LIMITS = (36, 600)  # Output.Resolution, dpi of PNG/JPG pages: 600 dpi A4 is ~35 Mpx per page
OUTPUT_KEYS = ("Format", "Quality", "Resolution", "Package", "StrictPolicy")
PAGE_SIZES = {
    "A3": pagesizes.A3,
    "A4": pagesizes.A4,
    "A5": pagesizes.A5,
    "Letter": pagesizes.LETTER,
    "Legal": pagesizes.LEGAL,
}
ORIENTATIONS = ("portrait", "landscape")
DEFAULT_MARGIN = "15mm"
MAX_HTML_CHARS = 5_000_000  # a rendered template larger than this is a runaway loop, not a document
TEMPLATE_SECONDS = 5.0  # evaluating one template (fields → HTML) may take this long, then it is stopped
_MAX_BINOP_LENGTH = 100_000  # '*' / '**' results in templates ('x' * 10**9 would exhaust memory)

# What every refused URL resolves to: an empty resource. Not "" — xhtml2pdf then
# fetches the original URL — and not a real PNG, which @import would parse as CSS.
REFUSED_URI = "data:image/png;base64,"
_INLINE_IMAGE_TYPES = ("data:image/png", "data:image/jpeg", "data:image/jpg", "data:image/gif")


def _find_font_dir() -> Path:
    for candidate in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu"):
        if (Path(candidate) / "DejaVuSans.ttf").is_file():
            return Path(candidate)
    raise RuntimeError("DejaVuSans.ttf not found: install fonts-dejavu-core")


FONT_DIR = _find_font_dir()
_FONT_FILES = {
    (0, 0): "DejaVuSans.ttf",
    (1, 0): "DejaVuSans-Bold.ttf",
    (0, 1): "DejaVuSans-Oblique.ttf",
    (1, 1): "DejaVuSans-BoldOblique.ttf",
}


class _BoundedCache:
    """A per-process cache of at most ``size`` entries (and, with ``max_weight``, of at most that
    many bytes by ``weight``), least recently used dropped first; thread-safe (renders in one
    process are serialized by xhtml2pdf's lock, but be sure)."""

    def __init__(self, size: int, max_weight: int | None = None) -> None:
        self.size, self.max_weight = size, max_weight
        self._entries: OrderedDict = OrderedDict()  # key -> (value, weight)
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key][0]

    def put(self, key: Any, value: Any, weight: int = 0) -> None:
        if self.max_weight is not None and weight > self.max_weight:
            return
        with self._lock:
            if key in self._entries:
                self._weight -= self._entries.pop(key)[1]
            self._entries[key] = (value, weight)
            self._weight += weight
            while len(self._entries) > self.size or (self.max_weight is not None and self._weight > self.max_weight):
                self._weight -= self._entries.popitem(last=False)[1][1]

    def get_or_make(self, key: Any, make: Any) -> Any:
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weight = 0


# Font subsets of our own fonts, by (file, the subset's character codes in order): ~20-40 kB each.
_FONT_SUBSETS = _BoundedCache(128)


class _SubsetCachingFace(TTFontFace):
    """reportlab's face of one of our TTF files, except that the font file of a subset (the
    glyphs a document uses, up to 256) is cut and compressed once per process: the same
    characters give the same bytes, so a run of invoices embeds them without redoing it
    (~3 ms of a ~45 ms invoice). Only our fonts get this (never a template's @font-face).
    The body is reportlab 5.1's ``TTFontFace.addSubsetObjects`` with the stream pre-compressed."""

    def addSubsetObjects(self, doc, fontname, subset):  # noqa: N802 - reportlab's name
        if not doc.compression:
            return super().addSubsetObjects(doc, fontname, subset)

        def make() -> tuple[int, bytes]:
            data = self.makeSubset(subset)
            return len(data), pdfdoc.PDFZCompress.encode(data)

        length, compressed = _FONT_SUBSETS.get_or_make((self.filename, tuple(subset)), make)
        font_file = pdfdoc.PDFStream(content=compressed)
        font_file.dictionary["Length1"] = length
        font_file.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(pdfdoc.PDFZCompress.pdfname)])
        font_file_ref = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")
        flags = (self.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": self.ascent,
                "CapHeight": self.capHeight,
                "Descent": self.descent,
                "Flags": flags,
                "FontBBox": pdfdoc.PDFArray(self.bbox),
                "FontName": pdfdoc.PDFName(fontname),
                "ItalicAngle": self.italicAngle,
                "StemV": self.stemV,
                "FontFile2": font_file_ref,
                "MissingWidth": self.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)


def _register_default_font() -> None:
    """Load DejaVu Sans into reportlab once per process and make it a built-in
    family name of xhtml2pdf. An @font-face would parse the four TTF files again
    on every render (~7 ms of a ~60 ms invoice); these are our files, not the
    customer's, so they need not go through the link callback."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from xhtml2pdf import default as xhtml2pdf_defaults

    for (bold, italic), filename in _FONT_FILES.items():
        name = filename.removesuffix(".ttf")
        font = TTFont(name, str(FONT_DIR / filename))
        font.face.__class__ = _SubsetCachingFace  # the face parsed above, given the subset cache
        pdfmetrics.registerFont(font)
        addMapping("DejaVuSans", bold, italic, name)
    xhtml2pdf_defaults.DEFAULT_FONT["dejavusans"] = "DejaVuSans"


_register_default_font()
DEFAULT_BASE_CSS = """
html, body, p, div, span, td, th, li, h1, h2, h3, h4, h5, h6 { font-family: DejaVuSans; }
body { font-size: 10pt; }
"""


class FieldError(errors.AppError):
    """A supplied field is unknown, missing, or of the wrong type; ``param`` names it."""

    def __init__(self, *, param: str, message: str) -> None:
        super().__init__(errors.INVALID_REQUEST, param=param, detail=message)


class TemplateError(errors.AppError):
    """A template does not compile, or does something the sandbox refuses."""

    def __init__(self, message: str, *, param: str = "html") -> None:
        super().__init__(errors.INVALID_REQUEST, param=param, detail=message)


class RenderError(errors.AppError):
    """xhtml2pdf or pdfium failed on a template that compiled."""

    def __init__(self, message: str) -> None:
        super().__init__(errors.INTERNAL_ERROR, detail=message)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str = "text"
    required: bool = False
    default: Any = None
    sample: Any = None

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name!r}: type must be one of {FIELD_TYPES}")


@dataclass(frozen=True)
class Output:
    format: str = "PDF"
    quality: str = "Display"
    package: bool = False
    strict_policy: bool = False
    resolution: int | None = None  # dpi of PNG/JPG pages; None: the Quality's

    @property
    def dpi(self) -> int:
        return self.resolution or QUALITY_DPI[self.quality]


# --- fields -------------------------------------------------------------------

_SCALARS = (str, int, float, bool)


def _empty(spec: FieldSpec) -> Any:
    if spec.default is not None:
        return spec.default
    return [] if spec.type == "list" else ""


def _coerce(spec: FieldSpec, value: Any) -> Any:
    name, kind = spec.name, spec.type
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise FieldError(param=name, message=f"Field '{name}' must be a number")
        if isinstance(value, str):
            text = value.strip()
            try:
                value = int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
            except ValueError:
                raise FieldError(param=name, message=f"Field '{name}' must be a number, not {value!r}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise FieldError(param=name, message=f"Field '{name}' must be a finite number")
        return value
    if kind == "list":
        if not isinstance(value, list):
            raise FieldError(param=name, message=f"Field '{name}' must be a list")
        for index, item in enumerate(value):
            cells = item.values() if isinstance(item, dict) else [item]
            if isinstance(item, dict) and not all(isinstance(key, str) for key in item):
                raise FieldError(param=name, message=f"Field '{name}' row {index}: keys must be strings")
            if not all(cell is None or isinstance(cell, _SCALARS) for cell in cells):
                raise FieldError(param=name, message=f"Field '{name}' row {index}: values must be text or numbers")
        return value
    # text, date (already formatted by the caller), image (an asset name)
    if kind == "text" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise FieldError(param=name, message=f"Field '{name}' must be a string")
    return value


def merge_fields(specs: list[FieldSpec], supplied: dict[str, Any], *, strict: bool) -> dict[str, Any]:
    """The template's field values: ``supplied`` checked against ``specs``.

    Strict: an unknown field or a missing (or null) required one is an error.
    Lenient: unknown fields are dropped, missing ones take their default ("" or []).
    A value of the wrong type is an error either way.
    """
    if not isinstance(supplied, dict):
        raise FieldError(param="Fields", message="Fields must be an object")
    by_name = {spec.name: spec for spec in specs}
    if strict:
        for name in supplied:
            if name not in by_name:
                raise FieldError(param=name, message=f"Unknown field '{name}'")
    merged: dict[str, Any] = {}
    for spec in specs:
        value = supplied.get(spec.name)
        if value is None:
            if strict and spec.required:
                raise FieldError(param=spec.name, message=f"Field '{spec.name}' is required")
            merged[spec.name] = _empty(spec)
        else:
            merged[spec.name] = _coerce(spec, value)
    return merged


def sample_fields(specs: list[FieldSpec]) -> dict[str, Any]:
    """Values for a preview: each field's sample, else its default."""
    return {spec.name: spec.sample if spec.sample is not None else _empty(spec) for spec in specs}


def field_identifier(name: str) -> str:
    """The template variable a field is also reachable as: ``First Name`` → ``First_Name``."""
    ident = "".join(char if f"_{char}".isidentifier() else "_" for char in name)
    return ident if ident.isidentifier() else f"_{ident}"


# --- HTML ---------------------------------------------------------------------


class OverBudget(Exception):
    """A template went past its time or size budget; the message names the limit."""


_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("template_deadline", default=math.inf)
_STR_PADDING = {"rjust", "ljust", "center", "zfill"}
_PERCENT_SPEC = re.compile(r"%(\([^)]*\))?[#0+\- ]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.DOTALL)


def _check_deadline() -> None:
    if time.monotonic() > _deadline.get():
        raise OverBudget(f"Template evaluation ran longer than {TEMPLATE_SECONDS:g} s, the limit for one document")


def _check_size(size: int) -> None:
    """Refuse a string of ``size`` characters before it is built."""
    if size > MAX_HTML_CHARS:
        raise OverBudget(f"Template builds a text longer than {MAX_HTML_CHARS} characters, the limit for one document")


def _budgeted(iterable: Any):
    """Every ``{% for %}`` iterates through this: the time budget is checked at each step."""
    for item in iterable:
        _check_deadline()
        yield item


def _percent_sizes(fmt: str, values: Any) -> list[int]:
    """Widths and precisions of a printf-style format, ``*`` ones taken from ``values``."""
    values = values if isinstance(values, tuple) else (values,)
    sizes, position = [], 0
    for match in _PERCENT_SPEC.finditer(fmt):
        key, width, precision, conversion = match.groups()
        if conversion == "%":
            continue
        for part in (width, precision):
            if part == "*":
                if position < len(values) and isinstance(values[position], int):
                    sizes.append(abs(values[position]))
                position += 1
            elif part:
                sizes.append(int(part))
        if key is None:
            position += 1
    return sizes


def _check_percent(fmt: Any, values: Any) -> None:
    if isinstance(fmt, str):
        _check_size(max(_percent_sizes(fmt, values), default=0))


def _check_brace_format(fmt: str, args: tuple, kwargs: dict) -> None:
    """``'{:>N}'.format(x)``: the widths in the format specs, and those a nested ``{}`` may supply."""
    for _, _, spec, _ in string.Formatter().parse(fmt):
        if not spec:
            continue
        for number in re.findall(r"\d+", spec):
            _check_size(int(number))
        if "{" in spec:
            for value in (*args, *kwargs.values()):
                if isinstance(value, int):
                    _check_size(abs(value))


def _check_replace(text: str, old: str, new: str, count: int = -1) -> None:
    occurrences = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        occurrences = min(occurrences, count)
    _check_size(len(text) + occurrences * max(0, len(new) - len(old)))


def _check_join(separator: str, items: list) -> None:
    _check_size(len(separator) * max(0, len(items) - 1) + sum(len(item) for item in items if isinstance(item, str)))


def _checked_call(obj: Any, args: tuple, kwargs: dict) -> tuple:
    """Refuse the str methods that allocate what their arguments say before they run;
    returns the arguments to call with (a generator given to ``join`` becomes a list)."""
    target = getattr(obj, "__wrapped__", obj)
    text, name = getattr(target, "__self__", None), getattr(target, "__name__", "")
    if not isinstance(text, str):
        return args
    if name in _STR_PADDING and args and isinstance(args[0], int):
        _check_size(args[0])
    elif name == "expandtabs":
        tabsize = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(tabsize, int):
            _check_size(len(text) * tabsize)
    elif name == "format":
        _check_brace_format(text, args, kwargs)
    elif name == "format_map" and args and isinstance(args[0], dict):
        _check_brace_format(text, (), args[0])
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        _check_replace(text, *args[:3])
    elif name == "join" and args:
        items = list(args[0])
        _check_join(text, items)
        return (items, *args[1:])
    return args


def _format_filter(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_percent(str(value), kwargs or args)
    return do_format(value, *args, **kwargs)


def _center_filter(value: Any, width: int = 80) -> str:
    if isinstance(width, int):
        _check_size(width)
    return do_center(value, width)


def _indent_filter(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = str(value)
    _check_size(len(text) + (text.count("\n") + 1) * (width if isinstance(width, int) else len(str(width))))
    return do_indent(value, width, first, blank)


def _replace_filter(eval_ctx: Any, value: Any, old: str, new: str, count: int | None = None) -> str:
    _check_replace(str(value), str(old), str(new), -1 if count is None else count)
    return do_replace(eval_ctx, value, old, new, count)


def _join_filter(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
    items = list(value)
    if attribute is None:
        _check_join(str(d), [str(item) for item in items])
    return sync_do_join(eval_ctx, items, d, attribute)


_replace_filter.jinja_pass_arg = do_replace.jinja_pass_arg  # type: ignore[attr-defined]
_join_filter.jinja_pass_arg = sync_do_join.jinja_pass_arg  # type: ignore[attr-defined]


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, stricter: an unsafe attribute raises rather than rendering
    as empty; ``*``, ``**``, ``%`` and the padding, format, replace and join
    methods and filters cannot build a huge string or number; every loop step and
    every call checks the template's time budget."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "_budgeted", [], [], None, None, lineno=loop.lineno)
        return tree

    def unsafe_undefined(self, obj, attribute):
        raise SecurityError(f"access to attribute {attribute!r} of a {type(obj).__name__!r} object is unsafe")

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        _check_deadline()
        for value in (*args, *kwargs.values()):
            if isinstance(value, str):
                _check_size(len(value))
        args = _checked_call(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        if (
            operator == "**"
            and isinstance(left, (int, float))
            and isinstance(right, (int, float))
            and abs(right) * max(1, int(abs(left)).bit_length()) > 4096
        ):
            raise SecurityError("power too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, (str, list, tuple))
                    and isinstance(times, int)
                    and len(seq) * times > _MAX_BINOP_LENGTH
                ):
                    raise SecurityError("repetition too large")
        if operator == "%":
            _check_percent(left, right)
        return super().call_binop(context, operator, left, right)


_env = _Sandbox(autoescape=True, undefined=ChainableUndefined)  # no loader: include/extends/import fail
del _env.globals["lipsum"]  # lipsum(10**6) is a megabyte-per-call generator
_env.filters.update(
    _budgeted=_budgeted,
    format=_format_filter,
    center=_center_filter,
    indent=_indent_filter,
    replace=_replace_filter,
    join=_join_filter,
)


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """A template's source compiled once per process (a compiled template is immutable and
    thread-safe): compiling is most of the time a small template's evaluation takes."""
    return _env.from_string(source)


def _error_line(exc: BaseException) -> int | None:
    lineno = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:  # jinja rewrites runtime tracebacks onto template lines
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _with_css(html: str, css: str) -> str:
    if not css:
        return html
    style = f"<style>\n{css}\n</style>\n"
    match = re.search(r"</head\s*>", html, re.IGNORECASE)
    return html[: match.start()] + style + html[match.start() :] if match else style + html


def validate_template(html: str, css: str = "") -> None:
    """Check a template at save time: it compiles, and renders with empty fields."""
    if "</style" in (css or "").lower():
        raise TemplateError("CSS may not contain </style>", param="css")
    render_html(html, css, {})


def render_html(template_html: str, css: str, fields: dict[str, Any]) -> str:
    """The template rendered in the sandbox, with ``css`` in a ``<style>`` of its head.

    Budgeted: evaluation stops after :data:`TEMPLATE_SECONDS` and once the output
    passes :data:`MAX_HTML_CHARS`, with a :class:`TemplateError` naming the limit."""
    try:
        template = _compiled(template_html)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Template syntax error on line {exc.lineno}: {exc.message}") from None
    context: dict[str, Any] = {}
    for name, value in fields.items():
        context.setdefault(field_identifier(name), value)
    context.update({name: value for name, value in fields.items() if name.isidentifier()})
    context["fields"] = fields
    chunks, size = [], 0
    token = _deadline.set(time.monotonic() + TEMPLATE_SECONDS)
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            _check_size(size)
            chunks.append(chunk)
    except OverBudget as exc:
        raise TemplateError(str(exc)) from None
    except SecurityError as exc:
        raise TemplateError(f"Template uses a forbidden operation on line {_error_line(exc)}: {exc}") from None
    except RecursionError as exc:
        raise TemplateError(f"Template recurses too deeply on line {_error_line(exc)}") from None
    except MemoryError:
        raise TemplateError("Template needs more memory than one document may use") from None
    except (JinjaTemplateError, ArithmeticError, TypeError, ValueError, LookupError, AssertionError) as exc:
        raise TemplateError(f"Template error on line {_error_line(exc)}: {exc or type(exc).__name__}") from None
    finally:
        _deadline.reset(token)
    return _with_css("".join(chunks), css)


# --- PDF ----------------------------------------------------------------------

# Set while the engine renders: what is cached per process below applies to our renders
# only, so a bare pisa.CreatePDF in the same process (the benchmark's baseline) is untouched.
_engine_render: contextvars.ContextVar[bool] = contextvars.ContextVar("engine_render", default=False)
_DEFAULT_CSS = _BoundedCache(4)
_parse_css_source = pisaContext._parseCSSSource


def _parse_css_source_once(context: pisaContext, text: str, source_name: str) -> Any:
    """xhtml2pdf's own default stylesheet (~400 rules, the same text for every document) parsed
    once per process instead of on every render (~2 ms of an invoice). Its rulesets are
    complete once parsed and only read by the cascade; it holds nothing of a tenant's (the
    template's CSS is parsed apart, under another source name, on every render)."""
    if source_name != DEFAULT_CSS_SOURCE or not _engine_render.get():
        return _parse_css_source(context, text, source_name)
    return _DEFAULT_CSS.get_or_make(text, lambda: _parse_css_source(context, text, source_name))


pisaContext._parseCSSSource = _parse_css_source_once

# Images: xhtml2pdf decodes an <img> twice per document (layout, then drawing) and reportlab
# compresses its pixels again for the PDF, ~3 ms for a 600×200 logo. An asset does not change
# between the invoices of a template, so both are kept per process, keyed by the SHA-256 of the
# image file's bytes (what the document names does not matter, only what it holds), within a
# memory budget; the policy's pixel check still runs on every document. The budget is small beside
# the 768 MB a killable render child may use (documents.isolation), so what one document left in
# the cache cannot push another over its own memory limit.
_DECODED_IMAGES = _BoundedCache(32, max_weight=32 * 2**20)
_IMAGE_STREAMS = _BoundedCache(64, max_weight=16 * 2**20)
_read_bounded_image = PmlImageReader._read_bounded_image.__func__
_load_image_from_src = pdfdoc.PDFImageXObject.loadImageFromSRC
_IMAGE_STREAM_FIELDS = ("width", "height", "streamContent", "_filters", "colorSpace", "bitsPerComponent", "mask")


def _read_image_once(cls: type, fp: Any, where: str) -> Any:
    if not _engine_render.get() or not isinstance(fp, io.BytesIO):
        return _read_bounded_image(cls, fp, where)
    key = hashlib.sha256(fp.getbuffer()).digest()
    image = _DECODED_IMAGES.get(key)
    if image is not None:
        return image
    image = _read_bounded_image(cls, fp, where)
    if image.format == "JPEG":  # embedded as they are, never decoded: nothing to keep
        return image
    width, height = image.size
    current_policy().check_image_pixels(width, height, where)  # before decoding, as xhtml2pdf checks before its own
    try:
        image.load()  # the decode xhtml2pdf does next, done here once
    except (OSError, SyntaxError, ValueError):  # a broken file: opened afresh, for xhtml2pdf to report as before
        fp.seek(0)
        return _read_bounded_image(cls, fp, where)
    image.engine_key = key  # what the PDF stream of these pixels is cached under
    _DECODED_IMAGES.put(key, image, weight=width * height * len(image.getbands()))
    return image


def _load_image_stream_once(xobject: Any, reader: Any) -> None:
    """reportlab's PDF stream of an image (zlib of its pixels), made once per decoded asset."""
    source_key = getattr(getattr(reader, "_image", None), "engine_key", None)
    if not _engine_render.get() or source_key is None:
        return _load_image_from_src(xobject, reader)
    key = (source_key, repr(xobject.mask))
    fields = _IMAGE_STREAMS.get(key)
    if fields is not None:
        xobject.__dict__.update(fields)
        return None
    _load_image_from_src(xobject, reader)
    if getattr(xobject, "_smask", None) is None and not hasattr(xobject, "_decode"):  # no alpha: plain fields
        fields = {name: getattr(xobject, name) for name in _IMAGE_STREAM_FIELDS}
        _IMAGE_STREAMS.put(key, fields, weight=len(xobject.streamContent))
    return None


PmlImageReader._read_bounded_image = classmethod(_read_image_once)
pdfdoc.PDFImageXObject.loadImageFromSRC = _load_image_stream_once


def cache_sizes() -> dict[str, int]:
    """How many entries each per-process cache of the engine holds (tests, diagnostics)."""
    return {
        "templates": _compiled.cache_info().currsize,
        "default_css": len(_DEFAULT_CSS),
        "font_subsets": len(_FONT_SUBSETS),
        "images": len(_DECODED_IMAGES),
        "image_streams": len(_IMAGE_STREAMS),
    }


def _confined_link_callback(assets: dict[str, str]):
    """The only way xhtml2pdf resolves a URL: a name in ``assets``, an inline image, or nothing."""

    def resolve(uri: Any, rel: Any = None) -> str:
        if isinstance(uri, str):
            name = uri.strip()
            if name in assets:
                return assets[name]
            if name.lower().startswith(_INLINE_IMAGE_TYPES):
                return name
        log.info("Refused document resource %.120r", uri)
        return REFUSED_URI

    return resolve


def _resource_policy(assets: dict[str, str]) -> ResourceAccessPolicy:
    """Second wall, for the few xhtml2pdf paths that skip the link callback:
    no network at all, local reads only inside the asset files' own directories."""
    roots = {Path(path).resolve().parent for path in assets.values()}
    return ResourceAccessPolicy.server(base_dir=None, extra_roots=tuple(sorted(roots)), allow_remote=False)


def _page_size_css(page_size: str, orientation: str) -> str:
    if page_size not in PAGE_SIZES:
        raise FieldError(param="page_size", message=f"Page size must be one of {', '.join(PAGE_SIZES)}")
    if orientation not in ORIENTATIONS:
        raise FieldError(param="orientation", message="Orientation must be portrait or landscape")
    return f"@page {{ size: {page_size.lower()} {orientation}; margin: {DEFAULT_MARGIN}; }}"


def _downsampled_assets(assets: dict[str, str], workdirs: contextlib.ExitStack, max_pixels: int) -> dict[str, str]:
    """Image assets shrunk so that neither side exceeds ``max_pixels`` (the page at 150 dpi),
    written to a private directory made only when one needs it."""
    result, workdir = dict(assets), None
    for index, (name, path) in enumerate(assets.items()):
        try:
            with Image.open(path) as img:
                if max(img.size) <= max_pixels or img.format not in {"PNG", "JPEG"}:
                    continue
                img.thumbnail((max_pixels, max_pixels), Image.Resampling.LANCZOS)
                workdir = workdir or workdirs.enter_context(tempfile.TemporaryDirectory(prefix="doc-assets-"))
                target = Path(workdir) / f"{index}.{img.format.lower()}"
                img.save(target, img.format, **({"quality": 85} if img.format == "JPEG" else {}))
                result[name] = str(target)
        except (OSError, Image.DecompressionBombError):
            continue  # not an image (a font, a stylesheet): embedded as is
    return result


def render_pdf(
    html: str,
    *,
    assets: dict[str, str] | None = None,
    base_css: str | None = None,
    page_size: str = "A4",
    orientation: str = "portrait",
    quality: str = "Display",
) -> bytes:
    """Rendered HTML → PDF bytes. ``assets`` maps names used in the HTML to local files."""
    if quality not in QUALITIES:
        raise FieldError(param="quality", message="Quality must be Display or Print")
    page_css = _page_size_css(page_size, orientation)
    base = DEFAULT_BASE_CSS if base_css is None else base_css
    # Page and base CSS first, so the template's own styles override them. xhtml2pdf
    # keeps only the last @page rule, but one without `size` inherits ours.
    document = f"<style>\n{page_css}\n{base}\n</style>\n{html}"
    with contextlib.ExitStack() as workdirs:
        customer_assets = dict(assets or {})
        if quality == "Display":
            width, height = PAGE_SIZES[page_size]
            max_pixels = round(max(width, height) / 72 * DISPLAY_DPI)
            customer_assets = _downsampled_assets(customer_assets, workdirs, max_pixels)
        resolvable = customer_assets
        out = io.BytesIO()
        token = _engine_render.set(True)
        try:
            status = pisa.CreatePDF(
                document,
                dest=out,
                link_callback=_confined_link_callback(resolvable),
                resource_policy=_resource_policy(resolvable),
                encoding="utf-8",
            )
        except Exception as exc:  # xhtml2pdf raises anything from deep in reportlab
            log.exception("xhtml2pdf failed")
            raise RenderError(f"PDF rendering failed: {exc}") from exc
        finally:
            _engine_render.reset(token)
    if status.err:
        raise RenderError(f"PDF rendering failed with {status.err} error(s)")
    return out.getvalue()


# --- raster, package, all at once ---------------------------------------------


def rasterize(pdf_bytes: bytes, *, fmt: str = "PNG", dpi: int = DISPLAY_DPI) -> list[bytes]:
    """One PNG or JPG per page at ``dpi``."""
    if fmt not in ("PNG", "JPG"):
        raise FieldError(param="Output.Format", message="Raster format must be PNG or JPG")
    images = []
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        for page in pdf:
            width, height = page.get_size()
            img = page.render(scale=dpi / 72).to_pil()
            # pdfium rounds partial pixels up (A4 at 150 dpi: 1241 wide); the nominal size is rounded
            img = img.crop((0, 0, round(width * dpi / 72), round(height * dpi / 72)))
            buf = io.BytesIO()
            if fmt == "JPG":
                img.convert("RGB").save(buf, "JPEG", quality=90, dpi=(dpi, dpi))
            else:
                img.save(buf, "PNG", dpi=(dpi, dpi))
            images.append(buf.getvalue())
            page.close()
    finally:
        pdf.close()
    return images


def render_preview(
    template_html: str,
    css: str,
    specs: list[FieldSpec],
    *,
    assets: dict[str, str] | None = None,
    page_size: str = "A4",
    orientation: str = "portrait",
    dpi: int = 72,
) -> bytes:
    """The first page with the fields' sample values, as PNG (the dashboard's live preview)."""
    html = render_html(template_html, css, merge_fields(specs, sample_fields(specs), strict=False))
    pdf = render_pdf(html, assets=assets, page_size=page_size, orientation=orientation)
    return rasterize(pdf, fmt="PNG", dpi=dpi)[0]


def package_zip(files: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buf.getvalue()


def render_document(
    template_html: str,
    css: str,
    specs: list[FieldSpec],
    supplied: dict[str, Any],
    output: Output,
    *,
    assets: dict[str, str] | None = None,
    page_size: str = "A4",
    orientation: str = "portrait",
    basename: str = "document",
) -> list[tuple[str, str, bytes]]:
    """Fields → HTML → PDF → (PNG/JPG pages) → (ZIP): ``[(filename, content_type, bytes)]``."""
    fields = merge_fields(specs, supplied, strict=output.strict_policy)
    html = render_html(template_html, css, fields)
    pdf = render_pdf(html, assets=assets, page_size=page_size, orientation=orientation, quality=output.quality)
    extension, content_type = FORMATS[output.format]
    if output.format == "PDF":
        files = [(f"{basename}.pdf", content_type, pdf)]
    else:
        pages = rasterize(pdf, fmt=output.format, dpi=output.dpi)
        if len(pages) == 1:
            files = [(f"{basename}.{extension}", content_type, pages[0])]
        else:
            files = [(f"{basename}-{n}.{extension}", content_type, page) for n, page in enumerate(pages, 1)]
    if output.package:
        return [(f"{basename}.zip", "application/zip", package_zip([(name, data) for name, _, data in files]))]
    return files
