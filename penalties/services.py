"""Penalty writes: a leader marks a member who did not come; an admin revokes."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, DomainError, NotFound, PermissionDenied
from common.events import emit
from parties.models import Party, PartyStatus
from parties.selectors import user_is_member
from penalties import cache as count_cache
from penalties.locks import penalty_grant_lock
from penalties.models import Penalty, PenaltyReason
from penalties.selectors import count_from_database

GRANT_WINDOW = timedelta(days=7)


def _refresh_count(user_id: int) -> None:
    """After a change commits: +1 on a cached count, else count again and cache it."""
    if not count_cache.increment_if_cached(user_id):
        count, ttl = count_from_database(user_id, timezone.now())
        count_cache.store(user_id, count, ttl)


def penalty_grant(
    *, party_id: int, leader: User, user_id: int, reason: str, note: str = ""
) -> Penalty:
    """The party's leader marks a member who did not come (or came very late).

    Allowed after ``meet_at`` and within 7 days of it, never on a cancelled party, never on
    the leader; once per (party, member). The check and the insert run under a lock named
    for the pair, so concurrent duplicates queue up and all but the first find the penalty
    already there; the unique constraint is the last guard. The member's cached count
    moves after commit and ``penalty.received`` is emitted.
    """
    if reason not in PenaltyReason.values:
        raise DomainError(
            "invalid_reason",
            _("사유는 no_show, late, other 중 하나여야 해요."),
            details={"allowed": PenaltyReason.values},
        )
    note = (note or "").strip()[:200]
    with penalty_grant_lock(party_id=party_id, user_id=user_id), transaction.atomic():
        party = Party.objects.filter(pk=party_id).first()
        if party is None:
            raise NotFound("party_not_found", _("파티를 찾을 수 없어요."))
        if party.leader_id != leader.pk:
            raise PermissionDenied("not_leader", _("파티장만 페널티를 줄 수 있어요."))
        if user_id == leader.pk:
            raise DomainError("penalty_self", _("자기 자신에게는 페널티를 줄 수 없어요."))
        if not user_is_member(party_id=party_id, user_id=user_id):
            raise DomainError("not_a_member", _("이 파티의 멤버에게만 페널티를 줄 수 있어요."))
        if party.status == PartyStatus.CANCELLED:
            raise Conflict("party_cancelled", _("취소된 파티에는 페널티를 줄 수 없어요."))
        now = timezone.now()
        if now < party.meet_at:
            raise Conflict("penalty_too_early", _("만나는 시각이 지난 뒤에 표시할 수 있어요."))
        if now > party.meet_at + GRANT_WINDOW:
            raise Conflict(
                "penalty_too_late", _("만난 뒤 7일이 지나 더 이상 페널티를 줄 수 없어요.")
            )
        if Penalty.objects.filter(party_id=party_id, user_id=user_id).exists():
            raise Conflict("penalty_exists", _("이미 이 멤버에게 페널티를 줬어요."))
        try:
            with transaction.atomic():
                penalty = Penalty.objects.create(
                    party=party, user_id=user_id, given_by=leader, reason=reason, note=note
                )
        except IntegrityError:  # a grant that did not go through the lock
            raise Conflict("penalty_exists", _("이미 이 멤버에게 페널티를 줬어요.")) from None
        emit(
            "penalty.received",
            payload={
                "party_id": party.pk,
                "user_id": user_id,
                "reason": reason,
                "title": party.title,
                "sido": party.sido,
                "sigungu": party.sigungu,
            },
            actor_id=leader.pk,
        )
        transaction.on_commit(lambda: _refresh_count(user_id))
    return penalty


def penalty_revoke(*, penalty_id: int) -> Penalty:
    """An admin takes a penalty back: it stops counting, and the cached count is dropped."""
    with transaction.atomic():
        penalty = Penalty.objects.select_for_update().filter(pk=penalty_id).first()
        if penalty is None:
            raise NotFound("penalty_not_found", _("페널티를 찾을 수 없어요."))
        if penalty.revoked_at is None:
            penalty.revoked_at = timezone.now()
            penalty.save(update_fields=["revoked_at"])
            user_id = penalty.user_id
            transaction.on_commit(lambda: count_cache.forget(user_id))
    return penalty
