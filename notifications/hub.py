"""One listener per web process for live notifications, fanned out to that process's streams.

A stream does not get a channel-layer channel of its own: the process's hub (``LocalHub``)
holds one, joins ``notify.<user id>`` when the first stream of that user opens here and leaves
when the last one closes, and puts each notification into the queues of that user's streams.

A stream that falls too far behind (its queue full) or that this process may have missed
notifications for (the layer was interrupted) is told to end: the browser reconnects with
``Last-Event-ID`` and the stream replays what it missed from the inbox.
"""

import asyncio

from common.hub import LocalHub
from notifications.services import user_group

QUEUE_LIMIT = 1000


class StreamQueue(asyncio.Queue):
    """A stream's queue; ``stale`` once it can no longer be trusted to hold everything."""

    stale = False

    def end(self) -> None:
        self.stale = True
        if not self.full():
            self.put_nowait(None)  # wakes the stream


class NotificationHub(LocalHub[StreamQueue]):
    channel_prefix = "notify-hub."

    def group(self, key: int) -> str:
        return user_group(key)

    async def handle(self, message: dict) -> None:
        user_id = message.get("user_id")
        queues = self.listeners.get(user_id, ()) if user_id is not None else ()
        if message.get("type") == "account.ended":  # suspended: the streams end now
            for queue in queues:
                queue.end()
            return
        for queue in queues:
            if queue.full():
                queue.end()
            elif not queue.stale:
                queue.put_nowait(message.get("notification") or {})

    async def interrupted(self, listeners: dict[int, set[StreamQueue]]) -> None:
        for queues in listeners.values():
            for queue in queues:
                queue.end()

    async def subscribe(self, user_id: int) -> StreamQueue:
        queue = StreamQueue(maxsize=QUEUE_LIMIT)
        await self.add(user_id, queue)
        return queue

    async def unsubscribe(self, user_id: int, queue: StreamQueue) -> None:
        await self.remove(user_id, queue)


def hub() -> NotificationHub:
    return NotificationHub.for_this_loop()
