"""The chat message shape shared by STOMP MESSAGE bodies and the history API."""

from django.utils import timezone

from chat.models import ChatMessage


def message_payload(message: ChatMessage, *, party_id: int) -> dict:
    sender = message.sender
    return {
        "id": message.id,
        "party_id": party_id,
        "sender": None if sender is None else {"id": sender.id, "nickname": sender.nickname},
        "content": message.content,
        "type": message.type,
        "created_at": timezone.localtime(message.created_at).isoformat(),
    }
