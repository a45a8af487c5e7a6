"""A party's lifecycle rules, each in one place: what refuses an action, as a pure function of
what is known about the party and the user.

Services judge them on the locked row and raise the refusal; selectors judge them on what
they read, to show what a user may do and why not (``selectors.party_available_actions``),
so a page or an API client never offers what the service would refuse.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.errors import Conflict, DomainError, PermissionDenied
from markets.models import Market
from parties.models import Membership, MembershipRole, Party
from parties.models import PartyStatus as S

# From meet_at, how long the leader may mark members who did not come.
PENALTY_WINDOW = timedelta(days=7)
# Before meet_at, when withdrawing ("못 가게 됐어요") ends — unless the leader rescheduled.
WITHDRAW_CUTOFF = timedelta(hours=3)

Refusal = DomainError | None


def effective_status(party: Party, now: datetime) -> str:
    """A party past its deadline counts as settled (closed with ≥ 2 members, else
    cancelled), whether or not the periodic settle task has reached it yet."""
    if party.status == S.RECRUITING and party.recruit_until <= now:
        return S.CLOSED if party.member_count >= 2 else S.CANCELLED
    return party.status


def blocked_refusal(blocked_until: datetime | None) -> Refusal:
    if blocked_until is None:
        return None
    return PermissionDenied(
        "penalty_blocked",
        _("페널티가 쌓여 %(date)s까지 파티를 만들거나 참여할 수 없어요.")
        % {"date": date_format(timezone.localtime(blocked_until), "Y년 n월 j일")},
        details={"blocked_until": blocked_until.isoformat()},
    )


def market_closed_refusal(market: Market) -> Refusal:
    """A new party needs a market that operates: one an import found closed (폐업, 휴업)
    takes none. Its existing parties go on (join, chat, ...): no other rule asks this."""
    if market.closed_at is None:
        return None
    return Conflict(
        "market_closed",
        _("폐업한 매장이라 새 파티를 만들 수 없어요. 다른 마트를 골라 주세요."),
        details={"market_id": market.pk, "closed_at": market.closed_at.isoformat()},
        field="market_id",
    )


def leader_refusal(party: Party, user_id: int | None) -> Refusal:
    if party.leader_id != user_id:
        return PermissionDenied("not_leader", _("파티장만 할 수 있어요."))
    return None


def join_refusal(party: Party, *, is_member: bool, now: datetime) -> Refusal:
    if party.status in (S.CANCELLED, S.COMPLETED):
        return Conflict("party_not_recruiting", _("이미 끝난 파티예요."))
    if is_member:
        return Conflict("already_member", _("이미 참여한 파티예요."))
    # A party that filled up closed itself: say "full", the reason the user can see.
    if party.member_count >= party.capacity:
        return Conflict("party_full", _("정원이 다 찼어요."))
    if party.status != S.RECRUITING:
        return Conflict("party_not_recruiting", _("모집이 마감된 파티예요."))
    if party.recruit_until <= now:
        return Conflict("party_deadline_passed", _("모집 마감 시각이 지났어요."))
    return None


def leave_refusal(party: Party, *, membership: Membership | None, status: str) -> Refusal:
    if membership is None:
        return PermissionDenied("not_a_member", _("참여하지 않은 파티예요."))
    if membership.role == MembershipRole.LEADER:
        return Conflict("leader_cannot_leave", _("파티장은 나갈 수 없어요. 파티를 취소해 주세요."))
    if status != S.RECRUITING:
        return Conflict("party_not_recruiting", _("모집 중일 때만 나갈 수 있어요."))
    return None


def withdraw_deadline(party: Party) -> datetime:
    """Until when a member may withdraw: 3 hours before the meeting, or, once the leader
    moved the meeting, until the new meeting itself."""
    if party.rescheduled_at is not None:
        return party.meet_at
    return party.meet_at - WITHDRAW_CUTOFF


def withdraw_refusal(
    party: Party, *, membership: Membership | None, status: str, now: datetime
) -> Refusal:
    if membership is None:
        return PermissionDenied("not_a_member", _("참여하지 않은 파티예요."))
    if membership.role == MembershipRole.LEADER:
        return Conflict(
            "leader_cannot_withdraw", _("파티장은 빠질 수 없어요. 파티를 취소해 주세요.")
        )
    if status == S.RECRUITING:
        return Conflict("party_recruiting", _("모집 중에는 '나가기'로 빠질 수 있어요."))
    if status != S.CLOSED:
        return Conflict("party_not_closed", _("이미 끝난 파티예요."))
    if now >= withdraw_deadline(party):
        return Conflict(
            "withdraw_too_late",
            _("만나기 3시간 전까지만 빠질 수 있어요. 채팅으로 파티장에게 알려 주세요."),
        )
    return None


def reschedule_refusal(party: Party, *, user_id: int | None, status: str, now: datetime) -> Refusal:
    if refusal := leader_refusal(party, user_id):
        return refusal
    if status not in (S.RECRUITING, S.CLOSED):
        return Conflict("party_not_reschedulable", _("이미 끝난 파티예요."))
    if party.meet_at <= now:
        return Conflict("meeting_started", _("만나는 시각이 지난 파티는 일정을 바꿀 수 없어요."))
    return None


def close_refusal(party: Party, *, user_id: int | None, status: str) -> Refusal:
    if refusal := leader_refusal(party, user_id):
        return refusal
    if status != S.RECRUITING:
        return Conflict("party_not_recruiting", _("모집 중인 파티만 마감할 수 있어요."))
    if party.member_count < 2:
        return Conflict("party_too_small", _("파티원이 한 명 이상 있어야 마감할 수 있어요."))
    return None


def cancel_refusal(party: Party, *, user_id: int | None, status: str, now: datetime) -> Refusal:
    if refusal := leader_refusal(party, user_id):
        return refusal
    if status not in (S.RECRUITING, S.CLOSED):
        return Conflict("party_not_cancellable", _("이미 끝난 파티예요."))
    if party.meet_at <= now:
        return Conflict("meeting_started", _("만나는 시각이 지난 파티는 취소할 수 없어요."))
    return None


def complete_refusal(party: Party, *, user_id: int | None, status: str, now: datetime) -> Refusal:
    if refusal := leader_refusal(party, user_id):
        return refusal
    if status != S.CLOSED:
        return Conflict("party_not_closed", _("모집이 마감된 파티만 완료할 수 있어요."))
    if party.meet_at > now:
        return Conflict("meeting_not_started", _("만나는 시각 이후에 완료할 수 있어요."))
    return None


def penalty_window_refusal(party: Party, *, user_id: int | None, now: datetime) -> Refusal:
    """Whether the leader may mark no-shows now (from ``meet_at`` for ``PENALTY_WINDOW``,
    never on a cancelled party); which member is another rule."""
    if party.leader_id != user_id:
        return PermissionDenied("not_leader", _("파티장만 페널티를 줄 수 있어요."))
    if party.status == S.CANCELLED:
        return Conflict("party_cancelled", _("취소된 파티에는 페널티를 줄 수 없어요."))
    if now < party.meet_at:
        return Conflict("penalty_too_early", _("만나는 시각이 지난 뒤에 표시할 수 있어요."))
    if now > party.meet_at + PENALTY_WINDOW:
        return Conflict("penalty_too_late", _("만난 뒤 7일이 지나 더 이상 페널티를 줄 수 없어요."))
    return None
