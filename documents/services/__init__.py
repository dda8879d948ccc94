"""Every write of the documents app, by concern: ``templates`` (templates and assets),
``content`` (rendering requests and their download links), ``links`` (on-demand links),
and ``rendering`` (what each of them uses to render and store a document)."""

from documents.services.content import (
    MAX_WAIT_SECONDS,
    content_request_create,
    document_request_process,
    document_request_sweep,
    download_expires_at,
    download_open,
    enqueue_render,
    request_urls,
    request_wait,
)
from documents.services.links import link_create, link_get, link_open, links_create
from documents.services.rendering import CREDITS_PER_DOCUMENT, specs_of
from documents.services.templates import (
    ASSET_NAME_PATTERN,
    asset_delete,
    asset_put,
    template_create,
    template_delete,
    template_preview,
    template_update,
)

__all__ = [
    "ASSET_NAME_PATTERN",
    "CREDITS_PER_DOCUMENT",
    "MAX_WAIT_SECONDS",
    "asset_delete",
    "asset_put",
    "content_request_create",
    "document_request_process",
    "document_request_sweep",
    "download_expires_at",
    "download_open",
    "enqueue_render",
    "link_create",
    "link_get",
    "link_open",
    "links_create",
    "request_urls",
    "request_wait",
    "specs_of",
    "template_create",
    "template_delete",
    "template_preview",
    "template_update",
]
