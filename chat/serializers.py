"""The chat message shape shared by STOMP MESSAGE bodies and the history API."""

from datetime import datetime

from django.utils import timezone

from chat.models import ChatMessage


def message_payload(message: ChatMessage, *, party_id: int, created_at: str | None = None) -> dict:
    """``created_at``: the message's time as this returns it, when the caller already has it
    (a stored batch shares one time: ``chat.services`` formats it once)."""
    sender = message.sender
    return {
        "id": message.id,
        "party_id": party_id,
        "sender": None if sender is None else {"id": sender.id, "nickname": sender.nickname},
        "content": message.content,
        "type": message.type,
        "created_at": created_at or local_time_text(message.created_at),
    }


def local_time_text(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()
