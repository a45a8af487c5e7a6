"""Penalties' reactions to domain events (registered in PenaltiesConfig.ready)."""

from common.events import DomainEvent
from penalties.services import penalty_count_forget, penalty_count_recount


def forget_cached_count(event: DomainEvent) -> None:
    """Live, right after the commit: the next read of the count goes to the database."""
    penalty_count_forget(user_id=event.payload["user_id"])


def recount(event: DomainEvent) -> None:
    """From the outbox, once per event: the cached count is right even if the process that
    made the change died before forgetting it."""
    penalty_count_recount(user_id=event.payload["user_id"])
