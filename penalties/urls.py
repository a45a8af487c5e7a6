from django.urls import path

from penalties import api, views

app_name = "penalties"

urlpatterns = [
    path("mine/", views.my_penalties, name="mine"),
    path("<id:penalty_id>/appeal/", views.penalty_appeal_submit, name="appeal"),
]

api_urlpatterns = [
    path("me/penalties", api.MyPenaltiesApi.as_view(), name="api-me-penalties"),
    path("penalties/<id:penalty_id>/appeal", api.PenaltyAppealApi.as_view(), name="api-appeal"),
]
