"""Domain events leave through this one helper, and only after the transaction commits.

A service that changes state calls ``emit(...)`` inside its transaction; the event reaches
subscribers (chat, notifications, ...) from ``transaction.on_commit``, so a rolled-back change
never announces itself. Subscribers register by event type in their ``AppConfig.ready``.

Before that, ``emit`` hands the event to the outbox writer (``set_outbox_writer``; the
notifications app installs one that stores the event in the transactional outbox), inside
the caller's transaction: the event is stored if and only if the change is.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

ALL = "*"


@dataclass(frozen=True)
class DomainEvent:
    type: str
    payload: dict[str, Any]
    actor_id: int | None = None
    occurred_at: datetime = field(default_factory=timezone.now)


Handler = Callable[[DomainEvent], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)
_outbox_writer: Handler | None = None


def set_outbox_writer(writer: Handler | None) -> None:
    global _outbox_writer
    _outbox_writer = writer


def subscribe(event_type: str, handler: Handler) -> None:
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def unsubscribe(event_type: str, handler: Handler) -> None:
    if handler in _handlers[event_type]:
        _handlers[event_type].remove(handler)


def emit(event_type: str, *, payload: dict[str, Any], actor_id: int | None = None) -> DomainEvent:
    event = DomainEvent(type=event_type, payload=payload, actor_id=actor_id)
    if _outbox_writer is not None:
        _outbox_writer(event)  # in the caller's transaction: stored with the change, or not
    transaction.on_commit(lambda: _dispatch(event))
    return event


def _dispatch(event: DomainEvent) -> None:
    for handler in [*_handlers[event.type], *_handlers[ALL]]:
        try:
            handler(event)
        except Exception:
            # The change is committed; one failing subscriber must not hide it from the rest.
            logger.exception("event handler %r failed for %s", handler, event.type)
