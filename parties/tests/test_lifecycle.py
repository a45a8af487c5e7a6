"""Every allowed and refused party transition, through the HTTP API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parties.models import Membership, Party, PartyStatus
from parties.services import party_settle_overdue
from tests.factories import ItemFactory, MarketFactory, UserFactory, make_party

pytestmark = pytest.mark.django_db(transaction=True)


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def act(api_client, user, party, action):
    return as_user(api_client, user).post(f"/api/v1/parties/{party.id}/{action}")


def snapshot(party):
    party = Party.objects.get(pk=party.pk)
    members = sorted(
        Membership.objects.filter(party=party).values_list("user_id", "left_at", "role")
    )
    return party.status, party.member_count, members


def make_past(party, *, meet_hours_ago=1):
    """Move a party's meeting (and deadline) into the past, as time passing would."""
    when = timezone.now() - timedelta(hours=meet_hours_ago)
    Party.objects.filter(pk=party.pk).update(meet_at=when, recruit_until=when)


PARTY_EVENTS = (
    "party.created",
    "party.joined",
    "party.left",
    "party.closed",
    "party.cancelled",
    "party.completed",
)


@pytest.fixture
def events():
    """Party events only, in order: what other apps do in reaction (chat opening) is tested
    with those apps."""
    from common import events as bus

    seen = []
    for event_type in PARTY_EVENTS:
        bus.subscribe(event_type, seen.append)
    yield seen
    for event_type in PARTY_EVENTS:
        bus.unsubscribe(event_type, seen.append)


@pytest.fixture
def leader():
    return UserFactory()


@pytest.fixture
def party(leader):
    return make_party(leader=leader, capacity=3)


def create_body(market, item, **overrides):
    now = timezone.now()
    body = {
        "market_id": market.id,
        "item_id": item.id,
        "title": "코스트코 키친타월 나눠요",
        "description": "3롤씩",
        "total_price": 21990,
        "total_quantity": 12,
        "unit": "롤",
        "capacity": 4,
        "meet_at": (now + timedelta(days=1)).isoformat(),
        "recruit_until": (now + timedelta(hours=20)).isoformat(),
    }
    body.update(overrides)
    return body


# --- create ----------------------------------------------------------------------------


def test_create_makes_leader_first_member_and_emits_event(api_client, leader, events):
    market = MarketFactory(sido="서울특별시", sigungu="용산구")
    item = ItemFactory()
    response = as_user(api_client, leader).post(
        "/api/v1/parties", create_body(market, item), format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "recruiting"
    assert body["member_count"] == 1
    assert body["share_price"] == 5498  # ⌈21990 / 4⌉
    assert body["my_role"] == "leader"
    assert [m["nickname"] for m in body["members"]] == [leader.nickname]
    party = Party.objects.get(pk=body["id"])
    assert (party.lat, party.lng, party.sigungu) == (market.lat, market.lng, "용산구")
    assert [e.type for e in events] == ["party.created"]
    assert events[0].payload["party_id"] == party.id
    assert events[0].payload["sigungu"] == "용산구"
    assert events[0].actor_id == leader.id


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"capacity": 1}, "invalid_capacity"),
        ({"capacity": 21}, "invalid_capacity"),
        ({"total_price": 0}, "invalid"),
        ({"total_quantity": -1}, "invalid"),
        ({"title": "   "}, "invalid"),
        ({"meet_at": "2020-01-01T10:00:00+09:00"}, "meet_at_in_past"),
        ({"meet_at": (timezone.now() + timedelta(days=31)).isoformat()}, "meet_at_too_far"),
        ({"recruit_until": "2020-01-01T10:00:00+09:00"}, "recruit_until_in_past"),
        (
            {"recruit_until": (timezone.now() + timedelta(days=2)).isoformat()},
            "recruit_after_meet",
        ),
        ({"market_id": 999999}, "market_not_found"),
        ({"item_id": 999999}, "item_not_found"),
        ({"meet_at": "tomorrow"}, "invalid"),
    ],
)
def test_create_rejects_bad_input_and_writes_nothing(api_client, leader, events, overrides, code):
    body = create_body(MarketFactory(), ItemFactory(), **overrides)
    response = as_user(api_client, leader).post("/api/v1/parties", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Party.objects.exists()
    assert not Membership.objects.exists()
    assert events == []


def test_create_requires_login(api_client):
    body = create_body(MarketFactory(), ItemFactory())
    response = api_client.post("/api/v1/parties", body, format="json")
    assert response.status_code == 401
    assert not Party.objects.exists()


# --- join / leave ----------------------------------------------------------------------


def test_join_adds_member_and_emits_joined(api_client, party, events):
    member = UserFactory()
    response = act(api_client, member, party, "join")
    assert response.status_code == 200
    assert response.json()["member_count"] == 2
    assert response.json()["my_role"] == "member"
    assert snapshot(party)[:2] == ("recruiting", 2)
    assert [e.type for e in events] == ["party.joined"]
    assert events[0].payload["user_id"] == member.id


def test_join_fills_last_slot_and_closes_party(api_client, party, events):
    act(api_client, UserFactory(), party, "join")
    response = act(api_client, UserFactory(), party, "join")
    assert response.json()["status"] == "closed"
    assert response.json()["member_count"] == 3
    assert [e.type for e in events] == ["party.joined", "party.joined", "party.closed"]
    assert events[-1].payload["reason"] == "full"
    assert len(events[-1].payload["member_ids"]) == 3


def test_join_rejects_when_full(api_client, leader, events):
    party = make_party(leader=leader, capacity=2)
    act(api_client, UserFactory(), party, "join")
    events.clear()
    before = snapshot(party)
    response = act(api_client, UserFactory(), party, "join")
    assert response.status_code == 409
    assert response.json()["code"] == "party_full"
    assert snapshot(party) == before
    assert events == []


def test_join_twice_is_refused(api_client, party, events):
    member = UserFactory()
    act(api_client, member, party, "join")
    before = snapshot(party)
    response = act(api_client, member, party, "join")
    assert response.status_code == 409
    assert response.json()["code"] == "already_member"
    assert snapshot(party) == before


def test_leader_cannot_join_own_party(api_client, party, leader):
    response = act(api_client, leader, party, "join")
    assert response.json()["code"] == "already_member"


def test_join_after_deadline_is_refused(api_client, party):
    Party.objects.filter(pk=party.pk).update(recruit_until=timezone.now() - timedelta(minutes=1))
    before = snapshot(party)
    response = act(api_client, UserFactory(), party, "join")
    assert response.status_code == 409
    assert response.json()["code"] == "party_deadline_passed"
    assert snapshot(party) == before


@pytest.mark.parametrize("status", ["closed", "completed", "cancelled"])
def test_join_refused_unless_recruiting(api_client, party, status):
    act(api_client, UserFactory(), party, "join")  # 2 of 3: closed by hand, not full
    Party.objects.filter(pk=party.pk).update(status=status)
    before = snapshot(party)
    response = act(api_client, UserFactory(), party, "join")
    assert response.status_code == 409
    assert response.json()["code"] == "party_not_recruiting"
    assert snapshot(party) == before


def test_join_unknown_party_is_404(api_client, db):
    response = as_user(api_client, UserFactory()).post("/api/v1/parties/424242/join")
    assert response.status_code == 404
    assert response.json()["code"] == "party_not_found"


def test_leave_while_recruiting_frees_the_slot_and_allows_rejoin(api_client, party, events):
    member = UserFactory()
    act(api_client, member, party, "join")
    response = act(api_client, member, party, "leave")
    assert response.status_code == 200
    assert response.json()["member_count"] == 1
    assert response.json()["my_role"] is None
    assert [e.type for e in events] == ["party.joined", "party.left"]
    assert act(api_client, member, party, "join").json()["member_count"] == 2


def test_outsider_cannot_leave(api_client, party, events):
    before = snapshot(party)
    response = act(api_client, UserFactory(), party, "leave")
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_member"
    assert snapshot(party) == before
    assert events == []


def test_leader_cannot_leave(api_client, party, leader):
    response = act(api_client, leader, party, "leave")
    assert response.status_code == 409
    assert response.json()["code"] == "leader_cannot_leave"


def test_leave_after_close_is_refused(api_client, party, leader):
    member = UserFactory()
    act(api_client, member, party, "join")
    act(api_client, leader, party, "close")
    before = snapshot(party)
    response = act(api_client, member, party, "leave")
    assert response.status_code == 409
    assert response.json()["code"] == "party_not_recruiting"
    assert snapshot(party) == before


# --- close / cancel / complete ---------------------------------------------------------


def test_leader_closes_with_two_members(api_client, party, leader, events):
    act(api_client, UserFactory(), party, "join")
    response = act(api_client, leader, party, "close")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert events[-1].type == "party.closed"
    assert events[-1].payload["reason"] == "leader"


def test_close_alone_is_refused(api_client, party, leader, events):
    response = act(api_client, leader, party, "close")
    assert response.status_code == 409
    assert response.json()["code"] == "party_too_small"
    assert snapshot(party)[0] == "recruiting"
    assert events == []


@pytest.mark.parametrize("action", ["close", "cancel", "complete"])
def test_only_the_leader_can_close_cancel_or_complete(api_client, party, action, events):
    member = UserFactory()
    act(api_client, member, party, "join")
    events.clear()
    before = snapshot(party)
    for outsider in (member, UserFactory()):
        response = act(api_client, outsider, party, action)
        assert response.status_code == 403
        assert response.json()["code"] == "not_leader"
    assert snapshot(party) == before
    assert events == []


def test_transitions_require_login(api_client, party):
    for action in ("join", "leave", "close", "cancel", "complete"):
        response = api_client.post(f"/api/v1/parties/{party.id}/{action}")
        assert response.status_code == 401, action


@pytest.mark.parametrize("joined", [False, True])
def test_leader_cancels_recruiting_or_closed_party(api_client, party, leader, events, joined):
    member = UserFactory()
    if joined:
        act(api_client, member, party, "join")
        act(api_client, leader, party, "close")
    response = act(api_client, leader, party, "cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert events[-1].type == "party.cancelled"
    expected = {leader.id, member.id} if joined else {leader.id}
    assert set(events[-1].payload["member_ids"]) == expected


def test_cancel_after_meeting_time_is_refused(api_client, party, leader):
    act(api_client, UserFactory(), party, "join")
    act(api_client, leader, party, "close")
    make_past(party)
    response = act(api_client, leader, party, "cancel")
    assert response.status_code == 409
    assert response.json()["code"] == "meeting_started"
    assert snapshot(party)[0] == "closed"


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_finished_party_cannot_be_cancelled(api_client, party, leader, status):
    Party.objects.filter(pk=party.pk).update(status=status)
    response = act(api_client, leader, party, "cancel")
    assert response.json()["code"] == "party_not_cancellable"


def test_complete_after_meeting(api_client, party, leader, events):
    act(api_client, UserFactory(), party, "join")
    act(api_client, leader, party, "close")
    make_past(party)
    response = act(api_client, leader, party, "complete")
    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert events[-1].type == "party.completed"


def test_complete_before_meeting_is_refused(api_client, party, leader):
    act(api_client, UserFactory(), party, "join")
    act(api_client, leader, party, "close")
    response = act(api_client, leader, party, "complete")
    assert response.status_code == 409
    assert response.json()["code"] == "meeting_not_started"
    assert snapshot(party)[0] == "closed"


def test_complete_while_recruiting_is_refused(api_client, party, leader):
    make_past(party)
    response = act(api_client, leader, party, "complete")
    assert response.json()["code"] == "party_not_closed"


# --- settling overdue parties ----------------------------------------------------------


def test_settle_closes_overdue_parties_with_members_and_cancels_lonely_ones(events):
    with_member = make_party(capacity=4)
    make_party_member = UserFactory()
    from parties.services import party_join

    party_join(party_id=with_member.id, user=make_party_member)
    lonely = make_party(capacity=4)
    still_open = make_party(capacity=4)
    past = timezone.now() - timedelta(minutes=1)
    Party.objects.filter(pk__in=[with_member.pk, lonely.pk]).update(recruit_until=past)
    events.clear()

    assert party_settle_overdue() == {"closed": 1, "cancelled": 1}

    assert Party.objects.get(pk=with_member.pk).status == PartyStatus.CLOSED
    assert Party.objects.get(pk=lonely.pk).status == PartyStatus.CANCELLED
    assert Party.objects.get(pk=still_open.pk).status == PartyStatus.RECRUITING
    reasons = sorted((e.type, e.payload["reason"]) for e in events)
    assert reasons == [("party.cancelled", "deadline"), ("party.closed", "deadline")]
    # Nothing left to do: a second run changes nothing and announces nothing.
    events.clear()
    assert party_settle_overdue() == {"closed": 0, "cancelled": 0}
    assert events == []


def test_settle_task_is_registered_and_settles(events):
    from config.celery import app
    from parties.tasks import settle_overdue_parties

    lonely = make_party()
    Party.objects.filter(pk=lonely.pk).update(recruit_until=timezone.now() - timedelta(seconds=1))
    app.loader.import_default_modules()
    assert "parties.settle_overdue" in app.tasks
    result = settle_overdue_parties.apply()  # in this process: the beat schedule's task
    assert result.get(timeout=10) == {"closed": 0, "cancelled": 1}
    assert Party.objects.get(pk=lonely.pk).status == PartyStatus.CANCELLED


# --- reads -----------------------------------------------------------------------------


def test_detail_shows_share_members_and_my_role(api_client, party, leader):
    member = UserFactory()
    act(api_client, member, party, "join")
    anonymous = api_client.__class__().get(f"/api/v1/parties/{party.id}").json()
    assert anonymous["my_role"] is None
    assert anonymous["share_price"] == 10000
    assert [m["role"] for m in anonymous["members"]] == ["leader", "member"]
    assert "email" not in str(anonymous["members"])


def test_my_parties_groups_leading_joined_and_past(api_client, leader):
    mine = make_party(leader=leader)
    other = make_party()
    finished = make_party(leader=leader)
    from parties.services import party_join

    party_join(party_id=other.id, user=leader)
    Party.objects.filter(pk=finished.pk).update(status="cancelled")
    body = as_user(api_client, leader).get("/api/v1/me/parties").json()
    assert [p["id"] for p in body["leading"]] == [mine.id]
    assert [p["id"] for p in body["joined"]] == [other.id]
    assert [p["id"] for p in body["past"]] == [finished.id]
