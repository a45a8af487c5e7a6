from django.urls import path

from webpush import api, views

app_name = "webpush"

# At the site's root: a service worker controls only pages under its own path, and the
# manifest and the offline page belong to the whole site.
urlpatterns = [
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("offline/", views.offline, name="offline"),
]

api_urlpatterns = [
    path("push/vapid-key", api.PushVapidKeyApi.as_view(), name="api-push-vapid-key"),
    path("push/subscriptions", api.PushSubscriptionApi.as_view(), name="api-push-subscriptions"),
]
