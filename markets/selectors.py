"""Market reads: search, near a point, detail."""

from django.utils.translation import gettext as _

from common.errors import NotFound
from common.geo import haversine_km
from common.params import Point
from markets.models import Market

MAX_NEAR_RESULTS = 500


def market_list(*, q: str = "", near: Point | None = None) -> list[Market]:
    """Markets matching ``q``; with ``near``, only those within its radius, nearest first,
    each carrying ``distance_km``.

    Markets are few (hundreds of large stores nationwide), so the indexed bounding box
    leaves a handful of rows and the exact distance is computed in Python.
    """
    markets = Market.objects.search(q)
    if near is None:
        return list(markets.order_by("name", "id"))
    found = []
    for market in markets.within_box(near.lat, near.lng, near.radius_km)[: MAX_NEAR_RESULTS * 4]:
        market.distance_km = haversine_km(near.lat, near.lng, market.lat, market.lng)
        if market.distance_km <= near.radius_km:
            found.append(market)
    found.sort(key=lambda m: (m.distance_km, m.id))
    return found[:MAX_NEAR_RESULTS]


def market_get(*, market_id: int) -> Market:
    market = Market.objects.filter(pk=market_id).first()
    if market is None:
        raise NotFound("market_not_found", _("마트를 찾을 수 없어요."))
    return market
