"""The market page asks for the map tile under the market in its head, so the map's largest
paint does not wait for Leaflet: the tile must be the one Leaflet will show, at the
resolution the screen needs."""

import pytest

from common.templatetags.maps import map_tile_srcset, map_tile_url, tile_of
from tests.factories import MarketFactory

CARTO = "https://basemaps.cartocdn.com/rastertiles/voyager"


def test_the_tile_under_a_point_is_the_slippy_map_tile():
    # Seoul City Hall at zoom 15, and the corners of the world.
    assert tile_of(37.5665, 126.9780, 15) == (27941, 12689)
    assert tile_of(85.0, -180.0, 2) == (0, 0)
    assert tile_of(-85.0, 179.999, 2) == (3, 3)
    assert map_tile_url(37.5665, 126.9780, 15) == f"{CARTO}/15/27941/12689.png"


def test_a_source_with_double_resolution_tiles_offers_both(settings):
    assert map_tile_srcset(37.5665, 126.9780, 15) == (
        f"{CARTO}/15/27941/12689.png 1x, {CARTO}/15/27941/12689@2x.png 2x"
    )
    settings.MAP_TILES_URL = "https://{s}.tiles.example/{z}/{x}/{y}.png"
    assert map_tile_srcset(37.5665, 126.9780, 15) == (
        "https://a.tiles.example/15/27941/12689.png 1x"
    )


@pytest.mark.django_db
def test_the_market_page_preloads_the_tile_under_the_market(client):
    market = MarketFactory(lat=37.5665, lng=126.9780)
    page = client.get(f"/markets/{market.pk}/").content.decode()
    assert (
        f'<link rel="preload" as="image" href="{CARTO}/15/27941/12689.png" '
        f'imagesrcset="{CARTO}/15/27941/12689.png 1x, {CARTO}/15/27941/12689@2x.png 2x" '
        'fetchpriority="high">'
    ) in page
    assert f'data-tiles-url="{CARTO}/{{z}}/{{x}}/{{y}}{{r}}.png"' in page
