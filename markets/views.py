"""The markets list page: search, nearest first around the home or a point, or 가나다.

A market's own page lists its open parties, so it is served by ``parties``
(``parties.views.market_detail_page``) under this app's URL name ``markets:detail``.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from common.errors import DomainError
from common.params import Point, parse_page, parse_point, parse_text
from markets.params import home_of, parse_market_order
from markets.selectors import MarketOrder, market_list, market_order


def market_list_page(request: HttpRequest) -> HttpResponse:
    error, q, near, order, number = None, "", None, None, 1
    try:
        q = parse_text(request.GET, "q")
        near = parse_point(request.GET)
        order = parse_market_order(request.GET)
        number = parse_page(request.GET)
    except DomainError as exc:
        error = exc.message
    # ``?near=home`` (older links): the home order, which is now the default anyway.
    home = home_of(request.user)
    if near is not None:
        home = None  # an explicit point wins
    page = Paginator(market_list(q=q, near=near, home=home, order=order), 20).get_page(number)
    by_name = market_order(near=near, home=home, order=order) == MarketOrder.NAME
    return render(
        request,
        "markets/list.html",
        {
            "page": page,
            "q": q,
            "near": near,
            "order": order,
            "order_label": _order_label(near=near, home=home, by_name=by_name),
            "order_links": _order_links(q=q, near=near, home=home, by_name=by_name),
            "error": error,
        },
        status=400 if error else 200,
    )


# -- display helpers (presentation only; the order itself is markets.selectors.market_order) --


def _order_label(*, near: Point | None, home: tuple[float, float] | None, by_name: bool) -> str:
    if by_name:
        return _("가나다 순")
    return _("가까운 순") if near is not None else _("집 근처 순")


def _order_links(
    *, q: str, near: Point | None, home: tuple[float, float] | None, by_name: bool
) -> list[dict]:
    """The two orders to switch between, when there is a point to measure from."""
    if near is None and home is None:
        return []
    params: dict[str, str | float] = {"q": q} if q else {}
    if near is not None:
        params.update(lat=near.lat, lng=near.lng, radius_km=near.radius_km)
    return [
        {
            "label": _order_label(near=near, home=home, by_name=False),
            "url": "?" + urlencode(params),
            "active": not by_name,
            "testid": "order-distance",
        },
        {
            "label": _("가나다 순"),
            "url": "?" + urlencode({**params, "order": MarketOrder.NAME.value}),
            "active": by_name,
            "testid": "order-name",
        },
    ]
