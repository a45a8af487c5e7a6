from django.urls import path

from catalog import api, views

app_name = "catalog"

urlpatterns = [
    path("", views.item_list_page, name="list"),
]

api_urlpatterns = [
    path("items", api.ItemListApi.as_view(), name="api-items"),
    path("items/suggest", api.ItemSuggestApi.as_view(), name="api-items-suggest"),
    path("items/<id:item_id>", api.ItemDetailApi.as_view(), name="api-item"),
    path("categories", api.CategoryListApi.as_view(), name="api-categories"),
]
