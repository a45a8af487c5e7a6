"""A live notification in real headless Chromium, against a real daphne server: resident A
hearts a market with the plain form button, resident B opens a party there through the
create-party page, and A's header bell counts it and a toast links to it — without A's page
reloading. Embedded mode (daphne dispatches in-process) by default; with RABBITMQ_URL set (CI),
services mode: daphne on Redis + RabbitMQ and a separate ``manage.py dispatcher``."""

import os
import uuid
from contextlib import ExitStack

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from notifications.models import FavoriteMarket, Notification
from parties.models import Party
from tests.browser import create_party, log_in
from tests.factories import DEFAULT_PASSWORD, ItemFactory, MarketFactory, UserFactory
from tests.servers import daphne, dispatcher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The daphne process verifies passwords with the project's hashers, not the tests' MD5.
SERVER_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.fixture
def server(transactional_db):
    """One daphne process on the test database; in services mode with its own names on the
    shared broker and Redis, and a dispatcher beside it."""
    redis_url = os.environ.get("REDIS_URL", "")
    rabbitmq_url = os.environ.get("RABBITMQ_URL", "")
    with ExitStack() as stack:
        if rabbitmq_url:
            prefix = f"gonggu-test-{uuid.uuid4().hex[:10]}"
            isolation = {
                "NOTIFICATIONS_PREFIX": prefix,
                "NOTIFICATIONS_QUEUE_EXPIRES_MS": "120000",
                "CHANNEL_LAYER_PREFIX": prefix,
            }
            stack.enter_context(
                dispatcher(rabbitmq_url=rabbitmq_url, redis_url=redis_url, extra_env=isolation)
            )
            web = stack.enter_context(
                daphne(redis_url=redis_url, rabbitmq_url=rabbitmq_url, extra_env=isolation)
            )
        else:
            web = stack.enter_context(daphne())
        yield web


@pytest.fixture
def residents(transactional_db):
    market = MarketFactory(
        name="월드컵 테스트마트",
        road_address="서울특별시 마포구 월드컵로 240",
        lat=37.5560,
        lng=126.9010,
        sido="서울특별시",
        sigungu="마포구",
    )
    item = ItemFactory(name="3겹 화장지 30롤")
    fan = UserFactory(nickname="합정살림꾼")
    leader = UserFactory(nickname="망원동새댁", lat=37.5662, lng=126.8950)
    with override_settings(PASSWORD_HASHERS=SERVER_HASHERS):
        for user in (fan, leader):
            user.set_password(DEFAULT_PASSWORD)
            user.save(update_fields=["password"])
    return {"market": market, "item": item, "fan": fan, "leader": leader}


def test_favorited_market_party_rings_the_bell_and_toasts_live(
    browser_page, second_page, server, residents
):
    market, fan, leader = (residents[k] for k in ("market", "fan", "leader"))
    fan_page, leader_page = browser_page, second_page
    log_in(fan_page, server.http, fan)
    log_in(leader_page, server.http, leader)
    bell = fan_page.get_by_test_id("bell-count")
    expect(bell).to_be_hidden()  # nothing unread yet

    # --- A hearts the market with the plain form button ----------------------------------
    fan_page.goto(f"{server.http}/markets/{market.pk}/")
    heart = fan_page.get_by_role("button", name="월드컵 테스트마트 찜하기")
    expect(heart).to_have_attribute("aria-pressed", "false")
    heart.click()
    expect(fan_page.get_by_text("찜 목록에 담았어요: 월드컵 테스트마트")).to_be_visible()
    heart = fan_page.get_by_role("button", name="월드컵 테스트마트 찜하기")
    expect(heart).to_have_attribute("aria-pressed", "true")
    assert list(FavoriteMarket.objects.values_list("user_id", "market_id")) == [(fan.pk, market.pk)]
    toasts = fan_page.get_by_test_id("toasts")
    expect(toasts).to_have_attribute("data-stream", "open")  # the live stream is connected
    expect(toasts).to_have_attribute("role", "status")
    fan_page.evaluate("window.__notReloaded = true")

    # --- B opens a party there --------------------------------------------------------------
    create_party(leader_page, server.http, market, "화장지 30롤 셋이 나눠요")
    party = Party.objects.get()
    assert party.leader_id == leader.pk

    # --- A's page, untouched, counts it and shows a toast linking to the party ---------------
    expect(bell).to_have_text("1", timeout=15_000)
    expect(bell).to_be_visible()
    expect(fan_page.get_by_test_id("nav-inbox")).to_contain_text("안 읽은 알림 1개")
    toast = toasts.get_by_test_id("toast")
    expect(toast).to_have_count(1)
    expect(toast).to_contain_text("새 알림")
    expect(toast).to_contain_text("월드컵 테스트마트에 새 파티가 열렸어요: 화장지 30롤 셋이 나눠요")
    expect(toast.get_by_role("link", name="파티 보기")).to_have_attribute(
        "href", f"/parties/{party.pk}/"
    )
    assert fan_page.evaluate("window.__notReloaded") is True
    assert fan_page.url == f"{server.http}/markets/{market.pk}/"
    # The leader is not told about their own party.
    expect(leader_page.get_by_test_id("bell-count")).to_be_hidden()
    assert list(Notification.objects.values_list("user_id", "type", "party_id")) == [
        (fan.pk, "party.created", party.pk)
    ]

    # The toast hides itself after a few seconds; the count stays.
    expect(toast).to_have_count(0, timeout=10_000)
    expect(bell).to_have_text("1")

    # --- A opens it from the inbox: read, at the party, bell cleared --------------------------
    fan_page.get_by_test_id("nav-inbox").click()
    notification = fan_page.get_by_test_id("notification")
    expect(notification).to_have_count(1)
    expect(notification).to_have_class("notice notice--unread")
    notification.click()
    expect(fan_page.get_by_test_id("party-title")).to_have_text("화장지 30롤 셋이 나눠요")
    expect(fan_page.get_by_test_id("bell-count")).to_be_hidden()
    assert Notification.objects.get().read_at is not None
