"""Two residents in real headless Chromium: A opens a party through the form, B finds it on
the nearby page (list distance and map marker) and joins, which fills and closes it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from common.geo import haversine_km
from parties.models import Party
from tests.browser import log_in, no_tiles
from tests.factories import ItemFactory, MarketFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def neighbourhood(db):
    # 홈플러스 월드컵점-like market in 마포구; A lives 1-2 km one way, B the other.
    market = MarketFactory(
        name="월드컵 테스트마트",
        road_address="서울특별시 마포구 월드컵로 240",
        lat=37.5560,
        lng=126.9010,
        sido="서울특별시",
        sigungu="마포구",
    )
    MarketFactory(name="부산 먼마트", lat=35.1631, lng=129.1635, sido="부산광역시")
    item = ItemFactory(name="부사 사과 5kg 박스")
    ItemFactory(name="사과주스 1.5L")
    leader = UserFactory(nickname="합정살림꾼", lat=37.5485, lng=126.9136)
    joiner = UserFactory(nickname="망원동새댁", lat=37.5662, lng=126.8950)
    return {"market": market, "item": item, "leader": leader, "joiner": joiner}


def test_create_find_on_map_and_join_until_full(
    browser_page, second_page, live_server, neighbourhood
):
    market, leader, joiner = (neighbourhood[k] for k in ("market", "leader", "joiner"))
    base = live_server.url

    # --- A creates a party for two through the form --------------------------------------
    page_a = browser_page
    no_tiles(page_a)
    log_in(page_a, base, leader)
    page_a.get_by_test_id("header-create-party").click()
    form = page_a.get_by_test_id("party-create-form")
    expect(form).to_have_attribute("data-ready", "true")  # its script is listening
    form.get_by_label("마트", exact=True).select_option(str(market.pk))
    expect(form.get_by_label("마트", exact=True).locator("option")).to_have_count(2)  # + prompt

    item_box = form.get_by_role("combobox", name="품목")
    item_box.fill("사과")
    options = form.get_by_role("listbox", name="품목 검색 결과").get_by_role("option")
    expect(options).to_have_count(2)
    # 사과주스 starts with the query, so it ranks first; the box of apples is second.
    expect(options.first).to_contain_text("사과주스 1.5L")
    item_box.press("ArrowDown")
    item_box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    item_box.press("Enter")  # picks with the keyboard, does not submit the form
    expect(item_box).to_have_value("부사 사과 5kg 박스")
    expect(form.locator("#id_item_id")).to_have_value(str(neighbourhood["item"].pk))

    form.get_by_label("제목").fill("사과 한 박스 둘이 나눠요")
    form.get_by_label("설명").fill("정문 앞에서 만나요")
    form.get_by_label("총 가격 (원)").fill("21990")
    form.get_by_label("총 수량").fill("10")
    form.get_by_label("단위").fill("개")
    capacity = form.get_by_label("정원 (파티장 포함)")
    expect(capacity).to_have_value("4")
    share = form.get_by_test_id("share-preview")
    expect(share).to_contain_text("5,498원")  # updates as you type
    capacity.fill("2")
    expect(share).to_contain_text("10,995원")
    start = timezone.localtime() + timedelta(days=1)
    recruit_until = start.replace(hour=12, minute=0)
    meet_at = start.replace(hour=19, minute=0)
    form.get_by_label("모집 마감 시각").fill(recruit_until.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("만나는 시각").fill(meet_at.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="파티 만들기").click()

    expect(page_a.get_by_text("파티를 만들었어요.")).to_be_visible()
    expect(page_a.get_by_test_id("party-status")).to_have_text("모집 중")
    party = Party.objects.get()
    assert (party.leader_id, party.market_id, party.capacity) == (leader.pk, market.pk, 2)
    assert timezone.localtime(party.meet_at).hour == 19  # read as Asia/Seoul
    detail_url = page_a.url
    assert detail_url.endswith(f"/parties/{party.pk}/")

    # --- B finds it nearby (list with distance, map marker) and joins ----------------------
    page_b = second_page
    log_in(page_b, base, joiner)
    page_b.get_by_role("link", name="근처 파티").first.click()
    expect(page_b.get_by_test_id("nearby-where")).to_contain_text("우리 집 근처 10km")
    card = page_b.get_by_test_id("party-card").filter(has_text="사과 한 박스 둘이 나눠요")
    expect(card).to_be_visible()
    distance = haversine_km(joiner.lat, joiner.lng, market.lat, market.lng)
    expect(card.get_by_test_id("party-distance")).to_have_text(f"{round(distance, 1):.1f}km")
    expect(card).to_contain_text("1인당 10,995원")
    expect(card).to_contain_text("1/2명")
    marker = page_b.locator('#nearby-map .leaflet-marker-icon[title="사과 한 박스 둘이 나눠요"]')
    expect(marker).to_be_visible()
    expect(page_b.locator("#nearby-map path.nearby-here")).to_have_count(1)
    marker.click()
    popup_link = page_b.locator(".leaflet-popup-content a")
    expect(popup_link).to_have_text("사과 한 박스 둘이 나눠요")
    expect(popup_link).to_have_attribute("href", f"/parties/{party.pk}/")

    card.click()
    expect(page_b.get_by_test_id("party-title")).to_have_text("사과 한 박스 둘이 나눠요")
    page_b.get_by_role("button", name="참여하기").click()
    expect(page_b.get_by_text("인원이 다 차서 모집이 마감됐어요.")).to_be_visible()
    expect(page_b.get_by_test_id("party-status")).to_have_text("모집 마감")
    expect(page_b.get_by_role("button", name="참여하기")).to_have_count(0)

    # --- A sees the full party -------------------------------------------------------------
    page_a.reload()
    expect(page_a.get_by_test_id("party-status")).to_have_text("모집 마감")
    expect(page_a.get_by_test_id("party-members-count")).to_have_text("2/2명")
    members = page_a.get_by_test_id("party-members")
    expect(members.get_by_role("link", name="망원동새댁")).to_have_attribute(
        "href", f"/accounts/users/{joiner.pk}/"
    )
    expect(members).to_contain_text("파티장")
    # Closed before the meeting: the leader can still cancel, not complete.
    expect(page_a.get_by_role("button", name="파티 취소")).to_be_visible()
    expect(page_a.get_by_role("button", name="파티 완료")).to_have_count(0)


def test_nearby_list_and_map_fit_a_phone(chromium, live_server, neighbourhood):
    from tests.factories import make_party

    make_party(
        leader=neighbourhood["leader"],
        market=neighbourhood["market"],
        item=neighbourhood["item"],
        title="아주 긴 제목의 파티도 화면 밖으로 넘치지 않아요 " * 2,
    )
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, locale="ko-KR"
    )
    try:
        no_tiles(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, live_server.url, neighbourhood["joiner"])
        page.goto(live_server.url + "/")
        cards = page.get_by_test_id("party-card")
        expect(cards).to_have_count(1)
        the_map = page.get_by_test_id("nearby-map")
        expect(the_map).to_be_visible()
        expect(the_map.locator(".leaflet-marker-icon")).to_have_count(1)
        for box in (the_map.bounding_box(), cards.first.bounding_box()):
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # The header's create button fits next to the user's name.
        create = page.get_by_test_id("header-create-party")
        expect(create).to_be_visible()
        box = create.bounding_box()
        assert box["x"] + box["width"] <= 390
        # Filters work by touch too.
        page.get_by_label("반경").select_option("5")
        page.get_by_role("button", name="검색").click()
        page.wait_for_url("**radius_km=5**")
        expect(cards).to_have_count(1)
        cards.first.click()
        expect(page.get_by_test_id("party-title")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
