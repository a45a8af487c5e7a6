"""DRF glue shared by every app: error shape, pagination, small view helpers."""

import csv
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import DomainError
from common.errors import NotFound as DomainNotFound
from common.params import parse_page, parse_positive_int

# DRF exception class -> our stable error code.
_DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "parse_error",
    exceptions.ValidationError: "invalid",
}


FIELD_LABELS_FILE = Path(__file__).parent / "data" / "field_labels.csv"


@cache
def field_labels() -> dict[str, str]:
    """API input field -> its name in Korean (``common/data/field_labels.csv``)."""
    with FIELD_LABELS_FILE.open(encoding="utf-8", newline="") as f:
        return {row["field"]: row["label"] for row in csv.DictReader(f)}


def _first_message(detail: Any) -> str:
    """The first problem, in Korean: "닉네임: 꼭 입력해 주세요." — the field named as a
    resident would (``field_labels``); a field without a Korean name is left to ``details``."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            message = _first_message(value)
            if message:
                label = field_labels().get(key)
                return f"{label}: {message}" if label else message
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail) if detail else ""


def error_response(error: DomainError) -> Response:
    response = Response(error.as_dict(), status=error.status)
    if "retry_after_seconds" in error.details:
        response["Retry-After"] = str(error.details["retry_after_seconds"])
    return response


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every API error leaves as ``{"code", "message", "details"}``."""
    if isinstance(exc, DomainError):
        return error_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    detail = getattr(exc, "detail", None)
    if isinstance(exc, exceptions.ValidationError):
        details = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        message = _first_message(detail) or _("입력값을 확인해 주세요.")
    else:
        if isinstance(detail, dict) and detail.get("code"):
            # simplejwt puts its own code in the detail ("token_not_valid", ...).
            code = str(detail["code"])
        elif (
            # Always an APIException here: DRF's handler answers nothing else.
            isinstance(exc, exceptions.APIException)
            and isinstance(codes := exc.get_codes(), str)
            and codes not in ("error", "invalid")
        ):
            code = codes
        details = {}
        message = _first_message(
            detail.get("detail", detail) if isinstance(detail, dict) else detail
        )
    response.data = {"code": code, "message": message, "details": details}
    return response


class Pagination(PageNumberPagination):
    """Counted pages (``count``, ``next``, ``previous``, ``results``); ``page`` and
    ``page_size`` go through the project's one parser (400 with a code for bad values, 404
    for a page past the end), not DRF's, which answered English text."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        number, size = page_window(
            request, default_size=self.page_size, max_size=self.max_page_size
        )
        paginator = self.django_paginator_class(queryset, size)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise DomainNotFound("not_found", _("페이지가 없어요.")) from None
        self.request = request
        return list(self.page)

    def get_paginated_response(self, data: Any) -> Response:
        # data: a serializer's ``.data`` (many=True), as DRF's own signature takes it.
        assert self.page is not None  # set by paginate_queryset
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            },
            status=status.HTTP_200_OK,
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return super().get_paginated_response_schema(schema)


# A page's rows and the total, fetched together: (offset, limit) -> (rows, total, capped),
# capped: the total stopped counting (there are more).
FetchPage = Callable[[int, int], tuple[list[Any], int, bool]]


class FetchedPaginator(Paginator):
    """Pages fetched by a function that knows its rows and the total together (the item
    search: a capped count and a page that does not rank every match,
    ``catalog.selectors.item_search_page``), instead of a queryset sliced and counted.
    ``capped``: the total is a floor ("1,000개 넘게")."""

    capped = False

    def __init__(self, fetch: FetchPage, per_page: int) -> None:
        super().__init__([], per_page)
        self._fetch = fetch

    def page(self, number: Any) -> Page:
        number = self.validate_number_format(number)
        rows, total, self.capped = self._fetch((number - 1) * self.per_page, self.per_page)
        self.__dict__["count"] = total  # the cached_property, known now
        self.validate_number(number)
        return Page(rows, number, self)

    def validate_number_format(self, number: Any) -> int:
        try:
            value = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("페이지 번호가 잘못됐어요.")) from None
        if value < 1:
            raise EmptyPage(_("페이지가 없어요."))
        return value


class FetchedPagination(Pagination):
    """``Pagination`` over a ``FetchPage``: the view passes the function, not a queryset;
    the response says ``count_capped`` too."""

    django_paginator_class = FetchedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        assert self.page is not None
        paginator = self.page.paginator
        response.data["count_capped"] = isinstance(paginator, FetchedPaginator) and (
            paginator.capped
        )
        return response


def page_window(request, *, default_size: int = 20, max_size: int = 100) -> tuple[int, int]:
    """(page number, page size) from ``?page=&page_size=``; a size above ``max_size`` is
    served as ``max_size``."""
    params = request.query_params
    page = parse_page(params)
    size = parse_positive_int(params, "page_size", default=default_size)
    return page, min(size, max_size)


def page_links_response(request, *, page: int, has_next: bool, results: Any) -> Response:
    """A page of a list that is not counted (nearest-first search): ``next`` and
    ``previous`` links and the results; a page past the end is a 404 like ``Pagination``'s."""
    from rest_framework.utils.urls import remove_query_param, replace_query_param

    if page > 1 and not results:
        raise DomainNotFound("not_found", _("페이지가 없어요."))
    url = request.build_absolute_uri()
    next_link = replace_query_param(url, "page", page + 1) if has_next else None
    if page <= 1:
        previous_link = None
    elif page == 2:
        previous_link = remove_query_param(url, "page")
    else:
        previous_link = replace_query_param(url, "page", page - 1)
    return Response({"next": next_link, "previous": previous_link, "results": results})
