"""This process's chat fan-out: one ``party.<id>`` group membership per party per process.

STOMP connections register each subscription ``(connection, subscription id)`` with the hub
(``common.hub.LocalHub``); the hub receives each stored message once, builds its MESSAGE frame
once per subscription id in use (its WebSocket frame too) and writes it to every local
subscriber, in the order the messages arrive. A ``chat.revoke`` (a member left) ends that
member's subscriptions here.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

from chat import stomp
from chat.broadcast import party_group
from common.hub import LocalHub
from common.metrics import chat_message_delivered
from common.transport import OutgoingMessage

logger = logging.getLogger(__name__)


class Subscriber(Protocol):
    """What the hub needs of a connection (``chat.consumers.StompConsumer`` is one)."""

    session_id: str
    user: Any

    async def send_data(self, data: str | bytes | OutgoingMessage) -> None: ...
    async def delivery_interrupted(self) -> None: ...
    async def room_closed(self) -> None: ...
    def subscription_revoked(self, sub_id: str) -> None: ...


Subscription = tuple[Subscriber, str]  # (connection, its subscription id)


class ChatHub(LocalHub[Subscription]):
    channel_prefix = "chat-hub."

    def group(self, key: int) -> str:
        return party_group(key)

    async def handle(self, message: dict) -> None:
        if message.get("type") == "chat.message":
            await self._deliver(message["message"])
        elif message.get("type") == "chat.revoke":
            await self._revoke(party_id=message["party_id"], user_id=message["user_id"])
        elif message.get("type") == "chat.closed":
            for connection, _sub_id in list(self.listeners.get(message["party_id"], ())):
                await connection.room_closed()

    async def _deliver(self, message: dict) -> None:
        party_id = message["party_id"]
        subscriptions = self.listeners.get(party_id)
        if not subscriptions:
            return
        destination, message_id = f"/topic/party.{party_id}", str(message["id"])
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        frames: dict[str, OutgoingMessage] = {}  # subscription id -> the MESSAGE, ready to go
        targets = list(subscriptions)
        for connection, sub_id in targets:
            data = frames.get(sub_id)
            if data is None:
                data = frames[sub_id] = OutgoingMessage(
                    stomp.as_websocket_data(stomp.message(destination, sub_id, message_id, body))
                )
            try:
                await connection.send_data(data)
            except Exception:  # one broken connection must not starve the others
                logger.exception("chat hub: delivery to session %s failed", connection.session_id)
        chat_message_delivered(created_at=message["created_at"], frames=len(targets))

    async def interrupted(self, listeners: dict[int, set[Subscription]]) -> None:
        """Messages may have been published while this process was not listening: every
        subscriber gets ERROR ``delivery_interrupted`` and is closed; clients reconnect and
        fill the gap from history (the chat panel does, by message id)."""
        connections = {connection for subs in listeners.values() for connection, _ in subs}
        for connection in connections:
            try:
                await connection.delivery_interrupted()
            except Exception:
                logger.exception("chat hub: telling session %s failed", connection.session_id)

    async def _revoke(self, *, party_id: int, user_id: int) -> None:
        for connection, sub_id in list(self.listeners.get(party_id, ())):
            if connection.user.pk == user_id:
                connection.subscription_revoked(sub_id)
                await self.remove(party_id, (connection, sub_id))


def chat_hub() -> ChatHub:
    return ChatHub.for_this_loop()
