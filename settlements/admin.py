"""Settlements for support: totals, shares and statuses, the account only masked."""

from django.contrib import admin

from settlements.models import Settlement, Share


class ShareInline(admin.TabularInline):
    model = Share
    fields = ("user", "amount", "status", "paid_at", "confirmed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Settlement)
class SettlementAdmin(admin.ModelAdmin):
    list_display = (
        "party",
        "actual_total",
        "planned_total",
        "bank",
        "account_masked",
        "created_at",
        "completed_at",
    )
    list_filter = (("completed_at", admin.EmptyFieldListFilter), "bank")
    search_fields = ("party__title",)
    # Never the account number, holder or payment link: support sees the masked digits.
    fields = (
        "party",
        "actual_total",
        "planned_total",
        "bank",
        "account_masked",
        "created_at",
        "completed_at",
        "account_erased_at",
    )
    readonly_fields = fields
    inlines = [ShareInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
