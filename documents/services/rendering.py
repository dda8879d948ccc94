"""What rendering a document takes, whichever way it is asked for: the price, the
template's assets as local files, the renderer run in or out of process, exact-key storage."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from documents import isolation, renderer
from documents.models import DocumentAsset, DocumentTemplate

CREDITS_PER_DOCUMENT = 1


def specs_of(template: DocumentTemplate) -> list[renderer.FieldSpec]:
    return [renderer.FieldSpec(**item) for item in template.fields]


def store(key: str, data: bytes) -> None:
    """Write ``data`` at exactly ``key`` (the storage overwrites: a rerun replaces its earlier file)."""
    default_storage.save(key, ContentFile(data))


@contextlib.contextmanager
def asset_files(template: DocumentTemplate) -> Iterator[dict[str, str]]:
    """The template's assets as local files: ``{name: path}`` (copied into a private
    directory, made only then, when the storage is not a local folder)."""
    assets = DocumentAsset.objects.for_account(template.account_id).filter(template=template) if template.pk else []
    with contextlib.ExitStack() as stack:
        paths, workdir = {}, None
        for asset in assets:
            try:  # local storage: the stored file itself (read-only to the renderer), no copy
                paths[asset.name] = default_storage.path(asset.storage_key)
                continue
            except NotImplementedError:
                pass
            workdir = workdir or stack.enter_context(tempfile.TemporaryDirectory(prefix="doc-render-"))
            target = Path(workdir) / asset.name
            with default_storage.open(asset.storage_key, "rb") as source:
                target.write_bytes(source.read())
            paths[asset.name] = str(target)
        yield paths


def render(
    template: DocumentTemplate, supplied: dict, output: renderer.Output, *, isolated: bool
) -> list[tuple[str, str, bytes]]:
    """The pure renderer on the template's assets; ``isolated`` (every web request) runs it
    in a killable child under the render budget, the documents worker runs it in process."""
    with asset_files(template) as paths:
        arguments = (template.html, template.css, specs_of(template), supplied, output)
        layout = {"assets": paths, "page_size": template.page_size, "orientation": template.orientation}
        if isolated:
            return isolation.run(renderer.render_document, *arguments, **layout)
        return renderer.render_document(*arguments, **layout)
