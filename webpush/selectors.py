"""Web Push reads."""

from collections.abc import Iterable

from webpush.models import PushSubscription


def subscriptions_of(*, user_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(user id, subscription id) of every browser the users subscribed."""
    return list(
        PushSubscription.objects.filter(user_id__in=set(user_ids))
        .order_by("user_id", "id")
        .values_list("user_id", "id")
    )


def push_subscribed(*, user_id: int, endpoint: str) -> bool:
    return PushSubscription.objects.filter(user_id=user_id, endpoint=endpoint).exists()
