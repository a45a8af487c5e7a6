from django.contrib import admin

from catalog.models import Category, Item


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["key", "depth", "source", "code"]
    list_filter = ["source", "depth"]
    search_fields = ["key", "name", "code"]
    raw_id_fields = ["parent"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "maker", "barcode", "source", "updated_at"]
    list_filter = ["source"]
    search_fields = ["name", "barcode", "source_key", "maker"]
    raw_id_fields = ["category"]
    list_select_related = ["category"]
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50
