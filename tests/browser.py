"""Steps the Chromium tests share."""

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD

# Every request to the tile source (settings.MAP_TILES_URL's origin, any subdomain).
TILES = re.compile("^" + re.escape(settings.MAP_TILE_ORIGIN).replace(r"\*", "[^/]+") + "/")


def no_tiles(target) -> None:
    """Map tiles are the one online resource; the pages must work without them."""
    target.route(TILES, lambda route: route.abort())


def log_in(page, base_url: str, user) -> None:
    """Through the login form (map tiles blocked), until the header shows the user."""
    no_tiles(page)
    page.goto(base_url + "/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.get_by_label("이메일").fill(user.email)
    form.get_by_label("비밀번호").fill(DEFAULT_PASSWORD)
    form.get_by_role("button", name="로그인").click()
    expect(page.get_by_test_id("current-user")).to_have_text(user.nickname)


def create_party(page, base_url: str, market, title: str, *, capacity: int = 3) -> None:
    """Through the market page's "이 마트에서 파티 만들기" and the create form, for the item
    named "3겹 화장지 30롤" (found by typing 화장지)."""
    page.goto(f"{base_url}/markets/{market.pk}/")
    page.get_by_test_id("market-create-party").click()
    form = page.get_by_test_id("party-create-form")
    expect(form).to_have_attribute("data-ready", "true")  # its script is listening
    # Chosen already, in either form of the field: a list of the markets near the resident's
    # home, or a search box with the id in a hidden field.
    expect(form.locator("#id_market_id")).to_have_value(str(market.pk))
    item_box = form.get_by_role("combobox", name="품목")
    item_box.fill("화장지")
    options = form.get_by_role("listbox", name="품목 검색 결과").get_by_role("option")
    expect(options).to_have_count(1)
    item_box.press("ArrowDown")
    item_box.press("Enter")
    expect(item_box).to_have_value("3겹 화장지 30롤")
    form.get_by_label("제목").fill(title)
    form.get_by_label("총 가격 (원)").fill("18900")
    form.get_by_label("총 수량").fill("30")
    form.get_by_label("단위").fill("롤")
    form.get_by_label("정원 (파티장 포함)").fill(str(capacity))
    start = timezone.localtime() + timedelta(days=1)
    form.get_by_label("모집 마감 시각").fill(
        start.replace(hour=12, minute=0).strftime("%Y-%m-%dT%H:%M")
    )
    form.get_by_label("만나는 시각").fill(
        start.replace(hour=19, minute=0).strftime("%Y-%m-%dT%H:%M")
    )
    form.get_by_role("button", name="파티 만들기").click()
    expect(page.get_by_text("파티를 만들었어요.")).to_be_visible()


def open_chat(page, base_url: str, party) -> None:
    """The party page, until its chat says it is connected."""
    page.goto(f"{base_url}/parties/{party.pk}/")
    expect(page.get_by_test_id("chat-status")).to_have_text("연결됨")


def say(page, text: str) -> None:
    """Type into the composer and press Enter; wait until the server acknowledged it."""
    box = page.get_by_label("메시지", exact=True)
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")
    expect(page.get_by_test_id("chat-messages").get_by_test_id("chat-text").last).to_have_text(text)


def bubbles(page):
    """The chat's message texts, in order."""
    return page.get_by_test_id("chat-messages").get_by_test_id("chat-text")
