from django.contrib import admin

from markets.models import Market


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "kind", "sido", "sigungu", "source", "source_id", "updated_at"]
    list_filter = ["source", "sido", "brand", "kind"]
    search_fields = ["name", "road_address", "lot_address", "source_id"]
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50
