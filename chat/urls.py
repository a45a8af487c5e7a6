from django.urls import path

from chat import api

app_name = "chat"

urlpatterns: list = []

api_urlpatterns = [
    path(
        "parties/<id:party_id>/messages",
        api.PartyMessagesApi.as_view(),
        name="api-party-messages",
    ),
]
