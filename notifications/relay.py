"""The event bus: outbox → RabbitMQ topic exchange → region queues → dispatcher.

Services mode (``NOTIFICATIONS_BUS = "rabbitmq"``), both loops run in the ``dispatcher``
process (``manage.py dispatcher``):

- the **relay** publishes pending outbox rows in id order to the ``<prefix>.events`` topic
  exchange with publisher confirms, routing key ``region.<시도>.<시군구>``, and marks them
  published only once RabbitMQ confirmed them. It wakes on PostgreSQL ``NOTIFY`` (sent in the
  transaction that wrote the event, so delivered at its commit) and polls every second as a
  fallback. The first event of a 시도 declares that region's queue and announces it.
- the **consumer** consumes every region queue, and the control queue that announces new
  ones, and runs each event's reactions (``services.event_react``: each reaction once per
  event: notifications, chat rooms, cached counts), then
  acknowledges. Both reconnect with backoff when the broker or the database goes away;
  unacknowledged or unpublished events are simply delivered again later.

Embedded mode (``"inprocess"``): no broker; the web process runs pending events' reactions
itself right after the commit that wrote them, and a periodic sweep (the embedded beat)
catches up on any a process left pending when it died.
"""

import contextlib
import json
import logging
import threading
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from common.events import DomainEvent, EventType
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
from notifications.services import event_react

if TYPE_CHECKING:
    from pika.adapters.blocking_connection import BlockingChannel, BlockingConnection

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


def _domain_event(row: OutboxEvent) -> DomainEvent:
    return DomainEvent(
        type=EventType(row.type),
        payload=row.payload,
        actor_id=row.actor_id,
        occurred_at=row.created_at,
        id=row.pk,
        action_id=row.action_id,
    )


_dispatching = threading.local()


def dispatch_pending_inprocess() -> int:
    """Embedded mode: run the reactions of every pending outbox event in this process, in
    order, until none is pending (events the reactions emit included). A call made while a
    pass runs in this thread (a reaction's own commit) returns at once: the pass picks its
    events up."""
    if getattr(_dispatching, "active", False):
        return 0
    done = 0
    with _inprocess_lock:  # one pass at a time keeps events in order
        _dispatching.active = True
        try:
            while rows := list(
                OutboxEvent.objects.filter(published_at__isnull=True).order_by("id")[:BATCH]
            ):
                for row in rows:
                    event_react(event=_domain_event(row))
                    OutboxEvent.objects.filter(pk=row.pk).update(published_at=timezone.now())
                    done += 1
        finally:
            _dispatching.active = False
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
            "action_id": event.action_id,
            "created_at": event.created_at.isoformat(),
        },
        ensure_ascii=False,
    ).encode("utf-8")


class _Broker:
    """One pika connection used by this thread only."""

    conn: "BlockingConnection | None" = None
    channel: "BlockingChannel | None" = None

    def close(self) -> None:
        if self.conn is not None and self.conn.is_open:
            with contextlib.suppress(Exception):  # already gone
                self.conn.close()
        self.conn = self.channel = None


def run_with_reconnect(name: str, step, reset, stop: threading.Event) -> None:
    """Run ``step()`` until ``stop`` is set; when the broker or the database goes away,
    ``reset()`` the connections and retry with backoff (0.5 s doubling to 10 s): nothing is
    lost meanwhile (unpublished rows stay pending, unacknowledged events come back)."""
    backoff = 0.5
    while not stop.is_set():
        try:
            step()
            backoff = 0.5
        except Exception as error:
            logger.warning("%s: %s; reconnecting in %.1f s", name, error, backoff)
            reset()
            close_old_connections()
            connection.close()
            stop.wait(backoff)
            backoff = min(backoff * 2, 10.0)
    reset()


class Relay(_Broker):
    """Publishes pending outbox rows with confirms (one connection, this thread only)."""

    def __init__(self) -> None:
        self.declared: set[str] = set()
        self.listener = None  # a PostgreSQL connection waiting for the outbox NOTIFY

    def _ensure(self) -> None:
        if self.conn is None or self.conn.is_closed:
            self.conn, self.channel = _connect()
            self.channel.confirm_delivery()
            self.declared.clear()

    def close(self) -> None:
        super().close()
        if self.listener is not None:
            with contextlib.suppress(Exception):
                self.listener.close()
            self.listener = None

    def step(self, stop: threading.Event) -> None:
        """Publish what is pending, then wait for the next NOTIFY (or poll)."""
        if self.listener is None and connection.vendor == "postgresql":
            self.listener = _listen_connection()
        while self.publish_pending() == BATCH:
            pass
        if self.listener is not None:
            for _ in self.listener.notifies(timeout=POLL_SECONDS, stop_after=1):
                pass
        else:
            stop.wait(POLL_SECONDS)

    def publish_pending(self) -> int:
        """Publish up to one batch of pending events; returns how many were confirmed."""
        import pika

        events = list(OutboxEvent.objects.filter(published_at__isnull=True).order_by("id")[:BATCH])
        if not events:
            return 0
        self._ensure()
        assert self.channel is not None  # _ensure connected
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
    run_with_reconnect("relay", lambda: relay.step(stop), relay.close, stop)


class Consumer(_Broker):
    """Consumes the region queues and runs each event's reactions (one connection, this
    thread)."""

    def __init__(self) -> None:
        self.consuming: set[str] = set()

    def _consume_region(self, sido_part: str) -> None:
        if sido_part in self.consuming:
            return
        assert self.channel is not None  # called from start() and its consumers' callbacks
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
            occurred_at = datetime.fromisoformat(message["created_at"])
        except (ValueError, KeyError, TypeError):
            logger.error("dispatcher: dropping a malformed message: %r", body[:200])
            channel.basic_ack(method.delivery_tag)
            return
        close_old_connections()
        event_react(
            event=DomainEvent(
                type=EventType(message["type"]),
                payload=message["payload"],
                actor_id=message.get("actor_id"),
                occurred_at=occurred_at,
                id=event_id,
                action_id=message.get("action_id"),
            )
        )
        channel.basic_ack(method.delivery_tag)  # after every reaction is committed

    def step(self) -> None:
        if self.conn is None or self.conn.is_closed:
            self.start()
        assert self.conn is not None  # start() connected
        self.conn.process_data_events(time_limit=POLL_SECONDS)


def run_consumer(stop: threading.Event) -> None:
    consumer = Consumer()
    run_with_reconnect("dispatcher", consumer.step, consumer.close, stop)
