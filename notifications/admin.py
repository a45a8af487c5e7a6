"""Support's view of notifications: the event outbox (with "send again" for events that did
not get through), residents' notifications and favorites. All read-only: these rows are
written by the services and the dispatcher, and a hand edit would notify nobody or notify
twice."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.admin_tools import ReadOnlyAdmin
from notifications import relay
from notifications.models import (
    FavoriteItem,
    FavoriteMarket,
    Notification,
    NotificationPreference,
    OutboxEvent,
)
from notifications.services import outbox_republish


class DeliveryFilter(admin.SimpleListFilter):
    title = _("전달 상태")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("보내기 전")),
            ("undispatched", _("보냈지만 처리 안 됨")),
            ("dispatched", _("처리됨")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "pending":
                return queryset.filter(published_at__isnull=True)
            case "undispatched":
                return queryset.filter(published_at__isnull=False, dispatched_at__isnull=True)
            case "dispatched":
                return queryset.filter(dispatched_at__isnull=False)
        return queryset


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    """Every domain event in order. One that stays unpublished, or published but never
    dispatched (a message lost with an expired queue, a reaction that kept failing), can be
    sent again: its reactions that already ran are not run twice."""

    list_display = ("id", "type", "routing_key", "created_at", "published_at", "dispatched_at")
    list_filter = (DeliveryFilter, "type")
    search_fields = ("type", "routing_key")
    date_hierarchy = "created_at"
    fields = (
        "id",
        "type",
        "routing_key",
        "actor_id",
        "payload",
        "created_at",
        "published_at",
        "dispatched_at",
    )
    readonly_fields = fields
    actions = ["republish"]

    @admin.action(description=_("선택한 이벤트 다시 보내기 (처리 안 된 것만)"))
    def republish(self, request: HttpRequest, queryset: QuerySet[OutboxEvent]) -> None:
        selected = list(queryset.values_list("id", flat=True))
        queued = outbox_republish(event_ids=selected)
        if queued:
            # Embedded mode has no relay process: this one runs them once the mark commits.
            transaction.on_commit(relay.wake)
            self.message_user(
                request, _("이벤트 %(n)d건을 다시 보내요.") % {"n": queued}, messages.SUCCESS
            )
        skipped = len(selected) - queued
        if skipped:
            self.message_user(
                request,
                _("이벤트 %(n)d건은 이미 처리돼서 다시 보내지 않았어요.") % {"n": skipped},
                messages.WARNING,
            )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "type", "party_id", "created_at", "read_at")
    list_filter = ("type", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("user__nickname", "user__email", "type")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(FavoriteMarket)
class FavoriteMarketAdmin(ReadOnlyAdmin):
    list_display = ("user", "market", "created_at")
    search_fields = ("user__nickname", "market__name")
    list_select_related = ("user", "market")


@admin.register(FavoriteItem)
class FavoriteItemAdmin(ReadOnlyAdmin):
    list_display = ("user", "item", "created_at")
    search_fields = ("user__nickname", "item__name")
    list_select_related = ("user", "item")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ("user", "quiet_hours", "quiet_start", "quiet_end", "updated_at")
    list_select_related = ("user",)
