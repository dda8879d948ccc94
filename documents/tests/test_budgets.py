"""Budgets on what a tenant's document template may cost: time, output size, memory —
refused with a 4xx naming the limit, and never at the expense of another tenant."""

from __future__ import annotations

import http.client
import json
import threading
import time
from urllib.parse import urlsplit

import pytest

from documents import isolation, renderer
from documents.renderer import TemplateError

RUNAWAY_LOOPS = (
    "{% for a in range(100000) %}{% for b in range(100000) %}{% for c in range(100000) %}"
    "{% endfor %}{% endfor %}{% endfor %}"
)
# Harmless with the empty fields of save-time validation, a runaway with 900 rows.
RUNAWAY_ON_DATA = (
    "{% set r = fields.rows %}{% for a in r %}{% for b in r %}{% for c in r %}{% endfor %}{% endfor %}{% endfor %}"
)


@pytest.fixture
def short_budget(monkeypatch):
    monkeypatch.setattr(renderer, "TEMPLATE_SECONDS", 0.3)


# --- the sandbox's own budget (pure) ---------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'x'.rjust(10000000000) }}",
        "{{ 'x'.ljust(10000000000) }}",
        "{{ 'x'.center(10000000000) }}",
        "{{ 'x'.zfill(10000000000) }}",
        "{{ ('\t' * 1000).expandtabs(100000) }}",
        "{{ '%*d'|format(10000000000, 1) }}",
        "{{ '%*d' % (10000000000, 1) }}",
        "{{ '%.10000000000f' % 1.5 }}",
        "{{ '{:>10000000000}'.format(1) }}",
        "{{ '{:>{}}'.format(1, 10000000000) }}",
        "{{ '{x:>10000000000}'.format_map({'x': 1}) }}",
        "{{ 'x'|center(10000000000) }}",
        "{{ ('x\n' * 50000)|indent(100000) }}",
        "{{ ('x' * 100000)|replace('', 'y' * 100000) }}",
        "{{ ('x' * 100000).replace('x', 'y' * 100000) }}",
        "{{ (range(100000)|list)|join('x' * 100000) }}",
        "{{ ('x' * 100000).join(range(100000)|map('string')) }}",
        "{% macro d(s, n) %}{{ d(s ~ s, n - 1) if n else s|length }}{% endmacro %}{{ d('x', 40) }}",
        "{% for a in range(100000) %}{% for b in range(100000) %}0123456789{% endfor %}{% endfor %}",
    ],
)
def test_allocation_bombs_are_refused_before_allocating(source):
    with pytest.raises(TemplateError, match="longer than 5000000 characters"):
        renderer.render_html(source, "", {})


@pytest.mark.parametrize(
    "source",
    [RUNAWAY_LOOPS, "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"],
)
def test_runaway_evaluation_stops_at_the_time_budget(short_budget, source):
    with pytest.raises(TemplateError, match=r"ran longer than 0.3 s, the limit for one document"):
        renderer.render_html(source, "", {})


def test_runaway_on_the_data_stops_at_the_time_budget(short_budget):
    renderer.validate_template(RUNAWAY_ON_DATA)
    with pytest.raises(TemplateError, match="ran longer than"):
        renderer.render_html(RUNAWAY_ON_DATA, "", {"rows": list(range(900))})


def test_ordinary_formatting_still_works():
    source = (
        "{{ '%.2f'|format(3.14159) }}|{{ '%5d' % 42 }}|{{ '{:>5}'.format(1) }}|{{ 'a b'|replace(' ', '-') }}|"
        "{{ [1, 2]|join(', ') }}|{{ 'x'|center(5) }}|{{ 'ab'|indent(2, true) }}|{{ 7 % 3 }}|"
        "{% for i in range(3) %}{{ loop.index }}{% endfor %}"
    )
    assert renderer.render_html(source, "", {}) == "3.14|   42|    1|a-b|1, 2|  x  |  ab|1|123"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ 'abc'|truncate(2, end='xxx') }}", "Template error on line 1: expected length >= 3"),
        ("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", "Template recurses too deeply on line 1"),
    ],
)
def test_python_errors_inside_templates_are_template_errors(source, message):
    with pytest.raises(TemplateError, match=message):
        renderer.render_html(source, "", {})


# --- the killable child ----------------------------------------------------------------------


def test_child_is_killed_at_the_render_budget_and_replaced(monkeypatch):
    monkeypatch.setattr(isolation, "RENDER_SECONDS", 0.5)
    with pytest.raises(TemplateError, match="took longer than 0.5 s, the limit for one document"):
        isolation.run(time.sleep, 30)
    assert isolation.run(renderer.render_html, "<p>{{ x }}</p>", "", {"x": 1}) == "<p>1</p>"


def test_child_memory_is_limited():
    with pytest.raises(TemplateError, match=f"more than {isolation.MEMORY_BYTES // 2**20} MB of memory"):
        isolation.run(bytearray, 2 * 1024**3)
    assert isolation.run(renderer.render_html, "ok", "", {}) == "ok"


def test_child_raises_the_renderers_errors():
    with pytest.raises(TemplateError, match="line 1") as exc:
        isolation.run(renderer.validate_template, "{{ x.__class__ }}")
    assert exc.value.param == "html"
    with pytest.raises(renderer.FieldError) as field_exc:
        isolation.run(renderer.merge_fields, [renderer.FieldSpec("n", "number")], {"n": "x"}, strict=True)
    assert field_exc.value.param == "n"


# --- through the API -------------------------------------------------------------------------


@pytest.mark.parametrize("html", [RUNAWAY_LOOPS, "{{ 'x'.rjust(10000000000) }}", "{{ '%*d'|format(10000000000, 1) }}"])
def test_runaway_template_is_refused_on_save_with_the_limit(api, html):
    response = api.post("/v1/templates", {"Name": "Runaway", "Html": html, "Fields": []})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["param"] == "Html" and "the limit for one document" in error["message"]


def test_template_errors_are_400_on_save(api):
    response = api.post("/v1/templates", {"Name": "T", "Html": "{{ 'abc'|truncate(2, end='xxx') }}", "Fields": []})
    assert response.status_code == 400 and "expected length >= 3" in response.json()["error"]["message"]


def _get(url: str, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    answer = response.status, response.read()
    conn.close()
    return answer


def _post(url: str, path: str, body: dict, headers: dict) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json", **headers})
    response = conn.getresponse()
    answer = response.status, response.read()
    conn.close()
    return answer


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_other_tenants_are_served_while_a_runaway_link_renders(live_server, tenant, other_tenant, api, monkeypatch):
    """The issue's case: a triple loop over a 900-row field behind /d/<token>. It renders in
    a killable child outside any transaction, so another tenant's writes and reads are
    answered while it runs, and it ends with a 400 naming the limit, uncharged."""
    monkeypatch.setattr(isolation, "RENDER_SECONDS", 4.0)
    fields = [{"Name": "rows", "Type": "list", "Default": []}]
    created = api.post("/v1/templates", {"Name": "Slow", "Html": RUNAWAY_ON_DATA, "Fields": fields})
    assert created.status_code == 201, created.content
    template_id = created.json()["TemplateId"]
    link = api.post("/v1/content/url", {"TemplateId": template_id, "Fields": {"rows": list(range(900))}})
    path = urlsplit(link.json()["URL"]).path
    credits_before = type(tenant.account).objects.get(pk=tenant.account.pk).credits

    runaway: dict = {}
    thread = threading.Thread(target=lambda: runaway.update(answer=_get(live_server.url, path)))
    thread.start()
    other = {"Authorization": f"ApiKey {other_tenant.key}"}
    time.sleep(0.5)  # let the runaway reach its render (it then runs for 4 s)
    body = {"Name": "Other", "Html": "<p>{{ fields.Name }}</p>", "Fields": [{"Name": "Name"}]}
    write = _post(live_server.url, "/v1/templates", body, other)
    read = _get(live_server.url, f"/v1/templates/{json.loads(write[1])['TemplateId']}", other)
    served_while_running = thread.is_alive()
    thread.join(60)

    assert write[0] == 201 and read[0] == 200, (write, read, runaway)
    assert served_while_running, runaway  # both answered before the runaway finished
    status, payload = runaway["answer"]
    assert status == 400 and "the limit for one document" in json.loads(payload)["error"]["message"]
    assert type(tenant.account).objects.get(pk=tenant.account.pk).credits == credits_before


def test_decompression_bomb_asset_is_1029_and_not_kept(api, client, decompression_bomb):
    template_id = api.post("/v1/templates", {"Name": "Logo", "Html": '<img src="logo.png">', "Fields": []}).json()[
        "TemplateId"
    ]
    with open(decompression_bomb, "rb") as bomb:
        response = client.post(f"/v1/templates/{template_id}/assets", {"file": bomb, "name": "logo.png"}, **api.headers)
    assert response.status_code == 422 and "50 MP" in response.json()["error"]["message"]
    assert api.get(f"/v1/templates/{template_id}").json()["Assets"] == []
