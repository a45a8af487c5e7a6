"""Chat's reactions to domain events (registered in ChatConfig.ready)."""

from chat.services import chat_room_open
from common.events import DomainEvent


def open_room_when_party_closes(event: DomainEvent) -> None:
    chat_room_open(party_id=event.payload["party_id"], member_ids=event.payload["member_ids"])
