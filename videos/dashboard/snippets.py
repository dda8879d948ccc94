"""The video template page's code to copy: ``Template_Video_New`` over JSON-RPC with the
template's real inputs (a library media of the right kind where there is one)."""

from __future__ import annotations

from accounts.models import Account
from core import rpc
from core.errors import AppError
from core.snippets import Snippet, json_post_snippets
from media_app import selectors as media_selectors
from templates_app.models import VideoTemplate
from templates_app.scripts import parse_script

SECRET_PLACEHOLDER = "YOUR_ACCOUNT_SECRET"

PYTHON_THEN = """if "error" in result:
    raise SystemExit(f"Error {result['error']['code']}: {result['error']['message']}")
video = result["result"]
print("Video", video["id"], "is", video["status"]["code"])
"""
JS_THEN = """if (result.error) throw new Error(`Error ${result.error.code}: ${result.error.message}`);
console.log('Video', result.result.id, 'is', result.result.status.code);
"""


def sample_inputs(*, account: Account, template: VideoTemplate) -> list[dict[str, str]] | None:
    """``inputMedias`` for the template's inputs: sample texts, and the newest library media of
    each kind (a placeholder when the library has none); ``None`` when the script does not parse."""
    try:
        script = parse_script(template.input_scripts)
    except AppError:
        return None
    inputs = []
    for input_id, kind in script.input_types().items():
        if kind == "text":
            inputs.append({"inputID": input_id, "type": "text", "text": f"Sample {input_id}"})
            continue
        _, medias = media_selectors.media_list(account=account, kind=kind, limit=1)
        media_id = medias[0].public_id if medias else f"YOUR_{kind.upper()}_MEDIA_ID"
        inputs.append({"inputID": input_id, "type": kind, "mediaID": media_id})
    return inputs


def video_snippets(*, account: Account, template: VideoTemplate, base_url: str) -> list[Snippet] | None:
    inputs = sample_inputs(account=account, template=template)
    if inputs is None:
        return None
    body = {
        "jsonrpc": "2.0",
        "method": f"{rpc.INTERFACE}.Template_Video_New",
        "params": [template.public_id, {"name": f"{template.name} for a viewer", "inputMedias": inputs}],
        "id": 1,
    }
    url = f"{base_url}/api?accountID={account.public_id}&accountSecret={SECRET_PLACEHOLDER}"
    return json_post_snippets(url=url, headers={}, body=body, python_then=PYTHON_THEN, js_then=JS_THEN)
