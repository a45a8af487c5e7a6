"""Penalty reads: a user's recent count (cached), when a block lifts, received penalties."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from penalties import cache as count_cache
from penalties.models import Penalty

logger = logging.getLogger(__name__)

WINDOW = timedelta(days=90)


def _window_start(now: datetime) -> datetime:
    return now - WINDOW


def count_from_database(user_id: int, now: datetime) -> tuple[int, int]:
    """(count over the window, seconds the count stays right: until the oldest counted
    penalty leaves the window, at most the cache's 24 h)."""
    found = (
        Penalty.objects.counting_since(_window_start(now))
        .filter(user_id=user_id)
        .aggregate(count=Count("*"), oldest=Min("created_at"))
    )
    ttl = count_cache.TTL
    if found["oldest"] is not None:
        ttl = min(ttl, found["oldest"] + WINDOW - now)
    return found["count"], int(ttl.total_seconds())


def user_penalty_counts(*, user_ids: list[int]) -> dict[int, int]:
    """Recent (90-day, not revoked) penalty counts of several users: one cache round trip;
    the database only for users not cached (then cached), or for all if the cache is down."""
    now = timezone.now()
    cached = count_cache.get_many(user_ids)
    counts = dict(cached or {})
    for user_id in user_ids:
        if user_id not in counts:
            counts[user_id], ttl = count_from_database(user_id, now)
            if cached is not None:
                count_cache.store(user_id, counts[user_id], ttl)
    return counts


def user_penalty_count(*, user_id: int) -> int:
    return user_penalty_counts(user_ids=[user_id])[user_id]


def user_blocked_until(*, user_id: int) -> datetime | None:
    """When the user's penalty block lifts, or None when they are not blocked.

    Blocked at ``PENALTY_BLOCK_THRESHOLD`` or more penalties in 90 days; it lifts when
    enough of them have left the window. The cached count answers the common case (not
    blocked) without a query.
    """
    threshold: int = settings.PENALTY_BLOCK_THRESHOLD
    if user_penalty_count(user_id=user_id) < threshold:
        return None
    now = timezone.now()
    created = list(
        Penalty.objects.counting_since(_window_start(now))
        .filter(user_id=user_id)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
    )
    if len(created) < threshold:  # the cache was ahead of the database
        return None
    # Below the threshold again once the threshold-th newest penalty leaves the window.
    return created[threshold - 1] + WINDOW


def penalties_received(*, user_id: int) -> list[Penalty]:
    return list(
        Penalty.objects.filter(user_id=user_id)
        .select_related("party", "given_by")
        .order_by("-created_at", "-id")
    )


def penalties_in_party(*, party_id: int) -> dict[int, Penalty]:
    """The party's penalties by member id."""
    return {p.user_id: p for p in Penalty.objects.filter(party_id=party_id).active()}
