"""Chat writes: opening a party's room and storing messages (then delivering them)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from chat.broadcast import broadcast_after_commit
from chat.models import MAX_MESSAGE_LENGTH, ChatMessage, ChatRoom, MessageType
from chat.serializers import message_payload
from common.errors import Conflict, DomainError, PermissionDenied
from common.events import emit
from parties.selectors import members_among


def _deliver_after_commit(message: ChatMessage) -> None:
    party_id = message.room_id
    broadcast_after_commit(
        party_id, {"type": "chat.message", "message": message_payload(message, party_id=party_id)}
    )


def _store(room: ChatRoom, *, sender: User | None, content: str, type: str) -> ChatMessage:
    message = ChatMessage.objects.create(room=room, sender=sender, content=content, type=type)
    _deliver_after_commit(message)
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


@dataclass(frozen=True)
class MessageDraft:
    party_id: int
    user: User
    content: str


def _clean_content(content: str) -> str:
    content = (content or "").strip()
    if not content:
        raise DomainError("message_empty", _("메시지를 입력해 주세요."))
    if len(content) > MAX_MESSAGE_LENGTH:
        raise DomainError(
            "message_too_long",
            _("메시지는 %(max)d자까지 보낼 수 있어요.") % {"max": MAX_MESSAGE_LENGTH},
        )
    return content


def chat_messages_send(*, drafts: list[MessageDraft]) -> list[ChatMessage | DomainError]:
    """Store members' messages, then deliver each to every subscriber after commit.

    Several drafts (from any connections of this process) are checked with one membership
    query and one room query and stored with one insert in one transaction: under load, the
    per-message cost is what the database round trips no longer add. Returns, in order, the
    stored message or the refusal for each draft; refused drafts write nothing.
    """
    results: list[ChatMessage | DomainError | None] = [None] * len(drafts)
    checked: list[tuple[int, MessageDraft, str]] = []
    for index, draft in enumerate(drafts):
        try:
            checked.append((index, draft, _clean_content(draft.content)))
        except DomainError as error:
            results[index] = error
    members = members_among(pairs={(d.party_id, d.user.pk) for _, d, _ in checked})
    open_rooms = set(
        ChatRoom.objects.filter(party_id__in={d.party_id for _, d, _ in checked}).values_list(
            "party_id", flat=True
        )
    )
    to_store: list[tuple[int, ChatMessage]] = []
    for index, draft, content in checked:
        if (draft.party_id, draft.user.pk) not in members:
            results[index] = PermissionDenied("not_a_member", _("파티 멤버만 채팅할 수 있어요."))
        elif draft.party_id not in open_rooms:
            results[index] = Conflict("chat_not_open", _("모집이 마감되면 채팅방이 열려요."))
        else:
            message = ChatMessage(
                room_id=draft.party_id, sender=draft.user, content=content, type=MessageType.CHAT
            )
            to_store.append((index, message))
    if to_store:
        with transaction.atomic():
            ChatMessage.objects.bulk_create([message for _, message in to_store])
            for index, message in to_store:
                _deliver_after_commit(message)
                results[index] = message
    return results  # type: ignore[return-value]


def chat_message_send(*, party_id: int, user: User, content: str) -> ChatMessage:
    """Store one member's message (see ``chat_messages_send``); raise its refusal."""
    [result] = chat_messages_send(
        drafts=[MessageDraft(party_id=party_id, user=user, content=content)]
    )
    if isinstance(result, DomainError):
        raise result
    return result
