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
    # Formatted with %(title)s, %(market)s, %(who)s (the user the event is about) and
    # %(when)s (the payload's meet_at, local time).
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
    EventType.PARTY_WITHDRAWN: NotificationKind(
        _("못 가게 됨"),
        _("%(who)s님이 못 가게 됐어요. 자리가 하나 비었어요: %(title)s"),
        selectors.party_members,
    ),
    EventType.PARTY_RESCHEDULED: NotificationKind(
        _("일정 변경"),
        _("만나는 시각이 %(when)s(으)로 바뀌었어요: %(title)s"),
        selectors.party_members,
    ),
    EventType.MEETING_REMINDER: NotificationKind(
        _("곧 만나요"), _("1시간 뒤 %(when)s에 만나요: %(title)s"), selectors.party_members
    ),
    EventType.ATTENDANCE_REMINDER: NotificationKind(
        _("누가 왔나요?"),
        _("오늘 만남은 어땠나요? 오지 않은 멤버가 있으면 표시해 주세요: %(title)s"),
        selectors.party_leader,
    ),
    EventType.CHAT_CREATED: NotificationKind(
        _("채팅"), _("채팅방이 열렸어요: %(title)s"), selectors.party_members
    ),
    EventType.PENALTY_RECEIVED: NotificationKind(
        _("페널티"), _("페널티를 받았어요: %(title)s"), selectors.penalized_member
    ),
    EventType.SETTLEMENT_BILLED: NotificationKind(
        _("정산 요청"),
        _("파티장이 정산을 요청했어요. 보낼 금액을 확인해 주세요: %(title)s"),
        selectors.party_members,
    ),
    EventType.SETTLEMENT_CHANGED: NotificationKind(
        _("정산 변경"),
        _("파티장이 정산 내용을 고쳤어요. 보낼 금액을 다시 확인해 주세요: %(title)s"),
        selectors.party_members,
    ),
    EventType.SETTLEMENT_PAID: NotificationKind(
        _("정산 보냄"),
        _("%(who)s님이 보냈다고 표시했어요. 받았는지 확인해 주세요: %(title)s"),
        selectors.party_leader,
    ),
    EventType.SETTLEMENT_CONFIRMED: NotificationKind(
        _("정산 확인"),
        _("파티장이 받은 것을 확인했어요: %(title)s"),
        selectors.the_user,
    ),
    EventType.SETTLEMENT_COMPLETED: NotificationKind(
        _("정산 완료"), _("정산이 모두 끝났어요: %(title)s"), selectors.party_members
    ),
    EventType.SETTLEMENT_REMINDER: NotificationKind(
        _("정산 알림"),
        _("아직 보내지 않은 정산이 있어요: %(title)s"),
        selectors.party_members,
    ),
    EventType.REPORT_RESOLVED: NotificationKind(
        _("신고 처리"),
        _("신고해 주신 내용을 검토하고 처리했어요. 고마워요."),
        selectors.reporters,
    ),
    # An admin decided an appeal: both sides hear it (the admin is the actor).
    EventType.PENALTY_APPEAL_UPHELD: NotificationKind(
        _("이의 신청 결과"),
        _("%(who)s님의 이의 신청을 검토했어요. 페널티는 유지돼요: %(title)s"),
        selectors.penalized_member_and_leader,
    ),
    EventType.PENALTY_APPEAL_REVOKED: NotificationKind(
        _("이의 신청 결과"),
        _("%(who)s님의 이의 신청이 받아들여져 페널티가 취소됐어요: %(title)s"),
        selectors.penalized_member_and_leader,
    ),
    # Questions before joining: the leader hears of a question, the asker of the reply.
    EventType.COMMENT_CREATED: NotificationKind(
        _("질문"), _("%(who)s님이 질문을 남겼어요: %(title)s"), selectors.party_leader
    ),
    EventType.COMMENT_REPLIED: NotificationKind(
        _("답변"), _("파티장 %(who)s님이 질문에 답했어요: %(title)s"), selectors.question_asker
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
