"""One listener per web process for live notifications, fanned out to that process's streams.

A stream does not get a channel-layer channel of its own: the process's hub (``LocalHub``)
holds one, joins ``notify.<user id>`` when the first stream of that user opens here and leaves
when the last one closes, and puts each notification into the queues of that user's streams.
"""

import asyncio
import contextlib

from common.hub import LocalHub
from notifications.services import user_group

QUEUE_LIMIT = 1000  # a stream this far behind is dropped; it replays from its last id


class NotificationHub(LocalHub[asyncio.Queue]):
    channel_prefix = "notify-hub."

    def group(self, key: int) -> str:
        return user_group(key)

    async def handle(self, message: dict) -> None:
        for queue in self.listeners.get(message.get("user_id"), ()):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(message.get("notification") or {})

    async def subscribe(self, user_id: int) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_LIMIT)
        await self.add(user_id, queue)
        return queue

    async def unsubscribe(self, user_id: int, queue: asyncio.Queue) -> None:
        await self.remove(user_id, queue)


def hub() -> NotificationHub:
    return NotificationHub.for_this_loop()
