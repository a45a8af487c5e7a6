"""``manage.py dispatcher``: the outbox relay and the region-queue consumer (services mode)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from notifications.relay import run_consumer, run_relay


class Command(BaseCommand):
    help = "Publish outbox events to RabbitMQ and dispatch region queues into notifications."

    def handle(self, *args, **options) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        if settings.NOTIFICATIONS_BUS != "rabbitmq" or not settings.RABBITMQ_URL:
            # Without RabbitMQ the web process dispatches itself; stay up (a Procfile runner
            # stops every process when one exits) but do nothing.
            self.stdout.write("dispatcher: no RABBITMQ_URL, web processes dispatch in-process")
            stop.wait()
            return
        relay = threading.Thread(target=run_relay, args=(stop,), name="relay", daemon=True)
        relay.start()
        self.stdout.write("dispatcher: relaying the outbox and consuming region queues")
        run_consumer(stop)
        relay.join(5)
