"""``manage.py dispatcher``: the outbox relay and the region-queue consumer (services mode)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notifications.relay import run_consumer, run_relay


class Command(BaseCommand):
    help = "Publish outbox events to RabbitMQ and dispatch region queues into notifications."

    def handle(self, *args, **options) -> None:
        if settings.NOTIFICATIONS_BUS != "rabbitmq" or not settings.RABBITMQ_URL:
            raise CommandError(
                "the dispatcher needs RABBITMQ_URL (embedded mode dispatches in the web process)"
            )
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        relay = threading.Thread(target=run_relay, args=(stop,), name="relay", daemon=True)
        relay.start()
        self.stdout.write("dispatcher: relaying the outbox and consuming region queues")
        run_consumer(stop)
        relay.join(5)
