"""Errors in a manager's words with the code small beside them: one mapping for the whole catalogue,
used by the pages; a failed render names the element and input that failed, and its notification links
to the video."""

import socket

import pytest

from accounts.dashboard.errors import WORDS, error_html, error_text, failure_html
from core import errors
from core.errors import AppError
from videos.tests.helpers import greeting_script, new_template

pytestmark = pytest.mark.django_db


def test_every_catalogue_entry_has_words():
    assert [entry for entry in errors.catalog() if entry not in WORDS] == []


def test_words_then_the_specifics_then_the_code():
    html = error_html(AppError(errors.MEDIA_IN_USE, data={"mediaID": "m1", "templateIDs": ["t1", "t2"]}))
    assert html == (
        "This file is used in a template&#x27;s script, so it cannot be deleted. Remove it from those templates first."
        ' (media “m1”, templates “t1”, “t2”) <small class="error-code" title="error code">1008</small>'
    )
    assert "&lt;b&gt;" in error_html(AppError(errors.INVALID_REQUEST, detail="<b>bold</b>"))
    assert error_text(AppError(errors.BAD_SCRIPT, data={"element": "hello", "reason": "no text"})) == (
        "1005 The script has a mistake. (element “hello”: no text)"
    )
    stored = failure_html(1012, "Error processing video: element “logo” (media “m1”) could not be decoded")
    assert stored.startswith("The video could not be made. (element “logo” (media “m1”) could not be decoded)")


def test_a_failed_render_names_the_element_and_links_from_its_notification(
    client, rpc, tenant, run_jobs, django_capture_on_commit_callbacks
):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/photo.jpg"
    template = new_template(rpc, greeting_script())
    with django_capture_on_commit_callbacks(execute=True):
        video = rpc(
            "Template_Video_New",
            template["templateID"],
            {
                "name": "Broken",
                "inputMedias": [
                    {"inputID": "photo", "type": "image", "http": dead},
                    {"inputID": "name", "type": "text", "text": "Ana"},
                ],
            },
        )
    run_jobs("render")
    assert rpc("Video_Get", video["id"])["status"]["code"] == "error"

    client.force_login(tenant.user)
    page = client.get(f"/videos/{video['id']}/").content.decode()
    assert "A media file of the video could not be fetched. (element “back”, input “photo”, URL “" in page
    assert '<small class="error-code" title="error code">1011</small>' in page
    notifications = client.get("/notifications/").content.decode()
    assert f'href="/videos/{video["id"]}/" data-notification-link' in notifications
