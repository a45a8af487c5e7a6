"""Maps without tiles (no network here, as on a flaky phone connection): the resident is told
in Korean that the map did not load, the map's controls speak Korean, and the list beside it
works as before."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import TILES, no_tiles
from tests.factories import MarketFactory, make_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots_hB")
# A 1x1 PNG standing in for a tile (the tile server is out of reach here).
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5d9f3de0000000049454e44ae426082"
)
ENGLISH = ("Zoom in", "Zoom out", "Close popup", "Marker", "A JavaScript library")


def english_labels(page) -> list[str]:
    """Leaflet's own English titles, labels and alt texts left anywhere on the page."""
    return page.evaluate(
        """(words) => [...document.querySelectorAll('[title], [aria-label], [alt]')]
            .flatMap((el) => ['title', 'aria-label', 'alt'].map((a) => el.getAttribute(a) || ''))
            .filter((text) => words.some((word) => text.includes(word)))""",
        list(ENGLISH),
    )


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_nearby_map_without_tiles_says_so_in_korean_and_the_list_still_works(
    chromium, live_server, viewport
):
    market = MarketFactory(name="지도없는마트", lat=37.5560, lng=126.9010)
    party = make_party(market=market, title="타일 없어도 보이는 파티")
    context = chromium.new_context(viewport=viewport, locale="ko-KR")
    page = context.new_page()
    no_tiles(page)
    page.goto(f"{live_server.url}/?lat=37.5560&lng=126.9010")

    notice = page.get_by_test_id("nearby-map").get_by_test_id("map-notice")
    expect(notice).to_be_visible()
    expect(notice).to_have_text("지도를 불러오지 못했어요. 목록은 그대로 쓸 수 있어요.")
    expect(page.get_by_role("button", name="확대")).to_be_visible()
    expect(page.get_by_role("button", name="축소")).to_be_visible()
    assert english_labels(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"nearby-no-tiles-{viewport['width']}.png"))

    # The zoom buttons still work, and the list is usable as ever.
    page.get_by_role("button", name="확대").click()
    card = page.get_by_test_id("party-card").filter(has_text="타일 없어도 보이는 파티")
    card.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/parties/{party.pk}/")
    context.close()


def test_market_map_without_tiles_names_its_marker_and_popup_in_korean(browser_page, live_server):
    market = MarketFactory(name="팝업마트 합정점")
    page = browser_page
    no_tiles(page)
    page.goto(f"{live_server.url}/markets/{market.pk}/")

    notice = page.get_by_test_id("map-notice")
    expect(notice).to_have_text("지도를 불러오지 못했어요. 마트 위치는 위의 주소로 확인해 주세요.")
    marker = page.get_by_role("button", name="팝업마트 합정점")
    marker.click()
    expect(page.locator(".leaflet-popup")).to_contain_text("팝업마트 합정점")
    expect(page.get_by_role("button", name="닫기")).to_be_visible()
    assert english_labels(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "market-no-tiles-1280.png"))
    page.get_by_role("button", name="닫기").click()
    expect(page.locator(".leaflet-popup")).to_have_count(0)


def test_no_notice_while_tiles_load(browser_page, live_server):
    """The notice is about failure only: tiles that arrive hide it (a tiny PNG stands in for
    the tile server, which this machine cannot reach)."""
    market = MarketFactory(name="타일되는마트")
    png = TINY_PNG
    page = browser_page
    page.route(
        TILES,
        lambda route: route.fulfill(status=200, content_type="image/png", body=png),
    )
    page.goto(f"{live_server.url}/markets/{market.pk}/")
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
    expect(page.get_by_role("button", name="확대")).to_be_visible()
    expect(page.get_by_test_id("map-notice")).to_be_attached()
    expect(page.get_by_test_id("map-notice")).to_be_hidden()


@pytest.mark.parametrize("scale", [1, 2], ids=["dpr1", "dpr2"])
def test_a_phone_screen_gets_sharp_tiles_and_the_preloaded_one_is_used(
    chromium, live_server, scale
):
    """A high-density screen asks for double-resolution tiles (256 px tiles were drawn blurred
    on phones), and the tile the page preloads in its head is the one the map then shows:
    one download, not two."""
    market = MarketFactory(name="선명한지도마트", lat=37.5665, lng=126.9780)
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=scale, locale="ko-KR"
    )
    page = context.new_page()
    asked: list[str] = []

    def tile(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TINY_PNG)

    page.route(TILES, tile)
    page.goto(f"{live_server.url}/markets/{market.pk}/")
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
    preloaded = page.locator('link[rel="preload"][as="image"]').get_attribute("imagesrcset")
    one_x, two_x = (part.split()[0] for part in preloaded.split(", "))
    under_market = two_x if scale == 2 else one_x
    shown = page.evaluate("[...document.querySelectorAll('.leaflet-tile')].map((t) => t.src)")
    assert under_market in shown
    assert asked.count(under_market) == 1
    if scale == 2:
        assert all(url.endswith("@2x.png") for url in shown)
    else:
        assert not any("@2x" in url for url in shown)
    # The marker and its shadow: as many image pixels as the screen has (a vector shadow
    # has no pixels to lack).
    expect(page.locator(".leaflet-marker-icon")).to_be_visible()
    blurred = page.evaluate(
        """(scale) => [...document.querySelectorAll(
                '.leaflet-marker-pane img, .leaflet-shadow-pane img')]
            .filter((img) => !img.currentSrc.endsWith('.svg'))
            .filter((img) => img.naturalWidth < img.clientWidth * scale)
            .map((img) => img.currentSrc)""",
        scale,
    )
    assert blurred == []
    context.close()
