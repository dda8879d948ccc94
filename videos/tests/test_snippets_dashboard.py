"""The video template page's code to copy: each snippet, with the placeholder replaced by a
real key, creates a video of that template on a live server."""

import pytest

from tests.snippet_runner import missing_tool, run_snippet, snippets_of
from videos.models import Video
from videos.tests.helpers import greeting_script, new_template, upload_media

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("language", ["curl", "python", "javascript"])
def test_snippet_creates_a_video(
    language, client, live_server, tenant, other_tenant, rpc, upload, media_samples, tmp_path
):
    if missing_tool(language):
        pytest.skip(f"{missing_tool(language)} is not installed")
    upload_media(upload, other_tenant, media_samples, "photo.jpg", "image/jpeg")  # never offered to this account
    photo = upload_media(upload, tenant, media_samples, "photo.jpg", "image/jpeg")
    template = new_template(rpc, greeting_script())
    client.force_login(tenant.user)
    page = client.get(f"/templates/{template['templateID']}/").content.decode()
    snippets = snippets_of(page)
    assert set(snippets) == {"curl", "python", "javascript"}
    code = snippets[language]
    assert template["templateID"] in code and tenant.account_id in code and photo in code
    assert "YOUR_ACCOUNT_SECRET" in code and tenant.key not in code

    runnable = code.replace("http://testserver", live_server.url).replace("YOUR_ACCOUNT_SECRET", tenant.key)
    done = run_snippet(language, runnable, tmp_path)
    assert done.returncode == 0, done.stderr
    video = Video.objects.for_account(tenant.account).get()
    assert video.template_public_id == template["templateID"]
    if language == "curl":
        assert f'"id":"{video.public_id}"' in done.stdout.replace(" ", "")
    else:
        assert done.stdout.strip() == f"Video {video.public_id} is queued"
    assert {i["inputID"]: i for i in video.input_medias}["photo"]["mediaID"] == photo


def test_media_placeholder_and_other_accounts_template(client, tenant, other_tenant, rpc, other_rpc):
    template = new_template(rpc, greeting_script())
    client.force_login(tenant.user)
    code = snippets_of(client.get(f"/templates/{template['templateID']}/").content.decode())["python"]
    assert '"mediaID": "YOUR_IMAGE_MEDIA_ID"' in code and '"text": "Sample name"' in code
    theirs = new_template(other_rpc, greeting_script())
    assert client.get(f"/templates/{theirs['templateID']}/").status_code == 404
