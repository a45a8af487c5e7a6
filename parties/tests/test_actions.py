"""``actions``: what the requesting user may do with a party, and why not. The page's buttons
and the API's ``actions`` come from ``party_available_actions``, which judges the same rules
as the services (``parties.rules``): whatever it allows, the service does; whatever it
refuses, the service refuses with the same code."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from common.errors import DomainError
from parties import services
from parties.models import Party
from parties.selectors import party_available_actions, party_get, party_membership
from tests.factories import UserFactory, make_party

pytestmark = pytest.mark.django_db

SERVICES = {
    "join": services.party_join,
    "leave": services.party_leave,
    "close": services.party_close,
    "cancel": services.party_cancel,
    "complete": services.party_complete,
    "withdraw": lambda **kw: services.party_withdraw(**kw, reason="일이 생겼어요"),
    "reschedule": lambda **kw: services.party_reschedule(**kw, meeting_note="정문 앞"),
}


def scenario(name: str):
    """A party in some state and the users who look at it."""
    party = make_party(capacity=3)
    member, stranger = UserFactory(), UserFactory()
    services.party_join(party_id=party.id, user=member)
    now = timezone.now()
    if name == "past deadline":
        Party.objects.filter(pk=party.pk).update(recruit_until=now - timedelta(minutes=1))
    elif name == "closed":
        services.party_close(party_id=party.id, user=party.leader)
    elif name == "met":
        services.party_close(party_id=party.id, user=party.leader)
        Party.objects.filter(pk=party.pk).update(
            recruit_until=now - timedelta(hours=2), meet_at=now - timedelta(hours=1)
        )
    elif name == "full":
        services.party_join(party_id=party.id, user=UserFactory())
    return party, {"leader": party.leader, "member": member, "stranger": stranger}


@pytest.mark.parametrize("state", ["recruiting", "past deadline", "closed", "met", "full"])
@pytest.mark.parametrize("who", ["leader", "member", "stranger"])
def test_what_actions_allow_is_what_the_services_do(state, who):
    party, people = scenario(state)
    user = people[who]
    party = party_get(party_id=party.id)
    available = party_available_actions(
        party=party, user=user, membership=party_membership(party=party, user=user)
    )
    for action, refusal in available.items():
        try:
            with transaction.atomic():
                SERVICES[action](party_id=party.id, user=user)
                raise _RolledBack
        except _RolledBack:
            assert refusal is None, (state, who, action, "the service allowed it")
        except DomainError as error:
            assert refusal is not None, (state, who, action, error.code)
            assert refusal.code == error.code or (
                # Past the deadline the service settles first, then says the same thing.
                state == "past deadline"
            ), (state, who, action, refusal.code, error.code)


class _RolledBack(Exception):
    pass


def test_the_party_api_carries_actions_with_reasons(api_client):
    party, people = scenario("recruiting")
    api_client.force_authenticate(people["member"])
    actions = api_client.get(f"/api/v1/parties/{party.id}").json()["actions"]
    assert actions["leave"] == {"allowed": True, "code": None, "message": None}
    assert actions["join"]["allowed"] is False
    assert actions["join"]["code"] == "already_member"
    assert actions["close"]["code"] == "not_leader"


def test_anonymous_visitors_are_told_to_log_in(api_client):
    party, _people = scenario("recruiting")
    actions = api_client.get(f"/api/v1/parties/{party.id}").json()["actions"]
    assert {a["code"] for a in actions.values()} == {"not_authenticated"}
    assert (
        party_available_actions(
            party=party_get(party_id=party.id), user=AnonymousUser(), membership=None
        )["join"].code
        == "not_authenticated"
    )
