"""Each user's recent penalty tally, cached (Redis in services mode) for 24 hours at most.

Reads never fail because of the cache: when Redis is unreachable the tally comes from the
database (logged) and the page or API answers as usual.
"""

import logging
from datetime import timedelta
from typing import NamedTuple

from django.core.cache import cache

logger = logging.getLogger(__name__)

TTL = timedelta(hours=24)


class Tally(NamedTuple):
    """A user's penalties over the last 90 days (not revoked)."""

    no_show_count: int  # every penalty: they stay on record
    counted_toward_block: int  # distinct leaders: one leader's repeats count once


def count_key(user_id: int) -> str:
    # The key names the stored shape: a cache written by an older release is not misread.
    return f"penalty_tally:{user_id}"


def get_many(user_ids: list[int]) -> dict[int, Tally] | None:
    """Cached tallies of these users (missing ones absent); None if the cache is down."""
    try:
        found = cache.get_many([count_key(u) for u in user_ids])
    except Exception:
        logger.warning("penalty count cache unreachable; reading the database", exc_info=True)
        return None
    return {int(key.rsplit(":", 1)[1]): Tally(*value) for key, value in found.items()}


def store(user_id: int, tally: Tally, ttl_seconds: int) -> None:
    try:
        cache.set(count_key(user_id), tuple(tally), timeout=max(1, ttl_seconds))
    except Exception:
        logger.warning("penalty count cache unreachable; not cached", exc_info=True)


def forget(user_id: int) -> None:
    try:
        cache.delete(count_key(user_id))
    except Exception:
        logger.warning("penalty count cache unreachable; count may be stale", exc_info=True)
