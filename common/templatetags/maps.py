"""``{% map_tile_url lat lng zoom %}``: the OpenStreetMap tile under a point — the map's
largest paint on a market's page, so the page asks for it in its head (``preload``) instead
of after Leaflet has loaded and laid the map out (Lighthouse: the market page's LCP was that
tile, ~3.1 s on a simulated slow phone)."""

import math

from django import template

register = template.Library()

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"  # as static/js/map-base.js


def tile_of(lat: float, lng: float, zoom: int) -> tuple[int, int]:
    """The slippy-map tile (x, y) holding the point at ``zoom`` (Web Mercator)."""
    n = 2**zoom
    x = int((lng + 180.0) / 360.0 * n)
    lat_rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_rad)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


@register.simple_tag
def map_tile_url(lat: float, lng: float, zoom: int) -> str:
    x, y = tile_of(float(lat), float(lng), int(zoom))
    return TILE_URL.format(z=int(zoom), x=x, y=y)
