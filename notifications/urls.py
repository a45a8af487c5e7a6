from django.urls import path

from notifications import api, views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("favorites/", views.favorites, name="favorites"),
    path("settings/", views.notification_settings, name="settings"),
    path(
        "favorites/markets/<id:object_id>/toggle",
        views.favorite_toggle,
        {"kind": "market"},
        name="favorite-market-toggle",
    ),
    path(
        "favorites/items/<id:object_id>/toggle",
        views.favorite_toggle,
        {"kind": "item"},
        name="favorite-item-toggle",
    ),
    path("<id:notification_id>/open", views.notification_open, name="open"),
    path("read-all", views.notifications_read_all, name="read-all"),
]

api_urlpatterns = [
    path("me/favorites", api.MyFavoritesApi.as_view(), name="api-me-favorites"),
    path(
        "markets/<id:market_id>/favorite",
        api.MarketFavoriteApi.as_view(),
        name="api-market-favorite",
    ),
    path("items/<id:item_id>/favorite", api.ItemFavoriteApi.as_view(), name="api-item-favorite"),
    path("notifications", api.NotificationListApi.as_view(), name="api-notifications"),
    path(
        "me/notification-settings",
        api.NotificationSettingsApi.as_view(),
        name="api-notification-settings",
    ),
    path(
        "notifications/<id:notification_id>/read",
        api.NotificationReadApi.as_view(),
        name="api-notification-read",
    ),
    path(
        "notifications/read-all",
        api.NotificationReadAllApi.as_view(),
        name="api-notifications-read-all",
    ),
]
