from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, ImportRun, Item, SynonymGroup, SynonymWord
from catalog.services import category_rename, synonyms_changed
from catalog.tasks import import_items
from catalog.text import normalize


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["key", "depth", "source", "code"]
    list_filter = ["source", "depth"]
    search_fields = ["key", "name", "code"]
    raw_id_fields = ["parent"]
    # The key is the path of names: a rename goes through the service, which moves the
    # descendants' keys and reindexes the items under it for search.
    readonly_fields = ["key", "parent", "depth", "source"]

    def save_model(self, request, obj, form, change) -> None:
        if change and "name" in form.changed_data:
            category_rename(category=obj, name=obj.name)
        else:
            super().save_model(request, obj, form, change)


class SynonymWordForm(forms.ModelForm):
    class Meta:
        model = SynonymWord
        fields = ["word"]

    def clean_word(self) -> str:
        word = normalize(self.cleaned_data["word"])
        if not word:
            raise forms.ValidationError(_("낱말을 입력해 주세요."))
        taken = SynonymWord.objects.filter(word=word).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("'%(word)s'은(는) 이미 다른 묶음에 있어요.") % {"word": word}
            )
        return word


class SynonymWordInline(admin.TabularInline):
    model = SynonymWord
    form = SynonymWordForm
    extra = 3
    min_num = 2
    validate_min = True


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    """The synonym table: a search for one word of a group finds items named with any."""

    list_display = ["__str__", "source", "updated_at"]
    search_fields = ["words__word", "source"]
    inlines = [SynonymWordInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        synonyms_changed()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        synonyms_changed()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        synonyms_changed()


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
