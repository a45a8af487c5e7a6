"""Sending to a channel-layer group from synchronous code (services, commands, threads).

Chat messages and live notifications leave the process this way, after commit. The channel
layer is Redis in services mode (any web process may hold the receiving connection) and in
memory in embedded mode.
"""

import asyncio
import logging
import threading

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

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
    layer = get_channel_layer()
    for group, event in sends:  # in order: one group's events keep the order they were given
        await layer.group_send(group, event)


def group_send_many(sends: list[tuple[str, dict]]) -> None:
    """Send each ``(group, event)``; never blocks an event loop.

    From a worker thread of an ASGI server, the sends are handed to the server's loop without
    waiting (the thread is free at once; order is kept). Where another loop runs in this
    thread (it cannot be blocked on), a short-lived thread sends. Elsewhere, send and wait.
    """
    if not sends or get_channel_layer() is None:
        return
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running():
        asyncio.run_coroutine_threadsafe(_send_all(sends), loop).add_done_callback(_report)
    elif _loop_running_here():
        sender = threading.Thread(target=async_to_sync(_send_all), args=(sends,))
        sender.start()
        sender.join()
    else:
        async_to_sync(_send_all)(sends)
