"""Notification writes: favorites, running events' reactions, notifying, read marks."""

import logging
from datetime import datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import Item
from common.errors import DomainError, NotFound
from common.events import DomainEvent, caused_by, reactions
from common.layer import group_send_after_commit
from common.metrics import event_dispatched
from markets.models import Market
from notifications import kinds
from notifications.delivery import deliver_after_commit
from notifications.kinds import recipients as kind_recipients
from notifications.models import (
    EventReaction,
    FavoriteItem,
    FavoriteMarket,
    Notification,
    NotificationPreference,
    OutboxEvent,
)
from notifications.reasons import REASON_LABELS
from notifications.selectors import unread_count, users_muting
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


# --- settings ------------------------------------------------------------------------------


def notification_preference_update(
    *,
    user: User,
    muted_types: list[str] | None = None,
    quiet_hours: bool | None = None,
    quiet_start: time | None = None,
    quiet_end: time | None = None,
) -> NotificationPreference:
    """Change the user's notification settings; what is not given stays as it was. Only
    switchable types can be off (penalties, appeals and reports always reach the user); quiet
    hours need a start and an end that differ. Nothing is saved on a refusal."""
    if muted_types is not None:
        unknown = sorted(t for t in set(muted_types) if kinds.kind_of(t) is None)
        if unknown:
            raise DomainError(
                "invalid_type",
                _("알 수 없는 알림 종류예요: %(types)s") % {"types": ", ".join(unknown)},
                field="muted_types",
            )
        if not all(kinds.switchable(t) for t in muted_types):
            raise DomainError(
                "type_not_switchable",
                _("페널티와 신고 알림은 끌 수 없어요. 꼭 알려 드려야 하는 알림이에요."),
                field="muted_types",
            )
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
            user=user
        )
        if muted_types is not None:
            preference.muted_types = sorted(set(muted_types))
        if quiet_hours is not None:
            preference.quiet_hours = quiet_hours
        if quiet_start is not None:
            preference.quiet_start = quiet_start.replace(second=0, microsecond=0)
        if quiet_end is not None:
            preference.quiet_end = quiet_end.replace(second=0, microsecond=0)
        if preference.quiet_hours and preference.quiet_start == preference.quiet_end:
            raise DomainError(  # rolls the row back: nothing saved
                "invalid_quiet_hours",
                _("방해 금지 시간의 시작과 끝이 같아요. 다른 시각을 골라 주세요."),
                field="quiet_end",
            )
        preference.save()
    return preference


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


def _message_values(payload: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """(what the sentences are formatted with, the data every recipient's notification
    carries) for an event's payload."""
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
    item = party.item.name if party else ""
    who: str | None = ""
    if payload.get("user_id"):
        who = User.objects.filter(pk=payload["user_id"]).values_list("nickname", flat=True).first()
    when = ""
    if payload.get("meet_at"):
        meet_at = datetime.fromisoformat(payload["meet_at"])
        when = date_format(timezone.localtime(meet_at), "n월 j일 H:i")
    values = {"market": market, "item": item, "title": title, "who": who or "", "when": when}
    data = {
        "title": title,
        "market": market,
        "item": item,
        "url": f"/parties/{payload['party_id']}/" if payload.get("party_id") else "/",
    }
    return values, data


def _told(parts: list[dict[str, Any]], title: str) -> dict[str, str]:
    """The type, label and message of a notification holding ``parts`` (its events'
    sentences, in the order they happened)."""
    ordered = sorted(parts, key=lambda part: part["event_id"])
    label, message = kinds.compose([(p["type"], p["text"]) for p in ordered], title)
    heaviest = max(ordered, key=lambda part: kinds.weight(part["type"]))
    return {"type": heaviest["type"], "label": label, "message": message}


def notification_payload(notification: Notification) -> dict[str, Any]:
    """What a stream and the inbox API show of a notification."""
    reason = notification.data.get("reason", "")
    return {
        "id": notification.pk,
        "type": notification.type,
        "label": notification.data.get("label") or kinds.label(notification.type),
        "reason": reason,
        "reason_label": str(REASON_LABELS.get(reason, "")),
        "party_id": notification.party_id,
        "message": notification.data.get("message") or notification.data.get("title", ""),
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
            with caused_by(event):  # what it emits belongs to this event's action
                reaction(event)
            ran += 1
    if OutboxEvent.objects.filter(pk=event.id, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now()
    ):
        event_dispatched(occurred_at=event.occurred_at)  # the first time only
    return ran


def notify_recipients(event: DomainEvent) -> int:
    """The notifications reaction. What one action causes (``common.events``) reaches each
    recipient as one notification: the first of its events to be handled creates it, each
    later one adds its sentence ("민수님이 파티에 들어왔어요 · 모집이 마감됐어요 · 채팅방이
    열렸어요: …") and makes it unread again. Never the action's actor, never a group the
    recipient switched off (``NotificationPreference``). Pushed to open streams after
    commit, new ones handed to the other deliveries (Web Push); returns how many
    notifications were created or changed. The unique (user, action) constraint is the last
    guard: two events of one action handled at once merge instead of doubling."""
    told = kind_recipients(event.type, event.payload, event.actor_id)
    for user_id in users_muting(user_ids=list(told), event_type=event.type):
        told.pop(user_id)
    if not told:
        return 0
    assert event.id is not None and event.action is not None  # from the outbox (event_react)
    values, data = _message_values(event.payload)

    def part(reason: str) -> dict[str, Any]:
        text = kinds.sentence(event.type, reason, values)
        return {"event_id": event.id, "type": event.type, "text": text}

    fresh = []
    for user_id, reason in sorted(told.items()):
        parts = [part(reason)]
        told_as = _told(parts, data["title"])
        fresh.append(
            Notification(
                user_id=user_id,
                event_id=event.id,
                action_id=event.action,
                type=told_as.pop("type"),
                party_id=event.payload.get("party_id"),
                data={**data, "reason": reason, "parts": parts, **told_as},
            )
        )
    # A recipient who already holds this action's notification keeps it: the insert skips
    # them, and the event is merged into theirs below.
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    created, changed = [], []
    held = Notification.objects.select_for_update().filter(
        user_id__in=list(told), action_id=event.action
    )
    for notification in held.order_by("pk"):
        parts = notification.data.get("parts", [])
        if any(p["event_id"] == event.id for p in parts):
            created.append(notification)  # inserted just now (a reaction runs once)
            continue
        was_read = notification.read_at is not None
        parts.append(part(notification.data.get("reason", told[notification.user_id])))
        told_as = _told(parts, notification.data.get("title", ""))
        notification.type = told_as.pop("type")
        notification.data = {**notification.data, "parts": parts, **told_as}
        notification.read_at = None
        notification.save(update_fields=["type", "data", "read_at"])
        changed.append((notification, was_read))
    grown = [
        (n, {**notification_payload(n), "merged": True, "reopened": was_read})
        for n, was_read in changed
    ]
    group_send_after_commit(
        [
            (
                user_group(n.user_id),
                {"type": "notification", "user_id": n.user_id, "notification": shown},
            )
            for n, shown in [*((n, notification_payload(n)) for n in created), *grown]
        ]
    )
    deliver_after_commit(created)
    return len(created) + len(changed)


def end_streams_of_suspended_user(event: DomainEvent) -> None:
    """The ``user.suspended`` reaction: the user's open notification streams end, in every
    process (``notifications.hub``)."""
    user_id = event.payload["user_id"]
    group_send_after_commit([(user_group(user_id), {"type": "account.ended", "user_id": user_id})])


def bell_state(*, user_id: int) -> dict[str, int]:
    return {"unread": unread_count(user_id=user_id)}


# --- outbox (admin) ------------------------------------------------------------------------


def outbox_republish(*, event_ids: list[int]) -> int:
    """Send again events that did not get through (an admin's "다시 보내기"): each one not yet
    dispatched is marked unpublished, so the relay publishes it again (services mode: at its
    next poll; embedded: the next sweep, or right away when the caller wakes the relay after
    commit). Safe to repeat: its reactions that already ran are skipped (``event_react``'s
    markers) and nobody is notified twice. Events already dispatched are left alone; returns
    how many were queued again."""
    with transaction.atomic():
        return OutboxEvent.objects.filter(pk__in=event_ids, dispatched_at__isnull=True).update(
            published_at=None
        )
