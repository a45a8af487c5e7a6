"""One listener per web process for live notifications, fanned out to that process's streams.

A stream does not get a channel-layer channel of its own: the process's hub holds one, joins
``notify.<user id>`` when the first stream of that user opens here and leaves when the last
one closes, and puts each notification into the queues of that user's streams. Opening or
closing a stream touches Redis only for a user's first or last stream, and a held stream
costs a queue and a generator, not a Redis subscription and a channel.
"""

import asyncio
import contextlib
import logging

from channels.layers import get_channel_layer

from notifications.services import user_group

logger = logging.getLogger(__name__)

QUEUE_LIMIT = 1000  # a stream this far behind is dropped; it replays from its last id


class Hub:
    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.listeners: dict[int, set[asyncio.Queue]] = {}
        self._ready = asyncio.Lock()
        self._groups = asyncio.Lock()
        self._task: asyncio.Task | None = None

    async def _start(self) -> None:
        async with self._ready:
            if self.channel is None:
                self.channel = await self.layer.new_channel("notify-hub.")
                self._task = asyncio.create_task(self._receive())

    async def _receive(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except Exception:  # the layer hiccuped: keep listening
                logger.exception("notification hub: receive failed")
                await asyncio.sleep(0.5)
                continue
            for queue in self.listeners.get(message.get("user_id"), ()):
                with contextlib.suppress(asyncio.QueueFull):
                    queue.put_nowait(message.get("notification") or {})

    async def subscribe(self, user_id: int) -> asyncio.Queue:
        await self._start()
        queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_LIMIT)
        async with self._groups:
            first = user_id not in self.listeners
            self.listeners.setdefault(user_id, set()).add(queue)
            if first:
                await self.layer.group_add(user_group(user_id), self.channel)
        return queue

    async def unsubscribe(self, user_id: int, queue: asyncio.Queue) -> None:
        async with self._groups:
            queues = self.listeners.get(user_id)
            if queues is None:
                return
            queues.discard(queue)
            if not queues:
                del self.listeners[user_id]
                await self.layer.group_discard(user_group(user_id), self.channel)


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def hub() -> Hub:
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = Hub()
    return _hubs[loop]
