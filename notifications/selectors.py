"""Notification reads: favorites, the inbox, and who an event notifies."""

from datetime import datetime
from typing import Any, TypedDict

from django.db.models import QuerySet
from django.utils import timezone

from common.geo import haversine_km
from notifications.models import (
    FavoriteItem,
    FavoriteMarket,
    Notification,
    NotificationPreference,
    OutboxEvent,
)
from notifications.reasons import Reason

# Item favoriters hear of a new party only if their home is this close to its market.
ITEM_FAVORITE_RADIUS_KM = 10.0


class Favorites(TypedDict):
    markets: list[FavoriteMarket]
    items: list[FavoriteItem]


def favorites_of(*, user_id: int) -> Favorites:
    """The user's favorite markets and items, newest first."""
    return {
        "markets": list(
            FavoriteMarket.objects.filter(user_id=user_id)
            .select_related("market")
            .order_by("-created_at", "-id")
        ),
        "items": list(
            FavoriteItem.objects.filter(user_id=user_id)
            .select_related("item__category")
            .order_by("-created_at", "-id")
        ),
    }


def favorite_market_ids(*, user_id: int) -> set[int]:
    return set(FavoriteMarket.objects.filter(user_id=user_id).values_list("market_id", flat=True))


def favorite_item_ids(*, user_id: int) -> set[int]:
    return set(FavoriteItem.objects.filter(user_id=user_id).values_list("item_id", flat=True))


def notifications_for(*, user_id: int, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(user_id=user_id)
    if unread_only:
        notifications = notifications.unread()
    return notifications.order_by("-id")


def notifications_after(*, user_id: int, after_id: int, limit: int = 500) -> list[Notification]:
    """What a reconnecting stream missed: the user's notifications after ``after_id``, oldest
    first."""
    return list(
        Notification.objects.filter(user_id=user_id, id__gt=after_id).order_by("id")[:limit]
    )


def unread_count(*, user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id).unread().count()


def favoriters_of_new_party(payload: dict[str, Any]) -> dict[int, str]:
    """Users who favorited the party's market ("favorite_market"), and users who favorited
    its item and whose home is within ``ITEM_FAVORITE_RADIUS_KM`` of the market
    ("favorite_item"; the market wins for a user who favorited both)."""
    users: dict[int, str] = {}
    for user_id, lat, lng in FavoriteItem.objects.filter(
        item_id=payload["item_id"], user__lat__isnull=False, user__lng__isnull=False
    ).values_list("user_id", "user__lat", "user__lng"):
        assert lat is not None and lng is not None  # the filter above
        if haversine_km(lat, lng, payload["lat"], payload["lng"]) <= ITEM_FAVORITE_RADIUS_KM:
            users[user_id] = Reason.FAVORITE_ITEM
    for user_id in FavoriteMarket.objects.filter(market_id=payload["market_id"]).values_list(
        "user_id", flat=True
    ):
        users[user_id] = Reason.FAVORITE_MARKET
    return users


def party_leader(payload: dict[str, Any]) -> set[int]:
    return {payload["leader_id"]}


def party_members(payload: dict[str, Any]) -> set[int]:
    return set(payload.get("member_ids") or [])


def penalized_member(payload: dict[str, Any]) -> set[int]:
    return {payload["user_id"]}


def the_user(payload: dict[str, Any]) -> set[int]:
    """The one user the event is about."""
    return {payload["user_id"]}


def reporters(payload: dict[str, Any]) -> set[int]:
    return set(payload["reporter_ids"])


def penalized_member_and_leader(payload: dict[str, Any]) -> dict[int, str]:
    return {payload["leader_id"]: Reason.MY_PARTY, payload["user_id"]: Reason.MY_ACCOUNT}


def question_asker(payload: dict[str, Any]) -> set[int]:
    return {payload["asker_id"]}


def latest_notification_id(*, user_id: int) -> int:
    """The id of the user's newest notification (0 with none): a page's live stream replays
    what arrived after it, so nothing falls between rendering the page and connecting."""
    return (
        Notification.objects.filter(user_id=user_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )


def notification_preference(*, user_id: int) -> NotificationPreference:
    """The user's notification settings; the defaults (unsaved) when they never changed them."""
    found = NotificationPreference.objects.filter(user_id=user_id).first()
    return found or NotificationPreference(user_id=user_id)


def users_muting(*, user_ids: list[int], event_type: str) -> set[int]:
    """Which of ``user_ids`` switched notifications of ``event_type`` off."""
    if not user_ids:
        return set()
    return set(
        NotificationPreference.objects.filter(
            user_id__in=user_ids, muted_types__contains=[event_type]
        ).values_list("user_id", flat=True)
    )


def in_quiet_hours(preference: NotificationPreference, at: datetime) -> bool:
    """Whether ``at`` (local time, Asia/Seoul) falls in the quiet hours; a span past
    midnight (22:00–08:00) wraps."""
    if not preference.quiet_hours or preference.quiet_start == preference.quiet_end:
        return False
    now = timezone.localtime(at).time()
    start, end = preference.quiet_start, preference.quiet_end
    if start < end:
        return start <= now < end
    return now >= start or now < end


def push_wanted(*, notification: Notification, at: datetime | None = None) -> bool:
    """Whether ``notification`` may be pushed to its user's devices now (Web Push): not
    in their quiet hours. (A group they switched off is never notified at all.) The inbox
    keeps every notification either way."""
    preference = notification_preference(user_id=notification.user_id)
    return not in_quiet_hours(preference, at or timezone.now())


def outbox_backlog() -> tuple[int, datetime | None]:
    """Outbox events not yet published, and when the oldest of them was written. Both read
    the partial index of pending rows (``outbox_pending_idx``): the count an index-only scan
    of what waits, the oldest its first entry (ids grow with time)."""
    pending = OutboxEvent.objects.filter(published_at__isnull=True)
    oldest = pending.order_by("id").values_list("created_at", flat=True).first()
    return (0, None) if oldest is None else (pending.count(), oldest)
