"""Every transition judges the deadline itself: a party past ``recruit_until`` behaves as the
settle task would leave it, whether or not the task has run yet."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chat.models import ChatRoom
from parties.models import Membership, Party, PartyStatus
from parties.services import party_join, party_settle_if_overdue
from tests.factories import UserFactory, make_party

pytestmark = pytest.mark.django_db


def past_deadline(party) -> None:
    """The deadline passed a moment ago; the periodic settle task has not run yet."""
    Party.objects.filter(pk=party.pk).update(recruit_until=timezone.now() - timedelta(seconds=5))


def test_a_member_cannot_leave_after_the_deadline_and_turn_the_party_into_a_cancelled_one(
    api_client, django_capture_on_commit_callbacks
):
    party = make_party(capacity=4)
    member = UserFactory()
    party_join(party_id=party.id, user=member)
    past_deadline(party)

    api_client.force_authenticate(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/parties/{party.id}/leave")
    assert response.status_code == 409
    assert response.json()["code"] == "party_not_recruiting"
    party.refresh_from_db()
    assert party.status == PartyStatus.CLOSED  # two members at the deadline: it closes
    assert Membership.objects.filter(party=party, user=member, left_at=None).exists()
    assert ChatRoom.objects.filter(party=party).exists()  # and its chat opens


def test_the_leader_alone_past_the_deadline_finds_the_party_cancelled(api_client):
    party = make_party(capacity=4)
    past_deadline(party)
    api_client.force_authenticate(party.leader)
    response = api_client.post(f"/api/v1/parties/{party.id}/close")
    assert response.status_code == 409
    party.refresh_from_db()
    assert party.status == PartyStatus.CANCELLED


def test_settling_is_done_once_whoever_comes_first(events, django_capture_on_commit_callbacks):
    party = make_party(capacity=4)
    party_join(party_id=party.id, user=UserFactory())
    past_deadline(party)
    with django_capture_on_commit_callbacks(execute=True):
        assert party_settle_if_overdue(party_id=party.id) == "closed"
        assert party_settle_if_overdue(party_id=party.id) is None
    assert [e.type for e in events].count("party.closed") == 1
