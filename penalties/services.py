"""Penalty writes: record one a leader gave (the party's rules are judged by the caller,
``parties.services.party_penalty_grant``); an admin revokes."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict, NotFound
from common.events import EventType, emit
from penalties import cache as count_cache
from penalties.models import Penalty
from penalties.selectors import count_from_database


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


def penalty_revoke(*, penalty_id: int) -> Penalty:
    """An admin takes a penalty back: it stops counting (``penalty.revoked``'s reactions
    recount the member's cached count)."""
    with transaction.atomic():
        penalty = Penalty.objects.select_for_update().filter(pk=penalty_id).first()
        if penalty is None:
            raise NotFound("penalty_not_found", _("페널티를 찾을 수 없어요."))
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
