"""Domain events: one enum of types, one way out.

A service that changes state calls ``emit(EventType.X, payload=...)`` inside its transaction.
``emit`` hands the event to the outbox writer (``set_outbox_writer``; the notifications app
stores it in the transactional outbox, in the caller's transaction: the event exists if and
only if the change does). From there every **reaction** that must happen runs from the outbox
(``register_reaction``): opening and closing chat rooms, notifications, recounting cached
penalty counts. Each runs once per event (``notifications.services.event_react`` keeps a
marker per event and reaction), so a process that dies after the commit, or a redelivered
event, changes nothing: the next relay pass (or a redelivery) completes what is missing.

Live handlers (``subscribe``) run in this process right after the commit, for what may be
lost without harm: a live push to open connections.

**Actions.** One thing a resident does may cause several events: a join that fills a party
emits ``party.joined`` and ``party.closed`` in one transaction, and the chat app, reacting to
``party.closed``, emits ``chat.created`` in another. They are one *action*: every event
carries ``action_id``, the outbox id of the action's first event (None on that first one),
and the actor of the action unless it names its own. A service that emits a consequence of
an event it just emitted says so (``emit(..., cause=joined)``); events emitted by a reaction
(``caused_by``) belong to the action of the event it reacts to. Notifications collapse an
action into one per recipient, and never notify its actor (``notifications``).
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


class EventType(StrEnum):
    PARTY_CREATED = "party.created"
    PARTY_JOINED = "party.joined"
    PARTY_LEFT = "party.left"
    PARTY_CLOSED = "party.closed"
    PARTY_CANCELLED = "party.cancelled"
    PARTY_COMPLETED = "party.completed"
    PARTY_WITHDRAWN = "party.withdrawn"
    PARTY_RESCHEDULED = "party.rescheduled"
    MEETING_REMINDER = "party.meeting_reminder"
    ATTENDANCE_REMINDER = "party.attendance_reminder"
    CHAT_CREATED = "chat.created"
    PENALTY_RECEIVED = "penalty.received"
    PENALTY_REVOKED = "penalty.revoked"
    SETTLEMENT_BILLED = "settlement.billed"
    SETTLEMENT_CHANGED = "settlement.changed"
    SETTLEMENT_PAID = "settlement.paid"
    SETTLEMENT_CONFIRMED = "settlement.confirmed"
    SETTLEMENT_COMPLETED = "settlement.completed"
    SETTLEMENT_REMINDER = "settlement.reminder"
    USER_SUSPENDED = "user.suspended"
    REPORT_RESOLVED = "report.resolved"
    PENALTY_APPEALED = "penalty.appealed"
    PENALTY_APPEAL_UPHELD = "penalty.appeal_upheld"
    PENALTY_APPEAL_REVOKED = "penalty.appeal_revoked"
    # Questions before joining (comments): a question to the leader, the leader's reply.
    COMMENT_CREATED = "comment.created"
    COMMENT_REPLIED = "comment.replied"


_PARTY = frozenset(
    {"party_id", "title", "leader_id", "market_id", "item_id", "sido", "sigungu", "status"}
)
_SETTLEMENT = frozenset({"party_id", "title", "leader_id"})
_APPEAL = frozenset({"party_id", "title", "user_id", "leader_id", "penalty_id", "appeal_id"})
# What each event's payload carries at least (``emit`` refuses less): reactions read these.
PAYLOAD_KEYS: dict[EventType, frozenset[str]] = {
    EventType.PARTY_CREATED: _PARTY | {"lat", "lng"},
    EventType.PARTY_JOINED: _PARTY | {"user_id"},
    EventType.PARTY_LEFT: _PARTY | {"user_id"},
    EventType.PARTY_CLOSED: _PARTY | {"member_ids", "reason"},
    EventType.PARTY_CANCELLED: _PARTY | {"member_ids", "reason"},
    EventType.PARTY_COMPLETED: _PARTY | {"member_ids"},
    EventType.PARTY_WITHDRAWN: _PARTY | {"user_id", "member_ids", "reason"},
    EventType.PARTY_RESCHEDULED: _PARTY | {"member_ids", "meet_at", "meeting_note"},
    EventType.MEETING_REMINDER: _PARTY | {"member_ids", "meet_at"},
    EventType.ATTENDANCE_REMINDER: _PARTY | {"meet_at"},
    EventType.CHAT_CREATED: frozenset({"party_id", "member_ids"}),
    EventType.PENALTY_RECEIVED: frozenset({"party_id", "user_id", "reason", "title"}),
    EventType.PENALTY_REVOKED: frozenset({"party_id", "user_id", "penalty_id"}),
    # Never the account: events end up in notifications, streams and logs.
    EventType.SETTLEMENT_BILLED: _SETTLEMENT | {"member_ids"},
    EventType.SETTLEMENT_CHANGED: _SETTLEMENT | {"member_ids"},
    EventType.SETTLEMENT_PAID: _SETTLEMENT | {"user_id", "amount"},
    EventType.SETTLEMENT_CONFIRMED: _SETTLEMENT | {"user_id"},
    EventType.SETTLEMENT_COMPLETED: _SETTLEMENT | {"member_ids"},
    EventType.SETTLEMENT_REMINDER: _SETTLEMENT | {"member_ids"},
    EventType.USER_SUSPENDED: frozenset({"user_id"}),
    EventType.REPORT_RESOLVED: frozenset({"reporter_ids", "target_type", "status"}),
    EventType.PENALTY_APPEALED: _APPEAL,
    EventType.PENALTY_APPEAL_UPHELD: _APPEAL,
    EventType.PENALTY_APPEAL_REVOKED: _APPEAL,
    # user_id: who wrote it (the asker; for a reply, the leader); leader_id (a question) and
    # asker_id (a reply): whom it notifies.
    EventType.COMMENT_CREATED: frozenset(
        {"party_id", "title", "comment_id", "leader_id", "user_id"}
    ),
    EventType.COMMENT_REPLIED: frozenset(
        {"party_id", "title", "comment_id", "parent_id", "asker_id", "user_id"}
    ),
}


@dataclass(frozen=True)
class DomainEvent:
    type: EventType
    payload: dict[str, Any]
    actor_id: int | None = None
    occurred_at: datetime = field(default_factory=timezone.now)
    id: int | None = None  # the outbox row's id, once stored
    # The outbox id of the first event of the action that caused this one; None when this
    # is that first event (see the module's docstring).
    action_id: int | None = None

    @property
    def action(self) -> int | None:
        """The action's id: the first event's outbox id (None before it is stored)."""
        return self.action_id or self.id


Handler = Callable[[DomainEvent], None]
Reaction = Callable[[DomainEvent], object]  # what it returns is not used
_live: dict[EventType, list[Handler]] = defaultdict(list)
_live_everything: list[Handler] = []
_reactions: dict[EventType, dict[str, Reaction]] = defaultdict(dict)
_outbox_writer: Callable[[DomainEvent], DomainEvent] | None = None


def set_outbox_writer(writer: Callable[[DomainEvent], DomainEvent] | None) -> None:
    global _outbox_writer
    _outbox_writer = writer


def register_reaction(event_type: EventType, name: str, reaction: Reaction) -> None:
    """A reaction that must happen for every event of this type: run from the outbox, once
    per event (``name`` is its identity in the once-markers: keep it stable)."""
    _reactions[event_type][name] = reaction


def unregister_reaction(event_type: EventType, name: str) -> None:
    _reactions[event_type].pop(name, None)


def reactions(event_type: EventType) -> list[tuple[str, Reaction]]:
    return sorted(_reactions[event_type].items())


def subscribe(event_type: EventType, handler: Handler) -> None:
    """A live handler: runs in this process after the commit; may be lost (a crash)."""
    if handler not in _live[event_type]:
        _live[event_type].append(handler)


def unsubscribe(event_type: EventType, handler: Handler) -> None:
    if handler in _live[event_type]:
        _live[event_type].remove(handler)


def subscribe_all(handler: Handler) -> None:
    """A live handler for every type (tests watch what a service emitted)."""
    if handler not in _live_everything:
        _live_everything.append(handler)


def unsubscribe_all(handler: Handler) -> None:
    if handler in _live_everything:
        _live_everything.remove(handler)


@dataclass(frozen=True)
class _Cause:
    action_id: int
    actor_id: int | None


_cause: ContextVar[_Cause | None] = ContextVar("gonggu_event_cause", default=None)


@contextmanager
def caused_by(event: DomainEvent) -> Iterator[None]:
    """Inside: events emitted belong to ``event``'s action (a reaction to it runs here)."""
    action = event.action
    token = _cause.set(_Cause(action, event.actor_id) if action is not None else None)
    try:
        yield
    finally:
        _cause.reset(token)


def emit(
    event_type: EventType,
    *,
    payload: dict[str, Any],
    actor_id: int | None = None,
    cause: DomainEvent | None = None,
) -> DomainEvent:
    """Store an event with the change that caused it. ``cause``: an event emitted earlier by
    the same service call that this one follows from (the join that filled the party, for
    ``party.closed``); inside a reaction (``caused_by``) the event reacted to is the cause.
    An event with a cause belongs to its action and has its actor unless it names one."""
    missing = PAYLOAD_KEYS[event_type] - payload.keys()
    if missing:
        raise ValueError(f"{event_type} payload lacks {sorted(missing)}")
    found = (
        _Cause(cause.action, cause.actor_id)
        if cause is not None and cause.action is not None
        else _cause.get()
    )
    event = DomainEvent(
        type=EventType(event_type),
        payload=payload,
        actor_id=actor_id if actor_id is not None or found is None else found.actor_id,
        action_id=found.action_id if found else None,
    )
    # Registered first, so live handlers run before any reaction run in this process after
    # the same commit (a cached count is forgotten before it is counted again, say).
    transaction.on_commit(lambda: _run_live(event))
    if _outbox_writer is not None:
        event = _outbox_writer(event)  # in the caller's transaction: stored with the change
    return event


def _run_live(event: DomainEvent) -> None:
    for handler in [*_live[event.type], *_live_everything]:
        try:
            handler(event)
        except Exception:
            # The change is committed; one failing handler must not hide it from the rest.
            logger.exception("live handler %r failed for %s", handler, event.type)
