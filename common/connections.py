"""Ending a user's live connections in every web process: a suspended account must not keep
a WebSocket open (or an SSE stream: ``notifications.hub`` ends those on the same signal).

Each process's ``AccountHub`` joins ``account.<user id>`` while that user has a connection
here (one group per user per process, not per connection: ``common.hub.LocalHub``); an
``account.ended`` event tells every such connection to close. Sent from the outbox reaction
to ``user.suspended`` (``accounts.apps``), so it happens even if the process that suspended
the user died right after its commit.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Protocol

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from common.hub import LocalHub
from common.layer import group_send_after_commit


class AccountConnection(Hashable, Protocol):
    async def account_ended(self) -> None: ...


def account_group(user_id: int) -> str:
    return f"account.{user_id}"


class AccountHub(LocalHub[AccountConnection]):
    channel_prefix = "account-hub."

    def group(self, key: int) -> str:
        return account_group(key)

    async def handle(self, message: dict) -> None:
        if message.get("type") == "account.ended":
            for connection in list(self.listeners.get(message["user_id"], ())):
                await connection.account_ended()

    async def interrupted(self, listeners: dict[int, set[AccountConnection]]) -> None:
        """An "ended" event may have been lost while Redis was away: ask the database which
        of these users are no longer active and end their connections; the rest stay."""
        ended = await _inactive_among(list(listeners))
        for user_id in ended:
            for connection in listeners[user_id]:
                await connection.account_ended()


@database_sync_to_async
def _inactive_among(user_ids: list[int]) -> list[int]:
    return list(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=False)
        .values_list("pk", flat=True)
    )


def account_hub() -> AccountHub:
    return AccountHub.for_this_loop()


def end_account_connections_after_commit(user_id: int) -> None:
    group_send_after_commit(
        [(account_group(user_id), {"type": "account.ended", "user_id": user_id})]
    )
