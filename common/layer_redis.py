"""Redis Pub/Sub channel layer that says when its subscriptions may have missed messages.

channels-redis' ``RedisPubSubChannelLayer`` reconnects and resubscribes by itself after a
Redis blip (redis-py's ``PubSub.on_connect``), silently: whatever was published meanwhile is
gone, and nothing tells the application (its ``on_disconnect``/``on_reconnect`` options are no
longer used, channels-redis issue 406). This subclass calls its interruption listeners when
reading from a subscription fails and when a subscription connection is re-established, so
the process's hubs can tell their clients to catch up (``common.hub``).

It also publishes a batch of group sends in one pipelined round trip (``group_send_many``):
channels-redis publishes one message per round trip under a per-connection lock, so a batch of
N stored chat messages took N trips through the event loop (each behind every callback
queued meanwhile: under load, the tail of chat latency), and a task each.

It subclasses channels-redis internals (``RedisPubSubLoopLayer``,
``RedisSingleShardConnection``; pinned ``channels-redis<5``); a test cuts Redis through a TCP
proxy and checks that every message still reaches every client.
"""

import asyncio
import logging
from collections.abc import Callable
from typing import cast

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
    _wrap_close,
)
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

logger = logging.getLogger(__name__)


class _ObservedPubSub(PubSub):
    """redis-py's PubSub; ``on_connect`` runs on every *re*connection (the first connection
    registers it only after connecting) and then resubscribes: report it."""

    def __init__(self, *args, on_reconnect: Callable[[], None], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._on_reconnect = on_reconnect

    async def on_connect(self, connection) -> None:
        await super().on_connect(connection)
        self._on_reconnect()


class _ObservedShard(RedisSingleShardConnection):
    def _ensure_redis(self) -> None:
        if self._redis is None:
            super()._ensure_redis()
            redis = cast(Redis, self._redis)  # just set by channels-redis' _ensure_redis
            self._pubsub = _ObservedPubSub(
                redis.connection_pool,
                event_dispatcher=redis._event_dispatcher,
                on_reconnect=lambda: self.channel_layer.interrupted("reconnected"),
            )

    async def publish_many(self, items: list[tuple[str, bytes]]) -> None:
        """PUBLISH each ``(channel, data)``, in order, in one round trip."""
        async with self._lock:
            self._ensure_redis()
            async with cast(Redis, self._redis).pipeline(transaction=False) as pipe:
                for channel, data in items:
                    pipe.publish(channel, data)
                await pipe.execute()

    async def _do_receiving(self) -> None:
        # channels-redis' loop, telling the layer when a read fails (the connection broke).
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=0.1
                    )
                    self._receive_message(message)
                else:
                    await asyncio.sleep(0.1)
            except (TimeoutError, asyncio.CancelledError, GeneratorExit):
                raise
            except BaseException as error:
                logger.warning("channel layer: subscription read failed (%s)", error)
                self.channel_layer.interrupted("read failed")
                await asyncio.sleep(1)


class _ObservedLoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shards: list[_ObservedShard] = [
            _ObservedShard(shard.host, self) for shard in self._shards
        ]
        self._interruption_listeners: list[Callable[[], None]] = []

    async def group_send_many(self, sends: list[tuple[str, dict]]) -> None:
        """``group_send`` each ``(group, message)``, in order, one round trip per shard."""
        batches: dict[_ObservedShard, list[tuple[str, bytes]]] = {}
        for group, message in sends:
            channel = self._get_group_channel_name(group)
            batches.setdefault(self._get_shard(channel), []).append(
                (channel, self.channel_layer.serialize(message))
            )
        for shard, items in batches.items():
            await shard.publish_many(items)

    def add_interruption_listener(self, listener: Callable[[], None]) -> None:
        self._interruption_listeners.append(listener)

    def interrupted(self, why: str) -> None:
        logger.warning("channel layer: live delivery interrupted (%s)", why)
        for listener in list(self._interruption_listeners):
            try:
                listener()
            except Exception:
                logger.exception("interruption listener failed")


class ObservedPubSubChannelLayer(RedisPubSubChannelLayer):
    """``RedisPubSubChannelLayer`` whose per-loop layers report interruptions and publish
    batches in one round trip."""

    async def group_send_many(self, sends: list[tuple[str, dict]]) -> None:
        await self._get_layer().group_send_many(sends)

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = _ObservedLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
            return layer
