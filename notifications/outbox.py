"""Writing domain events into the transactional outbox (``common.events`` hands every event
here, inside the transaction that caused it), and waking the relay once that commits."""

from dataclasses import replace

from django.db import transaction

from common.events import DomainEvent
from notifications import relay
from notifications.models import OutboxEvent
from notifications.regions import routing_key
from parties.models import Party


def outbox_write(event: DomainEvent) -> DomainEvent:
    """Store a domain event in the outbox, in the caller's transaction (``common.events``
    calls this from ``emit``), and have it relayed once that transaction commits; returns
    the event with its outbox id."""
    payload = event.payload
    if "sido" not in payload and payload.get("party_id"):
        region = Party.objects.filter(pk=payload["party_id"]).values("sido", "sigungu").first()
        payload = {**payload, **(region or {})}
    row = OutboxEvent.objects.create(
        type=event.type,
        payload=payload,
        actor_id=event.actor_id,
        action_id=event.action_id,
        routing_key=routing_key(payload.get("sido", ""), payload.get("sigungu", "")),
    )
    relay.notify_relay()
    transaction.on_commit(relay.wake)
    return replace(event, payload=payload, id=row.pk)
