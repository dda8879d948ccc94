"""RQ entry points of the documents queue."""

from __future__ import annotations

from documents import services


def document_request_run(request_pk: int) -> None:
    services.document_request_process(request_pk=request_pk)


def sweep() -> int:
    return services.document_request_sweep()
