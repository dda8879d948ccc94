"""Ready-to-run code for one JSON POST (cURL, Python with requests, JavaScript fetch): the
dashboard's "code to copy". Pure: the callers give the URL, the headers and the body; the
secret stays a placeholder the user replaces."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import Any

LANGUAGES = (("curl", "cURL"), ("python", "Python"), ("javascript", "JavaScript"))


@dataclass(frozen=True)
class Snippet:
    key: str  # "curl" | "python" | "javascript"
    label: str
    code: str


def python_literal(value: Any, indent: int = 0) -> str:
    """``value`` (JSON data) as Python source, laid out like ``json.dumps(indent=4)``."""
    pad, inner = " " * indent, " " * (indent + 4)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {python_literal(v, indent + 4)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + f",\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [f"{inner}{python_literal(v, indent + 4)}" for v in value]
        return "[\n" + ",\n".join(items) + f",\n{pad}]"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    return json.dumps(value, ensure_ascii=False)


def curl(url: str, headers: dict[str, str], body: Any) -> str:
    lines = [f"curl -sS -X POST {shlex.quote(url)}"]
    lines += [f"  -H {shlex.quote(f'{name}: {value}')}" for name, value in headers.items()]
    lines.append(f"  -d {shlex.quote(json.dumps(body, indent=2, ensure_ascii=False))}")
    return " \\\n".join(lines) + "\n"


def python(url: str, headers: dict[str, str], body: Any, then: str) -> str:
    return (
        "import requests\n\n"
        f"url = {python_literal(url)}\n"
        f"headers = {python_literal(headers)}\n"
        f"body = {python_literal(body)}\n\n"
        "response = requests.post(url, headers=headers, json=body, timeout=30)\n"
        "response.raise_for_status()\n"
        "result = response.json()\n" + then
    )


def javascript(url: str, headers: dict[str, str], body: Any, then: str) -> str:
    """An ES module (top-level await): Node 18+ as ``node create.mjs``, or a browser console."""
    return (
        f"const url = {json.dumps(url, ensure_ascii=False)};\n"
        f"const headers = {json.dumps(headers, indent=2, ensure_ascii=False)};\n"
        f"const body = {json.dumps(body, indent=2, ensure_ascii=False)};\n\n"
        "const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });\n"
        "if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);\n"
        "const result = await response.json();\n" + then
    )


def json_post_snippets(
    *, url: str, headers: dict[str, str], body: Any, python_then: str, js_then: str
) -> list[Snippet]:
    """The three snippets of one JSON POST; ``*_then`` is what each does with ``result``."""
    headers = {**headers, "Content-Type": "application/json"}
    code = {
        "curl": curl(url, headers, body),
        "python": python(url, headers, body, python_then),
        "javascript": javascript(url, headers, body, js_then),
    }
    return [Snippet(key, label, code[key]) for key, label in LANGUAGES]
