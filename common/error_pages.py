"""Error responses outside DRF: Django's 400/403/404/500 handlers and uncaught domain errors on
pages. Under ``/api/`` they answer in the API's JSON error shape (a client that asked for
``/api/v1/parties/abc`` gets ``{"code": "not_found", ...}``, not an HTML page); elsewhere the
app's own pages, in Korean."""

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from common.errors import DomainError

API_PREFIX = "/api/"


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(request: HttpRequest, *, status: int, code: str, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(
            {"code": code, "message": message, "details": {}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    template = {404: "404.html", 500: "500.html"}.get(status, "error.html")
    return render(
        request, template, {"status": status, "code": code, "message": message}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(
        request, status=400, code="bad_request", message=_("요청을 이해하지 못했어요.")
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(
        request, status=403, code="permission_denied", message=_("이 작업을 할 권한이 없어요.")
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(
        request, status=404, code="not_found", message=_("찾는 것이 없어요. 주소를 확인해 주세요.")
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # No template context processors here: the failure may be in one of them.
    if wants_json(request):
        return error_response(
            request,
            status=500,
            code="server_error",
            message=_("잠시 문제가 생겼어요. 잠시 후 다시 시도해 주세요."),
        )
    return HttpResponseServerError(loader.get_template("500.html").render())


class DomainErrorMiddleware:
    """A ``DomainError`` that a page view did not catch (a bad query parameter, say) becomes
    a page with its Korean message and status, not a 500."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return error_response(
                request, status=exception.status, code=exception.code, message=exception.message
            )
        return None
