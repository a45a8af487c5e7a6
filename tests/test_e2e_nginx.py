"""End to end through nginx, on the production layout (deploy/local.py: nginx, two web
processes, the dispatcher, a Celery worker and beat, production settings), in real headless
Chromium: two residents, each on a different web process (each browser uses an nginx
listener whose one upstream is one web process: ``pinned_url``), sign up, open and fill a
party, chat both ways live and get live notifications; web process 1 is restarted and the
first resident's page comes back with the chat history (a message sent meanwhile included)
and the notification stream replays what was missed (Last-Event-ID). Then the throttles:
they count the client's own address, never nginx's, and a client cannot choose another one
with X-Forwarded-For."""

import http.client
import json
import os
import signal
import uuid
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from chat.models import ChatRoom
from notifications.models import FavoriteMarket, Notification
from parties.models import Party
from tests.browser import bubbles, create_party, no_tiles, open_chat, say
from tests.deploy_layout import alive, deploy_layout
from tests.factories import ItemFactory, MarketFactory, UserFactory
from tests.servers import _listening
from tests.waiting import wait_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.services("postgresql", "redis", "rabbitmq"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(420),
]

SIGNUP_LIMIT = 5  # signups an hour from one address, for this run (settings default: 20)
PASSWORD = "gonggu-e2e-Pass-2024!"


@pytest.fixture
def layout(transactional_db, tmp_path):
    with deploy_layout(
        tmp_path, extra_env={"SIGNUP_ATTEMPTS_PER_HOUR": str(SIGNUP_LIMIT)}
    ) as running:
        yield running


@pytest.fixture
def places(transactional_db):
    """B's neighbourhood market, where A opens the party, and another market A likes."""
    near_b = MarketFactory(
        name="월드컵 테스트마트",
        lat=37.5560,
        lng=126.9010,
        sido="서울특별시",
        sigungu="마포구",
    )
    elsewhere = MarketFactory(name="합정 테스트마트", sido="서울특별시", sigungu="마포구")
    return {"near_b": near_b, "elsewhere": elsewhere, "item": ItemFactory(name="3겹 화장지 30롤")}


def sign_up(page, base_url: str, email: str, nickname: str) -> None:
    no_tiles(page)
    page.goto(base_url + "/accounts/signup/")
    form = page.get_by_test_id("signup-form")
    form.get_by_label("이메일").fill(email)
    form.get_by_label("닉네임").fill(nickname)
    form.get_by_label("비밀번호", exact=True).fill(PASSWORD)
    form.get_by_label("비밀번호 확인").fill(PASSWORD)
    form.get_by_role("button", name="가입하기").click()
    expect(page.get_by_text("가입을 환영해요!")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_text(nickname)


def served_by(layout, request_id: str) -> set[str]:
    """The web processes (``web@PORT``) whose access log has this request id."""
    names = set()
    for line in layout.process.log.read_text(errors="replace").splitlines():
        name, _, rest = line.partition(" | ")
        if rest.startswith("{") and f'"request_id": "{request_id}"' in rest:
            names.add(name.strip())
    return names


def access_line(layout, request_id: str) -> dict:
    for line in layout.process.log.read_text(errors="replace").splitlines():
        _name, _, rest = line.partition(" | ")
        if rest.startswith("{") and f'"request_id": "{request_id}"' in rest:
            entry = json.loads(rest)
            if entry.get("logger") == "gonggu.access":
                return entry
    return {}


def post_json(url: str, body: dict, *, source: str = "127.0.0.1", headers: dict | None = None):
    """POST from a chosen local address (all of 127/8 is this machine's loopback)."""
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(
        parsed.hostname, parsed.port, timeout=30, source_address=(source, 0)
    )
    try:
        conn.request(
            "POST",
            parsed.path,
            body=json.dumps(body),
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        response = conn.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        conn.close()


def open_party_by_api(base_url: str, user, market, item, title: str) -> int:
    now = timezone.now()
    access = str(RefreshToken.for_user(user).access_token)
    status, _headers, body = post_json(
        f"{base_url}/api/v1/parties",
        {
            "market_id": market.id,
            "item_id": item.id,
            "title": title,
            "description": "",
            "total_price": 20000,
            "total_quantity": 10,
            "unit": "개",
            "capacity": 3,
            "meet_at": (now + timedelta(days=2)).isoformat(),
            "recruit_until": (now + timedelta(days=1)).isoformat(),
        },
        headers={"Authorization": f"Bearer {access}"},
    )
    assert status == 201, body
    return json.loads(body)["id"]


def test_two_residents_on_two_web_processes_through_nginx(
    browser_page, second_page, layout, places
):
    page_a, page_b = browser_page, second_page
    web_1, web_2 = layout.web_names()
    via_1, via_2 = layout.pinned_url(1), layout.pinned_url(2)
    market = places["near_b"]

    # --- both sign up, A through web process 1, B through web process 2 -------------------
    sign_up(page_a, via_1, "a-e2e@example.kr", "망원동파티장")
    sign_up(page_b, via_2, "b-e2e@example.kr", "합정동이웃")
    a = User.objects.get(email="a-e2e@example.kr")
    assert User.objects.filter(email="b-e2e@example.kr").exists()

    # Each really is on its own web process: the request id nginx gave a page (echoed in
    # X-Request-ID) is in one web process's access log, and only there.
    for page, base, mine, other in ((page_a, via_1, web_1, web_2), (page_b, via_2, web_2, web_1)):
        response = page.goto(base + "/accounts/me/")
        request_id = response.headers["x-request-id"]
        wait_for(
            lambda rid=request_id: served_by(layout, rid),
            timeout=20,
            message=f"no access line for {request_id}",
        )
        assert served_by(layout, request_id) == {mine}, other

    # --- B hearts the market near home; A opens a party for two there ---------------------
    page_b.goto(f"{via_2}/markets/{market.pk}/")
    page_b.get_by_role("button", name=f"{market.name} 찜하기").click()
    expect(page_b.get_by_text(f"찜 목록에 담았어요: {market.name}")).to_be_visible()
    toasts_b = page_b.get_by_test_id("toasts")
    expect(toasts_b).to_have_attribute("data-stream", "open")
    page_b.evaluate("window.__notReloaded = true")

    create_party(page_a, via_1, market, "화장지 둘이 나눠요", capacity=2)
    party = Party.objects.get()
    assert party.leader_id == a.pk

    # B hears of it live over SSE (web process 2), without a reload.
    expect(page_b.get_by_test_id("bell-count")).to_have_text("1")
    expect(toasts_b.get_by_test_id("toast")).to_contain_text("화장지 둘이 나눠요")
    assert page_b.evaluate("window.__notReloaded") is True

    # --- B joins: the party is full, recruitment closes and the chat room opens -----------
    page_a.goto(f"{via_1}/parties/{party.pk}/")
    expect(page_a.get_by_test_id("toasts")).to_have_attribute("data-stream", "open")
    page_b.goto(f"{via_2}/parties/{party.pk}/")
    page_b.get_by_test_id("party-actions").get_by_role("button", name="참여하기").click()
    expect(page_b.get_by_text("파티에 참여했어요.")).to_be_visible()
    # A, on web process 1, hears of it live.
    expect(page_a.get_by_test_id("bell-count")).to_have_text("1")
    expect(page_a.get_by_test_id("toasts").get_by_test_id("toast")).to_contain_text("합정동이웃")
    wait_for(
        lambda: ChatRoom.objects.filter(party_id=party.pk).exists(),
        timeout=30,
        message="the chat room did not open",
    )

    # --- chat both ways, live ---------------------------------------------------------------
    open_chat(page_a, via_1, party)
    open_chat(page_b, via_2, party)
    say(page_a, "내일 저녁 7시 정문에서 봬요")
    expect(bubbles(page_b).last).to_have_text("내일 저녁 7시 정문에서 봬요")
    say(page_b, "좋아요! 장바구니 들고 갈게요")
    expect(bubbles(page_a).last).to_have_text("좋아요! 장바구니 들고 갈게요")

    # --- web process 1 restarts; meanwhile B writes and a notification for A is made -------
    # The supervisor is paused (SIGSTOP) so that web process 1 stays down until both are
    # done: A's page is certainly disconnected from them, and must catch up afterwards.
    # A likes another market, where a third resident opens a party (API, through nginx:
    # web process 2 answers).
    FavoriteMarket.objects.create(user=a, market=places["elsewhere"])
    opener = UserFactory(nickname="연남동주민")
    supervisor = layout.state()["supervisor_pid"]
    old = layout.pid(web_1)
    os.kill(supervisor, signal.SIGSTOP)
    try:
        os.kill(old, signal.SIGTERM)
        wait_for(lambda: not alive(old), timeout=30, message="web process 1 did not stop")
        expect(page_a.get_by_test_id("chat-status")).to_have_text("다시 연결 중…")
        expect(page_a.get_by_test_id("toasts")).not_to_have_attribute("data-stream", "open")
        say(page_b, "자리 비운 사이에 보낸 메시지")
        open_party_by_api(
            layout.url, opener, places["elsewhere"], places["item"], "양파 한 망 나눠요"
        )
        assert not _listening(layout.state()["web_ports"][0])
    finally:
        os.kill(supervisor, signal.SIGCONT)
    wait_for(
        lambda: layout.pid(web_1) not in (None, old),
        timeout=30,
        message=layout.output,
    )

    # A's page reconnects by itself: the chat with its history and the message it missed,
    # the notification stream with the notification it missed (replayed from its last id).
    expect(page_a.get_by_test_id("chat-status")).to_have_text("연결됨", timeout=90_000)
    expect(bubbles(page_a)).to_have_text(
        [
            "내일 저녁 7시 정문에서 봬요",
            "좋아요! 장바구니 들고 갈게요",
            "자리 비운 사이에 보낸 메시지",
        ]
    )
    expect(page_a.get_by_test_id("toasts")).to_have_attribute("data-stream", "open", timeout=90_000)
    expect(page_a.get_by_test_id("toasts").get_by_test_id("toast").last).to_contain_text(
        "양파 한 망 나눠요"
    )
    expect(page_a.get_by_test_id("bell-count")).to_have_text("2")
    assert Notification.objects.filter(user=a).count() == 2
    # And live again, both ways, on the new process.
    say(page_b, "다시 연결됐어요?")
    expect(bubbles(page_a).last).to_have_text("다시 연결됐어요?")
    say(page_a, "네, 다 보여요")
    expect(bubbles(page_b).last).to_have_text("네, 다 보여요")

    # --- throttles see the client's address, not nginx's -----------------------------------
    # A and B used two of this address's signups. The rest, alternately through both web
    # processes (the counter is shared, in Redis), until the limit refuses.
    signup = "/api/v1/auth/signup"
    results = []
    for n in range(SIGNUP_LIMIT):
        base = (via_1, via_2)[n % 2]
        body = {"email": f"c{n}-{uuid.uuid4().hex[:6]}@example.kr", "password": PASSWORD}
        status, _h, _b = post_json(base + signup, {**body, "nickname": f"이웃{n}호"})
        results.append(status)
    assert results == [201] * (SIGNUP_LIMIT - 2) + [429] * 2, results
    users = User.objects.count()

    # Claiming another address in X-Forwarded-For changes nothing: nginx overwrites it.
    status, headers, _b = post_json(
        layout.url + signup,
        {"email": "spoof@example.kr", "password": PASSWORD, "nickname": "딴주소"},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert status == 429
    wait_for(
        lambda: access_line(layout, headers["x-request-id"]),
        timeout=20,
        message="no access line",
    )
    assert access_line(layout, headers["x-request-id"])["client"] == "127.0.0.1"
    assert User.objects.count() == users  # nothing written on a refusal

    # Another client (another local address: nginx listens on 127.0.0.1 and the kernel
    # accepts connections from all of 127/8) is not limited, and is logged as itself.
    status, headers, body = post_json(
        layout.url + signup,
        {"email": "other@example.kr", "password": PASSWORD, "nickname": "다른집"},
        source="127.0.0.2",
    )
    assert status == 201, body
    wait_for(
        lambda: access_line(layout, headers["x-request-id"]),
        timeout=20,
        message="no access line",
    )
    assert access_line(layout, headers["x-request-id"])["client"] == "127.0.0.2"
    assert User.objects.count() == users + 1
