"""The market page asks for the map tile under the market in its head, so the map's largest
paint does not wait for Leaflet: the tile must be the one Leaflet will show."""

import pytest

from common.templatetags.maps import map_tile_url, tile_of
from tests.factories import MarketFactory


def test_the_tile_under_a_point_is_the_slippy_map_tile():
    # Seoul City Hall at zoom 15, and the corners of the world.
    assert tile_of(37.5665, 126.9780, 15) == (27941, 12689)
    assert tile_of(85.0, -180.0, 2) == (0, 0)
    assert tile_of(-85.0, 179.999, 2) == (3, 3)
    assert map_tile_url(37.5665, 126.9780, 15) == (
        "https://tile.openstreetmap.org/15/27941/12689.png"
    )


@pytest.mark.django_db
def test_the_market_page_preloads_the_tile_under_the_market(client):
    market = MarketFactory(lat=37.5665, lng=126.9780)
    page = client.get(f"/markets/{market.pk}/").content.decode()
    assert (
        '<link rel="preload" as="image" '
        'href="https://tile.openstreetmap.org/15/27941/12689.png" fetchpriority="high">'
    ) in page
