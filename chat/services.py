"""Chat writes: opening a party's room and storing messages (then delivering them)."""

from dataclasses import dataclass
from datetime import datetime

import psycopg
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from chat.broadcast import broadcast_many_after_commit
from chat.models import MAX_MESSAGE_LENGTH, ChatMessage, ChatRoom, MessageType
from chat.selectors import chat_closed_error
from chat.serializers import local_time_text, message_payload
from common.errors import Conflict, DomainError, NotFound, PermissionDenied
from common.events import EventType, emit
from common.metrics import CHAT_MESSAGES_STORED
from common.params import clean_text
from parties.selectors import members_among


def _deliver_after_commit(messages: list[ChatMessage]) -> None:
    """Every stored message to its party's subscribers once committed: one hand-over."""
    # A batch shares one created_at: formatted once, not per message (the current-timezone
    # lookup behind it took ~2 % of the GIL under chat load, in the worker thread storing
    # batches while the event loop waited to deliver).
    times: dict[datetime, str] = {}
    events = []
    for m in messages:
        created_at = times.get(m.created_at)
        if created_at is None:
            created_at = times[m.created_at] = local_time_text(m.created_at)
        payload = message_payload(m, party_id=m.room_id, created_at=created_at)
        events.append((m.room_id, {"type": "chat.message", "message": payload}))
    broadcast_many_after_commit(events)


def _store(room: ChatRoom, *, sender: User | None, content: str, type: str) -> ChatMessage:
    message = ChatMessage.objects.create(room=room, sender=sender, content=content, type=type)
    _deliver_after_commit([message])
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
            emit(
                EventType.CHAT_CREATED,
                payload={"party_id": party_id, "member_ids": member_ids or []},
            )
    return room


def chat_system_note(*, party_id: int, note: str, type: str = MessageType.SYSTEM) -> bool:
    """A line from the service in the party's open room (a member withdrew, the meeting
    moved); False when there is no open room to say it in."""
    with transaction.atomic():
        room = ChatRoom.objects.filter(party_id=party_id, closed_at__isnull=True).first()
        if room is None:
            return False
        _store(room, sender=None, content=note[:MAX_MESSAGE_LENGTH], type=type)
    return True


def chat_message_hide(*, message_id: int) -> ChatMessage:
    """A moderator hides a message (a report): it leaves the history residents read; the
    record stays (the admin transcript marks it). Idempotent."""
    with transaction.atomic():
        message = ChatMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            raise NotFound("message_not_found", _("메시지를 찾을 수 없어요."))
        if message.hidden_at is None:
            message.hidden_at = timezone.now()
            message.save(update_fields=["hidden_at"])
    return message


def chat_room_close(*, party_id: int) -> bool:
    """Close the party's room (the party was cancelled): a last SYSTEM message, then every
    subscriber is told and disconnected; sending is refused from now on, the history stays
    readable to members. Idempotent; False when there was no open room."""
    with transaction.atomic():
        closed = ChatRoom.objects.filter(party_id=party_id, closed_at__isnull=True).update(
            closed_at=timezone.now()
        )
        if not closed:
            return False
        room = ChatRoom.objects.get(party_id=party_id)
        _store(
            room,
            sender=None,
            content=_("파티가 취소되어 채팅방이 닫혔어요. 지난 대화는 계속 볼 수 있어요."),
            type=MessageType.SYSTEM,
        )
        # After that message, in the same group's order: subscribers end their subscriptions.
        broadcast_many_after_commit([(party_id, {"type": "chat.closed", "party_id": party_id})])
    return True


@dataclass(frozen=True)
class MessageDraft:
    party_id: int
    user: User
    content: str


def _clean_content(content: str) -> str:
    content = (content or "").strip()
    if not content:
        raise DomainError("message_empty", _("메시지를 입력해 주세요."))
    # A NUL or a lone surrogate cannot be stored: refused here, it never fails the batch it
    # would have been stored with (other members' messages).
    clean_text(content, code="message_invalid")
    if len(content) > MAX_MESSAGE_LENGTH:
        raise DomainError(
            "message_too_long",
            _("메시지는 %(max)d자까지 보낼 수 있어요.") % {"max": MAX_MESSAGE_LENGTH},
        )
    return content


def chat_messages_send(*, drafts: list[MessageDraft]) -> list[ChatMessage | DomainError]:
    """Store members' messages, then deliver each to every subscriber after commit.

    Several drafts (from any connections of this process) are checked and stored together:
    under load, the per-message cost is what the database round trips no longer add. Returns,
    in order, the stored message or the refusal for each draft; refused drafts write nothing.
    """
    results: list[ChatMessage | DomainError | None] = [None] * len(drafts)
    checked: list[tuple[int, MessageDraft, str]] = []
    for index, draft in enumerate(drafts):
        try:
            checked.append((index, draft, _clean_content(draft.content)))
        except DomainError as error:
            results[index] = error
    if checked:
        store = _store_checked_postgresql if connection.vendor == "postgresql" else _store_checked
        stored = store(checked, created_at=timezone.now())
        CHAT_MESSAGES_STORED.inc(len(stored))
        refused = [draft for index, draft, _ in checked if index not in stored]
        reasons = _refusals(refused) if refused else {}
        for index, draft, _ in checked:
            message = stored.get(index)
            results[index] = message or reasons[(draft.party_id, draft.user.pk)]
        _deliver_after_commit([stored[index] for index, _, _ in checked if index in stored])
    return results  # type: ignore[return-value]


def _chat_message(
    draft: MessageDraft, content: str, created_at: datetime, id: int | None = None
) -> ChatMessage:
    return ChatMessage(
        id=id,
        room_id=draft.party_id,
        sender=draft.user,
        content=content,
        type=MessageType.CHAT,
        created_at=created_at,
    )


def _access(pairs: set[tuple[int, int]]) -> tuple[set[tuple[int, int]], dict[int, bool]]:
    """Which (party, user) pairs are active memberships, and which parties have a room (and
    whether it is still open: True, or closed since the party was cancelled: False)."""
    members = members_among(pairs=pairs)
    rooms = dict(
        ChatRoom.objects.filter(party_id__in={party_id for party_id, _ in pairs}).values_list(
            "party_id", "closed_at"
        )
    )
    return members, {party_id: closed_at is None for party_id, closed_at in rooms.items()}


def _refusals(drafts: list[MessageDraft]) -> dict[tuple[int, int], DomainError]:
    """Why each (party, user) may not send: not a member, or the room is not open yet."""
    pairs = {(draft.party_id, draft.user.pk) for draft in drafts}
    members, rooms = _access(pairs)
    return {
        (party_id, user_id): (
            PermissionDenied("not_a_member", _("파티 멤버만 채팅할 수 있어요."))
            if (party_id, user_id) not in members
            else Conflict("chat_not_open", _("모집이 마감되면 채팅방이 열려요."))
            if party_id not in rooms
            else chat_closed_error()
            if not rooms[party_id]
            else Conflict("chat_send_refused", _("지금은 메시지를 보낼 수 없어요."))
        )
        for party_id, user_id in pairs
    }


def _store_checked(
    checked: list[tuple[int, MessageDraft, str]], *, created_at: datetime
) -> dict[int, ChatMessage]:
    """Any database: one membership query, one room query, one insert in a transaction."""
    members, rooms = _access({(d.party_id, d.user.pk) for _, d, _ in checked})
    allowed = {
        index: _chat_message(draft, content, created_at)
        for index, draft, content in checked
        if (draft.party_id, draft.user.pk) in members and rooms.get(draft.party_id)
    }
    if allowed:
        with transaction.atomic():
            ChatMessage.objects.bulk_create(list(allowed.values()))
    return allowed


# PostgreSQL: check and insert the whole batch in one statement (one round trip, atomic on its
# own). The ORM path above costs ~1.7 ms of CPU per batch in this process, this ~0.17 ms
# (measured at 1 message a batch): at hundreds of messages a second, that CPU is taken from
# the event loop delivering them. Ids come from the table's sequence in the CTE, in the
# drafts' order, so each stored row is matched back to its draft by position (``ord``).
_STORE_SQL = """
WITH draft AS (
    SELECT * FROM unnest(%(party_ids)s::bigint[], %(user_ids)s::bigint[], %(contents)s::text[])
        WITH ORDINALITY AS d (party_id, user_id, content, ord)
), allowed AS (
    SELECT d.ord, d.party_id, d.user_id, d.content,
           nextval(pg_get_serial_sequence('chat_chatmessage', 'id')) AS id
    FROM draft d
    WHERE EXISTS (
          SELECT 1 FROM chat_chatroom r WHERE r.party_id = d.party_id AND r.closed_at IS NULL
      )
      AND EXISTS (
          SELECT 1 FROM parties_membership m
          WHERE m.party_id = d.party_id AND m.user_id = d.user_id AND m.left_at IS NULL
      )
    ORDER BY d.ord  -- the semi-joins may reorder rows; nextval() runs after the sort
), stored AS (
    INSERT INTO chat_chatmessage (id, room_id, sender_id, type, content, created_at)
    SELECT id, party_id, user_id, %(type)s, content, %(created_at)s FROM allowed
)
SELECT ord, id FROM allowed
"""


def _store_checked_postgresql(
    checked: list[tuple[int, MessageDraft, str]], *, created_at: datetime
) -> dict[int, ChatMessage]:
    # psycopg's own cursor: parameters bound server-side (the arrays are not spelled out
    # as SQL text in Python) and the statement prepared once per pooled connection.
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            _STORE_SQL,
            {
                "party_ids": [draft.party_id for _, draft, _ in checked],
                "user_ids": [draft.user.pk for _, draft, _ in checked],
                "contents": [content for _, _, content in checked],
                "type": MessageType.CHAT.value,
                "created_at": created_at,
            },
        )
        ids = dict(cursor.fetchall())  # ord (1-based position in ``checked``) -> id
    return {
        index: _chat_message(draft, content, created_at, id=ids[position])
        for position, (index, draft, content) in enumerate(checked, start=1)
        if position in ids
    }


def chat_message_send(*, party_id: int, user: User, content: str) -> ChatMessage:
    """Store one member's message (see ``chat_messages_send``); raise its refusal."""
    [result] = chat_messages_send(
        drafts=[MessageDraft(party_id=party_id, user=user, content=content)]
    )
    if isinstance(result, DomainError):
        raise result
    return result
