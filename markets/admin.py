from django.contrib import admin

from markets.models import Market


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "brand",
        "kind",
        "sido",
        "sigungu",
        "source",
        "source_id",
        "closed_at",
        "updated_at",
    ]
    # closed_at empty = operating; set = closed (by a LOCALDATA import: 폐업, 휴업, ...;
    # or by hand here). The next import listing the store as 영업/정상 reopens it.
    list_filter = [("closed_at", admin.EmptyFieldListFilter), "source", "sido", "brand", "kind"]
    search_fields = ["name", "road_address", "lot_address", "source_id"]
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50
