"""A resident whose address could only be placed at its district's centre sees that it is
approximate, and places the home on the map instead (tiles blocked: the grey map still takes
the pin), by pointer and by keyboard."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from common.geo import haversine_km
from markets import districts
from tests.browser import log_in
from tests.factories import MarketFactory, UserFactory, make_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots_hE")
GANGNAM = districts.lookup("서울특별시", "강남구")
assert GANGNAM is not None


def _approximate_resident() -> User:
    return UserFactory(
        nickname="역삼주민",
        address="서울특별시 강남구 테헤란로 152",
        lat=GANGNAM.lat,
        lng=GANGNAM.lng,
        sido="서울특별시",
        sigungu="강남구",
        location_precision="district",
        location_source="offline",
    )


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_clicking_the_grey_map_saves_the_home_as_an_exact_map_pin(chromium, live_server, viewport):
    resident = _approximate_resident()
    context = chromium.new_context(viewport=viewport, locale="ko-KR")
    page = context.new_page()
    log_in(page, live_server.url, resident)  # map tiles blocked from here on
    page.goto(live_server.url + "/accounts/me/")

    precision = page.get_by_test_id("me-home-precision")
    expect(precision).to_have_text("대략적인 위치(구 중심)")
    expect(page.get_by_test_id("me-home-coords")).to_have_text(
        f"(약 {GANGNAM.lat:.2f}, {GANGNAM.lng:.2f})"
    )
    save = page.get_by_test_id("pin-save")
    expect(save).to_be_disabled()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"home-approximate-{viewport['width']}.png"), full_page=True)

    pin_map = page.get_by_test_id("pin-map")
    pin_map.scroll_into_view_if_needed()
    box = pin_map.bounding_box()
    assert box is not None
    # Lower right of the centre: clear of the zoom buttons and the no-tiles notice.
    pin_map.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.75})
    expect(page.get_by_test_id("pin-status")).to_contain_text("고른 위치:")
    expect(save).to_be_enabled()
    page.screenshot(path=str(SHOTS / f"home-pin-picked-{viewport['width']}.png"), full_page=True)
    save.click()

    expect(page.get_by_text("지도에서 고른 위치를 집 위치로 저장했어요.")).to_be_visible()
    expect(precision).to_have_text("정확한 위치 · 지도에서 고름")
    resident.refresh_from_db()
    assert (resident.location_precision, resident.location_source) == ("exact", "map")
    # South-east of the old point: the click was right of and below the map's centre.
    assert resident.lat < GANGNAM.lat
    assert resident.lng > GANGNAM.lng
    expect(page.get_by_test_id("me-home-coords")).to_have_text(
        f"({resident.lat:.4f}, {resident.lng:.4f})"
    )
    page.screenshot(path=str(SHOTS / f"home-exact-{viewport['width']}.png"), full_page=True)
    context.close()


def test_keyboard_places_the_pin_at_the_map_centre(browser_page, live_server):
    resident = _approximate_resident()
    page = browser_page
    log_in(page, live_server.url, resident)
    page.goto(live_server.url + "/accounts/me/")

    pin_map = page.get_by_test_id("pin-map")
    pin_map.focus()
    page.keyboard.press("ArrowRight")  # Leaflet pans the map east
    page.keyboard.press("Enter")  # the centre becomes the pick
    expect(page.get_by_test_id("pin-status")).to_contain_text("고른 위치:")
    save = page.get_by_test_id("pin-save")
    expect(save).to_be_enabled()
    save.press("Enter")  # focus the button (past the map's own controls) and press it

    expect(page.get_by_test_id("me-home-precision")).to_have_text("정확한 위치 · 지도에서 고름")
    resident.refresh_from_db()
    assert resident.location_source == "map"
    assert resident.lng > GANGNAM.lng


def test_empty_address_says_what_to_do_and_keeps_the_home(browser_page, live_server):
    resident = _approximate_resident()
    page = browser_page
    log_in(page, live_server.url, resident)
    page.goto(live_server.url + "/accounts/me/")

    home = page.get_by_test_id("home-form")
    home.get_by_label("집 주소 (도로명)").fill("")
    home.get_by_role("button", name="집 주소 저장").click()

    expect(home.get_by_text("주소를 입력하거나 지도에서 위치를 골라 주세요.")).to_be_visible()
    expect(page.get_by_text("저장했어요")).to_have_count(0)
    resident.refresh_from_db()
    assert (resident.lat, resident.lng) == (GANGNAM.lat, GANGNAM.lng)


def test_nearby_from_an_approximate_home_says_so_and_rounds_distances(browser_page, live_server):
    resident = _approximate_resident()
    market = MarketFactory(name="역삼마트", lat=GANGNAM.lat + 0.02, lng=GANGNAM.lng + 0.01)
    make_party(market=market, title="강남 생수 나눠요")
    km = haversine_km(GANGNAM.lat, GANGNAM.lng, market.lat, market.lng)
    page = browser_page
    log_in(page, live_server.url, resident)
    page.goto(live_server.url + "/")

    expect(page.get_by_test_id("nearby-approximate")).to_contain_text("대략적인 위치(구 중심)")
    expect(page.get_by_test_id("party-distance")).to_have_text(f"약 {round(km)}km")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "nearby-approximate-1280.png"))

    # The label leads to where the home can be placed exactly.
    page.get_by_test_id("nearby-approximate").click()
    expect(page.get_by_test_id("pin-map")).to_be_visible()
