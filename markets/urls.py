from django.urls import path

from markets import api, views

app_name = "markets"

urlpatterns = [
    path("", views.market_list_page, name="list"),
    path("<id:market_id>/", views.market_detail_page, name="detail"),
]

api_urlpatterns = [
    path("markets", api.MarketListApi.as_view(), name="api-markets"),
    path("markets/<id:market_id>", api.MarketDetailApi.as_view(), name="api-market"),
]
