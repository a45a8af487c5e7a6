from django.urls import path

from penalties import api, views

app_name = "penalties"

urlpatterns = [
    path("mine/", views.my_penalties, name="mine"),
]

api_urlpatterns = [
    path("me/penalties", api.MyPenaltiesApi.as_view(), name="api-me-penalties"),
]
