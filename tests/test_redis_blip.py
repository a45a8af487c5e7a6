"""A Redis blip never silently stops live delivery. Two web processes, the dispatcher and
their Redis connections go through a TCP proxy that the test cuts: the chat panels (real
Chromium, one on each process) and a notification stream (reconnecting as EventSource does)
are told, show it, reconnect, and once Redis is back every chat message and notification
written during the cut reaches every open client, none twice."""

import os
import time
import uuid
from urllib.parse import urlparse

import pytest
import requests
from django.test import override_settings
from playwright.sync_api import expect

from chat.models import ChatMessage
from chat.tests.stomp_client import RawStomp
from notifications.models import FavoriteMarket, Notification
from parties.services import party_close, party_join
from tests.browser import log_in
from tests.factories import DEFAULT_PASSWORD, ItemFactory, MarketFactory, UserFactory, make_party
from tests.servers import daphne, dispatcher
from tests.sse_client import ReconnectingSseClient
from tests.tcp_proxy import TcpProxy
from tests.test_browser_chat import SERVER_HASHERS, off_the_event_loop
from tests.test_notifications_live import create_party, token
from tests.waiting import wait_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.services("postgresql", "redis", "rabbitmq"),
    pytest.mark.django_db(transaction=True),
]

RESTORE_SECONDS = 15  # everything written during the cut arrives this soon after Redis is back


@pytest.fixture
def residents(transactional_db):
    leader, member = UserFactory(nickname="끊김파티장"), UserFactory(nickname="끊김파티원")
    with override_settings(PASSWORD_HASHERS=SERVER_HASHERS):
        for user in (leader, member):
            user.set_password(DEFAULT_PASSWORD)
            user.save(update_fields=["password"])
    market = MarketFactory(name="끊김마트", sido="서울특별시", sigungu="마포구")
    fan = UserFactory()
    FavoriteMarket.objects.create(user=fan, market=market)

    def open_party():
        party = make_party(leader=leader, capacity=3)  # not at the fan's market
        party_join(party_id=party.id, user=member)
        party_close(party_id=party.id, user=leader)
        return party

    party = off_the_event_loop(open_party)
    return {
        "party": party,
        "leader": leader,
        "member": member,
        "fan": fan,
        "market": market,
        "item": ItemFactory(),
    }


def chat_ids(party) -> list[int]:
    return list(
        ChatMessage.objects.filter(room_id=party.id).order_by("id").values_list("id", flat=True)
    )


def shown_once(page, ids: list[int]) -> bool:
    shown = page.evaluate("window.__gongguChat.shownIds()")
    if not set(ids) <= set(shown):
        return False
    rendered = page.eval_on_selector_all(
        "[data-testid=chat-message]", "items => items.map(item => Number(item.dataset.id))"
    )
    return sorted(rendered) == sorted(set(rendered))  # nothing shown twice


def test_chat_and_notifications_heal_after_redis_is_cut(browser_page, second_page, residents):
    redis_url, rabbitmq_url = os.environ["REDIS_URL"], os.environ["RABBITMQ_URL"]
    target = urlparse(redis_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)
    proxy.start()
    prefix = f"gonggu-test-{uuid.uuid4().hex[:10]}"
    env = {
        "NOTIFICATIONS_PREFIX": prefix,
        "NOTIFICATIONS_QUEUE_EXPIRES_MS": "120000",
        "CHANNEL_LAYER_PREFIX": prefix,
        "SSE_RETRY_MS": "1000",
    }
    via = proxy.via(redis_url)
    party, people = residents["party"], {**residents, "item": residents["item"]}
    try:
        with (
            daphne(redis_url=via, rabbitmq_url=rabbitmq_url, extra_env=env) as web1,
            daphne(redis_url=via, rabbitmq_url=rabbitmq_url, extra_env=env) as web2,
            dispatcher(rabbitmq_url=rabbitmq_url, redis_url=via, extra_env=env),
        ):
            leader_page, member_page = browser_page, second_page
            log_in(leader_page, web1.http, residents["leader"])
            log_in(member_page, web2.http, residents["member"])
            for page, web in ((leader_page, web1), (member_page, web2)):
                page.goto(f"{web.http}/parties/{party.pk}/")
                expect(page.get_by_test_id("chat-status")).to_have_text("연결됨")
            fan = ReconnectingSseClient(web2.http, token=token(residents["fan"]))
            fan.wait_connected()
            # Live before the cut: a notification reaches the fan's stream.
            create_party(web1, people, "끊기 전 파티")
            wait_for(lambda: len(fan.events) == 1, timeout=10, message="live before the cut")

            proxy.stop()  # Redis unreachable for both web processes and the dispatcher
            # The clients are told, and say so: the panels are reconnecting.
            for page in (leader_page, member_page):
                expect(page.get_by_test_id("chat-status")).not_to_have_text(
                    "연결됨", timeout=10_000
                )
            sender = RawStomp(web1.ws)  # a client that only sends (a phone, say)
            sender.connect(token(residents["leader"]))
            for n in range(10):
                sender.send(
                    "SEND",
                    {"destination": f"/app/party.{party.id}", "receipt": f"m{n}"},
                    f'{{"content": "끊긴 동안 {n}"}}',
                )
                assert sender.receive(timeout=10).command == "RECEIPT"  # stored
            during = [create_party(web2, people, f"끊긴 동안 파티 {n}")["id"] for n in range(5)]
            wait_for(
                lambda: Notification.objects.filter(user=residents["fan"]).count() == 6,
                timeout=20,
                message="the dispatcher stored the notifications meanwhile",
            )

            proxy.start()
            restored = time.monotonic()
            every_message = chat_ids(party)
            for page in (leader_page, member_page):
                wait_for(
                    lambda page=page: shown_once(page, every_message),
                    timeout=RESTORE_SECONDS,
                    message="every chat message shown once on every panel",
                )
                expect(page.get_by_test_id("chat-status")).to_have_text("연결됨")
            expected = sorted(
                Notification.objects.filter(user=residents["fan"]).values_list("id", flat=True)
            )
            wait_for(
                lambda: sorted(set(fan.ids())) == expected,
                timeout=max(1.0, RESTORE_SECONDS - (time.monotonic() - restored)),
                message="every notification reached the stream",
            )
            assert sorted(fan.ids()) == expected  # none twice
            assert [e.json["party_id"] for e in fan.events[1:]] == during
            assert fan.connections > 1  # the stream was ended and came back
            # And live again: a message now arrives on both panels.
            sender.send(
                "SEND",
                {"destination": f"/app/party.{party.id}", "receipt": "after"},
                '{"content": "다시 연결된 뒤"}',
            )
            assert sender.receive(timeout=10).command == "RECEIPT"
            for page in (leader_page, member_page):
                expect(page.get_by_test_id("chat-text").last).to_have_text("다시 연결된 뒤")
            sender.close()
            fan.close()
    finally:
        proxy.stop()
        requests.Session().close()
