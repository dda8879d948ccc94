"""The document engine against the real xhtml2pdf and pdfium: no mocks."""

from __future__ import annotations

import base64
import io
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import PERMISSIVE_POLICY, ResourceAccessError

from documents import renderer
from documents.renderer import FieldError, FieldSpec, Output, TemplateError

ACCENTS = "José Ñúñez, Zoë, Łódź"


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_image_sizes(pdf: bytes) -> list[tuple[int, int]]:
    return [image.image.size for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]


def make_image(path, size, fmt="PNG", color=(200, 30, 30)):
    Image.new("RGB", size, color).save(path, fmt)
    return str(path)


# --- fields -------------------------------------------------------------------

SPECS = [
    FieldSpec("First Name", "text", required=True, sample="Ada"),
    FieldSpec("Amount", "number", default=0),
    FieldSpec("Due", "date"),
    FieldSpec("Logo", "image"),
    FieldSpec("rows", "list"),
]


def test_merge_strict_accepts_complete_fields():
    merged = renderer.merge_fields(
        SPECS, {"First Name": "Zoë", "Amount": "12.50", "Due": "2025-03-01", "rows": [{"a": 1}, "x"]}, strict=True
    )
    assert merged == {"First Name": "Zoë", "Amount": 12.5, "Due": "2025-03-01", "Logo": "", "rows": [{"a": 1}, "x"]}


def test_merge_strict_rejects_unknown_field():
    with pytest.raises(FieldError) as exc:
        renderer.merge_fields(SPECS, {"First Name": "a", "Colour": "blue"}, strict=True)
    assert exc.value.param == "Colour"
    assert exc.value.rest_error()["error"]["param"] == "Colour"


@pytest.mark.parametrize("supplied", [{}, {"First Name": None}])
def test_merge_strict_rejects_missing_required(supplied):
    with pytest.raises(FieldError) as exc:
        renderer.merge_fields(SPECS, supplied, strict=True)
    assert exc.value.param == "First Name"
    assert "required" in exc.value.message


def test_merge_lenient_ignores_unknown_and_fills_defaults():
    merged = renderer.merge_fields(SPECS, {"Colour": "blue"}, strict=False)
    assert merged == {"First Name": "", "Amount": 0, "Due": "", "Logo": "", "rows": []}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("First Name", {"a": 1}),
        ("First Name", ["a"]),
        ("First Name", True),
        ("Amount", "twelve"),
        ("Amount", True),
        ("Amount", "nan"),
        ("Amount", [1]),
        ("Due", 20250301),
        ("Logo", {"src": "x"}),
        ("rows", "not a list"),
        ("rows", {"a": 1}),
        ("rows", [{"a": {"nested": 1}}]),
        ("rows", [[1, 2]]),
    ],
)
@pytest.mark.parametrize("strict", [True, False])
def test_merge_rejects_wrong_types_in_both_modes(name, value, strict):
    with pytest.raises(FieldError) as exc:
        renderer.merge_fields(SPECS, {"First Name": "a", name: value}, strict=strict)
    assert exc.value.param == name


def test_merge_coerces_numbers_and_text():
    merged = renderer.merge_fields(SPECS, {"First Name": 42, "Amount": " -3 "}, strict=False)
    assert merged["First Name"] == "42"
    assert merged["Amount"] == -3


def test_merge_rejects_fields_that_are_not_an_object():
    with pytest.raises(FieldError) as exc:
        renderer.merge_fields(SPECS, ["First Name"], strict=False)
    assert exc.value.param == "Fields"


def test_field_spec_rejects_unknown_type():
    with pytest.raises(ValueError, match="type"):
        FieldSpec("x", "colour")


def test_sample_fields():
    assert renderer.sample_fields(SPECS)["First Name"] == "Ada"
    assert renderer.sample_fields(SPECS)["rows"] == []


@given(st.text(max_size=30))
def test_field_identifier_is_always_an_identifier(name):
    assert renderer.field_identifier(name).isidentifier()


# --- HTML ---------------------------------------------------------------------


def test_render_html_exposes_fields_by_name_and_identifier_and_escapes():
    html = renderer.render_html(
        '{{ fields["First Name"] }}|{{ First_Name }}|{% for r in fields.rows %}[{{ r.sku }}]{% endfor %}|{{ missing }}',
        "p { color: red }",
        {"First Name": "<b>Zoë</b>", "rows": [{"sku": "A1"}, {"sku": "B2"}]},
    )
    assert "&lt;b&gt;Zoë&lt;/b&gt;|&lt;b&gt;Zoë&lt;/b&gt;|[A1][B2]|" in html
    assert "<style>\np { color: red }\n</style>" in html


def test_render_html_puts_css_in_head():
    html = renderer.render_html("<html><head><title>t</title></head><body>x</body></html>", "p{}", {})
    assert html.index("<style>") < html.index("</head>")


def test_syntax_error_names_the_line():
    with pytest.raises(TemplateError, match="line 3"):
        renderer.render_html("<p>\n</p>\n{% for x in %}", "", {})


def test_runtime_error_names_the_line():
    with pytest.raises(TemplateError, match="line 2"):
        renderer.render_html("ok\n{{ 1 / 0 }}", "", {})


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ fields.__class__ }}",
        "{{ fields.__class__.__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ '{0.__class__}'.format(1) }}",
        "{{ fields.rows.append(1) }}",
        "{{ 'x' * 10000000 }}",
        "{{ (10 ** 64) ** 64 }}",
        "{{ range(10 ** 7) | list }}",
        "{% include '/etc/passwd' %}",
        "{% extends 'base.html' %}",
        "{% from 'macros.html' import m %}",
        "{{ lipsum(100000) }}",
    ],
)
def test_sandbox_refuses_escapes_and_blowups(source):
    with pytest.raises(TemplateError) as exc:
        renderer.render_html(source, "", {"rows": []})
    assert "object at 0x" not in exc.value.message and "<class" not in exc.value.message


def test_validate_template():
    renderer.validate_template("<p>{{ fields['First Name'] }}</p>", "p { margin: 0 }")
    with pytest.raises(TemplateError) as exc:
        renderer.validate_template("<p>", "</style><img src=x>")
    assert exc.value.param == "css"
    with pytest.raises(TemplateError, match="line 1"):
        renderer.validate_template("{{ x.__class__ }}")


# --- PDF ----------------------------------------------------------------------


def test_pdf_contains_merged_accented_values():
    html = renderer.render_html(
        "<h1>Hello {{ First_Name }}</h1><p>{{ fields.City }} <b>{{ First_Name }}</b></p>",
        "",
        {"First Name": ACCENTS, "City": "Zürich"},
    )
    pdf = renderer.render_pdf(html)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = pdf_text(pdf)
    assert f"Hello {ACCENTS}" in text
    assert "Zürich" in text


def test_font_asset_through_font_face():
    html = (
        '<style>@font-face { font-family: Brand; src: url("brand.ttf"); } h1 { font-family: Brand; }</style>'
        "<h1>Ωμέγα Привет</h1>"
    )
    pdf = renderer.render_pdf(html, assets={"brand.ttf": str(renderer.FONT_DIR / "DejaVuSansCondensed.ttf")})
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any(name.endswith("DejaVuSansCondensed") for name in fonts)
    assert "Ωμέγα Привет" in pdf_text(pdf)


@pytest.mark.parametrize(
    ("page_size", "orientation", "box"),
    [("A4", "portrait", (595, 841)), ("Letter", "landscape", (792, 612)), ("A5", "portrait", (419, 595))],
)
def test_page_size_and_orientation(page_size, orientation, box):
    pdf = renderer.render_pdf("<p>x</p>", page_size=page_size, orientation=orientation)
    mediabox = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (int(mediabox.width), int(mediabox.height)) == box


def test_bad_page_size():
    with pytest.raises(FieldError):
        renderer.render_pdf("<p>x</p>", page_size="B7")


def test_page_break_gives_two_pages():
    pdf = renderer.render_pdf("<p>one</p><pdf:nextpage /><p>two</p>")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2


INVOICE = """
<html><head><style>
  @page { size: a4 portrait; margin: 15mm; }
  table { width: 100%; }
  td, th { padding: 2px 4px; border-bottom: 0.5px solid #ccc; }
  .num { text-align: right; }
</style></head><body>
<img src="logo.png" width="120" height="40">
<h1>Invoice {{ fields["Invoice No"] }}</h1>
<p>{{ fields["Customer"] }}</p>
<table>
  <tr><th width="15%">SKU</th><th width="55%">Item</th><th width="10%">Qty</th><th width="20%">Total</th></tr>
  {% for row in fields.rows %}
  <tr><td width="15%">{{ row.sku }}</td><td width="55%">{{ row.item }}</td>
      <td width="10%" class="num">{{ row.qty }}</td><td width="20%" class="num">{{ "%.2f"|format(row.total) }}</td></tr>
  {% endfor %}
</table>
<p class="num"><b>Total {{ "%.2f"|format(fields.rows|sum(attribute="total")) }}</b></p>
</body></html>
"""
INVOICE_SPECS = [
    FieldSpec("Invoice No", required=True),
    FieldSpec("Customer", required=True),
    FieldSpec("rows", "list", required=True),
]


def invoice_fields():
    return {
        "Invoice No": "2025-001",
        "Customer": ACCENTS,
        "rows": [
            {"sku": f"SKU-{i:03}", "item": f"Widget número {i}", "qty": i, "total": i * 9.5} for i in range(1, 21)
        ],
    }


@pytest.fixture
def logo(tmp_path):
    return {"logo.png": make_image(tmp_path / "logo.png", (240, 80), color=(10, 80, 160))}


def test_invoice_with_twenty_rows_fits_one_a4_page(logo):
    fields = renderer.merge_fields(INVOICE_SPECS, invoice_fields(), strict=True)
    pdf = renderer.render_pdf(renderer.render_html(INVOICE, "", fields), assets=logo)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    assert "SKU-001" in text and "SKU-020" in text and "Widget número 20" in text
    assert ACCENTS in text
    assert "1995.00" in text  # 9.5 * (1 + ... + 20)
    assert (240, 80) in pdf_image_sizes(pdf)


def test_display_downsamples_large_images_print_keeps_them(tmp_path):
    assets = {"photo.jpg": make_image(tmp_path / "photo.jpg", (4000, 3000), "JPEG")}
    html = '<img src="photo.jpg" width="300" height="225">'
    (display,) = pdf_image_sizes(renderer.render_pdf(html, assets=assets, quality="Display"))
    (full,) = pdf_image_sizes(renderer.render_pdf(html, assets=assets, quality="Print"))
    assert full == (4000, 3000)
    assert display == (1754, 1316)  # the longest side of A4 at 150 dpi


# --- per-process caches -------------------------------------------------------


@pytest.fixture
def invariant_pdf(monkeypatch):
    """reportlab's invariant mode: no timestamps or random ids, so equal documents are equal bytes."""
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "invariant", 1)


def test_cached_fonts_and_default_css_give_the_same_bytes_as_a_cold_render(invariant_pdf):
    html = f"<h1>Invoice</h1><p>{ACCENTS}</p><ul><li>one</li></ul><table><tr><td>1</td></tr></table>"
    renderer._DEFAULT_CSS.clear()
    renderer._FONT_SUBSETS.clear()
    cold = renderer.render_pdf(html)
    assert renderer.cache_sizes()["default_css"] == 1 and renderer.cache_sizes()["font_subsets"] >= 1
    assert renderer.render_pdf(html) == cold
    assert ACCENTS in pdf_text(cold)


def test_cached_font_subsets_are_the_bytes_reportlab_embeds_itself(invariant_pdf, monkeypatch):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFontFace

    html = f"<p>{ACCENTS}</p><p><b>bold</b> <i>italic</i> <b><i>both</i></b></p>"
    cached = renderer.render_pdf(html)
    for filename in renderer._FONT_FILES.values():
        monkeypatch.setattr(pdfmetrics.getFont(filename.removesuffix(".ttf")).face, "__class__", TTFontFace)
    assert renderer.render_pdf(html) == cached


def test_cached_images_give_the_same_bytes_as_a_cold_render(invariant_pdf, tmp_path):
    assets = {
        "logo.png": make_image(tmp_path / "logo.png", (600, 200)),
        "alpha.png": str(tmp_path / "alpha.png"),
        "photo.jpg": make_image(tmp_path / "photo.jpg", (300, 100), fmt="JPEG"),
    }
    Image.new("RGBA", (300, 100), (200, 0, 0, 128)).save(assets["alpha.png"])
    html = '<img src="logo.png" width="120" height="40"><img src="alpha.png"><img src="photo.jpg"><img src="logo.png">'
    renderer._DECODED_IMAGES.clear()
    renderer._IMAGE_STREAMS.clear()
    cold = renderer.render_pdf(html, assets=assets)
    sizes = renderer.cache_sizes()
    assert sizes["images"] == 2 and sizes["image_streams"] == 1  # the JPEG is never decoded; alpha is not kept
    assert renderer.render_pdf(html, assets=assets) == cold
    assert sorted(pdf_image_sizes(cold)) == [(300, 100), (300, 100), (600, 200)]


def test_image_cache_serves_what_the_file_holds_not_what_it_is_called(tmp_path):
    """Two templates (two tenants) each with a 'logo.png' of their own: each document shows its own pixels."""
    red = make_image(tmp_path / "red.png", (60, 20), color=(255, 0, 0))
    blue = make_image(tmp_path / "blue.png", (60, 20), color=(0, 0, 255))
    for path, color in ((red, (255, 0, 0)), (blue, (0, 0, 255)), (red, (255, 0, 0))):
        pdf = renderer.render_pdf('<img src="logo.png">', assets={"logo.png": path})
        [image] = [image.image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
        assert image.convert("RGB").getpixel((5, 5)) == color


def test_a_truncated_image_fails_the_same_warm_or_cold(tmp_path):
    good = tmp_path / "good.png"
    make_image(good, (200, 200))
    broken = tmp_path / "broken.png"
    broken.write_bytes(good.read_bytes()[:-40])
    html = '<p>before</p><img src="broken.png"><p>after</p>'
    results = []
    for _ in range(2):
        try:
            results.append(pdf_text(renderer.render_pdf(html, assets={"broken.png": str(broken)})))
        except renderer.RenderError as exc:
            results.append(type(exc))
    assert results[0] == results[1]


def test_an_image_over_the_pixel_limit_is_refused_warm_or_cold_and_never_kept(tmp_path):
    huge = tmp_path / "huge.png"
    Image.new("L", (5001, 5001), 128).save(huge)  # 25,010,001 pixels: over the server policy's 25,000,000
    html = '<p>before</p><img src="huge.png"><p>after</p>'
    renderer._DECODED_IMAGES.clear()
    for _ in range(2):
        pdf = renderer.render_pdf(html, assets={"huge.png": str(huge)}, quality="Print")
        assert pdf_image_sizes(pdf) == [] and "after" in pdf_text(pdf)
    assert renderer.cache_sizes()["images"] == 0


def test_font_subset_cache_keeps_each_documents_own_characters():
    """A subset is cached by the characters it holds: another document's text never comes out of it."""
    first, second = "Łódź Ωmega", "Ζεύς Кирилл"
    for text in (first, second, first):
        pdf = renderer.render_pdf(f"<p>{text}</p>")
        assert text in pdf_text(pdf)
        other = second if text == first else first
        assert other not in pdf_text(pdf)


def test_font_subset_cache_is_bounded():
    cache = renderer._BoundedCache(2)
    for key in "abc":
        assert cache.get_or_make(key, lambda key=key: key.upper()) == key.upper()
    assert len(cache) == 2 and cache.get_or_make("a", lambda: "made again") == "made again"


def test_bare_xhtml2pdf_in_the_same_process_does_not_use_the_engines_caches():
    renderer._DEFAULT_CSS.clear()
    pisa.CreatePDF("<p>bare</p>", dest=io.BytesIO())
    assert renderer.cache_sizes()["default_css"] == 0
    renderer.render_pdf("<p>engine</p>")
    assert renderer.cache_sizes()["default_css"] == 1


# --- confinement --------------------------------------------------------------


@pytest.fixture
def http_receiver():
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            if self.path.endswith(".css"):
                body = b"body { color: red }"
            elif self.path.endswith(".ttf"):
                body = (renderer.FONT_DIR / "DejaVuSans.ttf").read_bytes()
            else:
                body = _png_bytes((5, 5))
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_receiver_is_reachable(http_receiver):
    """The control: the fixture does count a real request."""
    import urllib.request

    host, hits = http_receiver
    urllib.request.urlopen(f"http://{host}/probe.png").read()
    assert hits == ["/probe.png"]


def network_template(host: str) -> str:
    return f"""
    <html><head>
      <link rel="stylesheet" href="http://{host}/link.css">
      <link rel="stylesheet" href="//{host}/relative-scheme.css">
      <style>
        @import url("http://{host}/import.css");
        @font-face {{ font-family: Evil; src: url("http://{host}/font.ttf"); }}
        @page {{ background-image: url("http://{host}/page-bg.png"); }}
        body {{ background-image: url(http://{host}/body-bg.png); font-family: Evil; }}
      </style></head>
    <body>
      <img src="http://{host}/img.png">
      <img src="HTTP://{host}/img-upper.png">
      <img src="https://{host}/img-tls.png">
      <img src="http://169.254.169.254/latest/meta-data/">
      <img src="http://10.0.0.1/internal.png">
      <div style="background-image: url('http://{host}/inline-bg.png')">x</div>
      <p>Hello {{{{ First_Name }}}}</p>
      <img src="logo.png">
    </body></html>
    """


def test_network_control_without_the_walls_the_template_does_fetch(http_receiver):
    """The template reaches the receiver through each kind of reference when
    xhtml2pdf runs without our callback and with a permissive policy."""
    host, hits = http_receiver
    pisa.CreatePDF(network_template(host), dest=io.BytesIO(), resource_policy=PERMISSIVE_POLICY)
    assert {
        "/link.css",
        "/import.css",
        "/font.ttf",
        "/page-bg.png",
        "/body-bg.png",
        "/img.png",
        "/img-upper.png",
        "/inline-bg.png",
    } <= set(hits)


def test_no_network_request_from_any_reference(http_receiver, logo):
    host, hits = http_receiver
    html = renderer.render_html(
        network_template(host), f"h1 {{ background-image: url(http://{host}/css.png) }}", {"First Name": "Zoë"}
    )
    pdf = renderer.render_pdf(html, assets=logo)
    assert hits == []
    assert "Hello Zoë" in pdf_text(pdf)
    assert pdf_image_sizes(pdf) == [(240, 80)]


def test_link_callback_alone_blocks_the_network(http_receiver, logo):
    """Not only xhtml2pdf's own policy: our callback is a wall by itself."""
    host, hits = http_receiver
    pisa.CreatePDF(
        network_template(host),
        dest=io.BytesIO(),
        resource_policy=PERMISSIVE_POLICY,
        link_callback=renderer._confined_link_callback(logo),
    )
    assert hits == []


@pytest.fixture
def secret(tmp_path):
    """A file outside the assets: text with a marker, and a recognisable image."""
    secret_dir = tmp_path / "secret"
    secret_dir.mkdir()
    (secret_dir / "secret.txt").write_text("SECRET-MARKER-7d1f")
    (secret_dir / "secret.css").write_text("p.probe { font-size: 40pt }")
    image = make_image(secret_dir / "secret.png", (37, 23))
    assets_dir = tmp_path / "assets"
    assets_dir.mkdir()
    return {"dir": secret_dir, "image": image, "logo.png": make_image(assets_dir / "logo.png", (240, 80))}


def test_secret_image_is_detected_when_it_is_an_asset(secret):
    """The control: an image passed as an asset does show up."""
    pdf = renderer.render_pdf('<img src="mine.png">', assets={"mine.png": secret["image"]})
    assert (37, 23) in pdf_image_sizes(pdf)


def file_template(secret_dir) -> str:
    refs = [
        f"file://{secret_dir}/secret.png",
        f"file://{secret_dir}/secret.txt",
        f"{secret_dir}/secret.png",
        "../secret/secret.png",
        "logo.png/../../secret/secret.png",
        "/etc/passwd",
    ]
    images = "".join(f'<img src="{ref}">' for ref in refs)
    return f"""<html><head>
      <link rel="stylesheet" href="file://{secret_dir}/secret.css">
      <link rel="stylesheet" href="../secret/secret.css">
      <style>@import url("file://{secret_dir}/secret.txt");
             @font-face {{ font-family: Leak; src: url("file://{secret_dir}/secret.txt"); }}
             body {{ background-image: url("{secret_dir}/secret.png"); }}</style>
    </head><body><p class="probe">probe</p>{images}<img src="logo.png"></body></html>"""


def test_file_control_without_the_walls_the_secret_is_embedded(secret):
    out = io.BytesIO()
    pisa.CreatePDF(file_template(secret["dir"]), dest=out, resource_policy=PERMISSIVE_POLICY)
    assert (37, 23) in pdf_image_sizes(out.getvalue())


def test_local_files_outside_assets_are_never_read(secret):
    pdf = renderer.render_pdf(file_template(secret["dir"]), assets={"logo.png": secret["logo.png"]})
    assert b"SECRET-MARKER" not in pdf
    assert "SECRET-MARKER" not in pdf_text(pdf)
    assert "root:" not in pdf_text(pdf)
    assert pdf_image_sizes(pdf) == [(240, 80)]


def test_link_callback_alone_blocks_local_files(secret):
    out = io.BytesIO()
    pisa.CreatePDF(
        file_template(secret["dir"]),
        dest=out,
        resource_policy=PERMISSIVE_POLICY,
        link_callback=renderer._confined_link_callback({"logo.png": secret["logo.png"]}),
    )
    assert pdf_image_sizes(out.getvalue()) == [(240, 80)]


def test_data_uris_only_for_images():
    png = base64.b64encode(_png_bytes((11, 7))).decode()
    css = base64.b64encode(b"p { font-size: 60pt }").decode()
    svg = "data:image/svg+xml," + "%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3C/svg%3E"
    html = (
        f'<html><head><link rel="stylesheet" href="data:text/css;base64,{css}"></head><body>'
        f'<img src="data:image/png;base64,{png}"><img src="{svg}"><p>x</p></body></html>'
    )
    pdf = renderer.render_pdf(html)
    assert pdf_image_sizes(pdf) == [(11, 7)]
    resolve = renderer._confined_link_callback({})
    assert resolve(f"data:text/css;base64,{css}") == renderer.REFUSED_URI
    assert resolve(svg) == renderer.REFUSED_URI
    assert resolve(f"data:image/png;base64,{png}") == f"data:image/png;base64,{png}"


def _png_bytes(size):
    buf = io.BytesIO()
    Image.new("RGB", size, (0, 128, 0)).save(buf, "PNG")
    return buf.getvalue()


def test_resource_policy_is_a_second_wall(secret):
    policy = renderer._resource_policy({"logo.png": secret["logo.png"]})
    with pytest.raises(ResourceAccessError):
        policy.check_url("http://127.0.0.1/x.png")
    with pytest.raises(ResourceAccessError):
        policy.check_path(secret["image"])
    policy.check_path(secret["logo.png"])


# --- raster, package, render_document -----------------------------------------


@pytest.mark.parametrize(("fmt", "dpi", "size"), [("PNG", 150, (1240, 1754)), ("JPG", 300, (2480, 3508))])
def test_rasterize_a4_pixel_size(fmt, dpi, size):
    pdf = renderer.render_pdf(f"<p>{ACCENTS}</p>")
    (page,) = renderer.rasterize(pdf, fmt=fmt, dpi=dpi)
    img = Image.open(io.BytesIO(page))
    assert img.format == ("JPEG" if fmt == "JPG" else "PNG")
    assert img.size == size


def test_package_zip_roundtrip():
    data = renderer.package_zip([("a.txt", b"A"), ("b.bin", b"\x00" * 10)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["a.txt", "b.bin"]
        assert archive.read("b.bin") == b"\x00" * 10


def test_render_document_pdf(logo):
    files = renderer.render_document(
        INVOICE, "", INVOICE_SPECS, invoice_fields(), Output(), assets=logo, basename="invoice"
    )
    assert [(name, kind) for name, kind, _ in files] == [("invoice.pdf", "application/pdf")]
    assert ACCENTS in pdf_text(files[0][2])


def test_render_document_jpg_display():
    files = renderer.render_document("<p>{{ First_Name }}</p>", "", SPECS, {"First Name": "Zoë"}, Output(format="JPG"))
    ((name, kind, data),) = files
    assert (name, kind) == ("document.jpg", "image/jpeg")
    assert Image.open(io.BytesIO(data)).size == (1240, 1754)


def test_render_document_png_pages_packaged():
    files = renderer.render_document(
        "<p>one</p><pdf:nextpage /><p>two</p>", "", [], {}, Output(format="PNG", package=True)
    )
    ((name, kind, data),) = files
    assert (name, kind) == ("document.zip", "application/zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["document-1.png", "document-2.png"]
        assert Image.open(io.BytesIO(archive.read("document-2.png"))).size == (1240, 1754)


def test_render_document_pdf_packaged():
    ((name, _, data),) = renderer.render_document("<p>x</p>", "", [], {}, Output(package=True))
    assert name == "document.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["document.pdf"]
        assert archive.read("document.pdf").startswith(b"%PDF")


def test_render_document_field_policies():
    with pytest.raises(FieldError) as exc:
        renderer.render_document("<p>x</p>", "", SPECS, {"First Name": "a", "Extra": 1}, Output(strict_policy=True))
    assert exc.value.param == "Extra"
    files = renderer.render_document("<p>[{{ First_Name }}]</p>", "", SPECS, {"Extra": 1}, Output())
    assert "[]" in pdf_text(files[0][2])


def test_default_font_family_covers_bold_and_italic_with_dejavu():
    pdf = renderer.render_pdf("<p>Łódź <b>Łódź</b> <i>Łódź</i> <b><i>Łódź</i></b></p>")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in page["/Resources"]["/Font"].values()}
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"} <= fonts
    assert page.extract_text().count("Łódź") == 4
