from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, ImportRun, Item
from catalog.tasks import import_items


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


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at", "source", "status", "pages", "fetched", "created", "updated",
        "unchanged", "skipped", "duplicates", "finished_at",
    ]  # fmt: skip
    list_filter = ["source", "status"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    actions = ["run_now"]

    @admin.action(description=_("선택한 출처에서 지금 다시 가져오기 (백그라운드)"))
    def run_now(self, request, queryset) -> None:
        sources = sorted(set(queryset.values_list("source", flat=True)))
        for source in sources:
            import_items.delay(source)
        self.message_user(
            request,
            _("가져오기를 시작했어요: %(sources)s") % {"sources": ", ".join(sources)},
            messages.SUCCESS,
        )

    def has_add_permission(self, request) -> bool:
        return False
