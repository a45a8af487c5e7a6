"""The outbox is written with the change or not at all; the dispatcher notifies the right
people once per event, never the actor; the inbox and favorites API."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from chat.models import ChatRoom
from common.errors import DomainError
from common.events import DomainEvent, EventType, register_reaction, unregister_reaction
from notifications.models import FavoriteItem, FavoriteMarket, Notification, OutboxEvent
from notifications.regions import routing_key
from notifications.relay import dispatch_pending_inprocess
from notifications.services import event_react
from parties.services import party_cancel, party_close, party_create, party_join, party_leave
from tests.factories import ItemFactory, MarketFactory, UserFactory, make_party

pytestmark = pytest.mark.django_db


def create_party(leader, market, item, **fields):
    now = timezone.now()
    return party_create(
        leader=leader,
        market_id=market.id,
        item_id=item.id,
        title=fields.pop("title", "사과 한 박스"),
        description="",
        total_price=30000,
        total_quantity=10,
        unit="개",
        capacity=fields.pop("capacity", 3),
        meet_at=now + timedelta(days=2),
        recruit_until=now + timedelta(days=1),
    )


def outbox_types() -> list[str]:
    return list(OutboxEvent.objects.order_by("id").values_list("type", flat=True))


def test_event_is_stored_in_the_outbox_with_its_region_routing_key(db):
    market = MarketFactory(sido="서울특별시", sigungu="마포구")
    party = create_party(UserFactory(), market, ItemFactory())
    event = OutboxEvent.objects.get(type="party.created")
    assert event.payload["party_id"] == party.id
    assert event.routing_key == "region.서울특별시.마포구"
    assert event.actor_id == party.leader_id


def test_a_rolled_back_change_leaves_no_event(db):
    market, item, leader = MarketFactory(), ItemFactory(), UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        create_party(leader, market, item)
        raise RuntimeError("the request failed after the write")
    assert OutboxEvent.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_refused_join_writes_no_event(db):
    party = make_party(capacity=2)
    party_join(party_id=party.id, user=UserFactory())  # fills it: closes
    before = outbox_types()
    with pytest.raises(DomainError):
        party_join(party_id=party.id, user=UserFactory())
    assert outbox_types() == before


def test_routing_key_keeps_region_names_one_word():
    assert routing_key("서울특별시", "강남구") == "region.서울특별시.강남구"
    assert routing_key("경기도", "수원시 장안구") == "region.경기도.수원시_장안구"
    assert routing_key("", "") == "region.unknown.unknown"
    assert routing_key("a.b", "c") == "region.a_b.c"


@pytest.fixture
def scene(db):
    market = MarketFactory(lat=37.5665, lng=126.9780)
    item = ItemFactory()
    leader = UserFactory()
    market_fan = UserFactory()
    near_item_fan = UserFactory(lat=37.60, lng=126.99)  # ~4 km from the market
    far_item_fan = UserFactory(lat=35.18, lng=129.08)  # Busan
    homeless_item_fan = UserFactory()
    bystander = UserFactory()
    FavoriteMarket.objects.create(user=market_fan, market=market)
    FavoriteMarket.objects.create(user=leader, market=market)  # the actor favorites it too
    for fan in (near_item_fan, far_item_fan, homeless_item_fan):
        FavoriteItem.objects.create(user=fan, item=item)
    return locals()


def recipients(event_type: str) -> set[int]:
    return set(Notification.objects.filter(type=event_type).values_list("user_id", flat=True))


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_party_created_notifies_market_fans_and_nearby_item_fans_but_not_the_actor(
    scene, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        party = create_party(scene["leader"], scene["market"], scene["item"])
    assert recipients("party.created") == {scene["market_fan"].id, scene["near_item_fan"].id}
    notification = Notification.objects.get(user=scene["market_fan"])
    assert notification.party_id == party.id
    assert scene["market"].name in notification.data["message"]
    assert notification.data["url"] == f"/parties/{party.id}/"


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_membership_events_go_to_the_leader_and_the_members(
    scene, django_capture_on_commit_callbacks
):
    leader, member, other = scene["leader"], UserFactory(nickname="참여자"), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        party = create_party(leader, scene["market"], scene["item"], capacity=4)
    with django_capture_on_commit_callbacks(execute=True):
        party_join(party_id=party.id, user=member)
        party_join(party_id=party.id, user=other)
    assert recipients("party.joined") == {leader.id}
    first_join = Notification.objects.filter(type="party.joined").order_by("id").first()
    assert "참여자" in first_join.data["message"]
    with django_capture_on_commit_callbacks(execute=True):
        party_leave(party_id=party.id, user=other)
    assert recipients("party.left") == {leader.id}
    with django_capture_on_commit_callbacks(execute=True):
        party_close(party_id=party.id, user=leader)
    # Not the leader who closed it, nor of the chat room that closing opened: one action,
    # one notification to the member.
    assert recipients("party.closed") == {member.id}
    assert recipients("chat.created") == set()
    closed = Notification.objects.get(type="party.closed")
    assert "채팅방이 열렸어요" in closed.data["message"]


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_cancel_notifies_the_members(scene, django_capture_on_commit_callbacks):
    leader, member = scene["leader"], UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        party = create_party(leader, scene["market"], scene["item"])
        party_join(party_id=party.id, user=member)
        party_cancel(party_id=party.id, user=leader)
    assert recipients("party.cancelled") == {member.id}


def domain_event(row: OutboxEvent) -> DomainEvent:
    return DomainEvent(
        type=EventType(row.type), payload=row.payload, actor_id=row.actor_id, id=row.pk
    )


def test_an_event_delivered_twice_notifies_once(scene):
    party = create_party(scene["leader"], scene["market"], scene["item"])
    event = domain_event(OutboxEvent.objects.get(type="party.created"))
    assert event_react(event=event) == 1  # the notifications reaction
    assert event_react(event=event) == 0  # a redelivery runs nothing
    assert Notification.objects.filter(party_id=party.id).count() == 2
    assert OutboxEvent.objects.get(pk=event.id).dispatched_at is not None


def test_a_failed_reaction_runs_again_on_redelivery_and_the_others_do_not(scene):
    party = make_party(capacity=2)
    member = UserFactory()
    party_join(party_id=party.id, user=member)  # fills it: party.closed (reactions pending)
    event = domain_event(OutboxEvent.objects.get(type="party.closed"))
    calls: list[int] = []

    def flaky(event: DomainEvent) -> None:
        calls.append(event.id)
        if len(calls) == 1:
            raise RuntimeError("the database blinked")

    register_reaction(EventType.PARTY_CLOSED, "test.flaky", flaky)
    try:
        with pytest.raises(RuntimeError):
            event_react(event=event)  # the delivery is not acknowledged
        opened = ChatRoom.objects.filter(party=party).exists()
        assert event_react(event=event) >= 1  # the redelivery
        assert calls == [event.id, event.id]
        assert ChatRoom.objects.filter(party=party).count() == 1
        assert opened or ChatRoom.objects.filter(party=party).exists()
        assert event_react(event=event) == 0
    finally:
        unregister_reaction(EventType.PARTY_CLOSED, "test.flaky")


def test_inprocess_dispatch_marks_events_published_in_order(scene):
    create_party(scene["leader"], scene["market"], scene["item"], title="하나")
    create_party(scene["leader"], scene["market"], scene["item"], title="둘")
    assert OutboxEvent.objects.filter(published_at__isnull=True).count() == 2
    assert dispatch_pending_inprocess() == 2
    assert OutboxEvent.objects.filter(published_at__isnull=True).count() == 0
    titles = list(
        Notification.objects.filter(user=scene["market_fan"])
        .order_by("id")
        .values_list("data__title", flat=True)
    )
    assert titles == ["하나", "둘"]


# --- API -----------------------------------------------------------------------------------


def test_favorite_market_api_is_idempotent_and_listed(auth_client, user):
    market = MarketFactory()
    url = f"/api/v1/markets/{market.id}/favorite"
    assert auth_client.post(url).status_code == 201
    assert auth_client.post(url).status_code == 201
    assert FavoriteMarket.objects.filter(user=user, market=market).count() == 1
    body = auth_client.get("/api/v1/me/favorites").json()
    assert [m["id"] for m in body["markets"]] == [market.id]
    assert auth_client.delete(url).json() == {"favorited": False}
    assert auth_client.delete(url).status_code == 200
    assert not FavoriteMarket.objects.filter(user=user).exists()


def test_favorite_unknown_item_is_404_and_writes_nothing(auth_client, user):
    response = auth_client.post("/api/v1/items/999999/favorite")
    assert response.status_code == 404
    assert response.json()["code"] == "item_not_found"
    assert not FavoriteItem.objects.exists()


def test_favorites_need_login(api_client, db):
    market = MarketFactory()
    response = api_client.post(f"/api/v1/markets/{market.id}/favorite")
    assert response.status_code == 401
    assert not FavoriteMarket.objects.exists()


def test_inbox_lists_unread_marks_read_and_reads_all(auth_client, user):
    other = UserFactory()
    for n in range(3):
        Notification.objects.create(user=user, event_id=n + 1, type="party.created", data={})
    foreign = Notification.objects.create(user=other, event_id=1, type="party.created", data={})
    body = auth_client.get("/api/v1/notifications").json()
    assert body["count"] == 3 and body["unread_count"] == 3
    newest = body["results"][0]["id"]
    read = auth_client.post(f"/api/v1/notifications/{newest}/read")
    assert read.status_code == 200 and read.json()["read"] is True
    unread = auth_client.get("/api/v1/notifications", {"unread": 1}).json()
    assert newest not in [n["id"] for n in unread["results"]] and unread["count"] == 2
    # Someone else's notification is not found, and stays unread.
    assert auth_client.post(f"/api/v1/notifications/{foreign.id}/read").status_code == 404
    assert Notification.objects.get(pk=foreign.pk).read_at is None
    assert auth_client.post("/api/v1/notifications/read-all").json() == {"marked": 2}
    assert auth_client.get("/api/v1/notifications", {"unread": 1}).json()["count"] == 0
