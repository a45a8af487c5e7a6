"""Notification writes: favorites, the outbox, dispatching events to inboxes, read marks."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import Item
from common.errors import NotFound
from common.layer import group_send_many
from markets.models import Market
from notifications.models import FavoriteItem, FavoriteMarket, Notification, OutboxEvent
from notifications.selectors import recipients_for, unread_count
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


def _messages(event_type: str, payload: dict) -> tuple[dict, str]:
    """(data every recipient's notification carries, its Korean sentence)."""
    party = (
        Party.objects.filter(pk=payload.get("party_id"))
        .select_related("market", "item")
        .only("id", "title", "market__name", "item__name")
        .first()
    )
    title = party.title if party else payload.get("title", "")
    market = party.market.name if party else ""
    who = ""
    if payload.get("user_id") and event_type in ("party.joined", "party.left"):
        who = User.objects.filter(pk=payload["user_id"]).values_list("nickname", flat=True).first()
    sentence = {
        "party.created": _("%(market)s에 새 파티가 열렸어요: %(title)s"),
        "party.joined": _("%(who)s님이 파티에 들어왔어요: %(title)s"),
        "party.left": _("%(who)s님이 파티에서 나갔어요: %(title)s"),
        "party.closed": _("모집이 마감됐어요: %(title)s"),
        "party.cancelled": _("파티가 취소됐어요: %(title)s"),
        "chat.created": _("채팅방이 열렸어요: %(title)s"),
        "penalty.received": _("페널티를 받았어요: %(title)s"),
    }.get(event_type, _("파티 소식: %(title)s")) % {"market": market, "title": title, "who": who}
    data = {
        "title": title,
        "market": market,
        "item": party.item.name if party else "",
        "url": f"/parties/{payload['party_id']}/" if payload.get("party_id") else "/",
    }
    return data, sentence


def notification_payload(notification: Notification) -> dict:
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


def event_dispatch(*, event_id: int, event_type: str, payload: dict, actor_id: int | None) -> int:
    """Store one notification per recipient of an outbox event, then push each to the
    recipient's open streams after commit. Returns how many were stored.

    Claims the event first (``dispatched_at``), in the same transaction: an event delivered
    twice (a relay that died before marking it published, a redelivery after a dispatcher
    crash) is stored once; the unique (user, event) constraint is the last guard.
    """
    with transaction.atomic():
        claimed = OutboxEvent.objects.filter(pk=event_id, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now()
        )
        if not claimed:
            return 0
        users = recipients_for(event_type=event_type, payload=payload, actor_id=actor_id)
        if not users:
            return 0
        data, sentence = _messages(event_type, payload)
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    user_id=user_id,
                    event_id=event_id,
                    type=event_type,
                    party_id=payload.get("party_id"),
                    data={**data, "message": sentence},
                )
                for user_id in sorted(users)
            ]
        )
        _push_after_commit(notifications)
    return len(notifications)


def _push_after_commit(notifications: Iterable[Notification]) -> None:
    sends = [
        (
            user_group(n.user_id),
            {"type": "notification", "user_id": n.user_id, "notification": notification_payload(n)},
        )
        for n in notifications
    ]
    transaction.on_commit(lambda: group_send_many(sends))


def bell_state(*, user_id: int) -> dict:
    return {"unread": unread_count(user_id=user_id)}
