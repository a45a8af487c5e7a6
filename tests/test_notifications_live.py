"""Live notifications end to end, against real RabbitMQ, Redis, PostgreSQL and daphne:
favorites → outbox → relay → region queue → dispatcher → inbox → SSE on another web process."""

import os
import time
import uuid
from urllib.parse import urlparse

import pytest
import requests
from rest_framework_simplejwt.tokens import RefreshToken

from notifications.models import FavoriteMarket, Notification, OutboxEvent
from tests.factories import ItemFactory, MarketFactory, UserFactory, party_request_body
from tests.servers import daphne, dispatcher
from tests.sse_client import SseClient
from tests.tcp_proxy import TcpProxy

pytestmark = [
    pytest.mark.services("postgresql", "redis", "rabbitmq"),
    pytest.mark.django_db(transaction=True),
]


def token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


@pytest.fixture
def isolation():
    """Names of our own on the shared broker and Redis, for this test only."""
    prefix = f"gonggu-test-{uuid.uuid4().hex[:10]}"
    return {
        "NOTIFICATIONS_PREFIX": prefix,
        "NOTIFICATIONS_QUEUE_EXPIRES_MS": "120000",
        "CHANNEL_LAYER_PREFIX": prefix,
    }


@pytest.fixture
def people(transactional_db):
    market = MarketFactory(name="알림마트", sido="서울특별시", sigungu="마포구")
    item = ItemFactory()
    fan, leader, stranger = UserFactory(), UserFactory(), UserFactory()
    FavoriteMarket.objects.create(user=fan, market=market)
    return {"market": market, "item": item, "fan": fan, "leader": leader, "stranger": stranger}


def create_party(server, people, title: str) -> dict:
    response = requests.post(
        f"{server.http}/api/v1/parties",
        json=party_request_body(
            market_id=people["market"].id, item_id=people["item"].id, title=title
        ),
        headers={"Authorization": f"Bearer {token(people['leader'])}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def services_env():
    return os.environ["REDIS_URL"], os.environ["RABBITMQ_URL"]


def test_a_favorited_market_party_reaches_the_fan_on_another_web_process(people, isolation):
    redis_url, rabbitmq_url = services_env()
    with (
        daphne(redis_url=redis_url, rabbitmq_url=rabbitmq_url, extra_env=isolation) as web1,
        daphne(redis_url=redis_url, rabbitmq_url=rabbitmq_url, extra_env=isolation) as web2,
        dispatcher(rabbitmq_url=rabbitmq_url, redis_url=redis_url, extra_env=isolation),
    ):
        fan = SseClient(web2.http, token=token(people["fan"]))
        leader = SseClient(web2.http, token=token(people["leader"]))
        stranger = SseClient(web1.http, query={"token": token(people["stranger"])})
        assert fan.status == leader.status == stranger.status == 200
        assert fan.headers["Content-Type"].startswith("text/event-stream")
        for stream in (fan, leader, stranger):
            stream.wait_listening()

        party = create_party(web1, people, "휴지 30롤 나눠요")
        event = fan.next_event(timeout=10)
        assert event.event == "party.created"
        body = event.json
        assert body["party_id"] == party["id"] and body["id"] == int(event.id)
        assert "알림마트" in body["message"] and "휴지 30롤 나눠요" in body["message"]
        assert fan.retry == 3000  # retry: came first
        # The actor and a user without the favorite hear nothing.
        assert leader.events_within(1.0) == [] and stranger.events_within(0.1) == []
        assert list(Notification.objects.values_list("user_id", flat=True)) == [people["fan"].id]
        for client in (fan, leader, stranger):
            client.close()


def test_reconnecting_with_last_event_id_replays_exactly_what_was_missed(people, isolation):
    redis_url, rabbitmq_url = services_env()
    with (
        daphne(redis_url=redis_url, rabbitmq_url=rabbitmq_url, extra_env=isolation) as web,
        dispatcher(rabbitmq_url=rabbitmq_url, redis_url=redis_url, extra_env=isolation),
    ):
        fan_token = token(people["fan"])
        with SseClient(web.http, token=fan_token) as stream:
            stream.wait_listening()
            create_party(web, people, "첫 파티")
            first = stream.next_event(timeout=3)
        missed = [create_party(web, people, f"놓친 파티 {n}")["id"] for n in range(3)]
        deadline = time.monotonic() + 30
        while Notification.objects.filter(user=people["fan"]).count() < 4:
            assert time.monotonic() < deadline, "the dispatcher stored the three events"
            time.sleep(0.05)

        with SseClient(web.http, token=fan_token, last_event_id=first.id) as header_replay:
            replayed = [header_replay.next_event(timeout=3) for _ in range(3)]
            assert header_replay.events_within(0.5) == []  # exactly those three
        assert [e.json["party_id"] for e in replayed] == missed  # in order
        assert [int(e.id) for e in replayed] == sorted(int(e.id) for e in replayed)

        # The query parameter does the same (EventSource polyfills, curl).
        with SseClient(
            web.http, token=fan_token, query={"last_event_id": replayed[1].id}
        ) as query_replay:
            assert query_replay.next_event(timeout=3).id == replayed[2].id
            assert query_replay.events_within(0.3) == []


def test_events_written_while_the_broker_is_unreachable_arrive_once_it_is_back(people, isolation):
    redis_url, rabbitmq_url = services_env()
    broker = urlparse(rabbitmq_url)
    proxy = TcpProxy(broker.hostname or "127.0.0.1", broker.port or 5672)
    proxy.start()
    via_proxy = proxy.via(rabbitmq_url)
    try:
        with (
            daphne(redis_url=redis_url, rabbitmq_url=rabbitmq_url, extra_env=isolation) as web,
            dispatcher(rabbitmq_url=via_proxy, redis_url=redis_url, extra_env=isolation) as proc,
        ):
            with SseClient(web.http, token=token(people["fan"])) as stream:
                stream.wait_listening()
                create_party(web, people, "정상일 때")
                assert stream.next_event(timeout=10).event == "party.created"

                proxy.stop()  # RabbitMQ unreachable for the relay and the dispatcher
                during = [create_party(web, people, f"장애 중 {n}")["id"] for n in range(3)]
                assert OutboxEvent.objects.filter(published_at__isnull=True).count() == 3
                assert stream.events_within(0.5) == []  # nothing gets through meanwhile

                proxy.start()
                arrived = [stream.next_event(timeout=20) for _ in range(3)]
                assert [e.json["party_id"] for e in arrived] == during
                assert stream.events_within(2.0) == []  # nothing twice
            assert OutboxEvent.objects.filter(published_at__isnull=True).count() == 0
            assert Notification.objects.filter(user=people["fan"]).count() == 4
            assert b"retrying" in proc.log.read_bytes() or b"reconnecting" in proc.log.read_bytes()
    finally:
        proxy.stop()


def test_stream_refuses_anonymous_and_bad_last_event_id(people, isolation):
    redis_url, _ = services_env()
    with daphne(redis_url=redis_url, extra_env=isolation) as web:
        anonymous = SseClient(web.http)
        assert anonymous.status == 401
        assert b'"code": "not_authenticated"' in anonymous.body
        bad_token = SseClient(web.http, token="not-a-jwt")
        assert bad_token.status == 401
        for bad in ("abc", "-1", "1.5", str(2**64)):
            refused = SseClient(web.http, token=token(people["fan"]), last_event_id=bad)
            assert refused.status == 400, bad
            assert b'"code": "invalid_last_event_id"' in refused.body


def test_stream_sends_keep_alive_comments_when_idle(people, isolation):
    redis_url, _ = services_env()
    env = {**isolation, "SSE_KEEPALIVE_SECONDS": "0.3"}
    with (
        daphne(redis_url=redis_url, extra_env=env) as web,
        SseClient(web.http, token=token(people["fan"])) as stream,
    ):
        stream.wait_for_comments("keep-alive", 2)
        assert stream.retry == 3000
