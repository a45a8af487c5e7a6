from datetime import timedelta

import pytest
from django.utils import timezone

from parties.models import Party, PartyStatus
from parties.services import party_join
from tests.factories import UserFactory, make_party


def met(party, *, ago=timedelta(hours=2)) -> Party:
    """Move the party's meeting into the past (the service refuses past dates on create)."""
    meet_at = timezone.now() - ago
    Party.objects.filter(pk=party.pk).update(
        meet_at=meet_at, recruit_until=meet_at - timedelta(hours=1), status=PartyStatus.CLOSED
    )
    party.refresh_from_db()
    return party


@pytest.fixture
def met_party(db):
    """A party whose meeting was two hours ago: leader, two members, an outsider."""
    party = make_party(capacity=4)
    member, other = UserFactory(nickname="안온사람"), UserFactory(nickname="온사람")
    party_join(party_id=party.id, user=member)
    party_join(party_id=party.id, user=other)
    return {
        "party": met(party),
        "leader": party.leader,
        "member": member,
        "other": other,
        "outsider": UserFactory(),
    }


def grant(party, by, target, *, reason: str = "no_show"):
    """Grant through the service, running its after-commit work as a real commit would."""
    from django.test import TestCase

    from parties.services import party_penalty_grant

    with TestCase.captureOnCommitCallbacks(execute=True):
        return party_penalty_grant(party_id=party.id, leader=by, user_id=target.id, reason=reason)
