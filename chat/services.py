"""Chat writes: opening a party's room and storing messages (then delivering them)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from chat.broadcast import broadcast_after_commit
from chat.models import MAX_MESSAGE_LENGTH, ChatMessage, ChatRoom, MessageType
from chat.serializers import message_payload
from common.errors import Conflict, DomainError, PermissionDenied
from common.events import emit
from parties.selectors import user_is_member


def _store(room: ChatRoom, *, sender: User | None, content: str, type: str) -> ChatMessage:
    message = ChatMessage.objects.create(room=room, sender=sender, content=content, type=type)
    broadcast_after_commit(
        room.party_id,
        {"type": "chat.message", "message": message_payload(message, party_id=room.party_id)},
    )
    return message


def chat_room_open(*, party_id: int, member_ids: list[int] | None = None) -> ChatRoom:
    """Open the party's room (idempotent); members get ``chat.created``."""
    with transaction.atomic():
        room, created = ChatRoom.objects.get_or_create(party_id=party_id)
        if created:
            _store(
                room,
                sender=None,
                content=_("모집이 마감되어 채팅방이 열렸어요. 만날 시간과 장소를 정해 보세요."),
                type=MessageType.SYSTEM,
            )
            emit("chat.created", payload={"party_id": party_id, "member_ids": member_ids or []})
    return room


def chat_message_send(*, party_id: int, user: User, content: str) -> ChatMessage:
    """Store a member's message, then deliver it to every subscriber after commit."""
    content = (content or "").strip()
    if not content:
        raise DomainError("message_empty", _("메시지를 입력해 주세요."))
    if len(content) > MAX_MESSAGE_LENGTH:
        raise DomainError(
            "message_too_long",
            _("메시지는 %(max)d자까지 보낼 수 있어요.") % {"max": MAX_MESSAGE_LENGTH},
        )
    if not user_is_member(party_id=party_id, user_id=user.pk):
        raise PermissionDenied("not_a_member", _("파티 멤버만 채팅할 수 있어요."))
    try:
        with transaction.atomic():
            # No room yet: the foreign key refuses the row (checked at commit), so the
            # common case costs one query less than looking the room up first.
            message = _store(
                ChatRoom(party_id=party_id), sender=user, content=content, type=MessageType.CHAT
            )
    except IntegrityError:
        raise Conflict("chat_not_open", _("모집이 마감되면 채팅방이 열려요.")) from None
    message.sender = user
    return message
