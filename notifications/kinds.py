"""Which domain events notify whom, and how they read: for each notifying event type, its
label (inbox), its sentence, and its recipients, in this one table. Types not here notify
no one. The actor of an event is never notified of it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.events import EventType
from notifications import selectors


@dataclass(frozen=True)
class NotificationKind:
    label: Promise
    # Formatted with %(title)s, %(market)s and %(who)s (the user the event is about).
    sentence: Promise
    recipients: Callable[[dict], set[int]]


KINDS: dict[EventType, NotificationKind] = {
    EventType.PARTY_CREATED: NotificationKind(
        _("새 파티"),
        _("%(market)s에 새 파티가 열렸어요: %(title)s"),
        selectors.favoriters_of_new_party,
    ),
    EventType.PARTY_JOINED: NotificationKind(
        _("참여"), _("%(who)s님이 파티에 들어왔어요: %(title)s"), selectors.party_leader
    ),
    EventType.PARTY_LEFT: NotificationKind(
        _("나감"), _("%(who)s님이 파티에서 나갔어요: %(title)s"), selectors.party_leader
    ),
    EventType.PARTY_CLOSED: NotificationKind(
        _("모집 마감"), _("모집이 마감됐어요: %(title)s"), selectors.party_members
    ),
    EventType.PARTY_CANCELLED: NotificationKind(
        _("파티 취소"), _("파티가 취소됐어요: %(title)s"), selectors.party_members
    ),
    EventType.CHAT_CREATED: NotificationKind(
        _("채팅"), _("채팅방이 열렸어요: %(title)s"), selectors.party_members
    ),
    EventType.PENALTY_RECEIVED: NotificationKind(
        _("페널티"), _("페널티를 받았어요: %(title)s"), selectors.penalized_member
    ),
}


def recipients(event_type: str, payload: dict, actor_id: int | None) -> set[int]:
    kind = KINDS.get(event_type)  # type: ignore[call-overload]  # a StrEnum key equals its str
    users = kind.recipients(payload) if kind else set()
    users.discard(actor_id)  # never the one who caused it
    return users


def label(event_type: str) -> str:
    kind = KINDS.get(event_type)  # type: ignore[call-overload]  # a StrEnum key equals its str
    return str(kind.label) if kind else str(_("알림"))
