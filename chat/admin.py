"""Chat messages for moderation: read what was said (hidden ones included, kept for the
record) and hide a message through ``chat.services.chat_message_hide``. Nothing is written or
deleted by hand: messages are the members' own words."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chat.models import ChatMessage
from chat.services import chat_message_hide
from common.admin_tools import ReadOnlyAdmin, apply_each


@admin.register(ChatMessage)
class ChatMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "party", "sender", "type", "short_content", "created_at", "hidden_at")
    list_filter = ("type", ("hidden_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("content", "sender__nickname", "room__party__title")
    list_select_related = ("sender", "room__party")
    date_hierarchy = "created_at"
    fields = ("party", "sender", "type", "content", "created_at", "hidden_at")
    readonly_fields = fields
    actions = ["hide_messages"]

    @admin.display(description=_("파티"))
    def party(self, message: ChatMessage) -> str:
        return message.room.party.title

    @admin.display(description=_("내용"))
    def short_content(self, message: ChatMessage) -> str:
        return message.content if len(message.content) <= 60 else message.content[:60] + "…"

    @admin.action(description=_("선택한 메시지 가리기 (대화 기록에서 빠져요)"))
    def hide_messages(self, request: HttpRequest, queryset: QuerySet[ChatMessage]) -> None:
        apply_each(
            self,
            request,
            queryset.filter(hidden_at__isnull=True).values_list("id", flat=True),
            lambda message_id: chat_message_hide(message_id=message_id),
            name=lambda message_id: f"#{message_id}",
            done_count=gettext("메시지 %(n)d건을 가렸어요."),
        )
