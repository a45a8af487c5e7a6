"""Web Push: a notification reaches the resident's subscribed browsers through a push
service that speaks the real protocol (VAPID-signed, aes128gcm-encrypted: the fake checks
and decrypts); a gone subscription is forgotten; settings that hold pushes hold them."""

import pytest
from django.test import override_settings

from notifications.models import Notification
from parties.services import party_join
from tests.factories import UserFactory, make_party
from webpush.models import PushSubscription
from webpush.services import PushOutcome, push_deliver, push_subscribe
from webpush.tasks import retry_delay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]


def subscribe(user, subscription) -> PushSubscription:
    return push_subscribe(
        user=user,
        endpoint=subscription["endpoint"],
        p256dh=subscription["keys"]["p256dh"],
        auth=subscription["keys"]["auth"],
        user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/131",
    )


def join(party, user, capture) -> None:
    with capture(execute=True):
        party_join(party_id=party.id, user=user)


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_a_join_pushes_one_korean_notification_to_the_leaders_phone(
    push_service, django_capture_on_commit_callbacks
):
    leader, neighbour = UserFactory(), UserFactory(nickname="옆집이웃")
    with django_capture_on_commit_callbacks(execute=True):
        party = make_party(leader=leader, capacity=4, title="휴지 30롤 나눠요")
    phone = push_service.subscribe()
    subscription = subscribe(leader, phone)

    join(party, neighbour, django_capture_on_commit_callbacks)

    [notification] = Notification.objects.filter(user=leader)
    [push] = push_service.received_by(phone)
    assert push.message["body"] == notification.data["message"]
    assert "옆집이웃" in push.message["body"] and "휴지 30롤 나눠요" in push.message["body"]
    assert push.message["url"] == f"/parties/{party.id}/"
    assert push.message["tag"] == f"party-{party.id}"
    assert push.message["title"].startswith("공구 · ")
    # What a real service requires of the request (checked by the fake before decrypting).
    assert push.claims["aud"] == push_service.url and push.claims["sub"].startswith("mailto:")
    assert int(push.headers["ttl"]) > 0 and push.headers["urgency"] == "normal"
    assert push_service.refused == []
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None
    # The one who joined has no notification, so nothing was pushed anywhere else.
    assert len(push_service.received) == 1


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_every_browser_of_the_recipient_gets_it_and_nobody_elses(
    push_service, django_capture_on_commit_callbacks
):
    leader, neighbour, stranger = UserFactory(), UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        party = make_party(leader=leader, capacity=4)
    phone, laptop, strangers = (push_service.subscribe() for _ in range(3))
    subscribe(leader, phone)
    subscribe(leader, laptop)
    subscribe(stranger, strangers)

    join(party, neighbour, django_capture_on_commit_callbacks)

    assert len(push_service.received_by(phone)) == 1
    assert len(push_service.received_by(laptop)) == 1
    assert push_service.received_by(strangers) == []


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_a_subscription_the_push_service_says_is_gone_is_deleted(
    push_service, django_capture_on_commit_callbacks
):
    leader = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        party = make_party(leader=leader, capacity=4)
    gone, alive = push_service.subscribe(), push_service.subscribe()
    subscribe(leader, gone)
    subscribe(leader, alive)
    push_service.respond(gone["endpoint"], 410)

    join(party, UserFactory(), django_capture_on_commit_callbacks)

    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [alive["endpoint"]]
    assert len(push_service.received_by(alive)) == 1
    assert Notification.objects.filter(user=leader).count() == 1  # the inbox keeps it


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_nothing_is_pushed_when_the_residents_settings_hold_it(
    push_service, django_capture_on_commit_callbacks, monkeypatch
):
    leader = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        party = make_party(leader=leader, capacity=4)
    subscription = subscribe(leader, push_service.subscribe())
    monkeypatch.setattr("webpush.services.push_wanted", lambda *, notification: False)

    join(party, UserFactory(), django_capture_on_commit_callbacks)

    assert Notification.objects.filter(user=leader).count() == 1  # the inbox has it
    assert push_service.received == [] and push_service.attempts == {}
    subscription.refresh_from_db()
    assert subscription.last_success_at is None


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_without_vapid_keys_nothing_is_sent(
    push_service, django_capture_on_commit_callbacks, settings
):
    leader = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        party = make_party(leader=leader, capacity=4)
    subscribe(leader, push_service.subscribe())
    settings.VAPID_PRIVATE_KEY = ""

    join(party, UserFactory(), django_capture_on_commit_callbacks)

    assert Notification.objects.filter(user=leader).count() == 1
    assert push_service.attempts == {}


def test_a_push_service_failing_for_now_is_retried_and_a_refusal_is_not(push_service):
    leader = UserFactory()
    notification = Notification.objects.create(
        user=leader, event_id=1, type="party.joined", data={"message": "테스트", "url": "/"}
    )
    busy = subscribe(leader, push_service.subscribe())
    refusing = subscribe(leader, push_service.subscribe())
    push_service.respond(busy.endpoint, 503)
    push_service.respond(refusing.endpoint, 400)

    assert push_deliver(notification_id=notification.id, subscription_id=busy.id) == (
        PushOutcome.RETRY
    )
    assert push_deliver(notification_id=notification.id, subscription_id=refusing.id) == (
        PushOutcome.FAILED
    )
    assert PushSubscription.objects.count() == 2  # neither is forgotten for that
    assert [retry_delay(n) for n in range(4)] == [30, 60, 120, 240]
    assert retry_delay(20) == 3600


def test_a_push_never_goes_to_a_browser_that_moved_to_another_user(push_service):
    first, second = UserFactory(), UserFactory()
    notification = Notification.objects.create(
        user=first, event_id=1, type="party.joined", data={"message": "테스트", "url": "/"}
    )
    shared = push_service.subscribe()
    subscription = subscribe(first, shared)
    subscribe(second, shared)  # signed in as someone else on the same browser

    assert PushSubscription.objects.get().user == second
    outcome = push_deliver(notification_id=notification.id, subscription_id=subscription.id)
    assert outcome == PushOutcome.SKIPPED
    assert push_service.attempts == {}


def test_the_fake_push_service_refuses_a_push_signed_with_another_key(push_service, settings):
    """The fake is as strict as a real service: a VAPID key other than the one the browser
    subscribed with is refused, and nothing is decrypted or recorded."""
    from tests.fakes.push_service import FakePushService

    leader = UserFactory()
    notification = Notification.objects.create(
        user=leader, event_id=1, type="party.joined", data={"message": "테스트", "url": "/"}
    )
    other_key = FakePushService(application_server_key="B" + "A" * 86)
    other_key.start()
    try:
        subscription = subscribe(leader, other_key.subscribe())
        outcome = push_deliver(notification_id=notification.id, subscription_id=subscription.id)
    finally:
        other_key.stop()
    assert outcome == PushOutcome.FAILED
    assert other_key.received == []
    assert [status for _token, status, _reason in other_key.refused] == [403]


@override_settings(NOTIFICATIONS_BUS="inprocess")
def test_delivery_queues_a_task_and_sends_nothing_inline(
    push_service, django_capture_on_commit_callbacks, monkeypatch
):
    """The dispatcher (or the request) only queues: the push service is called by a worker."""
    from config.celery import app

    leader = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        party = make_party(leader=leader, capacity=4)
    subscription = subscribe(leader, push_service.subscribe())
    queued = []
    app.conf.task_always_eager = False  # as with a broker; the celery_eager fixture restores it
    monkeypatch.setattr(
        "webpush.tasks.push_send.apply_async",
        lambda args=None, kwargs=None, **options: queued.append((*args, options)),
    )

    join(party, UserFactory(), django_capture_on_commit_callbacks)

    [notification] = Notification.objects.filter(user=leader)
    # After a moment, so the push carries the whole action (joined, closed, chat opened).
    assert queued == [(notification.id, subscription.id, {"countdown": 3})]
    assert push_service.attempts == {}


def test_quiet_hours_end_with_one_push_counting_what_was_held(push_service):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from webpush.models import QuietDigest
    from webpush.services import push_quiet_digests_send

    seoul = ZoneInfo("Asia/Seoul")
    resident, rested = UserFactory(), UserFactory()
    phone = push_service.subscribe()
    subscribe(resident, phone)
    subscribe(rested, push_service.subscribe())
    night = datetime(2026, 11, 30, 23, 30, tzinfo=seoul)  # default quiet hours: 22:00–08:00
    for n in range(3):
        held = Notification.objects.create(user=resident, event_id=n + 1, type="party.joined")
        Notification.objects.filter(pk=held.pk).update(created_at=night + timedelta(minutes=n))
    read = Notification.objects.create(user=resident, event_id=9, type="party.joined")
    Notification.objects.filter(pk=read.pk).update(created_at=night, read_at=night)
    before = Notification.objects.create(user=resident, event_id=10, type="party.joined")
    Notification.objects.filter(pk=before.pk).update(created_at=night - timedelta(hours=3))

    assert (
        push_quiet_digests_send(now=datetime(2026, 12, 1, 7, 59, tzinfo=seoul)) == 0
    )  # still quiet
    assert push_service.received == []
    morning = datetime(2026, 12, 1, 8, 2, tzinfo=seoul)
    assert push_quiet_digests_send(now=morning) == 1
    [digest] = push_service.received_by(phone)
    assert digest.message["body"] == "알림 3개가 왔어요. 알림함에서 확인해 보세요."
    assert digest.message["url"] == "/notifications/"
    # Once per quiet period, however many ticks; the one with nothing held hears nothing.
    assert push_quiet_digests_send(now=morning + timedelta(minutes=5)) == 0
    assert len(push_service.received) == 1
    assert QuietDigest.objects.filter(user=resident).count() == 1
    assert push_quiet_digests_send(now=morning + timedelta(hours=4)) == 0  # too late: skipped
