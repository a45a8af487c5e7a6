from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from penalties.models import Penalty
from penalties.services import penalty_revoke


@admin.register(Penalty)
class PenaltyAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "party", "reason", "given_by", "created_at", "revoked_at")
    list_filter = ("reason", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("user__nickname", "user__email", "party__title")
    raw_id_fields = ("party", "user", "given_by")
    readonly_fields = ("created_at", "revoked_at")
    actions = ["revoke"]

    @admin.action(description=_("선택한 페널티 취소 (카운트에서 빠져요)"))
    def revoke(self, request, queryset) -> None:
        revoked = 0
        for penalty_id in queryset.filter(revoked_at__isnull=True).values_list("id", flat=True):
            penalty_revoke(penalty_id=penalty_id)
            revoked += 1
        self.message_user(request, _("%(n)d건을 취소했어요.") % {"n": revoked}, messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False  # penalties come from leaders, through the service's checks
