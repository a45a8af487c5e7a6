"""Query parameters of the market lists (page and API), refused as every parameter is."""

from django.utils.translation import gettext as _

from common.errors import DomainError
from markets.selectors import MarketOrder


def parse_market_order(params) -> MarketOrder | None:
    """``order``: ``distance`` (nearest first) or ``name`` (가나다); None when absent."""
    raw = params.get("order", "")
    if raw == "":
        return None
    try:
        return MarketOrder(raw)
    except ValueError:
        raise DomainError(
            "invalid_order",
            _("정렬(order)은 distance 또는 name이어야 해요."),
            details={"allowed": [o.value for o in MarketOrder]},
        ) from None


def home_of(user) -> tuple[float, float] | None:
    """The signed-in user's home as (lat, lng), or None (anonymous, or no home set)."""
    if not user.is_authenticated:
        return None
    lat, lng = getattr(user, "lat", None), getattr(user, "lng", None)
    return None if lat is None or lng is None else (lat, lng)
