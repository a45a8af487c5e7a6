"""A brand-new resident, who has not set a home address, opens their first party: sign up,
"파티 만들기", find the mart and the item by typing, fill the form, land on the party page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from parties.models import Party, PartyStatus
from tests.browser import no_tiles
from tests.factories import ItemFactory, MarketFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_user_without_home_opens_a_first_party(browser_page, live_server):
    market = MarketFactory(
        name="월드컵 첫파티마트",
        road_address="서울특별시 마포구 월드컵로 240",
        lat=37.5560,
        lng=126.9010,
        sido="서울특별시",
        sigungu="마포구",
    )
    MarketFactory(name="해운대 먼마트", lat=35.1631, lng=129.1635, sido="부산광역시")
    item = ItemFactory(name="깨끗한나라 화장지 30롤")
    page = browser_page
    no_tiles(page)

    page.goto(live_server.url + "/accounts/signup/")
    signup = page.get_by_test_id("signup-form")
    signup.get_by_label("이메일").fill("first@example.kr")
    signup.get_by_label("닉네임").fill("첫파티이웃")
    signup.get_by_label("비밀번호", exact=True).fill("s3cure-pass-9")
    signup.get_by_label("비밀번호 확인").fill("s3cure-pass-9")
    signup.get_by_role("button", name="가입하기").click()
    expect(page.get_by_test_id("current-user")).to_have_text("첫파티이웃")
    assert not User.objects.get(email="first@example.kr").has_home

    page.get_by_test_id("header-create-party").click()
    expect(page.get_by_role("heading", name="파티 만들기")).to_be_visible()
    form = page.get_by_test_id("party-create-form")
    expect(form).to_have_attribute("data-ready", "true")  # its script is listening
    home_hint = form.get_by_role("link", name="집 주소를 설정하면 근처 마트를 바로 골라 드려요.")
    expect(home_hint).to_be_visible()

    market_box = form.get_by_role("combobox", name="마트")
    market_box.fill("월드컵")
    market_options = form.get_by_role("listbox", name="마트 검색 결과").get_by_role("option")
    expect(market_options).to_have_count(1, timeout=20_000)
    market_box.press("ArrowDown")
    market_box.press("Enter")
    expect(form.locator("#id_market_id")).to_have_value(str(market.pk))

    item_box = form.get_by_role("combobox", name="품목")
    item_box.fill("화장지")
    item_options = form.get_by_role("listbox", name="품목 검색 결과").get_by_role("option")
    expect(item_options).to_have_count(1, timeout=20_000)
    item_options.first.click()
    expect(form.locator("#id_item_id")).to_have_value(str(item.pk))

    form.get_by_label("제목").fill("화장지 30롤 셋이 나눠요")
    form.get_by_label("총 가격 (원)").fill("30000")
    form.get_by_label("총 수량").fill("30")
    form.get_by_label("단위").fill("롤")
    form.get_by_label("정원 (파티장 포함)").fill("3")
    expect(form.get_by_test_id("share-preview")).to_contain_text("10,000원")
    start = timezone.localtime() + timedelta(days=1)
    local = "%Y-%m-%dT%H:%M"
    form.get_by_label("모집 마감 시각").fill(start.replace(hour=12, minute=0).strftime(local))
    form.get_by_label("만나는 시각").fill(start.replace(hour=19, minute=0).strftime(local))
    form.get_by_role("button", name="파티 만들기").click()

    expect(page.get_by_text("파티를 만들었어요.")).to_be_visible()
    expect(page.get_by_test_id("party-status")).to_have_text("모집 중")
    party = Party.objects.get()
    assert (party.market_id, party.item_id, party.status) == (
        market.pk,
        item.pk,
        PartyStatus.RECRUITING,
    )
    assert page.url.endswith(f"/parties/{party.pk}/")
