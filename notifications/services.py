"""Notification writes: favorites, running events' reactions, notifying, read marks."""

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import Item
from common.errors import NotFound
from common.events import DomainEvent, EventType, reactions
from common.layer import group_send_after_commit
from markets.models import Market
from notifications.delivery import deliver_after_commit
from notifications.kinds import KINDS
from notifications.kinds import recipients as kind_recipients
from notifications.models import (
    EventReaction,
    FavoriteItem,
    FavoriteMarket,
    Notification,
    OutboxEvent,
)
from notifications.selectors import unread_count
from parties.models import Party

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    """The channel-layer group every open notification stream of a user listens on."""
    return f"notify.{user_id}"


# --- favorites -----------------------------------------------------------------------------


def favorite_market_add(*, user: User, market_id: int) -> FavoriteMarket:
    """Favorite a market (idempotent)."""
    if not Market.objects.filter(pk=market_id).exists():
        raise NotFound("market_not_found", _("마트를 찾을 수 없어요."))
    # get_or_create itself settles a race with a concurrent request (the unique constraint
    # refuses the second insert, which then reads the first one's row).
    favorite, _created = FavoriteMarket.objects.get_or_create(user=user, market_id=market_id)
    return favorite


def favorite_market_remove(*, user: User, market_id: int) -> None:
    """Stop favoriting a market (idempotent)."""
    FavoriteMarket.objects.filter(user=user, market_id=market_id).delete()


def favorite_item_add(*, user: User, item_id: int) -> FavoriteItem:
    """Favorite an item (idempotent)."""
    if not Item.objects.filter(pk=item_id).exists():
        raise NotFound("item_not_found", _("품목을 찾을 수 없어요."))
    favorite, _created = FavoriteItem.objects.get_or_create(user=user, item_id=item_id)
    return favorite


def favorite_item_remove(*, user: User, item_id: int) -> None:
    FavoriteItem.objects.filter(user=user, item_id=item_id).delete()


# --- inbox ---------------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is None:
        raise NotFound("notification_not_found", _("알림을 찾을 수 없어요."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification read; returns how many were."""
    return Notification.objects.filter(user=user).unread().update(read_at=timezone.now())


# --- dispatch ------------------------------------------------------------------------------


def _messages(event_type: str, payload: dict[str, Any]) -> tuple[dict[str, str], str]:
    """(data every recipient's notification carries, its Korean sentence)."""
    party = (
        # No party_id finds no party: Django documents exact=None as IS NULL, which
        # django-stubs does not allow for a non-null column.
        Party.objects.filter(pk=payload.get("party_id"))  # type: ignore[misc]
        .select_related("market", "item")
        .only("id", "title", "market__name", "item__name")
        .first()
    )
    title = party.title if party else payload.get("title", "")
    market = party.market.name if party else ""
    who: str | None = ""
    if payload.get("user_id"):
        who = User.objects.filter(pk=payload["user_id"]).values_list("nickname", flat=True).first()
    when = ""
    if payload.get("meet_at"):
        meet_at = datetime.fromisoformat(payload["meet_at"])
        when = date_format(timezone.localtime(meet_at), "n월 j일 H:i")
    sentence = str(KINDS[EventType(event_type)].sentence) % {
        "market": market,
        "title": title,
        "who": who or "",
        "when": when,
    }
    data = {
        "title": title,
        "market": market,
        "item": party.item.name if party else "",
        "url": f"/parties/{payload['party_id']}/" if payload.get("party_id") else "/",
    }
    return data, sentence


def notification_payload(notification: Notification) -> dict[str, Any]:
    """What a stream and the inbox API show of a notification."""
    return {
        "id": notification.pk,
        "type": notification.type,
        "party_id": notification.party_id,
        "message": notification.data.get("message", ""),
        "title": notification.data.get("title", ""),
        "market": notification.data.get("market", ""),
        "url": notification.data.get("url", "/"),
        "created_at": timezone.localtime(notification.created_at).isoformat(),
        "read": notification.read_at is not None,
    }


def event_react(*, event: DomainEvent) -> int:
    """Run every reaction registered for the event (``common.events.register_reaction``)
    that has not run for it yet; returns how many ran now.

    Each runs in a transaction of its own with its marker (``EventReaction``): a reaction
    runs once however often its event is delivered (a relay that died before marking it
    published, a redelivery after a dispatcher crash, two dispatchers), and one that fails
    leaves no marker and runs again on the next delivery (the exception propagates so the
    delivery is not acknowledged). Once all have run, the event is marked dispatched.
    """
    assert event.id is not None  # events reach here from the outbox, stored
    ran = 0
    for name, reaction in reactions(event.type):
        with transaction.atomic():
            _marker, created = EventReaction.objects.get_or_create(event_id=event.id, reaction=name)
            if not created:
                continue
            reaction(event)
            ran += 1
    OutboxEvent.objects.filter(pk=event.id, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now()
    )
    return ran


def notify_recipients(event: DomainEvent) -> int:
    """The notifications reaction: one notification per recipient (``kinds.KINDS``), pushed
    to their open streams after commit; returns how many were stored. The unique (user,
    event) constraint is the last guard against a second run."""
    users = kind_recipients(event.type, event.payload, event.actor_id)
    if not users:
        return 0
    assert event.id is not None  # a reaction: its event comes from the outbox (event_react)
    data, sentence = _messages(event.type, event.payload)
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                event_id=event.id,
                type=event.type,
                party_id=event.payload.get("party_id"),
                data={**data, "message": sentence},
            )
            for user_id in sorted(users)
        ]
    )
    group_send_after_commit(
        [
            (
                user_group(n.user_id),
                {
                    "type": "notification",
                    "user_id": n.user_id,
                    "notification": notification_payload(n),
                },
            )
            for n in notifications
        ]
    )
    deliver_after_commit(notifications)
    return len(notifications)


def end_streams_of_suspended_user(event: DomainEvent) -> None:
    """The ``user.suspended`` reaction: the user's open notification streams end, in every
    process (``notifications.hub``)."""
    user_id = event.payload["user_id"]
    group_send_after_commit([(user_group(user_id), {"type": "account.ended", "user_id": user_id})])


def bell_state(*, user_id: int) -> dict[str, int]:
    return {"unread": unread_count(user_id=user_id)}
