import http.client
import json
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage

from accounts.models import Account, Plan
from media_app.models import MediaFile

pytestmark = pytest.mark.django_db


def test_upload_probes_and_stores(upload, tenant, media_samples):
    response = upload(
        tenant,
        media_samples / "clip.mp4",
        "video/mp4",
        HTTP_X_SZN_FILENAME="clip.mp4",
        HTTP_X_SZN_DESCRIPTION="A test clip",
    )
    assert response.status_code == 200, response.content
    media = response.json()
    assert len(media["mediaID"]) == 24
    assert media["type"] == "video" and media["mime"] == "video/mp4"
    assert (media["width"], media["height"]) == (160, 120)
    assert media["videoCodec"] == "h264" and media["audioCodec"] == "aac"
    assert 1900 <= media["duration"] <= 2100
    assert media["filename"] == "clip.mp4" and media["description"] == "A test clip"
    row = MediaFile.objects.for_account(tenant.account).get(public_id=media["mediaID"])
    assert default_storage.size(row.storage_key) == (media_samples / "clip.mp4").stat().st_size
    assert Account.objects.get(pk=tenant.account.pk).stored_media_bytes == row.size


@pytest.mark.parametrize("content_type", ["application/octet-stream", "text/plain", "video", ""])
def test_invalid_content_type(upload, tenant, media_samples, content_type):
    response = upload(tenant, media_samples / "photo.jpg", content_type)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == 1020


def test_lying_content_type_keeps_nothing(upload, tenant, media_samples):
    for name, content_type in (("notmedia.png", "image/png"), ("bed.wav", "video/mp4")):
        response = upload(tenant, media_samples / name, content_type)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == 1029
    assert not MediaFile.objects.for_account(tenant.account).exists()
    assert Account.objects.get(pk=tenant.account.pk).stored_media_bytes == 0
    assert (
        not default_storage.exists(f"media/{tenant.account_id}")
        or not default_storage.listdir(f"media/{tenant.account_id}")[1]
    )


def test_bad_credentials(client, tenant, media_samples):
    body = (media_samples / "photo.jpg").read_bytes()
    bad = client.generic(
        "POST", f"/api/upload?accountID={tenant.account_id}&accountSecret=nope", body, content_type="image/jpeg"
    )
    assert bad.status_code == 401 and bad.json()["error"]["code"] == 1018
    none = client.generic("POST", "/api/upload", body, content_type="image/jpeg")
    assert none.status_code == 401 and none.json()["error"]["code"] == 1015
    unknown = client.generic(
        "POST", "/api/upload?accountID=000000000000000000000000&accountSecret=x", body, content_type="image/jpeg"
    )
    assert unknown.json()["error"]["code"] == 1010


def test_template_secret_upload(rpc, upload, tenant, other_tenant, media_samples):
    from videos.tests.helpers import greeting_script, new_template

    template = new_template(rpc, greeting_script())
    ok = upload(tenant, media_samples / "photo.jpg", "image/jpeg", template=template)
    assert ok.status_code == 200 and ok.json()["perVideo"] is True
    bad = upload(tenant, media_samples / "photo.jpg", "image/jpeg", template={**template, "templateSecret": "x"})
    assert bad.json()["error"]["code"] == 1018
    # another account's id with this template: template not found
    other = upload(other_tenant, media_samples / "photo.jpg", "image/jpeg", template=template)
    assert other.json()["error"]["code"] == 1000
    # per-video uploads are not in the library listing
    assert rpc("Media_List")["total"] == 0


def test_media_quota_2001(upload, tenant, media_samples):
    Plan.objects.filter(pk=tenant.account.plan_id).update(max_media_bytes=1000)
    response = upload(tenant, media_samples / "clip.mp4", "video/mp4")
    assert response.status_code == 403 and response.json()["error"]["code"] == 2001
    assert Account.objects.get(pk=tenant.account.pk).stored_media_bytes == 0


def _raw_post(live_server, tenant, headers: dict, body_chunks, *, chunked=False):
    url = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    path = f"/api/upload?accountID={tenant.account_id}&accountSecret={tenant.key}"
    conn.putrequest("POST", path)
    for name, value in headers.items():
        conn.putheader(name, value)
    if chunked:
        conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    try:
        for chunk in body_chunks:
            if chunked:
                conn.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            else:
                conn.send(chunk)
        if chunked:
            conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered early and closed
    response = conn.getresponse()
    status, payload = response.status, json.loads(response.read() or b"{}")
    conn.close()
    return status, payload


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_streamed_upload_over_http(live_server, tenant, media_samples):
    data = (media_samples / "clip.mp4").read_bytes()
    chunks = [data[i : i + 4096] for i in range(0, len(data), 4096)]
    status, payload = _raw_post(
        live_server, tenant, {"Content-Type": "video/mp4", "Content-Length": str(len(data))}, chunks
    )
    assert status == 200, payload
    assert payload["size"] == len(data)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_streamed_limits(live_server, tenant, media_samples):
    # no Content-Length (a chunked body): 1019
    status, payload = _raw_post(live_server, tenant, {"Content-Type": "image/png"}, [b"x" * 100], chunked=True)
    assert (status, payload["error"]["code"]) == (411, 1019)
    # over 50,000,000 bytes: 413 before the body is read
    status, payload = _raw_post(
        live_server, tenant, {"Content-Type": "video/mp4", "Content-Length": "50000001"}, [b"\0" * 65536]
    )
    assert (status, payload["error"]["code"]) == (413, 1019) and "50,000,000" in payload["error"]["data"]
    # zero bytes
    status, payload = _raw_post(live_server, tenant, {"Content-Type": "video/mp4", "Content-Length": "0"}, [])
    assert payload["error"]["code"] == 1019
    assert not MediaFile.objects.for_account(tenant.account).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_large_streamed_lie_is_refused_and_not_kept(live_server, tenant):
    size = 20_000_000
    chunk = b"\x00\x01not-a-video" * 6000

    def body():
        sent = 0
        while sent < size:
            part = chunk[: size - sent]
            sent += len(part)
            yield part

    status, payload = _raw_post(live_server, tenant, {"Content-Type": "video/mp4", "Content-Length": str(size)}, body())
    assert (status, payload["error"]["code"]) == (422, 1029)
    assert Account.objects.get(pk=tenant.account.pk).stored_media_bytes == 0
    assert not MediaFile.objects.for_account(tenant.account).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_description_header_through_gunicorn(gunicorn_server, tenant, media_samples):
    """The seeds' literal ``X-SZN_DESCRIPTION`` reaches the view through the server ``make run`` starts."""
    body = (media_samples / "photo.jpg").read_bytes()
    connection = http.client.HTTPConnection(urlsplit(gunicorn_server).netloc, timeout=60)
    connection.putrequest("POST", f"/api/upload?accountID={tenant.account_id}&accountSecret={tenant.key}")
    for name, value in (
        ("Content-Type", "image/jpeg"),
        ("Content-Length", str(len(body))),
        ("X-SZN-FILENAME", "photo.jpg"),
        ("X-SZN_DESCRIPTION", "Seen by gunicorn"),
    ):
        connection.putheader(name, value)
    connection.endheaders(body)
    response = connection.getresponse()
    media = json.loads(response.read())
    assert response.status == 200, media
    assert media["description"] == "Seen by gunicorn" and media["filename"] == "photo.jpg"


@pytest.mark.parametrize(("header", "limit"), [("HTTP_X_SZN_FILENAME", 200), ("HTTP_X_SZN_DESCRIPTION", 1000)])
def test_over_long_optional_headers_use_the_seed_code(upload, tenant, media_samples, header, limit):
    response = upload(tenant, media_samples / "photo.jpg", "image/jpeg", **{header: "x" * (limit + 1)})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 1029 and str(limit) in response.json()["error"]["data"]
    assert not MediaFile.objects.for_account(tenant.account).exists()


def test_decompression_bomb_upload_is_1029_and_not_kept(upload, tenant, decompression_bomb):
    response = upload(tenant, decompression_bomb, "image/png")
    assert response.status_code == 422 and response.json()["error"]["code"] == 1029
    assert not MediaFile.objects.for_account(tenant.account).exists()
    assert Account.objects.get(pk=tenant.account.pk).stored_media_bytes == 0


def test_media_file_link_answers_ranges(client, upload, tenant, media_samples):
    from media_app.links import media_url

    upload(tenant, media_samples / "clip.mp4", "video/mp4")
    url = media_url(MediaFile.objects.for_account(tenant.account).get())
    size = (media_samples / "clip.mp4").stat().st_size
    part = client.get(url, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 10-19/{size}"
    assert b"".join(part.streaming_content) == (media_samples / "clip.mp4").read_bytes()[10:20]
    assert client.get(url, HTTP_RANGE=f"bytes={size}-").status_code == 416
