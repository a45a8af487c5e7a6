"""Penalty writes: record one a leader gave (the party's rules are judged by the caller,
``parties.services.party_penalty_grant``); the member appeals it once; an admin upholds or
revokes."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict, DomainError, NotFound
from common.events import EventType, emit
from common.params import clean_text
from penalties import cache as count_cache
from penalties import rules
from penalties.models import AppealStatus, Penalty, PenaltyAppeal
from penalties.selectors import count_from_database

APPEAL_REASON_MAX = 1000


def penalty_count_recount(*, user_id: int) -> int:
    """Count the user's recent penalties again and cache the tally (a reaction to every
    penalty given or revoked: idempotent, so it may run any number of times); returns the
    number of penalties."""
    tally, ttl = count_from_database(user_id, timezone.now())
    count_cache.store(user_id, tally, ttl)
    return tally.no_show_count


def penalty_count_forget(*, user_id: int) -> None:
    """Drop the user's cached count at once (the next read counts in the database)."""
    count_cache.forget(user_id)


def penalty_record(
    *,
    party_id: int,
    user_id: int,
    given_by_id: int,
    reason: str,
    note: str,
    event_payload: dict[str, Any],
) -> Penalty:
    """Store a penalty the party's rules allowed (``parties.services.party_penalty_grant``
    judges those): once per (party, member). Concurrent duplicates are settled by the unique
    constraint (the first insert wins, the others get ``penalty_exists``). Emits
    ``penalty.received``, whose reactions recount the member's cached count."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                penalty = Penalty.objects.create(
                    party_id=party_id,
                    user_id=user_id,
                    given_by_id=given_by_id,
                    reason=reason,
                    note=note,
                )
        except IntegrityError:
            raise Conflict("penalty_exists", _("이미 이 멤버에게 페널티를 줬어요.")) from None
        emit(EventType.PENALTY_RECEIVED, payload=event_payload, actor_id=given_by_id)
    return penalty


def _lock_penalty(penalty_id: int) -> Penalty:
    """The one place a penalty row is locked (revoking it, appealing it)."""
    # of=self: the party row (joined for its title) is not locked with it.
    penalty = (
        Penalty.objects.select_for_update(of=("self",))
        .select_related("party")
        .filter(pk=penalty_id)
        .first()
    )
    if penalty is None:
        raise NotFound("penalty_not_found", _("페널티를 찾을 수 없어요."))
    return penalty


def _lock_appeal(appeal_id: int) -> PenaltyAppeal:
    """The one place an appeal row is locked (deciding it)."""
    appeal = PenaltyAppeal.objects.select_for_update().filter(pk=appeal_id).first()
    if appeal is None:
        raise NotFound("appeal_not_found", _("이의 신청을 찾을 수 없어요."))
    return appeal


def penalty_revoke(*, penalty_id: int) -> Penalty:
    """An admin takes a penalty back: it stops counting (``penalty.revoked``'s reactions
    recount the member's cached count; a live handler forgets it right after the commit)."""
    with transaction.atomic():
        penalty = _lock_penalty(penalty_id)
        if penalty.revoked_at is None:
            penalty.revoked_at = timezone.now()
            penalty.save(update_fields=["revoked_at"])
            emit(
                EventType.PENALTY_REVOKED,
                payload={
                    "party_id": penalty.party_id,
                    "user_id": penalty.user_id,
                    "penalty_id": penalty.pk,
                },
            )
    return penalty


def _appeal_payload(penalty: Penalty, appeal: PenaltyAppeal) -> dict[str, Any]:
    return {
        "party_id": penalty.party_id,
        "title": penalty.party.title,
        "user_id": penalty.user_id,
        "leader_id": penalty.given_by_id,
        "penalty_id": penalty.pk,
        "appeal_id": appeal.pk,
    }


def penalty_appeal(*, penalty_id: int, user: AbstractBaseUser, reason: str) -> PenaltyAppeal:
    """The penalised member's side: once per penalty, within ``rules.APPEAL_WINDOW`` of it,
    not on a revoked one. The penalty row is locked, so of concurrent appeals one is stored
    and the others see it (the one-to-one constraint is the last guard)."""
    reason = clean_text(reason, code="invalid_reason").strip()
    if not reason or len(reason) > APPEAL_REASON_MAX:
        raise DomainError(
            "invalid_reason",
            _("이의 내용을 1자 이상 %(max)d자 이하로 적어 주세요.") % {"max": APPEAL_REASON_MAX},
            field="reason",
        )
    with transaction.atomic():
        penalty = _lock_penalty(penalty_id)
        refusal = rules.appeal_refusal(
            penalty,
            user_id=user.pk,
            has_appeal=PenaltyAppeal.objects.filter(penalty=penalty).exists(),
            now=timezone.now(),
        )
        if refusal is not None:
            raise refusal
        try:
            with transaction.atomic():
                appeal = PenaltyAppeal.objects.create(penalty=penalty, reason=reason)
        except IntegrityError:  # unreachable while the lock is held; the constraint guards
            refusal = rules.appeal_refusal(
                penalty, user_id=user.pk, has_appeal=True, now=timezone.now()
            )
            assert refusal is not None  # has_appeal refuses
            raise refusal from None
        emit(EventType.PENALTY_APPEALED, payload=_appeal_payload(penalty, appeal), actor_id=user.pk)
    return appeal


def penalty_appeal_decide(
    *, appeal_id: int, admin: AbstractBaseUser, revoke: bool, note: str = ""
) -> PenaltyAppeal:
    """An admin decides a pending appeal: uphold (the penalty stays) or revoke it (it stops
    counting at once). Both the member and the leader are notified (``kinds.KINDS``)."""
    note = clean_text(note, code="invalid_note").strip()[:500]
    with transaction.atomic():
        appeal = _lock_appeal(appeal_id)
        if appeal.status != AppealStatus.PENDING:
            raise Conflict("appeal_decided", _("이미 결정된 이의 신청이에요."))
        penalty = penalty_revoke(penalty_id=appeal.penalty_id) if revoke else None
        if penalty is None:
            penalty = Penalty.objects.select_related("party").get(pk=appeal.penalty_id)
        appeal.status = AppealStatus.REVOKED if revoke else AppealStatus.UPHELD
        appeal.decided_at = timezone.now()
        appeal.decided_by_id = admin.pk
        appeal.decision_note = note
        appeal.save(update_fields=["status", "decided_at", "decided_by_id", "decision_note"])
        emit(
            EventType.PENALTY_APPEAL_REVOKED if revoke else EventType.PENALTY_APPEAL_UPHELD,
            payload=_appeal_payload(penalty, appeal),
            actor_id=admin.pk,
        )
    return appeal
