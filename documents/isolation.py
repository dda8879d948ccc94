"""Template work asked for by a web request runs here: in a child process that can be killed.

The sandbox stops a runaway Jinja evaluation itself (see ``renderer.TEMPLATE_SECONDS``),
but a web thread cannot be interrupted from outside, and neither a long xhtml2pdf
layout nor an allocation the sandbox did not foresee checks any budget. So the web
process hands validation, previews and on-demand renders to a child, waits at most
:data:`RENDER_SECONDS`, and kills the child when that passes; the child also runs
under an address-space limit. Children fork from a forkserver that has imported the
renderer (fonts registered, ~0.4 s) once and serve one call at a time, many calls each;
one spare is kept starting or idle, and a killed child is replaced at once. They are plain interpreters
started with ``subprocess`` rather than ``multiprocessing`` children, which would
re-run the parent's main module and fork from a threaded web process. The
documents worker does not come here: RQ's job timeout is its wall (it renders in
the worker process, outside any web thread).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from documents import renderer

RENDER_SECONDS = 15.0  # the whole render of one document (template, layout, rasterizing)
MEMORY_BYTES = 768 * 1024 * 1024  # address space a child may add to what the forkserver gave it
MAX_IDLE = 4
_ROOT = Path(__file__).resolve().parent.parent

_idle: list[_Child] = []
_idle_lock = threading.Lock()


def _limit_memory() -> None:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    size = pages * resource.getpagesize() + MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (size, size))


def serve(requests_fd: int, answers_fd: int) -> None:
    """The child's loop: call, answer ``("ok", result)`` or ``("error", kind, message, param)``."""
    _limit_memory()
    requests, conn = Connection(requests_fd, writable=False), Connection(answers_fd, readable=False)
    conn.send("ready")
    while True:
        try:
            function, args, kwargs = requests.recv()
        except EOFError:
            return
        try:
            answer = ("ok", function(*args, **kwargs))
        except renderer.FieldError as exc:
            answer = ("error", "field", exc.message, exc.param)
        except renderer.TemplateError as exc:
            answer = ("error", "template", exc.message, exc.param)
        except MemoryError:
            answer = ("error", "template", _memory_message(), "html")
        except Exception as exc:  # anything else from xhtml2pdf or pdfium is the renderer's failure
            answer = ("error", "render", f"Rendering failed: {type(exc).__name__}", None)
        conn.send(answer)


def _memory_message() -> str:
    return f"Rendering needed more than {MEMORY_BYTES // 2**20} MB of memory, the limit for one document"


class _Child:
    def __init__(self) -> None:
        requests_read, requests_write = os.pipe()
        answers_read, answers_write = os.pipe()
        env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"from documents.isolation import serve; serve({requests_read}, {answers_write})"],
            pass_fds=(requests_read, answers_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            cwd=_ROOT,
            env=env,
        )
        os.close(requests_read)
        os.close(answers_write)
        self.requests = Connection(requests_write, readable=False)
        self.answers = Connection(answers_read, writable=False)
        self.started = False

    def wait_started(self) -> None:
        """The interpreter's start is not the render's time: wait for its "ready" once."""
        if not self.started:
            self.answers.recv()
            self.started = True

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.requests.close()
        self.answers.close()


def _take() -> _Child:
    """An idle child, leaving a spare behind: its start (an interpreter importing the
    renderer, ~0.4 s) then overlaps this call instead of delaying the next one."""
    with _idle_lock:
        while _idle:
            child = _idle.pop()
            if child.alive():
                if not _idle:
                    _idle.append(_Child())
                return child
            child.kill()
        _idle.append(_Child())
    return _Child()


def _give_back(child: _Child) -> None:
    with _idle_lock:
        if len(_idle) < MAX_IDLE:
            _idle.append(child)
            return
    child.kill()


def _replace(child: _Child) -> None:
    child.kill()
    _give_back(_Child())


def run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` (a module-level function of the renderer) in a child,
    within :data:`RENDER_SECONDS` and :data:`MEMORY_BYTES`. Raises the renderer's errors;
    a :class:`renderer.TemplateError` naming the limit when one is passed."""
    child = _take()
    try:
        child.wait_started()
        child.requests.send((function, args, kwargs))
        if not child.answers.poll(RENDER_SECONDS):
            _replace(child)
            raise renderer.TemplateError(f"Rendering took longer than {RENDER_SECONDS:g} s, the limit for one document")
        answer = child.answers.recv()
    except (EOFError, OSError):  # the child died: the kernel refused it memory
        _replace(child)
        raise renderer.TemplateError(_memory_message()) from None
    _give_back(child)
    if answer[0] == "ok":
        return answer[1]
    _, kind, message, param = answer
    if kind == "field":
        raise renderer.FieldError(param=param, message=message)
    if kind == "template":
        raise renderer.TemplateError(message, param=param)
    raise renderer.RenderError(message)
