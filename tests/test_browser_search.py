"""As-you-type item suggestions in real headless Chromium (issue 15): the items page's search
box offers the same search as a keyboard-usable listbox (synonyms, 초성) and choosing one shows
that item first; the party form's item picker uses the same suggestions to fill its hidden id."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from demo.catalog import seed_demo_catalog
from tests.browser import log_in, no_tiles
from tests.factories import MarketFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog(transactional_db, synonym_table):
    """The demo catalog and the synonym table (``synonym_table``: a flush empties it)."""
    seed_demo_catalog()


def items_page(page, base_url: str):
    """/items/ with its search box listening; returns (form, combobox, options)."""
    no_tiles(page)
    page.goto(base_url + "/items/")
    form = page.get_by_test_id("item-search")
    expect(form.locator("[data-combobox]")).to_have_attribute("data-combobox-ready", "true")
    box = form.get_by_role("combobox", name="품목 검색")
    options = form.get_by_role("listbox", name="품목 제안").get_by_role("option")
    return form, box, options


def first_result(page):
    return page.get_by_test_id("item-list").locator("li.item strong").first


def test_synonym_suggestion_chosen_with_the_keyboard_shows_that_item_first(
    browser_page, live_server, catalog
):
    page = browser_page
    form, box, options = items_page(page, live_server.url)
    expect(box).to_have_attribute("aria-expanded", "false")

    box.fill("휴지")  # a synonym: the catalog says 화장지
    expect(options.first).to_contain_text("화장지")
    expect(box).to_have_attribute("aria-expanded", "true")
    # Category path in small text under the name; the count is announced politely.
    expect(options.first.locator(".combo__sub")).to_have_text(re.compile(r"화장지·티슈 > "))
    expect(form.locator("[data-combobox-status]")).to_have_text(re.compile(r"^\d+개 제안$"))
    name = options.first.locator(".combo__main").inner_text()
    assert "화장지" in name

    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    first_id = options.first.get_attribute("id")
    expect(box).to_have_attribute("aria-activedescendant", first_id or "")
    box.press("ArrowDown")
    box.press("ArrowUp")  # back to the first, by keyboard only
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(options.nth(1)).to_have_attribute("aria-selected", "false")

    with page.expect_navigation():
        box.press("Enter")
    assert parse_qs(urlparse(page.url).query)["q"] == [name]
    expect(first_result(page)).to_have_text(name)
    expect(page.get_by_role("combobox", name="품목 검색")).to_have_value(name)


def test_enter_without_choosing_searches_the_typed_words(browser_page, live_server, catalog):
    page = browser_page
    _form, box, options = items_page(page, live_server.url)
    box.fill("휴지")
    expect(options.first).to_be_visible()
    with page.expect_navigation():
        box.press("Enter")  # nothing highlighted: the form submits what was typed
    assert parse_qs(urlparse(page.url).query)["q"] == ["휴지"]
    expect(first_result(page)).to_contain_text("화장지")


def test_initial_consonants_suggest_and_a_click_chooses(browser_page, live_server, catalog):
    page = browser_page
    _form, box, options = items_page(page, live_server.url)
    box.fill("ㅅㄹㅁ")
    ramyeon = options.filter(has_text="신라면").first
    expect(ramyeon).to_be_visible()
    name = ramyeon.locator(".combo__main").inner_text()
    with page.expect_navigation():
        ramyeon.click()
    expect(first_result(page)).to_have_text(name)


def test_escape_closes_and_no_match_says_so(browser_page, live_server, catalog):
    page = browser_page
    form, box, options = items_page(page, live_server.url)
    box.fill("생수")
    expect(options.first).to_be_visible()
    box.press("Escape")
    expect(form.get_by_role("listbox", name="품목 제안")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    assert box.get_attribute("aria-activedescendant") is None

    box.fill("쀍쀍쀍")
    note = form.locator(".combo__note")
    expect(note).to_have_text("검색 결과가 없어요.")
    expect(options).to_have_count(0)
    expect(form.locator("[data-combobox-status]")).to_have_text("검색 결과가 없어요.")


def test_party_form_item_picker_uses_suggestions_near_the_chosen_market(
    browser_page, live_server, catalog
):
    page = browser_page
    market = MarketFactory(name="합정 테스트마트", lat=37.5500, lng=126.9140)
    resident = UserFactory(nickname="물사는이웃", lat=37.5485, lng=126.9136)
    suggest_urls: list[str] = []
    page.on("request", lambda r: suggest_urls.append(r.url) if "/items/suggest" in r.url else None)
    log_in(page, live_server.url, resident)
    page.goto(live_server.url + "/parties/new/")
    form = page.get_by_test_id("party-create-form")
    expect(form).to_have_attribute("data-ready", "true")  # its scripts are listening
    form.get_by_label("마트", exact=True).select_option(str(market.pk))

    item_box = form.get_by_role("combobox", name="품목")
    item_box.fill("생수")
    options = form.get_by_role("listbox", name="품목 검색 결과").get_by_role("option")
    expect(options.first).to_be_visible()
    expect(options.first.locator(".combo__sub")).to_contain_text("음료 > 생수")
    name = options.first.locator(".combo__main").inner_text()
    item_box.press("ArrowDown")
    expect(item_box).to_have_attribute("aria-activedescendant", "item-options-0")
    item_box.press("Enter")  # picks with the keyboard, does not submit the form

    expect(item_box).to_have_value(name)
    expect(item_box).to_have_attribute("aria-expanded", "false")
    expect(form.locator("#id_item_id")).to_have_value(re.compile(r"^\d+$"))
    expect(form.locator("#item-help")).to_have_text(f"선택됨: {name}")
    assert page.url.endswith("/parties/new/")
    query = parse_qs(urlparse(suggest_urls[-1]).query)
    assert query["q"] == ["생수"]
    assert (float(query["lat"][0]), float(query["lng"][0])) == (market.lat, market.lng)

    item_box.fill("생수 2L")  # typing again forgets the choice
    expect(form.locator("#id_item_id")).to_have_value("")


def test_without_a_home_the_market_found_by_search_orders_the_item_suggestions(
    browser_page, live_server, catalog
):
    page = browser_page
    market = MarketFactory(name="망원 테스트마트", lat=37.5560, lng=126.9010)
    resident = UserFactory(nickname="집없는이웃")  # no home: the market is a search box too
    suggest_urls: list[str] = []
    page.on("request", lambda r: suggest_urls.append(r.url) if "/items/suggest" in r.url else None)
    log_in(page, live_server.url, resident)
    page.goto(live_server.url + "/parties/new/")
    form = page.get_by_test_id("party-create-form")
    expect(form).to_have_attribute("data-ready", "true")

    market_box = form.get_by_role("combobox", name="마트")
    market_box.fill("망원")
    markets = form.get_by_role("listbox", name="마트 검색 결과").get_by_role("option")
    expect(markets).to_have_count(1)
    market_box.press("ArrowDown")
    market_box.press("Enter")
    expect(form.locator("#id_market_id")).to_have_value(str(market.pk))

    item_box = form.get_by_role("combobox", name="품목")
    item_box.fill("생수")
    options = form.get_by_role("listbox", name="품목 검색 결과").get_by_role("option")
    expect(options.first).to_be_visible()
    query = parse_qs(urlparse(suggest_urls[-1]).query)
    assert (float(query["lat"][0]), float(query["lng"][0])) == (market.lat, market.lng)
