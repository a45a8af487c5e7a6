"""Item pages: search with a category filter."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog.selectors import category_list, item_search_pages
from common.api import FetchedPaginator
from common.errors import DomainError
from common.geo import DEFAULT_RADIUS_KM
from common.params import Point, parse_page, parse_positive_int, parse_text

PAGE_SIZE = 30


def item_list_page(request: HttpRequest) -> HttpResponse:
    error, q, category_id, number = None, "", None, 1
    try:
        q = parse_text(request.GET, "q")
        category_id = parse_positive_int(request.GET, "category")
        number = parse_page(request.GET)
        user = request.user
        home = (
            Point(user.lat, user.lng, DEFAULT_RADIUS_KM)
            if user.is_authenticated and user.lat is not None and user.lng is not None
            else None
        )
        search = item_search_pages(q=q, category_id=category_id, near=home)
        paginator: Paginator = FetchedPaginator(search, PAGE_SIZE)
        page = paginator.get_page(number)
    except DomainError as exc:
        error, page = exc.message, Paginator([], PAGE_SIZE).get_page(1)
    return render(
        request,
        "catalog/list.html",
        {
            "page": page,
            "q": q,
            "category_id": category_id,
            "categories": category_list(max_depth=2),
            "error": error,
        },
        status=400 if error else 200,
    )
