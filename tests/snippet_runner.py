"""Run the dashboard's "code to copy" as a user would: cURL in a shell, Python with the
project's interpreter, JavaScript with node, each against a live server, while the test
runs the job queues between the snippet's polls."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

COMMANDS = {"curl": ["sh"], "python": [sys.executable], "javascript": ["node"]}
SUFFIXES = {"curl": ".sh", "python": ".py", "javascript": ".mjs"}  # .mjs: the snippet uses top-level await


def snippets_of(page: str) -> dict[str, str]:
    """The snippets a dashboard page shows, by language, as the copy button copies them."""
    found = re.findall(r'<code id="[^"]+-(curl|python|javascript)-code">(.*?)</code>', page, re.S)
    return {language: html.unescape(code) for language, code in found}


def missing_tool(language: str) -> str | None:
    tool = {"curl": "curl", "javascript": "node"}.get(language)
    return tool if tool and shutil.which(tool) is None else None


def run_snippet(
    language: str, code: str, folder: Path, *, between: Callable[[], None] = lambda: None, seconds: float = 60
) -> subprocess.CompletedProcess:
    script = folder / f"snippet-{language}{SUFFIXES[language]}"
    script.write_text(code)
    process = subprocess.Popen(
        [*COMMANDS[language], str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        between()
        time.sleep(0.2)
    if process.poll() is None:
        process.kill()
    stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
