"""The one way chat messages leave the process: after commit, through the channel layer.

Every web process's STOMP consumers for a party join the group ``party.<id>``; the layer
(Redis in services mode, in-memory in embedded mode) carries the message to all of them.
Chat does not go through the domain-event outbox: it is live delivery of already-stored rows.
"""

import asyncio
import logging
import threading

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def party_group(party_id: int) -> str:
    return f"party.{party_id}"


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _report(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("chat broadcast failed", exc_info=future.exception())


def broadcast_after_commit(party_id: int, event: dict) -> None:
    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        group = party_group(party_id)
        # Called from a consumer's worker thread, hand the send to the server's event loop
        # without waiting for it: the sender's thread is free at once and messages keep the
        # order they were committed in. Elsewhere (HTTP views, commands), send and wait.
        loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
        if loop is not None and loop.is_running():
            asyncio.run_coroutine_threadsafe(
                layer.group_send(group, event), loop
            ).add_done_callback(_report)
        elif _loop_running_here():
            # Someone else's loop runs in this thread (it cannot be blocked on): send from a
            # short-lived thread of our own.
            sender = threading.Thread(target=async_to_sync(layer.group_send), args=(group, event))
            sender.start()
            sender.join()
        else:
            async_to_sync(layer.group_send)(group, event)

    transaction.on_commit(send)
