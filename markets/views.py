"""Market pages: list (search, near home) and detail."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from common.errors import DomainError
from common.geo import DEFAULT_RADIUS_KM
from common.params import Point, parse_point
from markets.selectors import market_get, market_list


def market_list_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    error = None
    near = None
    try:
        near = parse_point(request.GET)
    except DomainError as exc:
        error = exc.message
    user = request.user
    wants_home = request.GET.get("near") == "home" and user.is_authenticated and user.has_home
    if near is None and wants_home:
        near = Point(user.lat, user.lng, DEFAULT_RADIUS_KM)
    page = Paginator(market_list(q=q, near=near), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "markets/list.html",
        {"page": page, "q": q, "near": near, "error": error},
    )


def market_detail_page(request: HttpRequest, market_id: int) -> HttpResponse:
    try:
        market = market_get(market_id=market_id)
    except DomainError:
        raise Http404 from None
    return render(request, "markets/detail.html", {"market": market})
