"""Each user's recent penalty count, cached (Redis in services mode) for 24 hours.

Reads never fail because of the cache: when Redis is unreachable the count comes from the
database (logged) and the page or API answers as usual.
"""

import logging
from datetime import timedelta

from django.core.cache import cache

logger = logging.getLogger(__name__)

TTL = timedelta(hours=24)


def count_key(user_id: int) -> str:
    return f"penalty_count:{user_id}"


def get_many(user_ids: list[int]) -> dict[int, int] | None:
    """Cached counts of these users (missing ones absent); None if the cache is down."""
    try:
        found = cache.get_many([count_key(u) for u in user_ids])
    except Exception:
        logger.warning("penalty count cache unreachable; reading the database", exc_info=True)
        return None
    return {int(key.rsplit(":", 1)[1]): value for key, value in found.items()}


def store(user_id: int, count: int, ttl_seconds: int) -> None:
    try:
        cache.set(count_key(user_id), count, timeout=max(1, ttl_seconds))
    except Exception:
        logger.warning("penalty count cache unreachable; not cached", exc_info=True)


def increment_if_cached(user_id: int) -> bool:
    """+1 on a cached count (keeping its expiry); False when not cached or unreachable."""
    try:
        cache.incr(count_key(user_id))
    except ValueError:  # not cached
        return False
    except Exception:
        logger.warning("penalty count cache unreachable", exc_info=True)
        return False
    return True


def forget(user_id: int) -> None:
    try:
        cache.delete(count_key(user_id))
    except Exception:
        logger.warning("penalty count cache unreachable; count may be stale", exc_info=True)
