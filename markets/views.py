"""Market pages: list (search, near home) and detail."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from common.errors import DomainError
from common.geo import DEFAULT_RADIUS_KM
from common.params import Point, parse_page, parse_point, parse_text
from markets.selectors import market_get, market_list


def market_list_page(request: HttpRequest) -> HttpResponse:
    error, q, near, number = None, "", None, 1
    try:
        q = parse_text(request.GET, "q")
        near = parse_point(request.GET)
        number = parse_page(request.GET)
    except DomainError as exc:
        error = exc.message
    user = request.user
    if (
        request.GET.get("near") == "home"
        and user.is_authenticated
        # user.has_home, spelled out so that the type checker sees both coordinates set
        and user.lat is not None
        and user.lng is not None
        and near is None
    ):
        near = Point(user.lat, user.lng, DEFAULT_RADIUS_KM)
    page = Paginator(market_list(q=q, near=near), 20).get_page(number)
    return render(
        request,
        "markets/list.html",
        {"page": page, "q": q, "near": near, "error": error},
        status=400 if error else 200,
    )


def market_detail_page(request: HttpRequest, market_id: int) -> HttpResponse:
    market = market_get(market_id=market_id)  # NotFound: the app's 404 page
    return render(request, "markets/detail.html", {"market": market})
