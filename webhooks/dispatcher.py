"""The long-running delivery loop behind ``manage.py webhook_dispatcher``.

No fork per delivery: one process keeps one keep-alive ``Sender`` and a small
thread pool for the HTTP exchanges, while the main thread alone talks to the
database (claim a batch, record finished ones in one transaction). It sleeps
on a Redis list that ``event_emit`` pushes to on commit, so a new event is
picked up at once, and polls every second anyway (retries come due by time,
and a lost wake-up costs at most a second). Several dispatchers can run side
by side: claims are leases, see ``services.delivery_claim``.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from django.conf import settings
from django.db import close_old_connections, connections

from webhooks import services
from webhooks.transport import Sender

logger = logging.getLogger("webhooks.dispatcher")

POLL_S = 1.0
HOUSEKEEPING_S = 3600.0


class Dispatcher:
    def __init__(self, *, threads: int | None = None, poll_s: float = POLL_S) -> None:
        self.threads = threads or settings.WEBHOOK_DISPATCHER_THREADS
        self.poll_s = poll_s
        self.capacity = self.threads * 4  # claimed ahead, so a thread never waits on the database
        self.stop = threading.Event()
        self.sent = 0

    def shutdown(self) -> None:
        """Finish and record what is in flight, then return from ``run``."""
        self.stop.set()
        services.wake_dispatchers()  # out of its wait now rather than after the poll

    def run(self) -> None:
        try:
            self._loop()
        finally:
            connections.close_all()

    def _loop(self) -> None:
        import django_rq

        redis = django_rq.get_connection("webhooks")
        sender = Sender(
            timeout_s=settings.WEBHOOK_TIMEOUT_S,
            allow_loopback=settings.WEBHOOKS_ALLOW_LOOPBACK,
            max_connections=self.threads * 2,
            max_keepalive_connections=self.threads * 2,
        )
        in_flight: set[Future] = set()
        next_housekeeping = 0.0
        with sender, ThreadPoolExecutor(self.threads, thread_name_prefix="webhook-send") as pool:
            while not self.stop.is_set() or in_flight:
                try:
                    claimed = []
                    # Claim in batches (half the window at least): fewer, larger transactions.
                    if not self.stop.is_set() and len(in_flight) <= self.capacity // 2:
                        claimed = services.delivery_claim(limit=self.capacity - len(in_flight))
                        for outgoing in claimed:
                            in_flight.add(pool.submit(services.delivery_send, sender=sender, outgoing=outgoing))
                    if in_flight:
                        done, pending = wait(in_flight, timeout=0.02 if claimed else 0.2, return_when=FIRST_COMPLETED)
                        if done and pending:  # gather what finishes in the next few ms: fewer commits
                            done |= wait(pending, timeout=0.005)[0]
                        if done:
                            in_flight -= done
                            services.delivery_record(results=[future.result() for future in done])
                            self.sent += len(done)
                        continue
                    if time.monotonic() >= next_housekeeping:
                        next_housekeeping = time.monotonic() + HOUSEKEEPING_S
                        services.webhook_log_purge()
                    close_old_connections()
                    try:
                        redis.blpop([settings.WEBHOOK_WAKEUP_KEY], timeout=self.poll_s)
                    except Exception:  # noqa: BLE001 - Redis down: keep polling the database
                        logger.warning("webhook wake-up list unavailable; polling", exc_info=True)
                        self.stop.wait(self.poll_s)
                except Exception:  # noqa: BLE001 - one bad pass must not end the loop
                    logger.exception("webhook dispatcher pass failed")
                    close_old_connections()
                    self.stop.wait(self.poll_s)
