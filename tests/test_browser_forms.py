"""Forms as a resident meets them: every problem of a signup at once in natural Korean, and a
chat composer that cannot go past what the server accepts."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from chat.models import MAX_MESSAGE_LENGTH, ChatMessage, MessageType
from tests.browser import log_in, no_tiles
from tests.test_browser_chat import chat_party, open_chat

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["chat_party"]  # the fixture, shared with the chat tests

SHOTS = Path("/tmp/shots_hB")


def test_signup_shows_every_problem_in_one_round(browser_page, live_server):
    page = browser_page
    no_tiles(page)
    page.goto(live_server.url + "/accounts/signup/")
    signup = page.get_by_test_id("signup-form")
    signup.get_by_label("이메일").fill("not-an-email")
    signup.get_by_label("닉네임").fill("공백 있는 닉")
    signup.get_by_label("비밀번호", exact=True).fill("1234")
    signup.get_by_label("비밀번호 확인").fill("4321")
    signup.get_by_role("button", name="가입하기").click()

    signup = page.get_by_test_id("signup-form")
    errors = signup.locator(".field__error")
    expect(
        signup.get_by_text("닉네임은 2~20자의 한글, 영문, 숫자, 밑줄(_)만 쓸 수 있어요.")
    ).to_be_visible()
    expect(signup.get_by_text("비밀번호가 너무 짧아요. 8자 이상으로 정해 주세요.")).to_be_visible()
    expect(signup.get_by_text("비밀번호가 서로 달라요.")).to_be_visible()
    expect(signup.get_by_text("이메일 주소를 확인해 주세요. 예: name@example.kr")).to_be_visible()
    assert "확인하세요" not in " ".join(errors.all_inner_texts())
    assert not User.objects.exists()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "signup-errors-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "signup-errors-390.png"), full_page=True)


def test_chat_composer_stops_at_the_servers_limit_and_says_so(browser_page, server, chat_party):
    party, member = chat_party["party"], chat_party["member"]
    page = browser_page
    log_in(page, server.http, member)
    open_chat(page, server.http, party)
    box = page.get_by_label("메시지", exact=True)
    box.focus()
    page.keyboard.insert_text("가" * (MAX_MESSAGE_LENGTH + 5))  # as a paste would

    expect(box).to_have_value("가" * MAX_MESSAGE_LENGTH)
    counter = page.get_by_test_id("chat-count")
    expect(counter).to_have_text(
        f"{MAX_MESSAGE_LENGTH}/{MAX_MESSAGE_LENGTH} · {MAX_MESSAGE_LENGTH}자까지 보낼 수 있어요"
    )
    SHOTS.mkdir(exist_ok=True)
    page.get_by_test_id("chat-form").screenshot(path=str(SHOTS / "chat-limit-1280.png"))
    page.get_by_role("button", name="보내기").click()
    expect(box).to_have_value("")  # the server took it
    expect(page.get_by_test_id("chat-error")).to_be_hidden()
    assert ChatMessage.objects.filter(
        room_id=party.id, type=MessageType.CHAT, content="가" * MAX_MESSAGE_LENGTH
    ).exists()
