"""The Redis cache with a circuit breaker: a Redis that is down costs a request at most one
short timeout, and the product keeps answering without it.

django-redis alone waits the socket timeout on every call while Redis is unreachable (or
blackholed): a page that reads the cache three times waits three times. Here the first
failure opens the breaker for ``BREAKER_SECONDS`` in this process; until then every call
fails at once with ``CacheUnavailable`` (no network), and callers degrade: penalty counts
come from the database, rate limits fall back to a local counter (``common.ratelimit``),
login limits never needed Redis (``accounts.login_limits``). After the pause one call tries
Redis again. The socket timeouts themselves are short (settings: 0.5 s).
"""

import functools
import logging
import threading
import time

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

BREAKER_SECONDS = 5.0
_UNREACHABLE = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError, OSError)


class CacheUnavailable(ConnectionError):
    """The cache cannot be reached now (it failed within the last ``BREAKER_SECONDS``)."""


class _Breaker:
    """Process-wide state per Redis location (Django makes a cache object per thread)."""

    def __init__(self) -> None:
        self.open_until = 0.0
        self.lock = threading.Lock()

    def check(self, location: str) -> None:
        if time.monotonic() < self.open_until:
            raise CacheUnavailable(f"cache at {location} unreachable (retrying shortly)")

    def trip(self, location: str, error: BaseException) -> None:
        with self.lock:
            first = time.monotonic() >= self.open_until
            self.open_until = time.monotonic() + BREAKER_SECONDS
        if first:
            logger.warning(
                "cache at %s unreachable (%s): degrading for %.0f s",
                location,
                error,
                BREAKER_SECONDS,
            )


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker(location: str) -> _Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, _Breaker())


GUARDED = (
    "get", "set", "add", "delete", "delete_many", "get_many", "set_many", "incr", "decr",
    "has_key", "touch", "ttl", "expire", "persist", "clear", "keys", "delete_pattern",
)  # fmt: skip


def _guarded(name: str):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        breaker = _breaker(self._server_location)
        breaker.check(self._server_location)
        try:
            return method(self, *args, **kwargs)
        except _UNREACHABLE as error:
            breaker.trip(self._server_location, error)
            raise CacheUnavailable(str(error)) from error

    return call


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._server_location = server if isinstance(server, str) else ",".join(server)

    def lock(self, *args, **kwargs):
        _breaker(self._server_location).check(self._server_location)
        return super().lock(*args, **kwargs)


for _name in GUARDED:
    setattr(ResilientRedisCache, _name, _guarded(_name))
