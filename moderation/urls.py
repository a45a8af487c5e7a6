from django.urls import path

from moderation import api, views

app_name = "moderation"

urlpatterns = [
    path("new/", views.report_page, name="report"),
]

api_urlpatterns = [
    path("reports", api.ReportCreateApi.as_view(), name="api-reports"),
]
