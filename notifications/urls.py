from django.urls import path

from notifications import api, stream, views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("favorites/", views.favorites, name="favorites"),
]

api_urlpatterns = [
    path("me/favorites", api.MyFavoritesApi.as_view(), name="api-me-favorites"),
    path(
        "markets/<int:market_id>/favorite",
        api.MarketFavoriteApi.as_view(),
        name="api-market-favorite",
    ),
    path("items/<int:item_id>/favorite", api.ItemFavoriteApi.as_view(), name="api-item-favorite"),
    path("notifications", api.NotificationListApi.as_view(), name="api-notifications"),
    path(
        "notifications/<int:notification_id>/read",
        api.NotificationReadApi.as_view(),
        name="api-notification-read",
    ),
    path(
        "notifications/read-all",
        api.NotificationReadAllApi.as_view(),
        name="api-notifications-read-all",
    ),
    path("notifications/stream", stream.notification_stream, name="api-notification-stream"),
]
