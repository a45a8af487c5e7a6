"""Market reads: search, near a point or the user's home, detail."""

from enum import StrEnum

from django.utils.translation import gettext as _

from common.errors import NotFound
from common.geo import haversine_km
from common.params import Point
from markets.models import Market

MAX_NEAR_RESULTS = 500


class MarketOrder(StrEnum):
    DISTANCE = "distance"  # nearest first (needs a point: explicit lat/lng, or the home)
    NAME = "name"  # 가나다 순


def market_order(
    *,
    near: Point | None = None,
    home: tuple[float, float] | None = None,
    order: MarketOrder | None = None,
) -> MarketOrder:
    """The order ``market_list`` gives for these arguments: nearest first whenever there is
    a point to measure from, unless 가나다 order was asked for; 가나다 without a point."""
    if near is None and home is None:
        return MarketOrder.NAME
    return order or MarketOrder.DISTANCE


def market_list(
    *,
    q: str = "",
    near: Point | None = None,
    home: tuple[float, float] | None = None,
    order: MarketOrder | None = None,
) -> list[Market]:
    """Operating markets (closed ones never: ``Market.objects.open``) matching ``q``.

    - ``near`` (an explicit point): only those within its radius, each with ``distance_km``.
    - else ``home`` (the signed-in user's home, as (lat, lng)): ALL of them, each with
      ``distance_km`` from home, so that a resident whose nearest mart is far still sees it.
    - else none of them carries a distance.

    Sorted by ``market_order(...)``: nearest first (ties by id) or 가나다 (name, id).
    Markets are few (hundreds of large stores nationwide), so the indexed bounding box (or,
    from home, the open markets) leaves few rows and the exact distance is computed in Python.
    """
    markets = Market.objects.open().search(q)
    by = market_order(near=near, home=home, order=order)
    if near is not None:
        found = []
        candidates = markets.within_box(near.lat, near.lng, near.radius_km)
        for market in candidates[: MAX_NEAR_RESULTS * 4]:
            market.distance_km = haversine_km(near.lat, near.lng, market.lat, market.lng)
            if market.distance_km <= near.radius_km:
                found.append(market)
    elif home is not None:
        found = list(markets)
        for market in found:
            market.distance_km = haversine_km(home[0], home[1], market.lat, market.lng)
    else:
        return list(markets.order_by("name", "id"))
    if by == MarketOrder.DISTANCE:
        found.sort(key=lambda m: (m.distance_km, m.id))
    else:
        found.sort(key=lambda m: (m.name, m.id))
    return found[:MAX_NEAR_RESULTS] if near is not None else found


def market_get(*, market_id: int) -> Market:
    """A market by id, closed or not (its page and ``GET markets/{id}`` still answer)."""
    market = Market.objects.filter(pk=market_id).first()
    if market is None:
        raise NotFound("market_not_found", _("마트를 찾을 수 없어요."))
    return market
