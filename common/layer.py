"""Sending to a channel-layer group from synchronous code (services, commands, threads).

Chat messages and live notifications leave the process this way, after commit. The channel
layer is Redis in services mode (any web process may hold the receiving connection) and in
memory in embedded mode.
"""

import asyncio
import concurrent.futures
import contextlib
import logging
import threading

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _report(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("channel-layer send failed", exc_info=future.exception())


async def _send_all(sends: list[tuple[str, dict]]) -> None:
    """Send in waves of distinct groups: many groups at once (one event to thousands of users
    is thousands of publishes), while one group's events keep the order they were given."""
    layer = get_channel_layer()
    wave: list[tuple[str, dict]] = []
    groups: set[str] = set()
    for group, event in [*sends, ("", {})]:
        if not group or group in groups or len(wave) >= WAVE:
            await _send_wave(layer, wave)
            wave, groups = [], set()
        if group:
            wave.append((group, event))
            groups.add(group)


async def _send_wave(layer, wave: list[tuple[str, dict]]) -> None:
    """Publish a wave; what fails (Redis unreachable) is tried again, with backoff, for up to
    ``RETRY_SECONDS``: a message stored during a blip is still delivered live once Redis is
    back (receivers drop what they already have, by id)."""
    loop = asyncio.get_running_loop()
    deadline, delay = loop.time() + RETRY_SECONDS, 0.1
    pending = wave
    while pending:
        failed, error = await _publish(layer, pending)
        if not failed:
            return
        if loop.time() + delay > deadline:
            logger.error("channel layer: %d sends dropped after retrying (%s)", len(failed), error)
            return
        logger.warning("channel layer: %d sends failed (%s); retrying", len(failed), error)
        await asyncio.sleep(delay)
        delay, pending = min(delay * 2, 2.0), failed


async def _publish(
    layer, wave: list[tuple[str, dict]]
) -> tuple[list[tuple[str, dict]], BaseException | None]:
    """Send a wave; what failed, and one of the errors. One pipelined round trip when the layer
    can (``common.layer_redis``; a failure there fails the whole wave: a retry may deliver a
    message twice, which receivers drop by id), else a send each, all at once."""
    if hasattr(layer, "group_send_many"):
        try:
            await layer.group_send_many(wave)
        except Exception as error:
            return wave, error
        return [], None
    results = await asyncio.gather(
        *(layer.group_send(group, event) for group, event in wave), return_exceptions=True
    )
    failed = [item for item, result in zip(wave, results, strict=True) if result]
    return failed, next((result for result in results if result), None)


WAVE = 200
RETRY_SECONDS = 30.0
# How long a process that is not an ASGI server (the dispatcher) waits for its sends; past
# it, they go on being retried in the background while the caller moves on.
WAIT_SECONDS = 5.0
_background: asyncio.AbstractEventLoop | None = None
_background_lock = threading.Lock()


def _background_loop() -> asyncio.AbstractEventLoop:
    """One long-lived loop in a daemon thread, for processes that are not ASGI servers (the
    dispatcher): the Redis layer keeps one connection per loop, so reusing a loop reuses it
    (``async_to_sync`` would open and close a loop, and a connection, per call)."""
    global _background
    with _background_lock:
        if _background is None or _background.is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="channel-layer", daemon=True).start()
            _background = loop
        return _background


def group_send_many(sends: list[tuple[str, dict]]) -> None:
    """Send each ``(group, event)``; never blocks an event loop.

    From a worker thread of an ASGI server, the sends are handed to the server's loop without
    waiting (the thread is free at once; order is kept). Elsewhere (the dispatcher, commands,
    tests) they go through one long-lived background loop and this call waits for them; with
    the in-memory layer they are sent from this thread (from a short-lived one if a loop is
    already running here, since it cannot be blocked on).
    """
    if not sends or get_channel_layer() is None:
        return
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running():
        asyncio.run_coroutine_threadsafe(_send_all(sends), loop).add_done_callback(_report)
    elif isinstance(get_channel_layer(), InMemoryChannelLayer):
        # In memory, queues belong to the caller's loop (tests, embedded): send from here.
        if _loop_running_here():
            sender = threading.Thread(target=async_to_sync(_send_all), args=(sends,))
            sender.start()
            sender.join()
        else:
            async_to_sync(_send_all)(sends)
    else:
        future = asyncio.run_coroutine_threadsafe(_send_all(sends), _background_loop())
        future.add_done_callback(_report)
        with contextlib.suppress(concurrent.futures.TimeoutError):
            future.result(timeout=WAIT_SECONDS)


def group_send_after_commit(sends: list[tuple[str, dict]]) -> None:
    """The one way live sends leave: each ``(group, event)`` once the current transaction
    commits (at once outside one); a rolled-back change sends nothing."""
    if sends:
        transaction.on_commit(lambda: group_send_many(sends))
