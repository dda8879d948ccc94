"""core.http.ranged_file_response on its own: every range form a player sends."""

import io

import pytest

from core.http import ranged_file_response

BODY = bytes(range(256)) * 4  # 1024 bytes


def answer(header: str):
    response = ranged_file_response(
        io.BytesIO(BODY), size=len(BODY), range_header=header, content_type="video/mp4", cache_control="no-cache"
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023), ("bytes=1000-5000", 1000, 1023)],
)
def test_one_range_is_206_with_exactly_those_bytes(header, start, end):
    response, content = answer(header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/1024"
    assert content == BODY[start : end + 1] and response["Content-Length"] == str(end - start + 1)
    assert response["Accept-Ranges"] == "bytes" and response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("header", ["", "bytes=-", "bytes=0-9,20-29", "items=0-9"])
def test_no_or_unsupported_range_is_the_whole_file(header):
    response, content = answer(header)
    assert response.status_code == 200 and content == BODY and response["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=50-10"])
def test_unsatisfiable_range_is_416(header):
    response, _ = answer(header)
    assert response.status_code == 416 and response["Content-Range"] == "bytes */1024"
