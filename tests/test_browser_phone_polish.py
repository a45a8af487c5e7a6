"""What a resident sees on a phone: the chat composer sits flush on the bottom tab bar (no
strip where messages show through), and going back after creating a party never shows a
refilled form whose per-person share says "—"."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from chat.services import chat_message_send
from parties.models import Party
from tests.browser import log_in, no_tiles
from tests.factories import ItemFactory, MarketFactory, UserFactory
from tests.test_browser_chat import chat_party, off_the_event_loop, open_chat

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["chat_party"]  # the fixture, shared with the chat tests

SHOTS = Path("/tmp/shots_hB")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone_page(chromium):
    context = chromium.new_context(locale="ko-KR", **PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_phone_chat_shows_no_messages_between_the_composer_and_the_tab_bar(
    phone_page, server, chat_party
):
    party, leader, member = (chat_party[k] for k in ("party", "leader", "member"))

    def chatter():
        for n in range(1, 31):
            chat_message_send(party_id=party.id, user=leader, content=f"긴 대화 {n}번째 메시지예요")

    off_the_event_loop(chatter)
    page = phone_page
    log_in(page, server.http, member)
    open_chat(page, server.http, party)
    expect(page.get_by_test_id("chat-text").last).to_have_text("긴 대화 30번째 메시지예요")

    # Scroll the page so the message list runs on below the screen's bottom edge: the
    # composer sticks above the tab bar, with messages passing behind it.
    page.evaluate(
        "() => { const s = document.querySelector('[data-chat-scroll]');"
        " window.scrollTo(0, s.getBoundingClientRect().top + window.scrollY - 420); }"
    )
    expect(page.get_by_test_id("chat-form")).to_be_in_viewport()
    composer = page.get_by_test_id("chat-form").bounding_box()
    tab_bar = page.get_by_role("navigation", name="주요 메뉴").bounding_box()
    assert composer["y"] + composer["height"] <= tab_bar["y"] + 1  # nothing hidden under it
    # Every point between the composer and the tab bar belongs to one of them, never to a
    # message behind.
    hits = page.evaluate(
        """([top, bottom]) => {
            const found = [];
            for (let y = Math.floor(top) - 2; y <= Math.ceil(bottom) + 2; y++) {
                for (const x of [20, 195, 370]) {
                    const el = document.elementFromPoint(x, y);
                    const ours = el && el.closest('[data-chat-form], nav');
                    found.push(ours ? 'ok' : (el ? el.className : 'none'));
                }
            }
            return found;
        }""",
        [composer["y"] + composer["height"], tab_bar["y"]],
    )
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "chat-phone-composer.png"))
    assert set(hits) == {"ok"}, hits


def test_back_after_creating_a_party_shows_a_fresh_form_not_a_stale_preview(
    phone_page, live_server
):
    market = MarketFactory(name="합정 뒤로마트", lat=37.5495, lng=126.9137, sido="서울특별시")
    item = ItemFactory(name="삼다수 2L 12병")
    resident = UserFactory(nickname="뒤로가기이웃")
    page = phone_page
    no_tiles(page)
    log_in(page, live_server.url, resident)

    page.goto(f"{live_server.url}/parties/new/?market={market.pk}&item={item.pk}")
    form = page.get_by_test_id("party-create-form")
    expect(form).to_have_attribute("data-ready", "true")
    form.get_by_label("제목").fill("생수 나눠요")
    form.get_by_label("총 가격 (원)").fill("12000")
    form.get_by_label("총 수량").fill("12")
    form.get_by_label("단위").fill("병")
    form.get_by_label("정원 (파티장 포함)").fill("4")
    preview = form.get_by_test_id("share-preview")
    expect(preview).to_contain_text("3,000원")
    form.get_by_role("button", name="파티 만들기").click()
    expect(page.get_by_text("파티를 만들었어요.")).to_be_visible()
    assert Party.objects.count() == 1

    page.go_back()
    form = page.get_by_test_id("party-create-form")
    expect(form).to_have_attribute("data-ready", "true")
    # The party exists: the form is fresh (no second party by accident), and what it shows
    # agrees with its fields.
    expect(form.get_by_label("제목")).to_have_value("")
    expect(form.get_by_label("총 가격 (원)")).to_have_value("")
    expect(form.get_by_test_id("share-preview")).not_to_contain_text("3,000원")
    expect(form.get_by_test_id("share-preview")).to_contain_text("—")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "create-back-phone.png"), full_page=True)

    # Left unsubmitted, the form keeps what was typed, with its share.
    form.get_by_label("총 가격 (원)").fill("20000")
    page.goto(live_server.url + "/markets/")
    page.go_back()
    form = page.get_by_test_id("party-create-form")
    expect(form).to_have_attribute("data-ready", "true")
    price = form.get_by_label("총 가격 (원)").input_value()
    capacity = form.get_by_label("정원 (파티장 포함)").input_value()
    if price and capacity:
        share = -(-int(price) // int(capacity))
        expect(form.get_by_test_id("share-preview")).to_contain_text(f"{share:,}원")
    else:
        expect(form.get_by_test_id("share-preview")).to_contain_text("—")
    assert Party.objects.count() == 1
