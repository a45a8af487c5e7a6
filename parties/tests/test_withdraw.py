""" "못 가게 됐어요": after recruitment closes a member withdraws in time, with a reason; the seat
frees, the party stays closed, everyone hears it, the member leaves the chat, and no penalty
can be given to them for that party."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from chat.models import ChatMessage, ChatRoom
from chat.selectors import chat_room_state
from common.errors import DomainError
from notifications.models import Notification, OutboxEvent
from parties.models import Membership, Party, PartyStatus
from parties.services import party_join, party_penalty_grant, party_withdraw
from penalties.models import Penalty
from tests.factories import UserFactory, make_party

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_party():
    """A full (so closed) party meeting in two days: leader, two members; the room is open."""
    party = make_party(capacity=3)
    stay, going = UserFactory(nickname="남는이웃"), UserFactory(nickname="빠질이웃")
    with TestCase.captureOnCommitCallbacks(execute=True):
        party_join(party_id=party.id, user=stay)
        party_join(party_id=party.id, user=going)
    party.refresh_from_db()
    assert party.status == PartyStatus.CLOSED
    return {"party": party, "leader": party.leader, "stay": stay, "going": going}


def withdraw(party, user, reason="아이가 아파서요"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return party_withdraw(party_id=party.id, user=user, reason=reason)


def move_meeting(party, *, in_):
    meet_at = timezone.now() + in_
    Party.objects.filter(pk=party.pk).update(meet_at=meet_at, recruit_until=meet_at - in_ * 2)


def test_withdraw_frees_the_seat_keeps_the_party_closed_and_tells_everyone(closed_party):
    party, going = closed_party["party"], closed_party["going"]
    withdraw(party, going)
    party.refresh_from_db()
    assert (party.status, party.member_count) == (PartyStatus.CLOSED, 2)
    membership = Membership.objects.get(party=party, user=going)
    assert membership.withdrawn_at and membership.left_at
    assert membership.withdraw_reason == "아이가 아파서요"
    told = set(
        Notification.objects.filter(type="party.withdrawn").values_list("user_id", flat=True)
    )
    assert told == {closed_party["leader"].id, closed_party["stay"].id}
    assert (
        "빠질이웃님이 못 가게 됐어요"
        in Notification.objects.filter(type="party.withdrawn").first().data["message"]
    )


def test_the_member_leaves_the_chat_and_the_room_hears_it(closed_party):
    party, going = closed_party["party"], closed_party["going"]
    assert ChatRoom.objects.filter(party=party).exists()
    withdraw(party, going)
    with pytest.raises(DomainError):
        chat_room_state(party_id=party.id, user=going)
    assert ChatMessage.objects.filter(
        room_id=party.id, content__contains="빠질이웃님이 못 가게 되어"
    ).exists()


def test_no_penalty_for_a_member_who_withdrew(closed_party):
    party, going = closed_party["party"], closed_party["going"]
    withdraw(party, going)
    met = timezone.now() - timedelta(hours=1)
    Party.objects.filter(pk=party.pk).update(meet_at=met, recruit_until=met - timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        party_penalty_grant(
            party_id=party.id, leader=closed_party["leader"], user_id=going.id, reason="no_show"
        )
    assert (refused.value.code, refused.value.status) == ("member_withdrew", 409)
    assert not Penalty.objects.exists()


def test_withdraw_is_refused_within_three_hours_of_the_meeting(closed_party, api_client):
    party, going = closed_party["party"], closed_party["going"]
    move_meeting(party, in_=timedelta(hours=2, minutes=59))
    api_client.force_authenticate(going)
    response = api_client.post(
        f"/api/v1/parties/{party.id}/withdraw", {"reason": "급한 일"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "withdraw_too_late"
    assert Membership.objects.active().filter(party=party, user=going).exists()
    assert not OutboxEvent.objects.filter(type="party.withdrawn").exists()


def test_after_a_reschedule_members_may_withdraw_until_the_new_meeting(closed_party):
    party, going = closed_party["party"], closed_party["going"]
    move_meeting(party, in_=timedelta(hours=1))
    Party.objects.filter(pk=party.pk).update(rescheduled_at=timezone.now())
    withdraw(party, going)
    assert not Membership.objects.active().filter(party=party, user=going).exists()


@pytest.mark.parametrize(
    "who, code, status",
    [("leader", "leader_cannot_withdraw", 409), ("outsider", "not_a_member", 403)],
)
def test_only_members_may_withdraw(closed_party, api_client, who, code, status):
    user = closed_party["leader"] if who == "leader" else UserFactory()
    api_client.force_authenticate(user)
    response = api_client.post(
        f"/api/v1/parties/{closed_party['party'].id}/withdraw", {"reason": "?"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Party.objects.get(pk=closed_party["party"].pk).member_count == 3


def test_while_recruiting_members_leave_instead(api_client):
    party = make_party(capacity=4)
    member = UserFactory()
    party_join(party_id=party.id, user=member)
    api_client.force_authenticate(member)
    response = api_client.post(
        f"/api/v1/parties/{party.id}/withdraw", {"reason": "?"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "party_recruiting")


@pytest.mark.parametrize("reason", ["", "  ", "가" * 201, "a\x00"])
def test_withdraw_needs_a_reason(closed_party, api_client, reason):
    api_client.force_authenticate(closed_party["going"])
    response = api_client.post(
        f"/api/v1/parties/{closed_party['party'].id}/withdraw", {"reason": reason}, format="json"
    )
    assert response.status_code == 400
    assert Party.objects.get(pk=closed_party["party"].pk).member_count == 3


def test_the_api_offers_withdraw_to_members_only_while_it_is_allowed(closed_party, api_client):
    party = closed_party["party"]
    api_client.force_authenticate(closed_party["going"])
    actions = api_client.get(f"/api/v1/parties/{party.id}").json()["actions"]
    assert actions["withdraw"]["allowed"] is True
    api_client.force_authenticate(closed_party["leader"])
    actions = api_client.get(f"/api/v1/parties/{party.id}").json()["actions"]
    assert actions["withdraw"]["code"] == "leader_cannot_withdraw"
    assert actions["reschedule"]["allowed"] is True


def test_withdraw_page_asks_first_without_javascript(closed_party, client):
    party, going = closed_party["party"], closed_party["going"]
    client.force_login(going)
    page = client.get(f"/parties/{party.id}/").content.decode()
    assert 'data-testid="withdraw-form"' in page
    asked = client.post(f"/parties/{party.id}/withdraw/", {"reason": "야근이 생겼어요"})
    body = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="confirm-page"' in body
    assert 'value="야근이 생겼어요"' in body  # carried to the confirming POST
    assert Membership.objects.active().filter(party=party, user=going).exists()  # not yet
    done = client.post(
        f"/parties/{party.id}/withdraw/",
        {"reason": "야근이 생겼어요", "confirmed": "1"},
        follow=True,
    )
    assert "파티에서 빠졌어요" in done.content.decode()
    assert not Membership.objects.active().filter(party=party, user=going).exists()


def test_blocked_users_see_why_instead_of_the_create_form_and_a_disabled_join(client, settings):
    from penalties.tests.conftest import grant, met

    settings.PENALTY_BLOCK_THRESHOLD = 1
    leader, member = UserFactory(), UserFactory()
    party = make_party(leader=leader, capacity=2)
    party_join(party_id=party.id, user=member)
    grant(met(party), leader, member)
    client.force_login(member)
    page = client.get("/parties/new/")
    body = page.content.decode()
    assert page.status_code == 403
    assert (
        'data-testid="create-refused"' in body and "까지 파티를 만들거나 참여할 수 없어요" in body
    )
    assert 'data-testid="party-create-form"' not in body
    other = make_party()
    body = client.get(f"/parties/{other.id}/").content.decode()
    assert 'data-action="join" aria-describedby' in body and "disabled" in body
    assert "까지 파티를 만들거나 참여할 수 없어요" in body
