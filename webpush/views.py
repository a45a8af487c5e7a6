"""The installable site: the service worker (``/sw.js``), the web app manifest and the
offline page. Thin: render."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# The CSS's --brand: the manifest's and the browser bar's colour.
THEME_COLOR = "#ff6f0f"
BACKGROUND_COLOR = "#ffffff"


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    """A template, not a static file: the files it caches for offline use have hashed names
    in production, and a new deploy changes them, so the browser sees a new worker (it
    compares the script byte for byte) and installs it. Served from the root so its scope
    is the whole site; revalidated every time (no-cache), as the spec's update check
    expects."""
    response = render(
        request,
        "webpush/sw.js",
        {"offline_url": reverse("webpush:offline")},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    icon = {"type": "image/png"}
    return JsonResponse(
        {
            "name": _("공구 — 동네 마트 대용량, 이웃과 나눠 사요"),
            "short_name": _("공구"),
            "description": _("동네 이웃과 마트 대용량 상품을 나눠 사는 곳"),
            "lang": "ko",
            "dir": "ltr",
            "id": "/",
            "start_url": "/?source=pwa",
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "theme_color": THEME_COLOR,
            "background_color": BACKGROUND_COLOR,
            "categories": ["shopping", "lifestyle"],
            "icons": [
                {**icon, "src": static("img/icon-192.png"), "sizes": "192x192", "purpose": "any"},
                {**icon, "src": static("img/icon-512.png"), "sizes": "512x512", "purpose": "any"},
                {
                    **icon,
                    "src": static("img/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "purpose": "maskable",
                },
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows when a page cannot be loaded (fetched at install,
    without cookies, so it never carries anyone's name)."""
    return render(request, "webpush/offline.html")
