"""``manage.py webhook_dispatcher``: send webhook deliveries as they come due."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand

from webhooks.dispatcher import Dispatcher


class Command(BaseCommand):
    help = "Send due webhook deliveries continuously (one keep-alive client, a small thread pool)."

    def add_arguments(self, parser):
        parser.add_argument("--threads", type=int, default=None, help="HTTP threads (WEBHOOK_DISPATCHER_THREADS)")

    def handle(self, *args, threads: int | None = None, **options):
        dispatcher = Dispatcher(threads=threads)

        def stop(signum, frame):
            dispatcher.stop.set()  # finish and record what is in flight, then exit

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"webhook dispatcher: {dispatcher.threads} threads")
        dispatcher.run()
        self.stdout.write(f"webhook dispatcher stopped after {dispatcher.sent} attempts")
