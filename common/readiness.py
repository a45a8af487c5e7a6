"""Readiness (``/readyz``): can this process reach the services it needs right now?

Each check opens a connection of its own (not the pools': a full pool or a pool still
holding a connection to a server that has gone would answer for the wrong thing), does the
least that proves the server answers, and closes. Checks run at once, each in a thread of a
small pool of their own, with a client timeout (``READYZ_TIMEOUT_SECONDS``) and a deadline a
little past it: one hung service (a blackholed port accepts and never answers) costs the probe
about one timeout and is reported as ``timeout``, while the others report for themselves.
Redis and RabbitMQ are checked only when configured (embedded mode has neither).
"""

import asyncio
import logging
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

# Threads of their own: a check stuck until its client timeout never holds up the event
# loop's default pool (which serves the ORM) nor the next probe's other checks for long.
_pool = ThreadPoolExecutor(max_workers=9, thread_name_prefix="readyz")
# How long past the client timeout a check may take before it is called a timeout.
DEADLINE_GRACE_SECONDS = 0.5


def _database(timeout: float) -> None:
    connection = connections["default"]
    if connection.vendor != "postgresql":
        # Embedded mode's SQLite file: Django's connection of this thread, closed after.
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        finally:
            connection.close()
        return
    import psycopg

    params = connection.get_connection_params()
    # libpq takes whole seconds, at least 2: the probe's deadline answers first; this only
    # bounds how long the thread lingers.
    params["connect_timeout"] = max(2, math.ceil(timeout))
    params["options"] = f"-c statement_timeout={int(timeout * 1000)}"
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute("SELECT 1")


def _redis(timeout: float) -> None:
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        client.ping()
    finally:
        client.close()


def _rabbitmq(timeout: float) -> None:
    import pika

    params = pika.URLParameters(settings.RABBITMQ_URL)
    if not params.virtual_host:  # "amqp://host//" (kombu's spelling of the default vhost)
        params.virtual_host = "/"
    params.connection_attempts = 1
    params.socket_timeout = timeout
    params.stack_timeout = timeout
    params.blocked_connection_timeout = timeout
    pika.BlockingConnection(params).close()


def _checks() -> dict[str, Callable[[float], None]]:
    checks: dict[str, Callable[[float], None]] = {connections["default"].vendor: _database}
    if settings.REDIS_URL:
        checks["redis"] = _redis
    if settings.RABBITMQ_URL:
        checks["rabbitmq"] = _rabbitmq
    return checks


def _is_timeout(error: Exception) -> bool:
    """The client's own timeout fired (each library has its own class: redis'
    ``TimeoutError``, pika's ``AMQPConnectorStackTimeout``, socket.timeout)."""
    return isinstance(error, TimeoutError) or "Timeout" in type(error).__name__


async def readiness() -> dict[str, str]:
    """Each configured service's state: ``ok``, ``timeout`` or ``unreachable``."""
    timeout = settings.READYZ_TIMEOUT_SECONDS
    loop = asyncio.get_running_loop()

    async def run(name: str, check: Callable[[float], None]) -> str:
        try:
            await asyncio.wait_for(
                loop.run_in_executor(_pool, check, timeout), timeout + DEADLINE_GRACE_SECONDS
            )
        except TimeoutError:
            logger.warning("readyz: %s did not answer within %.1f s", name, timeout)
            return "timeout"
        except Exception as error:
            logger.warning("readyz: %s unreachable: %s", name, error)
            return "timeout" if _is_timeout(error) else "unreachable"
        return "ok"

    checks = _checks()
    states = await asyncio.gather(*(run(name, check) for name, check in checks.items()))
    return dict(zip(checks, states, strict=True))
