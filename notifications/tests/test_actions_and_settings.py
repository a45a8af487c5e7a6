"""Notifications that respect attention: what one action causes is one notification per
recipient, never to its actor; each says why the recipient is told; residents switch groups
off and keep quiet hours (nothing pushed then, the inbox keeps everything)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from common.events import DomainEvent, EventType
from notifications.models import (
    FavoriteItem,
    FavoriteMarket,
    Notification,
    NotificationPreference,
    OutboxEvent,
)
from notifications.selectors import push_wanted
from notifications.services import event_react
from parties.services import party_close, party_join
from tests.factories import ItemFactory, MarketFactory, UserFactory, make_party

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


def told(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("id"))


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_a_join_that_fills_the_party_tells_the_leader_once(django_capture_on_commit_callbacks):
    leader, early, last = UserFactory(), UserFactory(), UserFactory(nickname="막차")
    with django_capture_on_commit_callbacks(execute=True):
        party = make_party(leader=leader, capacity=3, title="휴지 30롤")
    with django_capture_on_commit_callbacks(execute=True):
        party_join(party_id=party.id, user=early)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        party_join(party_id=party.id, user=last)  # fills it: joined, closed, chat opened
    [to_leader] = told(leader)
    assert to_leader.data["message"] == (
        "막차님이 파티에 들어왔어요 · 모집이 마감됐어요 · 채팅방이 열렸어요: 휴지 30롤"
    )
    assert to_leader.data["label"] == "모집 마감" and to_leader.data["reason"] == "my_party"
    [to_early] = told(early)
    assert to_early.data["message"] == "모집이 마감됐어요 · 채팅방이 열렸어요: 휴지 30롤"
    assert told(last) == []  # the one who joined saw it happen
    # Three events, one action: every one of them points at the first.
    events = list(OutboxEvent.objects.filter(payload__party_id=party.id).order_by("id"))
    joined = next(e for e in events if e.type == "party.joined" and e.actor_id == last.id)
    later = [e for e in events if e.id > joined.id]
    assert {e.type for e in later} == {"party.closed", "chat.created"}
    assert {e.action_id for e in later} == {joined.id}


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_the_leader_who_closes_is_not_told_of_the_chat_it_opened(
    django_capture_on_commit_callbacks,
):
    leader, member = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        party = make_party(leader=leader, capacity=4, title="생수 2L")
        party_join(party_id=party.id, user=member)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        party_close(party_id=party.id, user=leader)
    assert told(leader) == []
    [to_member] = told(member)
    assert to_member.data["message"] == "모집이 마감됐어요 · 채팅방이 열렸어요: 생수 2L"


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_events_of_one_action_handled_out_of_order_still_make_one_notification(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):  # committed: an action of its own
        party = make_party(capacity=2, title="계란 30구")
    member = UserFactory(nickname="늦게")
    party_join(party_id=party.id, user=member)  # joined + closed, one action; not dispatched
    rows = {e.type: e for e in OutboxEvent.objects.filter(payload__party_id=party.id)}
    joined, closed = rows["party.joined"], rows["party.closed"]
    assert closed.action_id == joined.id

    def event(row: OutboxEvent) -> DomainEvent:
        return DomainEvent(
            type=EventType(row.type),
            payload=row.payload,
            actor_id=row.actor_id,
            id=row.pk,
            action_id=row.action_id,
        )

    event_react(event=event(closed))  # the later event first (another dispatcher was faster)
    leader_rows = Notification.objects.filter(user_id=party.leader_id)
    assert [n.data["message"] for n in leader_rows] == ["모집이 마감됐어요: 계란 30구"]
    leader_rows.update(read_at=timezone.now())
    event_react(event=event(joined))
    [merged] = Notification.objects.filter(user_id=party.leader_id)
    # In the order they happened, and unread again: there is news in it.
    assert merged.data["message"] == "늦게님이 파티에 들어왔어요 · 모집이 마감됐어요: 계란 30구"
    assert merged.read_at is None
    event_react(event=event(joined))  # a redelivery changes nothing
    assert Notification.objects.filter(user_id=party.leader_id).count() == 1


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_a_favorite_item_alert_names_the_item_and_says_why(django_capture_on_commit_callbacks):
    market = MarketFactory(name="코스트코 양재점", lat=37.4636, lng=127.0429)
    item = ItemFactory(name="크리넥스 3겹 화장지 30롤")
    market_fan, item_fan = UserFactory(), UserFactory(lat=37.47, lng=127.04)
    FavoriteMarket.objects.create(user=market_fan, market=market)
    FavoriteItem.objects.create(user=item_fan, item=item)
    with django_capture_on_commit_callbacks(execute=True):
        make_party(market=market, item=item, title="화장지 나눠요")
    [to_item_fan] = told(item_fan)
    assert to_item_fan.data["message"] == (
        "찜한 품목 크리넥스 3겹 화장지 30롤 파티가 코스트코 양재점에 열렸어요: 화장지 나눠요"
    )
    assert to_item_fan.data["reason"] == "favorite_item"
    [to_market_fan] = told(market_fan)
    assert (
        to_market_fan.data["message"]
        == "찜한 마트 코스트코 양재점에 새 파티가 열렸어요: 화장지 나눠요"
    )
    assert to_market_fan.data["reason"] == "favorite_market"


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_the_inbox_says_why_each_notification_came(client, django_capture_on_commit_callbacks):
    market, fan = MarketFactory(), UserFactory()
    FavoriteMarket.objects.create(user=fan, market=market)
    with django_capture_on_commit_callbacks(execute=True):
        make_party(market=market)
    client.force_login(fan)
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="notification-reason">찜한 마트<' in page
    body = client.get("/api/v1/notifications").json()
    assert body["results"][0]["reason_label"] == "찜한 마트"


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_a_group_switched_off_is_not_notified_and_the_others_are(
    auth_client, user, django_capture_on_commit_callbacks
):
    market = MarketFactory()
    FavoriteMarket.objects.create(user=user, market=market)
    response = auth_client.patch(
        "/api/v1/me/notification-settings", {"muted_types": ["party.created"]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    on = {t["type"]: t["on"] for t in body["types"]}
    assert on["party.created"] is False and on["party.joined"] is True
    # PATCH changes only what it names: the quiet hours keep their defaults.
    assert (body["quiet_hours"], body["quiet_start"], body["quiet_end"]) == (True, "22:00", "08:00")
    with django_capture_on_commit_callbacks(execute=True):
        make_party(market=market)  # a new party at the favorite market: switched off
    assert told(user) == []
    with django_capture_on_commit_callbacks(execute=True):
        own = make_party(leader=user, capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        party_join(party_id=own.id, user=UserFactory())  # news of my own party: still on
    assert [n.type for n in told(user)] == ["party.joined"]


def test_penalty_notifications_cannot_be_switched_off(auth_client, user):
    url = "/api/v1/me/notification-settings"
    response = auth_client.patch(url, {"muted_types": ["penalty.received"]}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "type_not_switchable"
    assert not NotificationPreference.objects.filter(user=user).exists()
    response = auth_client.patch(url, {"muted_types": ["nonsense"]}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_type"
    response = auth_client.patch(url, {"quiet_start": "08:00"}, format="json")  # = the end
    assert response.status_code == 400 and response.json()["code"] == "invalid_quiet_hours"
    assert not NotificationPreference.objects.filter(user=user).exists()
    types = {t["type"]: t for t in auth_client.get(url).json()["types"]}
    assert types["penalty.received"]["switchable"] is False and types["penalty.received"]["on"]


def test_quiet_hours_hold_push_but_the_inbox_keeps_everything(user):
    notification = Notification.objects.create(user=user, event_id=1, type="party.joined", data={})
    night = datetime(2026, 11, 30, 23, 30, tzinfo=SEOUL)
    morning = datetime(2026, 12, 1, 7, 59, tzinfo=SEOUL)
    noon = datetime(2026, 12, 1, 12, 0, tzinfo=SEOUL)
    # The defaults: 22:00–08:00, on.
    assert not push_wanted(notification=notification, at=night)
    assert not push_wanted(notification=notification, at=morning)
    assert push_wanted(notification=notification, at=noon)
    NotificationPreference.objects.create(
        user=user, quiet_hours=True, quiet_start=time(13, 0), quiet_end=time(14, 0)
    )
    assert push_wanted(notification=notification, at=night)
    assert not push_wanted(notification=notification, at=noon + timedelta(hours=1, minutes=5))
    NotificationPreference.objects.filter(user=user).update(quiet_hours=False)
    assert push_wanted(notification=notification, at=noon + timedelta(hours=1, minutes=5))
    assert Notification.objects.filter(user=user).count() == 1


def test_the_settings_page_saves_and_explains_a_mistake(client, user):
    client.force_login(user)
    page = client.get("/notifications/settings/").content.decode()
    assert "찜한 마트·품목의 새 파티" in page and "끌 수 없어요" in page
    form = {
        "group_my_parties": "on",
        "group_reminders": "on",
        "group_settlement": "on",
        "group_questions": "on",
        "quiet_hours": "on",
        "quiet_start": "23:00",
        "quiet_end": "07:00",
    }
    response = client.post("/notifications/settings/", form)
    assert response.status_code == 302
    saved = NotificationPreference.objects.get(user=user)
    assert saved.muted_types == ["party.created"]
    assert (saved.quiet_start, saved.quiet_end) == (time(23, 0), time(7, 0))
    followed = client.get("/notifications/settings/").content.decode()
    assert "알림 설정을 저장했어요." in followed
    response = client.post("/notifications/settings/", {**form, "quiet_end": "23:00"})
    assert response.status_code == 400
    assert "시작과 끝이 같아요" in response.content.decode()
    assert NotificationPreference.objects.get(user=user).quiet_end == time(7, 0)
