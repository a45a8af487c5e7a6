"""The event bus: outbox → RabbitMQ topic exchange → region queues → dispatcher.

Services mode (``NOTIFICATIONS_BUS = "rabbitmq"``), both loops run in the ``dispatcher``
process (``manage.py dispatcher``):

- the **relay** publishes pending outbox rows in id order to the ``<prefix>.events`` topic
  exchange with publisher confirms, routing key ``region.<시도>.<시군구>``, and marks them
  published only once RabbitMQ confirmed them. It wakes on PostgreSQL ``NOTIFY`` (sent in the
  transaction that wrote the event, so delivered at its commit) and polls every second as a
  fallback. The first event of a 시도 declares that region's queue and announces it.
- the **consumer** consumes every region queue, and the control queue that announces new
  ones, and stores notifications (``services.event_dispatch``: idempotent per event id), then
  acknowledges. Both reconnect with backoff when the broker or the database goes away;
  unacknowledged or unpublished events are simply delivered again later.

Embedded mode (``"inprocess"``): no broker; the web process dispatches pending events itself
right after the commit that wrote them.
"""

import contextlib
import json
import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from markets.models import Market
from notifications.models import OutboxEvent
from notifications.regions import (
    UNKNOWN,
    exchange,
    queue_arguments,
    region_binding,
    region_of,
    region_part,
    region_queue,
)
from notifications.services import event_dispatch

logger = logging.getLogger(__name__)

NOTIFY_CHANNEL = "gonggu_outbox"
CONTROL_KEY = "control.region"
BATCH = 200
POLL_SECONDS = 1.0

_inprocess_lock = threading.Lock()


def wake() -> None:
    """Called after the commit that wrote outbox rows."""
    if settings.NOTIFICATIONS_BUS == "inprocess":
        dispatch_pending_inprocess()
    # With RabbitMQ, the relay process heard the NOTIFY sent in that transaction.


def notify_relay() -> None:
    """Inside the writing transaction: PostgreSQL delivers the NOTIFY at commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [NOTIFY_CHANNEL])


def dispatch_pending_inprocess() -> int:
    """Embedded mode: dispatch every pending outbox event in this process, in order."""
    done = 0
    with _inprocess_lock:  # one pass at a time keeps events in order
        for event in OutboxEvent.objects.filter(published_at__isnull=True).order_by("id")[:BATCH]:
            event_dispatch(
                event_id=event.pk,
                event_type=event.type,
                payload=event.payload,
                actor_id=event.actor_id,
            )
            OutboxEvent.objects.filter(pk=event.pk).update(published_at=timezone.now())
            done += 1
    return done


# --- services mode -------------------------------------------------------------------------


def _connect():
    import pika

    params = pika.URLParameters(settings.RABBITMQ_URL)
    if not params.virtual_host:  # "amqp://host//" (kombu's spelling of the default vhost)
        params.virtual_host = "/"
    params.heartbeat = 30
    params.blocked_connection_timeout = 30
    params.connection_attempts = 1
    conn = pika.BlockingConnection(params)
    channel = conn.channel()
    channel.exchange_declare(exchange(), exchange_type="topic", durable=True)
    return conn, channel


def _declare_region(channel, sido_part: str) -> None:
    queue = region_queue(sido_part)
    channel.queue_declare(queue, durable=True, arguments=queue_arguments())
    channel.queue_bind(queue, exchange(), routing_key=region_binding(sido_part))


def _message(event: OutboxEvent) -> bytes:
    return json.dumps(
        {
            "id": event.pk,
            "type": event.type,
            "payload": event.payload,
            "actor_id": event.actor_id,
            "created_at": event.created_at.isoformat(),
        },
        ensure_ascii=False,
    ).encode("utf-8")


class Relay:
    """Publishes pending outbox rows with confirms (one connection, this thread only)."""

    def __init__(self) -> None:
        self.conn = None
        self.channel = None
        self.declared: set[str] = set()

    def _ensure(self) -> None:
        if self.conn is None or self.conn.is_closed:
            self.conn, self.channel = _connect()
            self.channel.confirm_delivery()
            self.declared.clear()

    def close(self) -> None:
        if self.conn is not None and self.conn.is_open:
            with contextlib.suppress(Exception):  # already gone
                self.conn.close()
        self.conn = self.channel = None

    def publish_pending(self) -> int:
        """Publish up to one batch of pending events; returns how many were confirmed."""
        import pika

        events = list(OutboxEvent.objects.filter(published_at__isnull=True).order_by("id")[:BATCH])
        if not events:
            return 0
        self._ensure()
        published = []
        for event in events:
            sido_part = region_of(event.routing_key)
            if sido_part not in self.declared:
                _declare_region(self.channel, sido_part)
                self.declared.add(sido_part)
                # Tell consumers a (maybe new) region queue exists.
                self.channel.basic_publish(exchange(), CONTROL_KEY, sido_part.encode("utf-8"))
            # With confirms on, this returns once RabbitMQ has the message (raises if not).
            self.channel.basic_publish(
                exchange(),
                event.routing_key,
                _message(event),
                properties=pika.BasicProperties(
                    content_type="application/json",
                    delivery_mode=pika.DeliveryMode.Persistent,
                    message_id=str(event.pk),
                    type=event.type,
                ),
                mandatory=True,
            )
            published.append(event.pk)
        OutboxEvent.objects.filter(pk__in=published).update(published_at=timezone.now())
        return len(published)


def _listen_connection():
    """A connection of its own (not the pool's) that waits for the outbox NOTIFY, opened
    with the parameters Django uses for the default database."""
    import psycopg

    conn = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
    return conn


def run_relay(stop: threading.Event) -> None:
    relay = Relay()
    listener = None
    backoff = 0.5
    while not stop.is_set():
        try:
            if listener is None and connection.vendor == "postgresql":
                listener = _listen_connection()
            while relay.publish_pending() == BATCH:
                pass
            backoff = 0.5
            if listener is not None:
                for _ in listener.notifies(timeout=POLL_SECONDS, stop_after=1):
                    pass
            else:
                stop.wait(POLL_SECONDS)
        except Exception as error:  # broker or database away: retry, nothing is lost
            logger.warning("relay: %s; retrying in %.1f s", error, backoff)
            relay.close()
            if listener is not None:
                listener.close()
                listener = None
            close_old_connections()
            connection.close()
            stop.wait(backoff)
            backoff = min(backoff * 2, 10.0)
    relay.close()


class Consumer:
    """Consumes the region queues and dispatches events (one connection, this thread)."""

    def __init__(self) -> None:
        self.conn = None
        self.channel = None
        self.consuming: set[str] = set()

    def _consume_region(self, sido_part: str) -> None:
        if sido_part in self.consuming:
            return
        _declare_region(self.channel, sido_part)
        self.channel.basic_consume(region_queue(sido_part), self._on_event)
        self.consuming.add(sido_part)

    def start(self) -> None:
        self.conn, self.channel = _connect()
        self.channel.basic_qos(prefetch_count=100)
        self.consuming.clear()
        control = self.channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        self.channel.queue_bind(control, exchange(), routing_key=CONTROL_KEY)
        self.channel.basic_consume(control, self._on_control, auto_ack=True)
        known = {region_part(s) for s in Market.objects.values_list("sido", flat=True).distinct()}
        known |= {
            region_of(key)
            for key in OutboxEvent.objects.filter(dispatched_at__isnull=True)
            .values_list("routing_key", flat=True)
            .distinct()
        }
        for sido_part in sorted(known | {UNKNOWN}):
            self._consume_region(sido_part)

    def _on_control(self, channel, method, properties, body: bytes) -> None:
        self._consume_region(body.decode("utf-8"))

    def _on_event(self, channel, method, properties, body: bytes) -> None:
        try:
            message = json.loads(body)
            event_id = int(message["id"])
        except (ValueError, KeyError, TypeError):
            logger.error("dispatcher: dropping a malformed message: %r", body[:200])
            channel.basic_ack(method.delivery_tag)
            return
        close_old_connections()
        event_dispatch(
            event_id=event_id,
            event_type=message["type"],
            payload=message["payload"],
            actor_id=message.get("actor_id"),
        )
        channel.basic_ack(method.delivery_tag)  # after the notifications are committed

    def close(self) -> None:
        if self.conn is not None and self.conn.is_open:
            with contextlib.suppress(Exception):  # already gone
                self.conn.close()
        self.conn = self.channel = None


def run_consumer(stop: threading.Event) -> None:
    consumer = Consumer()
    backoff = 0.5
    while not stop.is_set():
        try:
            if consumer.conn is None or consumer.conn.is_closed:
                consumer.start()
                backoff = 0.5
            consumer.conn.process_data_events(time_limit=POLL_SECONDS)
        except Exception as error:  # broker or database away: unacked events come back
            logger.warning("dispatcher: %s; reconnecting in %.1f s", error, backoff)
            consumer.close()
            close_old_connections()
            connection.close()
            stop.wait(backoff)
            backoff = min(backoff * 2, 10.0)
    consumer.close()
