"""Download a video's ``http`` inputs: public addresses only, bounded in size and time (1011)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from urllib.parse import urljoin

import httpx
from django.conf import settings

from core import errors, netguard
from core.errors import AppError
from media_app.probe import MediaInfo, probe, without_paths

MAX_BYTES = 50_000_000
TIMEOUT_S = 30.0
MAX_REDIRECTS = 3


def _refuse(url: str, reason: str) -> AppError:
    return AppError(errors.ERROR_DOWNLOADING_MEDIAS, data={"url": url, "reason": without_paths(reason)})


def _save(response: httpx.Response, url: str, target: Path) -> None:
    if response.status_code != 200:
        raise _refuse(url, f"HTTP {response.status_code}")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise _refuse(url, f"larger than {MAX_BYTES} bytes")
    received = 0
    with open(target, "wb") as out:
        for chunk in response.iter_bytes(1024 * 1024):
            received += len(chunk)
            if received > MAX_BYTES:
                raise _refuse(url, f"larger than {MAX_BYTES} bytes")
            out.write(chunk)


def download(url: str, target: Path, *, expected: str) -> tuple[Path, MediaInfo]:
    """Fetch ``url`` into ``target`` and probe it; every failure is 1011.

    Every hop of a redirect is checked by :mod:`core.netguard` before it is
    requested, and the client connects only to the addresses netguard approved
    at connect time (no DNS rebinding). ``TIMEOUT_S`` bounds the whole download.
    """
    allow_loopback = settings.WEBHOOKS_ALLOW_LOOPBACK
    deadline = threading.local()
    deadline.at = time.monotonic() + TIMEOUT_S
    current = url
    with netguard.guarded_client(timeout_s=10.0, allow_loopback=allow_loopback, deadline=deadline) as client:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                netguard.check_url(current, allow_loopback=allow_loopback, label="input URL")
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                    else:
                        _save(response, url, target)
                        break
            except netguard.UnsafeURL as exc:
                raise _refuse(url, str(exc)) from None
            except httpx.TimeoutException:
                raise _refuse(url, f"took longer than {TIMEOUT_S:g} s") from None
            except httpx.HTTPError as exc:
                raise _refuse(url, f"{type(exc).__name__}: {exc}") from None
            if not location:
                raise _refuse(url, "redirect without a Location")
            current = urljoin(current, location)
        else:
            raise _refuse(url, "too many redirects")
    try:
        info = probe(target)
    except AppError as exc:
        raise _refuse(url, exc.message) from None
    if info.kind != expected and not (expected == "video" and info.mime == "image/gif"):
        raise _refuse(url, f"the file is a {info.kind}, the input wants a {expected}")
    return target, info
