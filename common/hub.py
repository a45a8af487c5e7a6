"""A per-process fan-out point between the channel layer and this process's connections.

Instead of a channel-layer channel per connection, each web process (each event loop) has
one hub per kind of group: the hub holds one channel, joins a group when the first local
listener for its key registers and leaves it when the last one goes, receives each event
once and hands it to the local listeners. Opening or closing a connection touches the layer
only for a key's first or last listener here, and an event costs one deserialization per
process, not one per connection, with no per-connection queue or task wake-up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable
from typing import ClassVar, Generic, Self, TypeVar

from channels.layers import get_channel_layer

from common.logs import detached_context

logger = logging.getLogger(__name__)

Listener = TypeVar("Listener", bound=Hashable)


class HubUnavailable(Exception):
    """The channel layer cannot be reached: this listener could not be registered."""


class LocalHub(Generic[Listener]):
    channel_prefix: ClassVar[str]

    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.listeners: dict[int, set[Listener]] = {}
        self._ready = asyncio.Lock()
        self._groups = asyncio.Lock()
        self._task: asyncio.Task | None = None

    # --- for subclasses ---------------------------------------------------------------

    def group(self, key: int) -> str:
        raise NotImplementedError

    async def handle(self, message: dict) -> None:
        """One event from the layer; runs in this hub's receive loop, one at a time."""
        raise NotImplementedError

    async def interrupted(self, listeners: dict[int, set[Listener]]) -> None:
        """The layer may have lost events (Redis was unreachable, or the subscription was
        re-established): these listeners (the ones registered when it happened) must learn
        it and catch up on their own."""
        raise NotImplementedError

    # --- registry ---------------------------------------------------------------------

    async def add(self, key: int, listener: Listener) -> None:
        """Register ``listener`` for ``key``; once this returns, the group is joined.
        Raises ``HubUnavailable`` (nothing registered) when the layer cannot be reached."""
        try:
            await self._start()
        except Exception as error:
            raise HubUnavailable(str(error)) from error
        async with self._groups:
            if key not in self.listeners:
                # Joined before the listener is registered: an interruption reported while
                # joining (the layer reconnecting) concerns the listeners before it, not this.
                try:
                    await self.layer.group_add(self.group(key), self.channel)
                except Exception as error:
                    raise HubUnavailable(str(error)) from error
                self.listeners[key] = set()
            self.listeners[key].add(listener)

    async def remove(self, key: int, listener: Listener) -> None:
        async with self._groups:
            listeners = self.listeners.get(key)
            if listeners is None or listener not in listeners:
                return
            listeners.discard(listener)
            if not listeners:
                del self.listeners[key]
                try:
                    await self.layer.group_discard(self.group(key), self.channel)
                except Exception:  # unreachable: the subscription is gone with the link
                    logger.warning("%s: leaving %s failed", type(self).__name__, key)

    # --- plumbing ---------------------------------------------------------------------

    async def _start(self) -> None:
        async with self._ready:
            if self.channel is None:
                self.channel = await self.layer.new_channel(self.channel_prefix)
                # Serves the process, not the request that happened to start it: no log
                # context of that request (common.logs).
                self._task = asyncio.create_task(self._receive(), context=detached_context())
                if hasattr(self.layer, "add_interruption_listener"):  # common.layer_redis
                    self.layer.add_interruption_listener(self._on_interruption)

    def _on_interruption(self) -> None:
        registered = {key: set(listeners) for key, listeners in self.listeners.items()}
        task = asyncio.ensure_future(self.interrupted(registered))

        def report_failure(done: asyncio.Future[None]) -> None:
            if not done.cancelled() and done.exception() is not None:
                logger.error("%s: telling listeners failed", type(self).__name__)

        task.add_done_callback(report_failure)

    async def _receive(self) -> None:
        failures = 0
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except Exception:  # the layer hiccuped: keep listening, at once the first time
                logger.exception("%s: receive failed", type(self).__name__)
                failures += 1
                await asyncio.sleep(min(1.0, 0.05 * (2 ** (failures - 1))) if failures > 1 else 0)
                continue
            failures = 0
            try:
                await self.handle(message)
            except Exception:  # one bad event must not stop the process's deliveries
                logger.exception("%s: handling %s failed", type(self).__name__, message.get("type"))

    _hubs: ClassVar[dict[tuple[type, asyncio.AbstractEventLoop], LocalHub]] = {}

    @classmethod
    def for_this_loop(cls) -> Self:
        """This process's hub of this kind (one per event loop)."""
        key = (cls, asyncio.get_running_loop())
        if key not in LocalHub._hubs:
            LocalHub._hubs[key] = cls()
        return LocalHub._hubs[key]  # type: ignore[return-value]
