"""Views with no domain: the process is alive (``/healthz``), ready (``/readyz``), and its
metrics (``/metrics``). None of them needs a login; none is cached; all three are exempt from
the SSL redirect (``SECURE_REDIRECT_EXEMPT``) so that a probe or a scraper on the machine can
ask a web process over plain HTTP. Like every request, they need a ``Host`` the site serves
(``DJANGO_ALLOWED_HOSTS``)."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from common.metrics import bearer_token_matches, exposition
from common.readiness import readiness


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
async def readyz(request: HttpRequest) -> JsonResponse:
    """200 ``{"status": "ready", "checks": {...}}`` when every configured service answers;
    503 with the API's error shape (code, Korean message, the failed ones in ``details``)."""
    checks = await readiness()
    failed = [name for name, state in checks.items() if state != "ok"]
    if not failed:
        return JsonResponse({"status": "ready", "checks": checks})
    message = _("연결할 수 없는 서비스가 있어요: %(failed)s") % {"failed": ", ".join(failed)}
    return JsonResponse(
        {
            "status": "unavailable",
            "code": "not_ready",
            "message": message,
            "details": {"failed": failed},
            "checks": checks,
        },
        status=503,
        json_dumps_params={"ensure_ascii": False},
    )


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format. Off (404, as if absent) without ``METRICS_TOKEN``; otherwise
    401 unless ``Authorization: Bearer <METRICS_TOKEN>``."""
    if not settings.METRICS_TOKEN:
        raise Http404
    if not bearer_token_matches(request.headers.get("Authorization", ""), settings.METRICS_TOKEN):
        response = JsonResponse(
            {
                "code": "not_authenticated",
                "message": _("지표를 보려면 METRICS_TOKEN이 필요해요."),
                "details": {},
            },
            status=401,
            json_dumps_params={"ensure_ascii": False},
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)
