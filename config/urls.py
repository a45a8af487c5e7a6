from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import urls as accounts_urls
from catalog import urls as catalog_urls
from chat import urls as chat_urls
from comments import urls as comments_urls
from common import views as common_views
from markets import urls as markets_urls
from moderation import urls as moderation_urls
from notifications import urls as notifications_urls
from parties import home
from parties import urls as parties_urls
from parties import views as parties_views
from penalties import urls as penalties_urls
from settlements import urls as settlements_urls
from webpush import urls as webpush_urls

api_v1 = [
    *accounts_urls.api_urlpatterns,
    *markets_urls.api_urlpatterns,
    *catalog_urls.api_urlpatterns,
    *parties_urls.api_urlpatterns,
    *chat_urls.api_urlpatterns,
    *comments_urls.api_urlpatterns,
    *notifications_urls.api_urlpatterns,
    *penalties_urls.api_urlpatterns,
    *moderation_urls.api_urlpatterns,
    *settlements_urls.api_urlpatterns,
    *webpush_urls.api_urlpatterns,
]

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", common_views.healthz, name="healthz"),
    path("readyz", common_views.readyz, name="readyz"),
    path("metrics", common_views.metrics, name="metrics"),
    # A resident's public profile: their standing is party history (parties), so it is
    # served by parties under the accounts path it always had.
    path("accounts/users/<id:user_id>/", parties_views.profile_page, name="profile"),
    path("accounts/", include(accounts_urls)),
    # A market's page lists its parties (parties), so parties serves it, in the markets
    # namespace it always had: markets:list from markets, markets:detail from parties.
    path(
        "markets/",
        include(
            ([*markets_urls.urlpatterns, *parties_urls.market_urlpatterns], markets_urls.app_name)
        ),
    ),
    path("items/", include(catalog_urls)),
    path("parties/", include(parties_urls)),
    path("parties/<id:party_id>/comments/", include(comments_urls)),
    path("notifications/", include(notifications_urls)),
    path("penalties/", include(penalties_urls)),
    path("reports/", include(moderation_urls)),
    path("settlements/", include(settlements_urls)),
    # /sw.js, /manifest.webmanifest, /offline/: at the root (a service worker's scope).
    path("", include(webpush_urls)),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

handler400 = "common.error_pages.bad_request"
handler403 = "common.error_pages.permission_denied"
handler404 = "common.error_pages.page_not_found"
handler500 = "common.error_pages.server_error"
