"""Notification reads: favorites, the inbox, and who an event notifies."""

from django.db.models import QuerySet

from common.geo import haversine_km
from notifications.models import FavoriteItem, FavoriteMarket, Notification

# Item favoriters hear of a new party only if their home is this close to its market.
ITEM_FAVORITE_RADIUS_KM = 10.0


def favorites_of(*, user_id: int) -> dict[str, list]:
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


def recipients_for(*, event_type: str, payload: dict, actor_id: int | None) -> set[int]:
    """Who hears of an event, never the one who caused it.

    - ``party.created``: users who favorited the market; users who favorited the item and
      whose home is within 10 km of the market.
    - ``party.joined`` / ``party.left``: the leader.
    - ``party.closed`` / ``party.cancelled`` / ``chat.created``: the members.
    - ``penalty.received``: the member who received it.
    """
    users: set[int] = set()
    if event_type == "party.created":
        users |= set(
            FavoriteMarket.objects.filter(market_id=payload["market_id"]).values_list(
                "user_id", flat=True
            )
        )
        for user_id, lat, lng in FavoriteItem.objects.filter(
            item_id=payload["item_id"], user__lat__isnull=False, user__lng__isnull=False
        ).values_list("user_id", "user__lat", "user__lng"):
            if haversine_km(lat, lng, payload["lat"], payload["lng"]) <= ITEM_FAVORITE_RADIUS_KM:
                users.add(user_id)
    elif event_type in ("party.joined", "party.left"):
        users.add(payload["leader_id"])
    elif event_type in ("party.closed", "party.cancelled", "chat.created"):
        users |= set(payload.get("member_ids") or [])
    elif event_type == "penalty.received":
        users.add(payload["user_id"])
    users.discard(actor_id)
    return users


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
