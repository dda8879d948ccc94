"""Document rendering benchmark: ``.venv/bin/python bench/documents.py``.

Renders a one-page invoice (logo, heading, a 20-row table with column widths, a
customer with non-ASCII letters) through the real stack — gunicorn, POST
/v1/content, two ``rqworker documents`` processes (SimpleWorker: no fork per
job), local storage, GET polling — and through on-demand URLs, beside the same
merged HTML rendered by bare xhtml2pdf in this process. Prints medians and the
ratios to the issue's targets. Uses a private SQLite database and media folder,
and the embedded Redis unless REDIS_URL is set. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time

from _common import Workspace, bench_account

INVOICE_HTML = """<html><head><style>
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
      <td width="10%" class="num">{{ row.qty }}</td>
      <td width="20%" class="num">{{ "%.2f"|format(row.total) }}</td></tr>
  {% endfor %}
</table>
<p class="num"><b>Total {{ "%.2f"|format(fields.rows|sum(attribute="total")) }}</b></p>
</body></html>"""
FIELDS = [
    {"name": "Invoice No", "type": "text", "required": True, "default": None, "sample": "2025-001"},
    {"name": "Customer", "type": "text", "required": True, "default": None, "sample": "José Ñúñez"},
    {"name": "rows", "type": "list", "required": True, "default": None, "sample": None},
]
VALUES = {
    "Invoice No": "2025-001",
    "Customer": "José Ñúñez, Łódź",
    "rows": [
        {"sku": f"SKU-{i:03d}", "item": f"Widget número {i}", "qty": i % 5 + 1, "total": 9.5 * i} for i in range(1, 21)
    ],
}


PHASES = (
    "of which: POST sent → row created",
    "(POST sent → 202 received)",
    "of which: row created → claimed by a worker",
    "of which: claimed → completed (render, store)",
    "of which: completed → long poll answered",
)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def logo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 200), (67, 56, 202))
    ImageDraw.Draw(image).rectangle((40, 40, 560, 160), fill=(255, 255, 255))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def bare_dejavu() -> str:
    """The engine's DejaVu files registered as plain reportlab fonts under another family name (once
    per process, as the engine does), without the engine's per-process subset cache: the family name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from xhtml2pdf import default as xhtml2pdf_defaults

    from documents import renderer

    family = "BareDejaVuSans"
    if family.lower() not in xhtml2pdf_defaults.DEFAULT_FONT:
        for (bold, italic), filename in renderer._FONT_FILES.items():
            name = "Bare" + filename.removesuffix(".ttf")
            pdfmetrics.registerFont(TTFont(name, str(renderer.FONT_DIR / filename)))
            addMapping(family, bold, italic, name)
        xhtml2pdf_defaults.DEFAULT_FONT[family.lower()] = family
    return family


def bare_xhtml2pdf(merged_html: str, logo_path: str, n: int, warmup: int = 2, fonts: bool = False) -> list[float]:
    """The merged HTML through xhtml2pdf with nothing of ours around it (no sandbox, no confinement).
    ``fonts``: with the engine's DejaVu files (registered once per process as plain reportlab fonts), the
    like-for-like render (the base-14 fonts of plain xhtml2pdf have no 'Ł': bare output shows a box
    where the engine prints the letter)."""
    from xhtml2pdf import pisa

    from documents import renderer

    paths = {"logo.png": logo_path}
    if fonts:
        family = bare_dejavu()
        merged_html = f"<style>{renderer.DEFAULT_BASE_CSS.replace('DejaVuSans', family)}</style>{merged_html}"

    def callback(uri, rel):
        return paths.get(uri, uri)

    times = []
    for _ in range(n + warmup):
        start = time.perf_counter()
        out = io.BytesIO()
        pisa.CreatePDF(merged_html, dest=out, link_callback=callback, encoding="utf-8")
        times.append(time.perf_counter() - start)
    return times[warmup:]


def profile_job(account, template, n: int) -> list[tuple[str, float]]:
    """The documents job run in this process under cProfile: mean milliseconds per job
    of the whole job and of each of its steps (cumulative, so nested steps overlap)."""
    import cProfile
    import pstats
    from dataclasses import asdict

    from documents import renderer
    from documents import services as document_services
    from documents.models import DocumentRequest

    steps = {
        "document_request_process": "whole job",
        "render_document": "render (fields → HTML → PDF)",
        "asset_files": "assets as local files",
        "store": "storage write",
        "_emit": "webhook event",
        "_signal_finished": "long-poll signal",
    }
    profiler = cProfile.Profile()
    for _ in range(n):
        request = DocumentRequest.objects.create(
            account=account, template=template, fields=VALUES, output=asdict(renderer.Output()), charged_credits=1
        )
        profiler.enable()
        document_services.document_request_process(request_pk=request.pk)
        profiler.disable()
    stats = pstats.Stats(profiler).stats
    cumulative: dict[str, float] = {}
    for (_, _, function), (_, _, _, total, _) in stats.items():
        if function in steps:
            cumulative[function] = cumulative.get(function, 0.0) + total
    return [(label, cumulative[name] * 1000 / n) for name, label in steps.items() if name in cumulative]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc), 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_pids(parent: int) -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == parent:
                    children.append(int(entry))
        except (OSError, ValueError):
            continue
    return children


def bare_two_processes(pool, merged_html: str, logo_path: str, per_process: int) -> float:
    """Documents per second of bare xhtml2pdf in two processes at once: "two cores' worth" as the
    machine gives them right now (on a shared machine that can be much less than two idle cores)."""
    start = time.perf_counter()
    pool.starmap(bare_xhtml2pdf, [(merged_html, logo_path, per_process, 0)] * 2)
    return 2 * per_process / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="sequential documents (latency)")
    parser.add_argument("--burst", type=int, default=60, help="documents queued at once (throughput)")
    parser.add_argument("--links", type=int, default=15, help="on-demand URLs")
    parser.add_argument(
        "--poll-ms",
        type=float,
        default=10,
        help="GET /v1/content interval; each poll costs the web process CPU the worker then lacks",
    )
    args = parser.parse_args()

    with Workspace("documents", ALLOW_PLAIN_HTTP_API="1") as workspace:
        return run(args, workspace)


def run(args, workspace: Workspace) -> int:
    workspace.setup_django()
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)

    from documents import renderer
    from documents import services as document_services
    from documents.services import rendering

    account, _, issued = bench_account()  # the bench polls hard
    template = document_services.template_create(account=account, name="Invoice", html=INVOICE_HTML, fields=FIELDS)
    logo = logo_png()
    document_services.asset_put(
        account=account, template=template, name="logo.png", content=logo, content_type="image/png"
    )

    # Bare xhtml2pdf in this process, on the same merged HTML. The machines are noisy, so every
    # measurement below is interleaved with bare renders and compared with the bare median of its
    # own phase.
    logo_path = workspace.dir / "logo.png"
    logo_path.write_bytes(logo)
    merged = renderer.render_html(INVOICE_HTML, "", VALUES)
    bare_all: list[float] = []

    def bare_once() -> None:
        bare_all.extend(bare_xhtml2pdf(merged, str(logo_path), 1, warmup=0))

    bare_xhtml2pdf(merged, str(logo_path), 0, warmup=3)
    engine, service, bare_fonts = [], [], []
    bare_xhtml2pdf(merged, str(logo_path), 0, warmup=2, fonts=True)
    for _ in range(args.n):
        bare_once()
        bare_fonts.extend(bare_xhtml2pdf(merged, str(logo_path), 1, warmup=0, fonts=True))
        start = time.perf_counter()
        pdf = renderer.render_pdf(merged, assets={"logo.png": str(logo_path)})
        engine.append(time.perf_counter() - start)
        start = time.perf_counter()
        rendering.render(template, VALUES, renderer.Output(), isolated=False)
        service.append(time.perf_counter() - start)
    bare = list(bare_all)
    job_profile = profile_job(account, template, args.n)
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(2)  # forked now, before any server starts
    pool.starmap(bare_xhtml2pdf, [(merged, str(logo_path), 0, 3)] * 2)  # warm both
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)

    redis_process = workspace.children[0] if workspace.children else None  # the embedded Redis, if any
    web, port = workspace.gunicorn("config.wsgi")
    workers = [workspace.worker("documents") for _ in range(2)]
    base = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=base, headers={"Authorization": f"ApiKey {issued.raw}"}, timeout=60)
    body = {
        "TemplateId": str(template.template_id),
        "Fields": VALUES,
        "Output": {"Format": "PDF", "Quality": "Display", "StrictPolicy": True},
    }
    time.sleep(1.0)  # workers registered

    timelines: dict[str, tuple[float, float, float]] = {}  # long-polled RequestId -> (wall clock) start, 202, answer

    def one_document(poll_client: httpx.Client, wait: float = 0) -> float:
        """POST, then poll until Completed (``wait``: long polls of that many seconds): the seconds
        until the URLs are known (then one download, untimed)."""
        start, wall_start = time.perf_counter(), time.time()
        response = poll_client.post("/v1/content", json=body)
        assert response.status_code == 202, response.text
        request_id = response.json()["RequestId"]
        wall_accepted = time.time()
        while True:
            result = poll_client.get("/v1/content", params={"requestId": request_id, "wait": wait}).json()
            if result["Status"] != "InProgress":
                break
            if not wait:
                time.sleep(args.poll_ms / 1000)
        elapsed = time.perf_counter() - start
        if wait:
            timelines[request_id] = (wall_start, wall_accepted, time.time())
        assert result["Status"] == "Completed", result
        download = poll_client.get(result["URLs"][0])
        assert download.status_code == 200 and download.content.startswith(b"%PDF")
        return elapsed

    for _ in range(6):  # warm both workers (the first render of a process loads fonts) and the web processes
        one_document(client)
    polls = []
    for _ in range(30):
        start = time.perf_counter()
        client.get("/v1/content", params={"requestId": "00000000-0000-0000-0000-000000000000"})
        polls.append(time.perf_counter() - start)
    e2e, long_polled, bare_e2e = [], [], []
    for _ in range(args.n):
        bare_e2e.extend(bare_xhtml2pdf(merged, str(logo_path), 1, warmup=0))
        e2e.append(one_document(client))
        long_polled.append(one_document(client, wait=20))

    from documents.models import DocumentRequest

    # Where the long-polled documents' time went, by the client's clock and the row's timestamps
    # (one machine, one clock): POST until the row exists, the queue hop, the worker, the answer.
    done = list(DocumentRequest.objects.for_account(account).filter(request_id__in=list(timelines)))
    phases: dict[str, list[float]] = {name: [] for name in PHASES}
    for r in done:
        start, accepted, answered = timelines[str(r.request_id)]
        created, started, completed = (r.created_at.timestamp(), r.started_at.timestamp(), r.completed_at.timestamp())
        for name, seconds in zip(
            PHASES,
            (created - start, accepted - start, started - created, completed - started, answered - completed),
            strict=True,
        ):
            phases[name].append(seconds)

    bare_two_before = bare_two_processes(pool, merged, str(logo_path), args.burst // 2)
    # Throughput: a burst queued at once, drained by the two workers; polled gently
    # (every 100 ms) so that the web processes do not take the workers' CPU.
    processes = {
        "gunicorn (POSTs, polls)": [web.pid, *child_pids(web.pid)],
        "the two rq workers": [worker.pid for worker in workers],
        "redis": [redis_process.pid] if redis_process else [],
        "this client": [os.getpid()],
    }
    cpu_before = {name: sum(map(cpu_seconds, pids)) for name, pids in processes.items()}
    start = time.perf_counter()
    pending = set()
    for _ in range(args.burst):
        response = client.post("/v1/content", json=body)
        assert response.status_code == 202, response.text
        pending.add(response.json()["RequestId"])
    while pending:
        time.sleep(0.1)
        for request_id in list(pending):
            result = client.get("/v1/content", params={"requestId": request_id}).json()
            if result["Status"] == "Completed":
                pending.discard(request_id)
            else:
                assert result["Status"] == "InProgress", result
                break  # FIFO: later ones are not done either
    burst_seconds = time.perf_counter() - start
    burst_cpu = {name: sum(map(cpu_seconds, pids)) - cpu_before[name] for name, pids in processes.items()}
    docs_per_second = args.burst / burst_seconds
    bare_two_after = bare_two_processes(pool, merged, str(logo_path), args.burst // 2)

    # On-demand URLs: the first open renders in the web process, later ones stream the cache.
    links = [
        client.post("/v1/content/url", json=body | {"Output": {"Format": "PDF"}}).json()["URL"]
        for _ in range(args.links + 2)
    ]
    first, later, bare_links = [], [], []
    for index, url in enumerate(links):
        bare_links.extend(bare_xhtml2pdf(merged, str(logo_path), 1, warmup=0))
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        if index >= 2:
            first.append(elapsed)
        for _ in range(5):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            later.append(time.perf_counter() - start)

    bare_ms, engine_ms, service_ms = median_ms(bare), median_ms(engine), median_ms(service)
    e2e_ms, long_ms, bare_e2e_ms = median_ms(e2e), median_ms(long_polled), median_ms(bare_e2e)
    pool.terminate()
    bare_two_cores = (bare_two_before + bare_two_after) / 2
    first_ms, later_ms, bare_links_ms = median_ms(first), median_ms(later), median_ms(bare_links)
    cores = os.cpu_count()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"Invoice: {pages} page, 20 rows, logo, 'José Ñúñez, Łódź'; {cores} CPUs, load average {load}; "
        f"n={args.n}, burst={args.burst}, links={args.links}; the job profile is cProfile's (means, inflated by profiling)"
    )
    print(f"{'measure':46} {'value':>10} {'bare then':>10} {'ratio':>7}  target")
    rows = [
        (
            "bare xhtml2pdf + DejaVu fonts (like-for-like)",
            f"{median_ms(bare_fonts):.1f} ms",
            f"{bare_ms:.1f} ms",
            f"{median_ms(bare_fonts) / bare_ms:.2f}x",
            "",
        ),
        (
            "engine render_pdf, in process (median)",
            f"{engine_ms:.1f} ms",
            f"{bare_ms:.1f} ms",
            f"{engine_ms / bare_ms:.2f}x",
            "",
        ),
        (
            "service render (assets from storage, merge)",
            f"{service_ms:.1f} ms",
            f"{bare_ms:.1f} ms",
            f"{service_ms / bare_ms:.2f}x",
            "",
        ),
        ("GET /v1/content round trip (one poll)", f"{median_ms(polls):.1f} ms", "", "", ""),
        (
            "POST → worker → storage → poll: Completed",
            f"{e2e_ms:.1f} ms",
            f"{bare_e2e_ms:.1f} ms",
            f"{e2e_ms / bare_e2e_ms:.2f}x",
            "≤ 1.3x",
        ),
        (
            "POST → worker → storage → long poll (wait=20)",
            f"{long_ms:.1f} ms",
            f"{bare_e2e_ms:.1f} ms",
            f"{long_ms / bare_e2e_ms:.2f}x",
            "≤ 1.3x",
        ),
        *((f"  {label}", f"{median_ms(phases[label]):.1f} ms", "", "", "") for label in PHASES),
        *((f"  job in process: {name}", f"{ms:.1f} ms", f"{bare_ms:.1f} ms", "", "") for name, ms in job_profile),
        (
            "two workers, burst (documents/s)",
            f"{docs_per_second:.1f}/s",
            f"{bare_two_cores:.1f}/s",
            f"{docs_per_second / bare_two_cores:.0%}",
            "≥ 70% of bare in 2 processes",
        ),
        *(
            (f"  CPU per document: {name}", f"{seconds * 1000 / args.burst:.1f} ms", "", "", "")
            for name, seconds in burst_cpu.items()
        ),
        (
            "  idle or taken by other processes",
            f"{(2 * burst_seconds - sum(burst_cpu.values())) * 1000 / args.burst:.1f} ms",
            "",
            "",
            "of 2 cores' wall time",
        ),
        (
            "on-demand first open (median)",
            f"{first_ms:.1f} ms",
            f"{bare_links_ms:.1f} ms",
            f"{first_ms / bare_links_ms:.2f}x",
            "≤ 2x",
        ),
        ("on-demand later opens (median)", f"{later_ms:.1f} ms", "", "", "≤ 20 ms"),
    ]
    for row in rows:
        print(f"{row[0]:46} {row[1]:>10} {row[2]:>10} {row[3]:>7}  {row[4]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
