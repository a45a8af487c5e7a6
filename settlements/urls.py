from django.urls import path

from settlements import api, views

app_name = "settlements"

urlpatterns = [
    path("mine/", views.my_settlements_page, name="mine"),
    path("parties/<id:party_id>/bill/", views.settlement_bill_submit, name="bill"),
    path("parties/<id:party_id>/paid/", views.share_paid_submit, name="paid"),
    path("parties/<id:party_id>/confirm/", views.share_confirm_submit, name="confirm"),
]

api_urlpatterns = [
    path("parties/<id:party_id>/settlement", api.SettlementApi.as_view(), name="api-settlement"),
    path(
        "parties/<id:party_id>/settlement/paid",
        api.SharePaidApi.as_view(),
        name="api-settlement-paid",
    ),
    path(
        "parties/<id:party_id>/settlement/confirm",
        api.ShareConfirmApi.as_view(),
        name="api-settlement-confirm",
    ),
]
