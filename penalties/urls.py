from django.urls import path

from penalties import api, views

app_name = "penalties"

urlpatterns = [
    path("mine/", views.my_penalties, name="mine"),
    path("parties/<id:party_id>/attendance/", views.attendance, name="attendance"),
]

api_urlpatterns = [
    path(
        "parties/<id:party_id>/penalties",
        api.PenaltyGrantApi.as_view(),
        name="api-penalty-grant",
    ),
    path("me/penalties", api.MyPenaltiesApi.as_view(), name="api-me-penalties"),
]
