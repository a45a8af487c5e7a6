"""Two members chat on the party page in real headless Chromium, against a real daphne
process (STOMP over WebSocket at /ws, authenticated by the session cookie): live delivery
both ways, user text shown as text, the gap after a dropped connection filled from history
with every message exactly once and in order, older pages on demand, and a usable composer
at phone width above the bottom tab bar."""

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from playwright.sync_api import expect

from chat.services import chat_message_send
from parties.services import party_close, party_join
from tests.browser import bubbles, log_in, open_chat, say
from tests.factories import DEFAULT_PASSWORD, UserFactory, make_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The daphne process verifies passwords with the project's hashers, not the tests' MD5.
SERVER_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def off_the_event_loop(work):
    """Run ``work()`` in another thread. Playwright's sync API keeps an event loop in the
    test thread, where the services' after-commit channel-layer sends (async_to_sync) fail."""

    def run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def chat_party(transactional_db):
    """A party whose recruitment closed (chat open) with a leader and one member."""
    leader = UserFactory(nickname="합정살림꾼")
    member = UserFactory(nickname="망원동새댁")
    with override_settings(PASSWORD_HASHERS=SERVER_HASHERS):
        for user in (leader, member):
            user.set_password(DEFAULT_PASSWORD)
            user.save(update_fields=["password"])

    def open_party():
        party = make_party(leader=leader, capacity=3, title="사과 한 박스 나눠요")
        party_join(party_id=party.id, user=member)
        party_close(party_id=party.id, user=leader)
        return party

    party = off_the_event_loop(open_party)
    return {"party": party, "leader": leader, "member": member}


def test_two_members_chat_live_and_catch_up_after_reconnect(
    browser_page, second_page, server, chat_party
):
    party, leader, member = (chat_party[k] for k in ("party", "leader", "member"))
    leader_page, member_page = browser_page, second_page
    dialogs: list[str] = []
    for page in (leader_page, member_page):
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(leader_page, server.http, leader)
    log_in(member_page, server.http, member)
    open_chat(leader_page, server.http, party)
    open_chat(member_page, server.http, party)

    # History: the room-opened SYSTEM message, centred, without a sender.
    system = leader_page.get_by_test_id("chat-messages").locator("[data-type=SYSTEM]")
    expect(system).to_have_count(1)
    expect(system).to_contain_text("채팅방이 열렸어요")
    expect(system).to_have_class("chat__msg chat__msg--system")
    expect(member_page.get_by_test_id("chat-messages").locator("[data-type=SYSTEM]")).to_have_count(
        1
    )

    # The member writes; the leader sees it live, with the member's nickname, on the left.
    say(member_page, "안녕하세요! 내일 저녁 7시 정문 어때요?")
    mine = member_page.get_by_test_id("chat-message").last
    expect(mine).to_have_class("chat__msg chat__msg--mine")
    expect(mine.get_by_test_id("chat-sender")).to_have_count(0)
    theirs = leader_page.get_by_test_id("chat-message").last
    expect(theirs.get_by_test_id("chat-text")).to_have_text(
        "안녕하세요! 내일 저녁 7시 정문 어때요?"
    )
    expect(theirs.get_by_test_id("chat-sender")).to_have_text("망원동새댁")
    expect(theirs).to_have_class("chat__msg chat__msg--other")
    expect(theirs.locator("time")).to_have_text(re.compile(r"^(오전|오후) \d{1,2}:\d{2}$"))

    # The leader answers; the member sees it.
    say(leader_page, "좋아요, 정문에서 봬요")
    answer = member_page.get_by_test_id("chat-message").last
    expect(answer.get_by_test_id("chat-text")).to_have_text("좋아요, 정문에서 봬요")
    expect(answer.get_by_test_id("chat-sender")).to_have_text("합정살림꾼")

    # Markup is shown as text, never parsed.
    markup = "<img src=x onerror=alert(1)>"
    say(member_page, markup)
    expect(bubbles(leader_page).last).to_have_text(markup)
    for page in (leader_page, member_page):
        expect(page.get_by_test_id("chat-messages").locator("img")).to_have_count(0)

    # The leader's connection drops and stays down (reconnects are held back) while the
    # member sends two messages; after the reconnect the gap is filled from history.
    leader_page.evaluate(
        """() => {
            const client = window.__gongguChat.client;
            client.beforeConnect = () => new Promise((go) => { window.__letReconnect = go; });
            client.forceDisconnect();
        }"""
    )
    expect(leader_page.get_by_test_id("chat-status")).to_have_text("다시 연결 중…")
    expect(leader_page.get_by_role("button", name="보내기")).to_be_disabled()
    say(member_page, "첫 번째: 장바구니는 제가 들고 갈게요")
    say(member_page, "두 번째: 현금 준비해 주세요")
    leader_page.wait_for_function("() => typeof window.__letReconnect === 'function'")
    expect(bubbles(leader_page).last).to_have_text(markup)  # nothing arrived meanwhile
    leader_page.evaluate(
        """() => {
            window.__gongguChat.client.beforeConnect = () => {};
            window.__letReconnect();
        }"""
    )
    expect(leader_page.get_by_test_id("chat-status")).to_have_text("연결됨")
    expected = [
        "안녕하세요! 내일 저녁 7시 정문 어때요?",
        "좋아요, 정문에서 봬요",
        markup,
        "첫 번째: 장바구니는 제가 들고 갈게요",
        "두 번째: 현금 준비해 주세요",
    ]
    expect(bubbles(leader_page)).to_have_text(expected)
    ids = leader_page.evaluate("() => window.__gongguChat.shownIds()")
    assert ids == sorted(set(ids)) and len(ids) == len(expected) + 1

    # Live delivery works again on the new connection; and once it has delivered a newer
    # message, every bubble is still there exactly once (a late copy would show twice).
    say(member_page, "다시 연결됐나요?")
    expect(bubbles(leader_page)).to_have_text([*expected, "다시 연결됐나요?"])
    assert dialogs == []

    # Phone width: the composer is on screen above the bottom tab bar, and usable.
    member_page.set_viewport_size({"width": 390, "height": 844})
    member_page.evaluate("document.querySelector('[data-chat]').scrollIntoView({block: 'start'})")
    box = member_page.get_by_label("메시지", exact=True)
    expect(box).to_be_in_viewport()
    tab_bar = member_page.locator(".mainnav").bounding_box()
    input_box = box.bounding_box()
    send_box = member_page.get_by_role("button", name="보내기").bounding_box()
    assert tab_bar["y"] > 700  # the tab bar is at the bottom of the screen
    assert input_box["y"] + input_box["height"] <= tab_bar["y"]
    assert send_box["y"] + send_box["height"] <= tab_bar["y"]
    hit = member_page.evaluate(
        """([x, y]) => document.elementFromPoint(x, y)?.id""",
        [input_box["x"] + input_box["width"] / 2, input_box["y"] + input_box["height"] / 2],
    )
    assert hit == "chat-input"
    ARTIFACTS.mkdir(exist_ok=True)
    member_page.screenshot(path=str(ARTIFACTS / "chat-phone.png"))
    box.fill("폰에서도 잘 보여요")
    member_page.get_by_role("button", name="보내기").click()  # fails if something covers it
    expect(bubbles(leader_page).last).to_have_text("폰에서도 잘 보여요")


def test_older_messages_load_on_demand(browser_page, server, chat_party):
    party, leader, member = (chat_party[k] for k in ("party", "leader", "member"))

    def chatter():
        for n in range(1, 61):
            chat_message_send(party_id=party.id, user=leader, content=f"메시지 {n}")

    off_the_event_loop(chatter)
    page = browser_page
    log_in(page, server.http, member)
    open_chat(page, server.http, party)

    page.wait_for_load_state("networkidle")  # the first page and the on-connect catch-up
    messages = page.get_by_test_id("chat-message")
    expect(messages).to_have_count(50)
    expect(messages.first).to_contain_text("메시지 11")
    expect(messages.last).to_contain_text("메시지 60")
    more = page.get_by_test_id("chat-more")
    expect(more).to_have_text("이전 메시지 더 보기")
    more.click()
    expect(messages).to_have_count(61)  # 60 + the room-opened SYSTEM message
    expect(more).to_be_hidden()
    expect(messages.first).to_have_attribute("data-type", "SYSTEM")
    expect(messages.first).to_contain_text("채팅방이 열렸어요")
    expect(messages.nth(1)).to_contain_text("메시지 1")
    expect(messages.last).to_contain_text("메시지 60")


def test_chat_panel_only_for_members_of_a_party_with_an_open_room(client, chat_party):
    party = chat_party["party"]
    outsider = UserFactory()
    recruiting = make_party(leader=chat_party["member"])
    url = f"/parties/{party.pk}/"

    client.force_login(chat_party["member"])
    page = client.get(url).content.decode()
    assert 'id="party-chat-data"' in page and "js/party-chat.js" in page
    assert "stompjs/stomp.umd.min.js" in page
    note = client.get(f"/parties/{recruiting.pk}/").content.decode()
    assert "모집이 마감되면 채팅방이 열려요." in note and "party-chat.js" not in note

    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert "party-chat.js" not in page and "party-chat-data" not in page
    assert 'aria-label="파티 채팅"></section>' in page  # empty: hidden by CSS
