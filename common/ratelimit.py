"""Fixed-window rate limits on the cache, with a local fallback.

Counts live in the shared cache (Redis in services mode), so every web process counts
together. When the cache is unreachable the count goes on in this process's memory instead
(logged by ``common.cache``): limits stay in force, per process, until Redis is back, and
nothing fails because of it.
"""

import logging
import time

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

_local = LocMemCache("gonggu-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def _count(store, key: str, window: int) -> int:
    if store.add(key, 1, timeout=window + 1):
        return 1
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr: this hit starts a new window
        store.set(key, 1, timeout=window + 1)
        return 1


def hit(*, scope: str, key: str, limit: int, window: int) -> int | None:
    """Count one hit of ``key`` in ``scope``; None while within ``limit`` per ``window``
    seconds, else how many seconds until the window ends."""
    now = time.time()
    cache_key = f"ratelimit:{scope}:{key}:{int(now // window)}"
    try:
        count = _count(cache, cache_key, window)
    except Exception:
        count = _count(_local, cache_key, window)
    if count <= limit:
        return None
    return max(1, int(window - now % window))
