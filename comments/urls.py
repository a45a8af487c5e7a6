from django.urls import path

from comments import api, views

app_name = "comments"

# Under /parties/<id:party_id>/comments/ (config.urls).
urlpatterns = [
    path("", views.comment_create_submit, name="create"),
    path("<id:comment_id>/delete/", views.comment_delete_page, name="delete"),
]

api_urlpatterns = [
    path(
        "parties/<id:party_id>/comments",
        api.PartyCommentsApi.as_view(),
        name="api-party-comments",
    ),
    path(
        "parties/<id:party_id>/comments/<id:comment_id>",
        api.PartyCommentDeleteApi.as_view(),
        name="api-party-comment",
    ),
    path("comments/<id:comment_id>", api.CommentDeleteApi.as_view(), name="api-comment"),
]
