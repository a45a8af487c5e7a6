from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.admin_tools import apply_each
from penalties.models import Penalty
from penalties.services import penalty_revoke


@admin.register(Penalty)
class PenaltyAdmin(admin.ModelAdmin):
    """Penalties as leaders gave them. Every field is read-only: a penalty changed or deleted
    by hand would leave the cached counts and the block wrong; it is taken back with the
    *revoke* action (through ``penalty_revoke``, which recounts) or from the appeal queue."""

    list_display = ("id", "user", "party", "reason", "given_by", "created_at", "revoked_at")
    list_filter = ("reason", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("user__nickname", "user__email", "party__title")
    list_select_related = ("user", "party", "given_by")
    fields = ("party", "user", "given_by", "reason", "note", "created_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description=_("선택한 페널티 취소 (카운트에서 빠져요)"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Penalty]) -> None:
        apply_each(
            self,
            request,
            queryset.filter(revoked_at__isnull=True).values_list("id", flat=True),
            lambda penalty_id: penalty_revoke(penalty_id=penalty_id),
            name=lambda penalty_id: f"#{penalty_id}",
            done_count=gettext("%(n)d건을 취소했어요."),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # penalties come from leaders, through the service's checks

    def has_delete_permission(self, request: HttpRequest, obj: Penalty | None = None) -> bool:
        return False  # the record stays; revoking is how one stops counting

    def save_model(self, request, obj, form, change) -> None:
        pass  # every field is read-only
