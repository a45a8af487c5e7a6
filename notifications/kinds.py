"""Which domain events notify whom, and how they read: for each notifying event type, its
label (inbox), its sentence, its recipients and why they are told, its settings group, in this
one table. Types not here notify no one. The actor of an event is never notified of it.

What one action causes (``common.events``: a join that fills a party and opens its chat) is
one notification per recipient: ``compose`` writes the sentences of every kind it holds, in
order, into one message ("민수님이 파티에 들어왔어요 · 모집이 마감됐어요 · 채팅방이 열렸어요:
사과 한 박스"), under the label of its weightiest kind.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.events import EventType
from notifications import selectors
from notifications.reasons import Reason


class Group(StrEnum):
    """What a resident switches on and off in the notification settings."""

    NEW_PARTIES = "new_parties"
    MY_PARTIES = "my_parties"
    REMINDERS = "reminders"
    SETTLEMENT = "settlement"
    QUESTIONS = "questions"
    SAFETY = "safety"


@dataclass(frozen=True)
class GroupSpec:
    label: Promise
    help: Promise
    switchable: bool = True


GROUPS: dict[Group, GroupSpec] = {
    Group.NEW_PARTIES: GroupSpec(
        _("찜한 마트·품목의 새 파티"), _("찜한 마트나 찜한 품목으로 새 파티가 열리면")
    ),
    Group.MY_PARTIES: GroupSpec(
        _("내 파티 소식"), _("참여, 나감, 모집 마감, 취소, 일정 변경, 채팅방 열림")
    ),
    Group.REMINDERS: GroupSpec(_("만남 알림"), _("만나기 1시간 전, 만난 뒤 출석 확인")),
    Group.SETTLEMENT: GroupSpec(_("정산"), _("정산 요청, 보냄, 확인, 완료")),
    Group.QUESTIONS: GroupSpec(_("질문과 답변"), _("참여 전 질문과 파티장의 답")),
    Group.SAFETY: GroupSpec(
        _("페널티와 신고"),
        _("페널티, 이의 신청 결과, 신고 처리: 꼭 알려 드려야 해서 끌 수 없어요"),
        switchable=False,
    ),
}


# A recipient function returns the users told, or {user: reason} when the reason differs.
Recipients = Callable[[dict], "set[int] | dict[int, str]"]


@dataclass(frozen=True)
class NotificationKind:
    label: Promise
    # Formatted with %(market)s, %(item)s, %(who)s (the user the event is about) and
    # %(when)s (the payload's meet_at, local time); the party's title follows (``titled``).
    sentence: Promise
    recipients: Recipients
    group: Group = Group.MY_PARTIES
    reason: Reason = Reason.MY_PARTY
    # Another sentence for a recipient told for another reason (a favorite item's fans).
    by_reason: dict[str, Promise] = field(default_factory=dict)
    # The label of a notification that holds several kinds is its weightiest kind's.
    weight: int = 0
    titled: bool = True


KINDS: dict[EventType, NotificationKind] = {
    EventType.PARTY_CREATED: NotificationKind(
        _("새 파티"),
        _("찜한 마트 %(market)s에 새 파티가 열렸어요"),
        selectors.favoriters_of_new_party,
        group=Group.NEW_PARTIES,
        reason=Reason.FAVORITE_MARKET,
        by_reason={Reason.FAVORITE_ITEM: _("찜한 품목 %(item)s 파티가 %(market)s에 열렸어요")},
    ),
    EventType.PARTY_JOINED: NotificationKind(
        _("참여"), _("%(who)s님이 파티에 들어왔어요"), selectors.party_leader, weight=1
    ),
    EventType.PARTY_LEFT: NotificationKind(
        _("나감"), _("%(who)s님이 파티에서 나갔어요"), selectors.party_leader
    ),
    EventType.PARTY_CLOSED: NotificationKind(
        _("모집 마감"), _("모집이 마감됐어요"), selectors.party_members, weight=3
    ),
    EventType.PARTY_CANCELLED: NotificationKind(
        _("파티 취소"), _("파티가 취소됐어요"), selectors.party_members, weight=4
    ),
    EventType.PARTY_WITHDRAWN: NotificationKind(
        _("못 가게 됨"),
        _("%(who)s님이 못 가게 됐어요. 자리가 하나 비었어요"),
        selectors.party_members,
    ),
    EventType.PARTY_RESCHEDULED: NotificationKind(
        _("일정 변경"),
        _("만나는 시각이 %(when)s(으)로 바뀌었어요"),
        selectors.party_members,
        weight=2,
    ),
    EventType.MEETING_REMINDER: NotificationKind(
        _("곧 만나요"),
        _("1시간 뒤 %(when)s에 만나요"),
        selectors.party_members,
        group=Group.REMINDERS,
    ),
    EventType.ATTENDANCE_REMINDER: NotificationKind(
        _("누가 왔나요?"),
        _("오늘 만남은 어땠나요? 오지 않은 멤버가 있으면 표시해 주세요"),
        selectors.party_leader,
        group=Group.REMINDERS,
    ),
    EventType.CHAT_CREATED: NotificationKind(
        _("채팅"), _("채팅방이 열렸어요"), selectors.party_members, weight=2
    ),
    EventType.PENALTY_RECEIVED: NotificationKind(
        _("페널티"),
        _("페널티를 받았어요"),
        selectors.penalized_member,
        group=Group.SAFETY,
        reason=Reason.MY_ACCOUNT,
        weight=5,
    ),
    EventType.SETTLEMENT_BILLED: NotificationKind(
        _("정산 요청"),
        _("파티장이 정산을 요청했어요. 보낼 금액을 확인해 주세요"),
        selectors.party_members,
        group=Group.SETTLEMENT,
    ),
    EventType.SETTLEMENT_CHANGED: NotificationKind(
        _("정산 변경"),
        _("파티장이 정산 내용을 고쳤어요. 보낼 금액을 다시 확인해 주세요"),
        selectors.party_members,
        group=Group.SETTLEMENT,
    ),
    EventType.SETTLEMENT_PAID: NotificationKind(
        _("정산 보냄"),
        _("%(who)s님이 보냈다고 표시했어요. 받았는지 확인해 주세요"),
        selectors.party_leader,
        group=Group.SETTLEMENT,
    ),
    EventType.SETTLEMENT_CONFIRMED: NotificationKind(
        _("정산 확인"),
        _("파티장이 받은 것을 확인했어요"),
        selectors.the_user,
        group=Group.SETTLEMENT,
    ),
    EventType.SETTLEMENT_COMPLETED: NotificationKind(
        _("정산 완료"),
        _("정산이 모두 끝났어요"),
        selectors.party_members,
        group=Group.SETTLEMENT,
        weight=1,
    ),
    EventType.SETTLEMENT_REMINDER: NotificationKind(
        _("정산 알림"),
        _("아직 보내지 않은 정산이 있어요"),
        selectors.party_members,
        group=Group.SETTLEMENT,
    ),
    EventType.REPORT_RESOLVED: NotificationKind(
        _("신고 처리"),
        _("신고해 주신 내용을 검토하고 처리했어요. 고마워요."),
        selectors.reporters,
        group=Group.SAFETY,
        reason=Reason.MY_ACCOUNT,
        titled=False,
    ),
    # An admin decided an appeal: both sides hear it (the admin is the actor).
    EventType.PENALTY_APPEAL_UPHELD: NotificationKind(
        _("이의 신청 결과"),
        _("%(who)s님의 이의 신청을 검토했어요. 페널티는 유지돼요"),
        selectors.penalized_member_and_leader,
        group=Group.SAFETY,
        reason=Reason.MY_ACCOUNT,
    ),
    EventType.PENALTY_APPEAL_REVOKED: NotificationKind(
        _("이의 신청 결과"),
        _("%(who)s님의 이의 신청이 받아들여져 페널티가 취소됐어요"),
        selectors.penalized_member_and_leader,
        group=Group.SAFETY,
        reason=Reason.MY_ACCOUNT,
    ),
    # Questions before joining: the leader hears of a question, the asker of the reply.
    EventType.COMMENT_CREATED: NotificationKind(
        _("질문"),
        _("%(who)s님이 질문을 남겼어요"),
        selectors.party_leader,
        group=Group.QUESTIONS,
    ),
    EventType.COMMENT_REPLIED: NotificationKind(
        _("답변"),
        _("파티장 %(who)s님이 질문에 답했어요"),
        selectors.question_asker,
        group=Group.QUESTIONS,
        reason=Reason.MY_QUESTION,
    ),
}


def kind_of(event_type: str) -> NotificationKind | None:
    return KINDS.get(event_type)  # type: ignore[call-overload]  # a StrEnum key equals its str


def recipients(event_type: str, payload: dict, actor_id: int | None) -> dict[int, str]:
    """user id -> why they are told (``Reason``); never the one who caused it."""
    kind = kind_of(event_type)
    if kind is None:
        return {}
    found = kind.recipients(payload)
    told = dict(found) if isinstance(found, dict) else dict.fromkeys(found, str(kind.reason))
    told.pop(actor_id, None)  # type: ignore[arg-type]  # None is never a key
    return told


def label(event_type: str) -> str:
    kind = kind_of(event_type)
    return str(kind.label) if kind else str(_("알림"))


def sentence(event_type: str, reason: str, values: dict[str, str]) -> str:
    """One kind's sentence for a recipient told for ``reason``, without the title."""
    kind = kind_of(event_type)
    if kind is None:
        return ""
    return str(kind.by_reason.get(reason, kind.sentence)) % values


def compose(parts: Sequence[tuple[str, str]], title: str) -> tuple[str, str]:
    """(label, message) of a notification holding ``parts`` — (event type, its sentence) in
    the order they happened: the weightiest kind's label; the sentences joined, the title
    once at the end."""
    kinds = [(kind_of(event_type), text) for event_type, text in parts]
    known = [(kind, text) for kind, text in kinds if kind is not None]
    if not known:
        return str(_("알림")), ""
    heaviest = max(known, key=lambda pair: pair[0].weight)[0]
    message = " · ".join(dict.fromkeys(text for _kind, text in known if text))
    if title and any(kind.titled for kind, _text in known):
        message = f"{message}: {title}"
    return str(heaviest.label), message


def weight(event_type: str) -> int:
    kind = kind_of(event_type)
    return kind.weight if kind else -1


def group_of(event_type: str) -> Group | None:
    kind = kind_of(event_type)
    return kind.group if kind else None


def types_of(group: Group) -> list[str]:
    """The event types of a settings group, in the table's order."""
    return [str(event_type) for event_type, kind in KINDS.items() if kind.group == group]


def switchable(event_type: str) -> bool:
    kind = kind_of(event_type)
    return kind is not None and GROUPS[kind.group].switchable
