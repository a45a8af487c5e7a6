from django.urls import path

from markets import api, views

app_name = "markets"

# ``markets:detail`` (a market's page with its open parties) is served by parties, which
# config.urls adds to this namespace: markets sits below parties and cannot list them.
urlpatterns = [
    path("", views.market_list_page, name="list"),
]

api_urlpatterns = [
    path("markets", api.MarketListApi.as_view(), name="api-markets"),
    path("markets/<id:market_id>", api.MarketDetailApi.as_view(), name="api-market"),
]
