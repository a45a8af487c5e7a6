"""Party writes: create, join, leave, withdraw, reschedule, close, cancel, complete, settling
overdue parties, meeting reminders, and granting penalties.

Every transition locks the party row (``parties.locks``), re-checks the rules on the locked
row, writes, and emits its domain event, which leaves after commit (``common.events``).
Counters move with ``F()``; the constraints on Party and Membership are the last guard.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import Item
from common.errors import Conflict, DomainError, NotFound
from common.events import DomainEvent, EventType, emit
from common.once import insert_new
from common.params import clean_text
from markets.models import Market
from parties import rules
from parties.locks import party_for_update
from parties.models import (
    MAX_CAPACITY,
    MIN_CAPACITY,
    Membership,
    MembershipRole,
    Party,
    PartyReminder,
    ReminderKind,
)
from parties.models import PartyStatus as S
from parties.selectors import party_get, user_is_member, user_withdrew
from penalties.models import Penalty, PenaltyReason
from penalties.selectors import user_blocked_until
from penalties.services import penalty_record

MAX_MEET_AHEAD = timedelta(days=30)
MAX_TOTAL_PRICE = 100_000_000  # 1억 원: anything above is a typo, not a mart purchase


def _event_payload(party: Party, **extra: Any) -> dict[str, Any]:
    return {
        "party_id": party.pk,
        "title": party.title,
        "leader_id": party.leader_id,
        "market_id": party.market_id,
        "item_id": party.item_id,
        "sido": party.sido,
        "sigungu": party.sigungu,
        "lat": party.lat,
        "lng": party.lng,
        "status": party.status,
        "member_count": party.member_count,
        "capacity": party.capacity,
        **extra,
    }


def _active_member_ids(party: Party) -> list[int]:
    return list(
        party.memberships.active().order_by("joined_at", "id").values_list("user_id", flat=True)
    )


def _raise(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def _ensure_not_blocked(user: User) -> None:
    _raise(rules.blocked_refusal(user_blocked_until(user_id=user.pk)))


def party_create(
    *,
    leader: User,
    market_id: int,
    item_id: int,
    title: str,
    description: str = "",
    total_price: int,
    total_quantity: int,
    unit: str,
    capacity: int,
    meet_at: datetime,
    recruit_until: datetime,
) -> Party:
    now = timezone.now()
    _ensure_not_blocked(leader)
    market = Market.objects.filter(pk=market_id).first()
    if market is None:
        raise DomainError("market_not_found", _("마트를 찾을 수 없어요."), field="market_id")
    _raise(rules.market_closed_refusal(market))
    if not Item.objects.filter(pk=item_id).exists():
        raise DomainError("item_not_found", _("품목을 찾을 수 없어요."), field="item_id")
    title, unit = title.strip(), unit.strip()
    if not title:
        raise DomainError("title_required", _("제목을 입력해 주세요."), field="title")
    if not unit:
        raise DomainError(
            "unit_required", _("단위를 입력해 주세요. (예: 개, kg, 롤)"), field="unit"
        )
    if not MIN_CAPACITY <= capacity <= MAX_CAPACITY:
        raise DomainError(
            "invalid_capacity",
            _("정원은 파티장을 포함해 %(min)d~%(max)d명이에요.")
            % {"min": MIN_CAPACITY, "max": MAX_CAPACITY},
            field="capacity",
        )
    if not 0 < total_price <= MAX_TOTAL_PRICE:
        raise DomainError(
            "invalid_price",
            _("총 가격은 1원 이상 1억 원 이하로 입력해 주세요."),
            field="total_price",
        )
    if total_quantity <= 0:
        raise DomainError(
            "invalid_quantity", _("총 수량은 1 이상이어야 해요."), field="total_quantity"
        )
    if meet_at <= now:
        raise DomainError(
            "meet_at_in_past", _("만나는 시각은 지금 이후여야 해요."), field="meet_at"
        )
    if meet_at > now + MAX_MEET_AHEAD:
        raise DomainError(
            "meet_at_too_far", _("만나는 시각은 30일 이내로 정해 주세요."), field="meet_at"
        )
    if recruit_until <= now:
        raise DomainError(
            "recruit_until_in_past",
            _("모집 마감 시각은 지금 이후여야 해요."),
            field="recruit_until",
        )
    if recruit_until > meet_at:
        raise DomainError(
            "recruit_after_meet",
            _("모집 마감 시각은 만나는 시각보다 늦을 수 없어요."),
            field="recruit_until",
        )

    with transaction.atomic():
        # Asked again on the locked row: an import closing the market meanwhile either
        # waits for this party (created before the close) or is seen here (refused).
        locked = Market.objects.select_for_update(no_key=True).only("closed_at").get(pk=market.pk)
        _raise(rules.market_closed_refusal(locked))
        party = Party.objects.create(
            leader=leader,
            market=market,
            item_id=item_id,
            title=title,
            description=description.strip(),
            total_price=total_price,
            total_quantity=total_quantity,
            unit=unit,
            capacity=capacity,
            meet_at=meet_at,
            recruit_until=recruit_until,
            member_count=1,
            lat=market.lat,
            lng=market.lng,
            sido=market.sido,
            sigungu=market.sigungu,
        )
        Membership.objects.create(party=party, user=leader, role=MembershipRole.LEADER)
        emit(EventType.PARTY_CREATED, payload=_event_payload(party), actor_id=leader.pk)
    return party


STATUS_EVENTS = {
    S.CLOSED: EventType.PARTY_CLOSED,
    S.CANCELLED: EventType.PARTY_CANCELLED,
    S.COMPLETED: EventType.PARTY_COMPLETED,
}


def _transition(
    party: Party,
    status: S,
    *,
    actor_id: int | None,
    cause: DomainEvent | None = None,
    **extra: Any,
) -> None:
    """Move the locked party to ``status``, stamp when, and tell its members after commit
    (``cause``: the event this follows from, in the same action — the join that filled it)."""
    stamp = "closed_at" if status == S.CLOSED else "finished_at"
    party.status = status
    setattr(party, stamp, timezone.now())
    party.save(update_fields=["status", stamp, "updated_at"])
    emit(
        STATUS_EVENTS[status],
        payload=_event_payload(party, member_ids=_active_member_ids(party), **extra),
        actor_id=actor_id,
        cause=cause,
    )


def _close(
    party: Party, *, actor_id: int | None, reason: str, cause: DomainEvent | None = None
) -> None:
    _transition(party, S.CLOSED, actor_id=actor_id, reason=reason, cause=cause)


def party_join(*, party_id: int, user: User) -> Party:
    _ensure_not_blocked(user)
    try:
        with transaction.atomic():
            party = party_for_update(party_id=party_id)
            is_member = party.memberships.active().filter(user=user).exists()
            _raise(rules.join_refusal(party, is_member=is_member, now=timezone.now()))
            Membership.objects.create(party=party, user=user, role=MembershipRole.MEMBER)
            Party.objects.filter(pk=party.pk).update(member_count=F("member_count") + 1)
            party.refresh_from_db(fields=["member_count"])
            joined = emit(
                EventType.PARTY_JOINED,
                payload=_event_payload(party, user_id=user.pk),
                actor_id=user.pk,
            )
            if party.member_count == party.capacity:
                _close(party, actor_id=user.pk, reason="full", cause=joined)
    except IntegrityError:
        # Only reachable if the lock above were bypassed: the constraints said no.
        if Membership.objects.active().filter(party_id=party_id, user=user).exists():
            raise Conflict("already_member", _("이미 참여한 파티예요.")) from None
        raise Conflict("party_full", _("정원이 다 찼어요.")) from None
    return party


def party_leave(*, party_id: int, user: User) -> Party:
    party_settle_if_overdue(party_id=party_id)
    with transaction.atomic():
        party = party_for_update(party_id=party_id)
        _refuse_if_overdue(party)
        membership = party.memberships.active().filter(user=user).first()
        _raise(rules.leave_refusal(party, membership=membership, status=party.status))
        assert membership is not None  # leave_refusal refused a non-member
        membership.left_at = timezone.now()
        membership.save(update_fields=["left_at"])
        Party.objects.filter(pk=party.pk).update(member_count=F("member_count") - 1)
        party.refresh_from_db(fields=["member_count"])
        emit(EventType.PARTY_LEFT, payload=_event_payload(party, user_id=user.pk), actor_id=user.pk)
    return party


WITHDRAW_REASON_MAX = 200
MEETING_NOTE_MAX = 200


def party_withdraw(*, party_id: int, user: User, reason: str) -> Party:
    """ "못 가게 됐어요": a member (not the leader) leaves a closed party in time
    (``rules.withdraw_refusal``), saying why. The seat frees but the party stays closed (the
    leader decides to go on or cancel); the leader and members are told; the member leaves the
    chat; no penalty can be given to them for this party."""
    reason = clean_text(reason, code="invalid_reason").strip()
    if not reason or len(reason) > WITHDRAW_REASON_MAX:
        raise DomainError(
            "invalid_reason",
            _("빠지는 이유를 1자 이상 %(max)d자 이하로 적어 주세요.")
            % {"max": WITHDRAW_REASON_MAX},
            field="reason",
        )
    party_settle_if_overdue(party_id=party_id)
    with transaction.atomic():
        party = party_for_update(party_id=party_id)
        membership = party.memberships.active().filter(user=user).first()
        now = timezone.now()
        _raise(
            rules.withdraw_refusal(
                party, membership=membership, status=rules.effective_status(party, now), now=now
            )
        )
        assert membership is not None  # withdraw_refusal refused a non-member
        membership.left_at = membership.withdrawn_at = now
        membership.withdraw_reason = reason
        membership.save(update_fields=["left_at", "withdrawn_at", "withdraw_reason"])
        Party.objects.filter(pk=party.pk).update(member_count=F("member_count") - 1)
        party.refresh_from_db(fields=["member_count"])
        emit(
            EventType.PARTY_WITHDRAWN,
            payload=_event_payload(
                party, user_id=user.pk, member_ids=_active_member_ids(party), reason=reason
            ),
            actor_id=user.pk,
        )
    return party


def party_reschedule(
    *, party_id: int, user: User, meet_at: datetime | None = None, meeting_note: str | None = None
) -> Party:
    """The leader moves the meeting (and/or its spot note) before it starts. Members are told;
    after a move of ``meet_at`` they may withdraw until the new meeting."""
    now = timezone.now()
    if meeting_note is not None:
        meeting_note = clean_text(meeting_note, code="invalid_meeting_note").strip()
        if len(meeting_note) > MEETING_NOTE_MAX:
            raise DomainError(
                "invalid_meeting_note",
                _("만나는 곳 메모는 %(max)d자까지예요.") % {"max": MEETING_NOTE_MAX},
                field="meeting_note",
            )
    if meet_at is not None:
        if meet_at <= now:
            raise DomainError(
                "meet_at_in_past", _("만나는 시각은 지금 이후여야 해요."), field="meet_at"
            )
        if meet_at > now + MAX_MEET_AHEAD:
            raise DomainError(
                "meet_at_too_far", _("만나는 시각은 30일 이내로 정해 주세요."), field="meet_at"
            )
    if meet_at is None and meeting_note is None:
        raise DomainError("nothing_to_change", _("바꿀 내용을 보내 주세요."))
    party_settle_if_overdue(party_id=party_id)
    with transaction.atomic():
        party = party_for_update(party_id=party_id)
        _raise(rules.leader_refusal(party, user.pk))
        _raise(
            rules.reschedule_refusal(
                party, user_id=user.pk, status=rules.effective_status(party, now), now=now
            )
        )
        fields = ["updated_at"]
        if meet_at is not None and meet_at != party.meet_at:
            if meet_at < party.recruit_until:
                raise DomainError(
                    "meet_before_recruit_until",
                    _("만나는 시각은 모집 마감 시각 이후여야 해요."),
                    field="meet_at",
                )
            party.meet_at, party.rescheduled_at = meet_at, now
            fields += ["meet_at", "rescheduled_at"]
        if meeting_note is not None and meeting_note != party.meeting_note:
            party.meeting_note = meeting_note
            fields.append("meeting_note")
        if len(fields) == 1:
            return party  # the same as before: nothing to tell anyone
        party.save(update_fields=fields)
        emit(
            EventType.PARTY_RESCHEDULED,
            payload=_event_payload(
                party,
                member_ids=_active_member_ids(party),
                meet_at=party.meet_at.isoformat(),
                meeting_note=party.meeting_note,
            ),
            actor_id=user.pk,
        )
    return party


# A reminder goes 1 hour before the meeting (to every member, the leader too) and 1 hour after
# it (to the leader: "who came?"). A beat that was down catches up within these windows.
MEETING_REMINDER_AHEAD = timedelta(hours=1)
ATTENDANCE_REMINDER_AFTER = timedelta(hours=1)
ATTENDANCE_REMINDER_CATCH_UP = timedelta(days=1)


def _remind(party: Party, kind: str, user_ids: list[int]) -> list[int]:
    """Record a reminder of ``kind`` for each user for this meeting time; returns the users
    recorded now (``common.once``: the unique constraint ``reminder_once`` decides between
    concurrent ticks)."""
    now = timezone.now()
    return sorted(
        insert_new(
            PartyReminder,
            ["party_id", "user_id", "kind", "meet_at", "created_at"],
            [(party.pk, user_id, kind, party.meet_at, now) for user_id in user_ids],
            returning="user_id",
        )
    )


def party_reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """The beat's reminders (every minute): each member of a closed party meeting within the
    hour, once per meeting time; each leader an hour after the meeting, the "who came?"
    checklist. Exactly once per (party, user, kind, meet_at), however many ticks or workers
    run at the same time (``_remind``). Returns how many reminders went out."""
    now = now or timezone.now()
    sent = {ReminderKind.MEETING.value: 0, ReminderKind.ATTENDANCE.value: 0}
    meeting_soon = Party.objects.filter(
        status=S.CLOSED, meet_at__gt=now, meet_at__lte=now + MEETING_REMINDER_AHEAD
    )
    for party_id in meeting_soon.values_list("pk", flat=True):
        with transaction.atomic():
            party = party_for_update(party_id=party_id)
            if party.status != S.CLOSED or not now < party.meet_at <= now + MEETING_REMINDER_AHEAD:
                continue  # cancelled or moved meanwhile
            told = _remind(party, ReminderKind.MEETING, _active_member_ids(party))
            if told:
                emit(
                    EventType.MEETING_REMINDER,
                    payload=_event_payload(
                        party, member_ids=told, meet_at=party.meet_at.isoformat()
                    ),
                )
            sent[ReminderKind.MEETING] += len(told)
    met_an_hour_ago = Party.objects.filter(
        status__in=[S.CLOSED, S.COMPLETED],
        meet_at__lte=now - ATTENDANCE_REMINDER_AFTER,
        meet_at__gt=now - ATTENDANCE_REMINDER_AFTER - ATTENDANCE_REMINDER_CATCH_UP,
        member_count__gte=2,  # a leader alone has no one to mark
    )
    for party_id in met_an_hour_ago.values_list("pk", flat=True):
        with transaction.atomic():
            party = party_for_update(party_id=party_id)
            if party.status == S.CANCELLED:
                continue
            if _remind(party, ReminderKind.ATTENDANCE, [party.leader_id]):
                emit(
                    EventType.ATTENDANCE_REMINDER,
                    payload=_event_payload(party, meet_at=party.meet_at.isoformat()),
                )
                sent[ReminderKind.ATTENDANCE] += 1
    return sent


def party_close(*, party_id: int, user: User, staff: User | None = None) -> Party:
    """The leader closes recruiting (``user`` must be the leader). ``staff``: support did it
    at the leader's request (the admin's action): the leader's rules apply, and the leader is
    told like the members, since they did not press the button."""
    party_settle_if_overdue(party_id=party_id)
    with transaction.atomic():
        party = party_for_update(party_id=party_id)
        _raise(rules.leader_refusal(party, user.pk))
        _refuse_if_overdue(party)
        _raise(rules.close_refusal(party, user_id=user.pk, status=party.status))
        _close(party, actor_id=(staff or user).pk, reason="staff" if staff else "leader")
    return party


def party_cancel(*, party_id: int, user: User, staff: User | None = None) -> Party:
    """The leader cancels (``user`` must be the leader); ``staff`` as in ``party_close``."""
    party_settle_if_overdue(party_id=party_id)
    with transaction.atomic():
        party = party_for_update(party_id=party_id)
        _raise(rules.leader_refusal(party, user.pk))
        _refuse_if_overdue(party)
        _raise(
            rules.cancel_refusal(party, user_id=user.pk, status=party.status, now=timezone.now())
        )
        _cancel(party, actor_id=(staff or user).pk, reason="staff" if staff else "leader")
    return party


def _cancel(party: Party, *, actor_id: int | None, reason: str) -> None:
    _transition(party, S.CANCELLED, actor_id=actor_id, reason=reason)


def party_hide(*, party_id: int) -> Party:
    """A moderator hides a party (a report): residents no longer see it; the record stays.
    One still ahead is cancelled too (reason ``moderation``: members are told, the chat room
    closes), so nobody goes to a meeting that was taken down. Idempotent."""
    with transaction.atomic():
        party = party_for_update(party_id=party_id)
        if party.hidden_at is not None:
            return party
        party.hidden_at = timezone.now()
        party.save(update_fields=["hidden_at", "updated_at"])
        if party.status in (S.RECRUITING, S.CLOSED) and party.meet_at > timezone.now():
            _cancel(party, actor_id=None, reason="moderation")
    return party


def party_complete(*, party_id: int, user: User, staff: User | None = None) -> Party:
    """The leader marks the meeting done (``user`` must be the leader); ``staff`` as in
    ``party_close``."""
    party_settle_if_overdue(party_id=party_id)
    with transaction.atomic():
        party = party_for_update(party_id=party_id)
        _raise(rules.leader_refusal(party, user.pk))
        _refuse_if_overdue(party)
        _raise(
            rules.complete_refusal(party, user_id=user.pk, status=party.status, now=timezone.now())
        )
        _transition(party, S.COMPLETED, actor_id=(staff or user).pk)
    return party


def _overdue(party: Party, now: datetime) -> bool:
    return party.status == S.RECRUITING and party.recruit_until <= now


def _settle_locked(party: Party) -> str:
    """The deadline rule on a locked, overdue party: closed with ≥ 2 members, else cancelled."""
    if party.member_count >= 2:
        _close(party, actor_id=None, reason="deadline")
        return "closed"
    _cancel(party, actor_id=None, reason="deadline")
    return "cancelled"


def party_settle_if_overdue(*, party_id: int) -> str | None:
    """Apply the deadline rule now if the party's deadline has passed while it is still
    recruiting (committed on its own); what it became, or None if nothing was due.

    Every transition calls this first: a party past ``recruit_until`` behaves as settled
    whether or not the periodic task has reached it yet (a member leaving in between must
    not turn a party that should have closed into a cancelled one).
    """
    with transaction.atomic():
        try:
            party = party_for_update(party_id=party_id)
        except NotFound:
            return None  # the transition itself says so
        if not _overdue(party, timezone.now()):
            return None
        return _settle_locked(party)


def _refuse_if_overdue(party: Party) -> None:
    """On the locked row: a deadline that passed after ``party_settle_if_overdue`` looked
    (a race of microseconds) is refused rather than judged as if still recruiting."""
    if _overdue(party, timezone.now()):
        raise Conflict("party_deadline_passed", _("모집 마감 시각이 지났어요. 다시 시도해 주세요."))


def party_settle_overdue(*, now: datetime | None = None, batch_size: int = 500) -> dict[str, int]:
    """Recruiting parties past their deadline: closed with ≥ 2 members, else cancelled.

    Each party is settled in its own short transaction on its locked row, so a join that
    raced the deadline is either counted or refused, never half-applied.
    """
    now = now or timezone.now()
    settled = {"closed": 0, "cancelled": 0}
    overdue_ids = list(
        Party.objects.filter(status=S.RECRUITING, recruit_until__lte=now)
        .order_by("recruit_until")
        .values_list("pk", flat=True)[:batch_size]
    )
    for party_id in overdue_ids:
        with transaction.atomic():
            party = party_for_update(party_id=party_id)
            if not _overdue(party, now):
                continue
            settled[_settle_locked(party)] += 1
    return settled


def party_penalty_grant(
    *, party_id: int, leader: User, user_id: int, reason: str, note: str = ""
) -> Penalty:
    """The party's leader marks a member who did not come (or came very late).

    Allowed from ``meet_at`` for ``rules.PENALTY_WINDOW``, never on a cancelled party, never
    on the leader; once per (party, member), which ``penalties.services.penalty_record`` enforces
    with a unique constraint (concurrent duplicates included).
    """
    if reason not in PenaltyReason.values:
        raise DomainError(
            "invalid_reason",
            _("사유는 no_show, late, other 중 하나여야 해요."),
            details={"allowed": PenaltyReason.values},
        )
    party = party_get(party_id=party_id)
    if party.leader_id == leader.pk and user_id == leader.pk:
        raise DomainError("penalty_self", _("자기 자신에게는 페널티를 줄 수 없어요."))
    if party.leader_id == leader.pk and user_withdrew(party_id=party_id, user_id=user_id):
        raise Conflict(
            "member_withdrew", _("제때 빠지겠다고 알린 멤버에게는 페널티를 줄 수 없어요.")
        )
    if party.leader_id == leader.pk and not user_is_member(party_id=party_id, user_id=user_id):
        raise DomainError("not_a_member", _("이 파티의 멤버에게만 페널티를 줄 수 있어요."))
    _raise(rules.penalty_window_refusal(party, user_id=leader.pk, now=timezone.now()))
    return penalty_record(
        party_id=party.pk,
        user_id=user_id,
        given_by_id=leader.pk,
        reason=reason,
        note=(note or "").strip()[:200],
        event_payload={
            "party_id": party.pk,
            "user_id": user_id,
            "reason": reason,
            "title": party.title,
            "sido": party.sido,
            "sigungu": party.sigungu,
        },
    )
