"""Penalty reads: a user's recent tally (cached), their standing and when a block lifts,
received penalties."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min
from django.utils import timezone

from penalties import cache as count_cache
from penalties.cache import Tally
from penalties.models import Penalty, PenaltyAppeal

logger = logging.getLogger(__name__)

WINDOW = timedelta(days=90)


def _window_start(now: datetime) -> datetime:
    return now - WINDOW


@dataclass(frozen=True)
class PenaltyStanding:
    no_show_count: int
    counted_toward_block: int
    blocked_until: datetime | None
    remaining_to_block: int  # more penalties from other leaders that would block; 0 when blocked


def count_from_database(user_id: int, now: datetime) -> tuple[Tally, int]:
    """(the tally over the window, seconds it stays right: until the oldest counted penalty
    leaves the window, at most the cache's 24 h)."""
    rows = list(
        Penalty.objects.counting_since(_window_start(now))
        .filter(user_id=user_id)
        .values("given_by_id")
        .annotate(count=Count("*"), oldest=Min("created_at"))
    )
    ttl = count_cache.TTL
    if rows:
        ttl = min(ttl, min(row["oldest"] for row in rows) + WINDOW - now)
    tally = Tally(sum(row["count"] for row in rows), len(rows))
    return tally, int(ttl.total_seconds())


def user_penalty_tallies(*, user_ids: list[int]) -> dict[int, Tally]:
    """Several users' tallies: one cache round trip; the database only for users not cached
    (then cached), or for all if the cache is down."""
    now = timezone.now()
    cached = count_cache.get_many(user_ids)
    tallies = dict(cached or {})
    for user_id in user_ids:
        if user_id not in tallies:
            tallies[user_id], ttl = count_from_database(user_id, now)
            if cached is not None:
                count_cache.store(user_id, tallies[user_id], ttl)
    return tallies


def user_penalty_counts(*, user_ids: list[int]) -> dict[int, int]:
    """Recent (90-day, not revoked) penalty counts of several users (every penalty)."""
    return {
        user_id: tally.no_show_count
        for user_id, tally in user_penalty_tallies(user_ids=user_ids).items()
    }


def user_penalty_count(*, user_id: int) -> int:
    return user_penalty_counts(user_ids=[user_id])[user_id]


def user_blocked_until(*, user_id: int) -> datetime | None:
    """When the user's penalty block lifts, or None when they are not blocked.

    Blocked when ``PENALTY_BLOCK_THRESHOLD`` different leaders gave penalties in the last
    90 days (one leader's repeated penalties count once: no one leader can block anyone
    alone). It lifts when the threshold-th most recent leader's latest penalty leaves the
    window. The cached tally answers the common case (not blocked) without a query.
    """
    threshold: int = settings.PENALTY_BLOCK_THRESHOLD
    if user_penalty_tallies(user_ids=[user_id])[user_id].counted_toward_block < threshold:
        return None
    now = timezone.now()
    latest_by_leader: list[datetime] = sorted(
        (
            row["latest"]
            for row in Penalty.objects.counting_since(_window_start(now))
            .filter(user_id=user_id)
            .values("given_by_id")
            .annotate(latest=Max("created_at"))
        ),
        reverse=True,
    )
    if len(latest_by_leader) < threshold:  # the cache was ahead of the database
        return None
    return latest_by_leader[threshold - 1] + WINDOW


def user_penalty_standing(*, user_id: int) -> PenaltyStanding:
    tally = user_penalty_tallies(user_ids=[user_id])[user_id]
    threshold: int = settings.PENALTY_BLOCK_THRESHOLD
    blocked_until = user_blocked_until(user_id=user_id)
    return PenaltyStanding(
        no_show_count=tally.no_show_count,
        counted_toward_block=tally.counted_toward_block,
        blocked_until=blocked_until,
        remaining_to_block=0 if blocked_until else max(0, threshold - tally.counted_toward_block),
    )


def penalties_received(*, user_id: int) -> list[Penalty]:
    return list(
        Penalty.objects.filter(user_id=user_id)
        .select_related("party", "given_by", "appeal")
        .order_by("-created_at", "-id")
    )


def penalties_in_party(*, party_id: int) -> dict[int, Penalty]:
    """The party's penalties by member id."""
    return {p.user_id: p for p in Penalty.objects.filter(party_id=party_id).active()}


def appeal_of(penalty: Penalty) -> PenaltyAppeal | None:
    """The penalty's appeal, if the member made one (read with ``select_related("appeal")``)."""
    try:
        return penalty.appeal
    except PenaltyAppeal.DoesNotExist:
        return None
