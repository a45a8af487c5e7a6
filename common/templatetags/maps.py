"""Map tiles in templates, from ``settings.MAP_TILES_URL`` (a Leaflet URL template; the
scripts read it from the map element, ``{% map_tiles_attrs %}``).

``{% map_tile_srcset lat lng zoom %}``: the tile under a point, at 1x and (where the source
has double-resolution tiles, ``{r}``) 2x — the map's largest paint on a market's page, so the
page asks for it in its head (``<link rel="preload" imagesrcset>``: the browser takes the one
its screen needs, the same one Leaflet will ask for) instead of after Leaflet has loaded and
laid the map out (Lighthouse: the market page's LCP was that tile, ~3.1 s on a simulated
slow phone)."""

import math

from django import template
from django.conf import settings
from django.utils.html import format_html

register = template.Library()


def tile_of(lat: float, lng: float, zoom: int) -> tuple[int, int]:
    """The slippy-map tile (x, y) holding the point at ``zoom`` (Web Mercator)."""
    n = 2**zoom
    x = int((lng + 180.0) / 360.0 * n)
    lat_rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_rad)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def _tile_url(*, x: int, y: int, zoom: int, retina: bool) -> str:
    # Leaflet's own placeholders: {s} a subdomain (Leaflet's first is "a"), {r} "@2x" or "".
    url = settings.MAP_TILES_URL
    for key, value in {
        "{z}": str(zoom),
        "{x}": str(x),
        "{y}": str(y),
        "{s}": "a",
        "{r}": "@2x" if retina else "",
    }.items():
        url = url.replace(key, value)
    return url


@register.simple_tag
def map_tile_url(lat: float, lng: float, zoom: int) -> str:
    """The 1x tile under the point."""
    x, y = tile_of(float(lat), float(lng), int(zoom))
    return _tile_url(x=x, y=y, zoom=int(zoom), retina=False)


@register.simple_tag
def map_tile_srcset(lat: float, lng: float, zoom: int) -> str:
    """``"<1x url> 1x, <2x url> 2x"``, or only the 1x URL where the source has no 2x."""
    x, y = tile_of(float(lat), float(lng), int(zoom))
    one = _tile_url(x=x, y=y, zoom=int(zoom), retina=False)
    if "{r}" not in settings.MAP_TILES_URL:
        return f"{one} 1x"
    return f"{one} 1x, {_tile_url(x=x, y=y, zoom=int(zoom), retina=True)} 2x"


@register.simple_tag
def map_tiles_attrs() -> str:
    """The tile source as data-* attributes of a map element (static/js/map-base.js)."""
    return format_html(
        ' data-tiles-url="{}" data-tiles-max-zoom="{}" data-tiles-credit-name="{}"'
        ' data-tiles-credit-url="{}"',
        settings.MAP_TILES_URL,
        settings.MAP_TILES_MAX_ZOOM,
        settings.MAP_TILES_CREDIT_NAME,
        settings.MAP_TILES_CREDIT_URL,
    )


@register.simple_tag
def map_tiles_origin() -> str:
    return settings.MAP_TILE_ORIGIN.replace("*.", "a.")
