"""One lifecycle for every job row: enqueue, claim, heartbeat-renewed lease, stale sweep, finish, fail.

A kind of job is a row model (``status``, ``attempts``, ``claimed_until``) plus a
``RowJob`` subclass naming its statuses, queue, RQ entry point (a dotted path, so
services never import their jobs module) and what a failure does (refund, notify,
emit). The entry point calls ``KIND.run(pk, work)``:

- claim: a conditional update from queued to running that counts the attempt and
  sets a short lease (``JOB_LEASE_S``); nothing happens if another worker has it;
- heartbeat: a thread renews the lease every ``JOB_HEARTBEAT_S`` while ``work`` runs,
  so the row of a worker that died goes stale within one lease;
- sweep (``core.jobs.Worker`` runs it every ``JOB_SWEEP_S``, and every claim first):
  a stale row goes back to queued as a new RQ job, or fails after the queue's
  ``attempts``; a queued row whose RQ job is gone (Redis lost it), ended, or started
  without claiming it (its worker died in between) is enqueued again;
- complete / fail: conditional on the attempt still owning the row; ``fail`` runs
  the kind's ``on_failed`` (refund, notification, event) in the same transaction.

Each queue's RQ timeout is in ``RQ_QUEUES``; its attempts and RQ retry waits are in
``JOB_RETRY``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any, ClassVar

import django_rq
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from rq import Queue, Retry
from rq import Worker as RqWorker
from rq.intermediate_queue import IntermediateQueue
from rq.job import Job, JobStatus

log = logging.getLogger(__name__)

LOST_JOB_GRACE = timedelta(seconds=10)  # a queued row younger than this may still be waiting for on_commit


@functools.cache
def _queue(name: str, config: str) -> Queue:
    return django_rq.get_queue(name)


def queue(name: str) -> Queue:
    """One queue object, hence one Redis connection pool, per process and configuration
    (django_rq builds a new pool on every get_queue)."""
    return _queue(name, repr(django_rq.settings.QUEUES[name]))


def enqueue(queue_name: str, func: str, *args: Any, job_id: str) -> None:
    """Put ``func`` (a dotted path) on ``queue_name`` with that queue's retry policy from settings."""
    policy = settings.JOB_RETRY[queue_name]
    retry = Retry(max=policy["retries"], interval=policy["intervals"]) if policy["retries"] else None
    queue(queue_name).enqueue(func, *args, job_id=job_id, retry=retry)


def lease_end() -> datetime:
    return timezone.now() + timedelta(seconds=settings.JOB_LEASE_S)


class RowJob:
    """The lifecycle of one kind of job row; subclasses name the model, statuses and hooks."""

    model: ClassVar[type[models.Model]]
    queue: ClassVar[str]
    entry: ClassVar[str]  # dotted path of the RQ function taking the row's primary key
    queued: ClassVar[str] = "queued"
    running: ClassVar[str] = "running"
    done: ClassVar[str] = "done"
    failed: ClassVar[str] = "failed"
    related: ClassVar[tuple[str, ...]] = ("account",)

    def job_id(self, row: Any) -> str:
        """The RQ job id of the row's next attempt (deterministic, new per attempt)."""
        raise NotImplementedError

    def claim_fields(self, now: datetime) -> dict[str, Any]:
        """Extra columns set when an attempt starts."""
        return {}

    def stale_failure(self, row: Any) -> dict[str, Any]:
        """Columns of a row failed because its workers kept dying."""
        raise NotImplementedError

    def on_failed(self, row: Any) -> None:
        """Refund, notify, emit: runs in the transaction that failed the (refreshed) row."""

    # -- the lifecycle ---------------------------------------------------------

    @property
    def max_attempts(self) -> int:
        return settings.JOB_RETRY[self.queue]["attempts"]

    def rows(self) -> models.QuerySet:
        return self.model.objects.unscoped()

    def _owned(self, row: Any) -> models.QuerySet:
        return self.rows().filter(pk=row.pk, status=self.running, attempts=row.attempts)

    def enqueue(self, row: Any) -> None:
        """Queue the row's next attempt once the current transaction commits."""
        job_id = self.job_id(row)
        transaction.on_commit(lambda: enqueue(self.queue, self.entry, row.pk, job_id=job_id))

    def claim(self, pk: Any) -> Any | None:
        """Take the row from queued to running; ``None`` if it is not queued (done, or someone has it)."""
        self.take_back_stale()  # one indexed query: busy workers recover dead ones' rows too
        claimed = (
            self.rows()
            .filter(pk=pk, status=self.queued)
            .update(
                status=self.running,
                attempts=F("attempts") + 1,
                claimed_until=lease_end(),
                **self.claim_fields(timezone.now()),
            )
        )
        if not claimed:
            return None
        return self.rows().select_related(*self.related).get(pk=pk)

    def run(self, pk: Any, work: Callable[[Any], None]) -> None:
        """Claim the row and run ``work(row)`` under a heartbeat; ``work`` completes or fails it."""
        row = self.claim(pk)
        if row is None:
            return
        with self.heartbeat(row):
            work(row)

    @contextlib.contextmanager
    def heartbeat(self, row: Any) -> Iterator[None]:
        stop = threading.Event()

        def beat() -> None:
            try:
                while not stop.wait(settings.JOB_HEARTBEAT_S):
                    try:
                        self._owned(row).update(claimed_until=lease_end())
                    except Exception:  # a database blip: the next beat tries again, the sweep is the backstop
                        log.exception("lease renewal of %s %s failed", self.model.__name__, row.pk)
            finally:
                connection.close()  # this thread's own connection

        thread = threading.Thread(target=beat, name=f"lease-{self.queue}-{row.pk}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def complete(self, row: Any, **fields: Any) -> bool:
        """Mark the row done with ``fields``, if this attempt still owns it."""
        return bool(self._owned(row).update(status=self.done, claimed_until=None, **fields))

    def fail(self, row: Any, **fields: Any) -> bool:
        """Mark the row failed with ``fields`` and run ``on_failed``, once, if this attempt still owns it."""
        with transaction.atomic():
            if not self._owned(row).update(status=self.failed, claimed_until=None, **fields):
                return False
            row.refresh_from_db()
            self.on_failed(row)
        return True

    def sweep(self) -> int:
        """Take rows back from dead workers and re-enqueue queued rows whose RQ job is gone;
        returns how many rows it moved."""
        return self.take_back_stale() + self._enqueue_lost()

    def take_back_stale(self) -> int:
        """Rows whose lease ran out (their worker died) go back to queued, or fail after the last attempt."""
        moved = 0
        stale = self.rows().select_related(*self.related).filter(status=self.running, claimed_until__lt=timezone.now())
        for row in stale:
            if row.attempts >= self.max_attempts:
                moved += self.fail(row, **self.stale_failure(row))
                continue
            with transaction.atomic():
                if self._owned(row).update(status=self.queued, claimed_until=None):
                    self.enqueue(row)
                    moved += 1
        return moved

    def _enqueue_lost(self) -> int:
        waiting = list(self.rows().filter(status=self.queued, created_at__lt=timezone.now() - LOST_JOB_GRACE)[:1000])
        if not waiting:
            return 0
        rq_queue = queue(self.queue)
        jobs = Job.fetch_many([self.job_id(row) for row in waiting], connection=rq_queue.connection)
        taken = IntermediateQueue(rq_queue.key, connection=rq_queue.connection)
        dequeued = set(taken.get_job_ids())
        lost = [row for row, job in zip(waiting, jobs, strict=True) if _never_claims(job, dequeued)]
        for row in lost:
            log.warning("re-enqueueing %s %s: its job is gone or ended without claiming it", self.model.__name__, row.pk)
            taken.remove(self.job_id(row))
            enqueue(self.queue, self.entry, row.pk, job_id=self.job_id(row))
        return len(lost)


def _never_claims(job: Job | None, dequeued: set[str]) -> bool:
    """Whether a queued row's RQ job will never claim it: Redis lost the job, or it ended without
    claiming, or a worker took it (RQ's intermediate queue) or started it longer ago than a claim
    takes and died before claiming the row (the claim is the entry point's first step)."""
    if job is None:
        return True
    status = job.get_status(refresh=False)
    if job.id in dequeued and status == JobStatus.QUEUED:
        return job.enqueued_at is not None and job.enqueued_at < timezone.now() - LOST_JOB_GRACE
    if status == JobStatus.STARTED:
        return job.started_at is not None and job.started_at < timezone.now() - LOST_JOB_GRACE
    return status in (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)


def sweep_all() -> int:
    """Run the sweep of every kind listed in ``JOB_SWEEPS``."""
    moved = 0
    for path in settings.JOB_SWEEPS:
        try:
            moved += import_string(path)()
        except Exception:  # one kind's trouble must not stop the others' sweep, nor the worker
            log.exception("sweep %s failed", path)
    return moved


class Worker(RqWorker):
    """RQ's worker, sweeping job rows every ``JOB_SWEEP_S`` while it waits for work."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", settings.JOB_SWEEP_S)
        super().__init__(*args, **kwargs)

    @property
    def dequeue_timeout(self) -> int:
        return max(1, min(super().dequeue_timeout, settings.JOB_SWEEP_S))

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        sweep_all()
