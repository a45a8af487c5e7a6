"""Support's notification pages: the outbox with "send again" for events that did not get
through, residents' notifications and favorites — in Korean, read-only."""

import pytest
from django.test import override_settings

from chat.models import ChatRoom
from notifications.models import FavoriteItem, FavoriteMarket, OutboxEvent
from notifications.services import favorite_item_add, favorite_market_add
from parties.models import PartyStatus
from parties.services import party_join
from tests.factories import ItemFactory, MarketFactory, UserFactory, make_party

pytestmark = pytest.mark.django_db


def stuck_party_closed():
    """A party that filled while its events were left undispatched (a dispatcher that lost
    them): the room did not open."""
    party = make_party(capacity=2)
    with override_settings(NOTIFICATIONS_BUS="rabbitmq"):  # nothing runs in this process
        party_join(party_id=party.id, user=UserFactory())
    assert party.__class__.objects.get(pk=party.pk).status == PartyStatus.CLOSED
    event = OutboxEvent.objects.get(type="party.closed", payload__party_id=party.id)
    return party, event


def test_republish_action_sends_a_stuck_event_again_and_its_reactions_run(
    admin_client, django_capture_on_commit_callbacks
):
    party, event = stuck_party_closed()
    # As if relayed, then lost with an expired queue: published, never dispatched.
    OutboxEvent.objects.filter(published_at__isnull=True).update(published_at=event.created_at)
    assert not ChatRoom.objects.filter(party=party).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/notifications/outboxevent/",
            {"action": "republish", "_selected_action": [event.pk]},
            follow=True,
        )

    assert "이벤트 1건을 다시 보내요." in [str(m) for m in response.context["messages"]]
    event.refresh_from_db()
    assert event.published_at is not None and event.dispatched_at is not None
    assert ChatRoom.objects.filter(party=party).count() == 1  # the reaction ran, once


def test_republish_action_leaves_dispatched_events_alone(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_party()  # its party.created is dispatched in this process
    event = OutboxEvent.objects.get(type="party.created")
    assert event.dispatched_at is not None
    published_at = event.published_at

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/notifications/outboxevent/",
            {"action": "republish", "_selected_action": [event.pk]},
            follow=True,
        )

    assert "이벤트 1건은 이미 처리돼서 다시 보내지 않았어요." in [
        str(m) for m in response.context["messages"]
    ]
    event.refresh_from_db()
    assert event.published_at == published_at


def test_outbox_filters_events_that_did_not_get_through(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_party(title="잘 간 파티")
    _party, stuck = stuck_party_closed()
    done = OutboxEvent.objects.filter(dispatched_at__isnull=False).first()
    assert done is not None

    page = admin_client.get("/admin/notifications/outboxevent/?delivery=pending")

    body = page.content.decode()
    assert page.status_code == 200
    assert "전달 상태" in body and "보냈지만 처리 안 됨" in body
    assert f"/admin/notifications/outboxevent/{stuck.pk}/change/" in body
    assert f"/admin/notifications/outboxevent/{done.pk}/change/" not in body


def test_notification_and_favorite_pages_read_in_korean_and_cannot_be_edited(admin_client):
    resident = UserFactory(nickname="사과좋아")
    favorite_market_add(user=resident, market_id=MarketFactory(name="코스트코 양재점").id)
    favorite_item_add(user=resident, item_id=ItemFactory(name="부사 사과 5kg").id)
    make_party()

    for path, shown, english in (
        ("/admin/notifications/favoritemarket/", "코스트코 양재점", "Favorite market"),
        ("/admin/notifications/favoriteitem/", "부사 사과 5kg", "Favorite item"),
        ("/admin/notifications/notification/", "알림", "Notification"),
        ("/admin/notifications/outboxevent/", "이벤트 (outbox)", "Outbox event"),
    ):
        page = admin_client.get(path)
        body = page.content.decode()
        assert page.status_code == 200, path
        assert shown in body, path
        assert english not in body, path
        assert admin_client.get(f"{path}add/").status_code == 403, path

    favorite = FavoriteMarket.objects.get()
    assert str(favorite) == "사과좋아 ♥ 코스트코 양재점"
    assert str(FavoriteItem.objects.get()) == "사과좋아 ♥ 부사 사과 5kg"
    admin_client.post(f"/admin/notifications/favoritemarket/{favorite.pk}/delete/", {"post": "yes"})
    assert FavoriteMarket.objects.filter(pk=favorite.pk).exists()
