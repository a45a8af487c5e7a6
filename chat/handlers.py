"""Chat's reactions to domain events (registered in ChatConfig.ready)."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.selectors import user_nickname
from chat.broadcast import broadcast_after_commit
from chat.models import MessageType
from chat.services import chat_room_close, chat_room_open, chat_system_note
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


def say_member_withdrew(event: DomainEvent) -> None:
    """From the outbox, once: the room hears who withdrew (they can no longer read it)."""
    payload = event.payload
    chat_system_note(
        party_id=payload["party_id"],
        note=_("%(who)s님이 못 가게 되어 채팅방에서 나갔어요.")
        % {"who": user_nickname(user_id=payload["user_id"])},
        type=MessageType.LEAVE,
    )


def say_meeting_moved(event: DomainEvent) -> None:
    """From the outbox, once: the room hears the new meeting time and spot."""
    payload = event.payload
    when = date_format(
        timezone.localtime(datetime.fromisoformat(payload["meet_at"])), "n월 j일 (D) H:i"
    )
    note = _("파티장이 만나는 시각을 %(when)s(으)로 정했어요.") % {"when": when}
    if payload.get("meeting_note"):
        note += " " + _("만나는 곳: %(where)s") % {"where": payload["meeting_note"]}
    chat_system_note(party_id=payload["party_id"], note=note)
