from django.contrib import admin

from parties.models import Membership, Party


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["joined_at", "left_at", "role"]


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "market",
        "item",
        "leader",
        "member_count",
        "capacity",
        "meet_at",
        "recruit_until",
    ]
    list_filter = ["status", "sido"]
    search_fields = ["title", "market__name", "item__name", "leader__nickname"]
    raw_id_fields = ["leader", "market", "item"]
    list_select_related = ["market", "item", "leader"]
    readonly_fields = ["member_count", "lat", "lng", "sido", "sigungu", "created_at", "closed_at"]
    inlines = [MembershipInline]
    date_hierarchy = "created_at"
