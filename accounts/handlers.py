"""Accounts' reactions to domain events (registered in AccountsConfig.ready)."""

from common.connections import end_account_connections_after_commit
from common.events import DomainEvent


def end_connections_of_suspended_user(event: DomainEvent) -> None:
    """From the outbox, once: every open WebSocket of the user, in every process, closes."""
    end_account_connections_after_commit(event.payload["user_id"])
