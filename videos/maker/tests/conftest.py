"""Fixtures of the video-maker tests: a tenant's library and a client speaking seed 002's headers."""

from __future__ import annotations

import json
import subprocess

import pytest

from videos.tests.helpers import upload_media


@pytest.fixture
def me(client, tenant):
    """Django's test client with the tenant's ``X-Access-Key``/``X-Access-Token``; ``me.as_tenant(t)`` for another."""

    class Me:
        def __init__(self, who):
            self.headers = who.auth_headers("access")

        def get(self, path, data=None):
            return client.get(path, data, **self.headers)

        def post(self, path, data=None):
            body = json.dumps(data) if data is not None else ""
            return client.post(path, body, content_type="application/json", **self.headers)

        def form(self, path, data):
            return client.post(path, data, **self.headers)

        def delete(self, path):
            return client.delete(path, **self.headers)

        def as_tenant(self, other):
            return Me(other)

    return Me(tenant)


@pytest.fixture
def library(upload, tenant, media_samples) -> dict[str, str]:
    """mediaIDs of a photo, a PNG, a clip and a music bed in the tenant's library."""
    return {
        "photo": upload_media(upload, tenant, media_samples, "photo.jpg", "image/jpeg"),
        "png": upload_media(upload, tenant, media_samples, "background.png", "image/png"),
        "clip": upload_media(upload, tenant, media_samples, "clip.mp4", "video/mp4"),
        "bed": upload_media(upload, tenant, media_samples, "bed.wav", "audio/wav"),
    }


def frames(library) -> list[dict]:
    return [
        {"asset_id": library["photo"], "text": "Day one"},
        {"text": "Then it rained"},
        {"asset_id": library["clip"], "text": "The river $5"},
        {"asset_id": library["png"]},
        {"asset_id": library["bed"]},
    ]


def ffprobe(path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,codec_type,width,height", "-of", "json", path],
        check=True,
        capture_output=True,
    )
    return {s["codec_type"]: s for s in json.loads(out.stdout)["streams"]}
