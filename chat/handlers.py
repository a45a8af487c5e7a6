"""Chat's reactions to domain events (registered in ChatConfig.ready)."""

from chat.broadcast import broadcast_after_commit
from chat.services import chat_room_close, chat_room_open
from common.events import DomainEvent


def open_room_when_party_closes(event: DomainEvent) -> None:
    chat_room_open(party_id=event.payload["party_id"], member_ids=event.payload["member_ids"])


def close_room_when_party_is_cancelled(event: DomainEvent) -> None:
    chat_room_close(party_id=event.payload["party_id"])


def revoke_subscriptions_when_member_leaves(event: DomainEvent) -> None:
    """Whoever leaves a party stops receiving its chat on every open connection."""
    payload = event.payload
    broadcast_after_commit(
        payload["party_id"],
        {"type": "chat.revoke", "party_id": payload["party_id"], "user_id": payload["user_id"]},
    )
