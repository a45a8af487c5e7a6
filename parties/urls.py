from django.urls import path, re_path

from parties import api, views

app_name = "parties"

urlpatterns = [
    path("new/", views.party_create_page, name="create"),
    path("mine/", views.my_parties_page, name="mine"),
    path("<id:party_id>/", views.party_detail_page, name="detail"),
    path("<id:party_id>/live/", views.party_live_fragment, name="live"),
    path("<id:party_id>/attendance/", views.party_attendance_submit, name="attendance"),
    path("<id:party_id>/withdraw/", views.party_withdraw_submit, name="withdraw"),
    path("<id:party_id>/edit/", views.party_reschedule_page, name="reschedule"),
    re_path(
        r"^(?P<party_id>[1-9][0-9]{0,17})/(?P<action>join|leave|close|cancel|complete)/$",
        views.party_action,
        name="action",
    ),
]

# A market's page lists its open parties, so parties serves it; config.urls mounts these
# under /markets/ in the ``markets`` namespace (``markets:detail``, as every template says).
market_urlpatterns = [
    path("<id:market_id>/", views.market_detail_page, name="detail"),
]

api_urlpatterns = [
    path("parties", api.PartyCreateApi.as_view(), name="api-party-create"),
    path("parties/nearby", api.PartyNearbyApi.as_view(), name="api-parties-nearby"),
    path("parties/<id:party_id>", api.PartyDetailApi.as_view(), name="api-party"),
    path("parties/<id:party_id>/join", api.PartyJoinApi.as_view(), name="api-party-join"),
    path("parties/<id:party_id>/leave", api.PartyLeaveApi.as_view(), name="api-party-leave"),
    path(
        "parties/<id:party_id>/withdraw", api.PartyWithdrawApi.as_view(), name="api-party-withdraw"
    ),
    path("parties/<id:party_id>/close", api.PartyCloseApi.as_view(), name="api-party-close"),
    path("parties/<id:party_id>/cancel", api.PartyCancelApi.as_view(), name="api-party-cancel"),
    path(
        "parties/<id:party_id>/complete",
        api.PartyCompleteApi.as_view(),
        name="api-party-complete",
    ),
    path(
        "parties/<id:party_id>/penalties",
        api.PartyPenaltyGrantApi.as_view(),
        name="api-penalty-grant",
    ),
    path("me/parties", api.MyPartiesApi.as_view(), name="api-me-parties"),
    path("users/<id:user_id>", api.UserProfileApi.as_view(), name="api-user"),
]
