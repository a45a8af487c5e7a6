"""The push API: the VAPID key, subscribing a browser and unsubscribing it; bad input is a
400 with a stable code and a Korean message, and nothing is stored."""

import pytest

from tests.factories import UserFactory
from webpush.models import PushSubscription
from webpush.services import push_subscribe

pytestmark = pytest.mark.django_db

URL = "/api/v1/push/subscriptions"


def test_the_vapid_key_is_the_one_pushes_are_signed_with(api_client, vapid):
    response = api_client.get("/api/v1/push/vapid-key")
    assert response.status_code == 200
    assert response.json() == {"public_key": vapid}


def test_without_keys_push_is_unavailable_in_korean(
    api_client, auth_client, settings, push_service
):
    settings.VAPID_PRIVATE_KEY = ""
    response = api_client.get("/api/v1/push/vapid-key")
    assert response.status_code == 503
    assert response.json()["code"] == "push_unavailable"
    assert response.json()["message"] == "이 서버에서는 푸시 알림을 쓸 수 없어요."
    refused = auth_client.post(URL, push_service.subscribe(), format="json")
    assert refused.status_code == 503 and refused.json()["code"] == "push_unavailable"
    assert PushSubscription.objects.count() == 0


def test_a_browser_subscribes_and_subscribing_again_updates_it(auth_client, user, push_service):
    browser = push_service.subscribe()
    response = auth_client.post(URL, browser, format="json", HTTP_USER_AGENT="Firefox/133")
    assert response.status_code == 201
    assert response.json()["endpoint"] == browser["endpoint"]
    renewed = {**browser, "keys": push_service.subscribe()["keys"]}
    assert auth_client.post(URL, renewed, format="json").status_code == 201
    stored = PushSubscription.objects.get()
    assert (stored.user, stored.p256dh) == (user, renewed["keys"]["p256dh"])
    assert stored.user_agent == ""  # the second request sent none


def test_an_endpoint_subscribed_by_another_user_moves_to_them(auth_client, user, push_service):
    browser = push_service.subscribe()
    push_subscribe(
        user=UserFactory(),
        endpoint=browser["endpoint"],
        p256dh=browser["keys"]["p256dh"],
        auth=browser["keys"]["auth"],
    )
    assert auth_client.post(URL, browser, format="json").status_code == 201
    assert PushSubscription.objects.get().user == user


def test_unsubscribe_removes_only_my_own_browser(auth_client, user, push_service):
    mine, theirs = push_service.subscribe(), push_service.subscribe()
    auth_client.post(URL, mine, format="json")
    push_subscribe(
        user=UserFactory(),
        endpoint=theirs["endpoint"],
        p256dh=theirs["keys"]["p256dh"],
        auth=theirs["keys"]["auth"],
    )
    assert (
        auth_client.delete(URL, {"endpoint": theirs["endpoint"]}, format="json").status_code == 204
    )
    assert auth_client.delete(URL, {"endpoint": mine["endpoint"]}, format="json").status_code == 204
    assert auth_client.delete(URL, {"endpoint": mine["endpoint"]}, format="json").status_code == 204
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [theirs["endpoint"]]


def test_subscribing_needs_a_signed_in_user(api_client, push_service):
    response = api_client.post(URL, push_service.subscribe(), format="json")
    assert response.status_code == 401
    assert PushSubscription.objects.count() == 0


def _with(browser, **changes):
    keys = {**browser["keys"], **changes.pop("keys", {})}
    return {**browser, **changes, "keys": keys}


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"endpoint": "http://push.example.com/send/abc"}, "push_endpoint_invalid", "endpoint"),
        ({"endpoint": "https://10.0.0.5/send/abc"}, "push_endpoint_invalid", "endpoint"),
        ({"endpoint": "https://localhost/send/abc"}, "push_endpoint_invalid", "endpoint"),
        ({"endpoint": "ftp://push.example.com/x"}, "push_endpoint_invalid", "endpoint"),
        ({"endpoint": "https://user:pw@push.example.com/x"}, "push_endpoint_invalid", "endpoint"),
        ({"endpoint": "not a url"}, "push_endpoint_invalid", "endpoint"),
        ({"keys": {"p256dh": "AAAA"}}, "push_keys_invalid", "p256dh"),
        ({"keys": {"p256dh": "B" + "A" * 86}}, "push_keys_invalid", "p256dh"),  # not on P-256
        ({"keys": {"p256dh": "한글키"}}, "push_keys_invalid", "p256dh"),
        ({"keys": {"auth": "c2hvcnQ"}}, "push_keys_invalid", "auth"),
        ({"keys": {"auth": "+/+/+/+/+/+/+/+/+/+/+w"}}, "push_keys_invalid", "auth"),
    ],
)
def test_a_bad_subscription_is_refused_and_nothing_is_stored(
    auth_client, push_service, settings, change, code, field
):
    settings.WEBPUSH_ALLOW_LOOPBACK_HTTP = False  # as in production
    browser = push_service.subscribe()
    browser["endpoint"] = "https://fcm.googleapis.com/fcm/send/abc123"
    response = auth_client.post(URL, _with(browser, **change), format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == code and body["details"]["field"] == field
    assert "다시 켜 주세요" in body["message"]
    assert PushSubscription.objects.count() == 0


def test_loopback_http_endpoints_are_refused_in_production(auth_client, push_service, settings):
    settings.WEBPUSH_ALLOW_LOOPBACK_HTTP = False
    response = auth_client.post(URL, push_service.subscribe(), format="json")
    assert response.status_code == 400 and response.json()["code"] == "push_endpoint_invalid"
    assert PushSubscription.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [{}, {"endpoint": "https://fcm.googleapis.com/x"}, {"endpoint": 5, "keys": "x"}, []],
)
def test_a_malformed_body_is_a_400_not_a_500(auth_client, push_service, body):
    response = auth_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] in {"invalid", "push_keys_invalid", "push_endpoint_invalid"}
    assert PushSubscription.objects.count() == 0


def test_vapid_keys_command_prints_a_keypair_the_server_signs_with(settings, api_client):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("vapid_keys", stdout=out)
    printed = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    settings.VAPID_PRIVATE_KEY = printed["VAPID_PRIVATE_KEY"]
    settings.VAPID_PUBLIC_KEY = printed["VAPID_PUBLIC_KEY"]
    settings.VAPID_SUBJECT = "mailto:ops@gonggu.kr"
    response = api_client.get("/api/v1/push/vapid-key")
    assert response.json() == {"public_key": printed["VAPID_PUBLIC_KEY"]}


def test_a_public_key_of_another_keypair_fails_the_system_check(settings, vapid):
    from webpush.checks import vapid_keys_usable

    assert vapid_keys_usable(None) == []
    settings.VAPID_PUBLIC_KEY = "B" + "A" * 86
    [error] = vapid_keys_usable(None)
    assert error.id == "webpush.E001"


def test_the_notifications_page_offers_push_or_says_it_is_unavailable(client, user, settings):
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert "이 기기에서 알림 받기" in page and "data-push-toggle" in page
    settings.VAPID_PRIVATE_KEY = ""
    page = client.get("/notifications/").content.decode()
    assert "이 서버에서는 푸시 알림을 쓸 수 없어요." in page
    assert "data-push-toggle" not in page


def test_admin_lists_subscriptions_without_their_secrets(admin_client, push_service):
    browser = push_service.subscribe()
    push_subscribe(
        user=UserFactory(nickname="관리대상"),
        endpoint=browser["endpoint"],
        p256dh=browser["keys"]["p256dh"],
        auth=browser["keys"]["auth"],
    )
    page = admin_client.get("/admin/webpush/pushsubscription/").content.decode()
    assert "관리대상" in page and push_service.url in page
    assert browser["endpoint"] not in page and browser["keys"]["auth"] not in page
