"""Questions and replies for moderation: read them (deleted and hidden ones included, kept
for the record) and hide one through ``comments.services.comment_hide``."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comments.models import Comment
from comments.services import comment_hide
from common.admin_tools import ReadOnlyAdmin, apply_each


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("id", "party", "author", "body", "created_at", "deleted_at", "hidden_at")
    list_filter = (
        ("hidden_at", admin.EmptyFieldListFilter),
        ("deleted_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("body", "author__nickname", "party__title")
    list_select_related = ("party", "author")
    fields = ("party", "author", "parent", "body", "created_at", "deleted_at", "hidden_at")
    readonly_fields = fields
    actions = ["hide_comments"]

    @admin.action(description=_("선택한 질문·답변 가리기"))
    def hide_comments(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        apply_each(
            self,
            request,
            queryset.filter(hidden_at__isnull=True).values_list("id", flat=True),
            lambda comment_id: comment_hide(comment_id=comment_id),
            name=lambda comment_id: f"#{comment_id}",
            done_count=gettext("질문·답변 %(n)d건을 가렸어요."),
        )
