"""The lock around granting a penalty: one grant per (party, member) at a time.

Redis (``cache.lock``, django-redis) in services mode, so concurrent requests on any web
process wait for each other; a process-local lock in embedded mode (one process). Short
timeout, always released; the unique constraint stays the last guard, so a lock that cannot
be had (Redis down) degrades to the constraint rather than to an error.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

logger = logging.getLogger(__name__)

LOCK_TIMEOUT_SECONDS = 5  # held at most this long even if the holder dies
WAIT_SECONDS = 5

_local_locks: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


@contextmanager
def penalty_grant_lock(*, party_id: int, user_id: int) -> Iterator[None]:
    name = f"lock:penalty:{party_id}:{user_id}"
    if not hasattr(cache, "lock"):  # embedded: one process
        with _local_guard:
            local = _local_locks.setdefault(name, threading.Lock())
        with local:
            yield
        return
    lock, acquired = None, False
    try:
        lock = cache.lock(name, timeout=LOCK_TIMEOUT_SECONDS, blocking_timeout=WAIT_SECONDS)
        acquired = lock.acquire()
    except Exception:
        logger.warning("penalty lock unavailable (Redis); the constraint guards", exc_info=True)
    try:
        yield
    finally:
        if acquired:
            try:
                lock.release()
            except Exception:  # expired or Redis gone: nothing left to release
                logger.warning("penalty lock release failed", exc_info=True)
