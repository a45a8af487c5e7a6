from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.search import RANK_ELSEWHERE, Search, leaf_category, search_gram_array
from catalog.text import document


class ItemSource(models.TextChoices):
    MAFRA = "mafra", _("농림축산식품 공공데이터 (data.mafra.go.kr)")
    FOODSAFETY = "foodsafety", _("식품안전나라 유통바코드 (I2570)")
    DEMO = "demo", _("데모")
    MANUAL = "manual", _("직접 등록")


CATEGORY_PATH_SEPARATOR = " > "


def category_key(*path: str) -> str:
    """A category's natural key: its path from the top, e.g. "식품 > 과일 > 사과"."""
    return CATEGORY_PATH_SEPARATOR.join(path)


def category_path(key: str) -> list[str]:
    """The category names of a key, from the top: the inverse of ``category_key``."""
    return key.split(CATEGORY_PATH_SEPARATOR)


class CategoryQuerySet(models.QuerySet["Category"]):
    def named_by(self, search: Search) -> "CategoryQuerySet":
        """The categories whose own name holds every term of ``search`` (or a synonym);
        none for an empty query or one of initials only."""
        condition = search.leaf_condition() if search else None
        if condition is None:
            return self.none()
        return self.alias(search_leaf=leaf_category()).filter(condition)


class Category(models.Model):
    """Up to three levels (대분류 > 중분류 > 소분류). ``key`` is the natural key: the path."""

    MAX_DEPTH = 3

    source = models.CharField(_("출처"), max_length=20, choices=ItemSource.choices)
    key = models.CharField(_("경로 키"), max_length=300)
    name = models.CharField(_("이름"), max_length=100)
    code = models.CharField(_("코드"), max_length=32, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("상위 분류"),
    )
    depth = models.PositiveSmallIntegerField(_("단계"), default=1)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("분류")
        verbose_name_plural = _("분류")
        ordering = ["depth", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="category_source_key_unique"),
            models.CheckConstraint(
                condition=Q(depth__gte=1, depth__lte=3), name="category_depth_1_to_3"
            ),
            models.CheckConstraint(
                condition=(Q(depth=1) & Q(parent__isnull=True))
                | (Q(depth__gt=1) & Q(parent__isnull=False)),
                name="category_parent_matches_depth",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class ItemQuerySet(models.QuerySet["Item"]):
    def matching(self, search: Search, *, through_index: bool = True) -> "ItemQuerySet":
        """Items every term of ``search`` matches (``catalog.search``); all when it is empty.

        Not ``through_index``: the LIKE checks alone, for rows another condition finds
        (on PostgreSQL the gram condition, left in, would be rebuilt on every such row)."""
        if not search:
            return self
        if through_index and connection.vendor == "postgresql":
            return self.alias(search_gram_array=search_gram_array()).filter(
                search.condition(indexed=True)
            )
        return self.filter(search.condition(indexed=False))

    def search(
        self, search: Search, *, leaf_category_ids: Sequence[int], through_index: bool = True
    ) -> "ItemQuerySet":
        """The matching items, each with its ``rank`` and ``leaf_rank`` (lower is better).

        ``leaf_rank`` is 0 for the items in ``leaf_category_ids`` (``Category.objects.
        named_by(search)``), else 1: within a rank, 배 puts the pears (분류 배) before
        배변봉투, 김 the laver before 김치만두 (relevance set: top-1 89.0 → 92.7 %). The ids
        come as a list, found once per query: a list is a condition an index can answer
        (``catalog.selectors``), a subquery inside an OR is not."""
        if not search:
            return self.annotate(rank=Value(RANK_ELSEWHERE), leaf_rank=Value(1))
        leaf_rank = (
            Case(
                When(category_id__in=leaf_category_ids, then=Value(0)),
                default=Value(1),
                output_field=models.IntegerField(),
            )
            if leaf_category_ids
            else Value(1)
        )
        matching = self.matching(search, through_index=through_index)
        return matching.annotate(rank=search.rank(), leaf_rank=leaf_rank)

    def in_category(self, category_id: int) -> "ItemQuerySet":
        """Items in the category or any of its descendants (at most three levels)."""
        return self.filter(
            Q(category_id=category_id)
            | Q(category__parent_id=category_id)
            | Q(category__parent__parent_id=category_id)
        )


class Item(models.Model):
    source = models.CharField(_("출처"), max_length=20, choices=ItemSource.choices)
    source_key = models.CharField(_("출처 키"), max_length=200)
    name = models.CharField(_("이름"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="items", verbose_name=_("분류")
    )
    barcode = models.CharField(_("바코드"), max_length=32, blank=True, db_index=True)
    maker = models.CharField(_("제조사"), max_length=100, blank=True)
    # The search document (catalog.text.document), kept with the row by every write:
    # save() and the bulk writers fill it (set_search_document, catalog.text.document);
    # `manage.py reindex_items` rebuilds every row after the document's shape changes.
    # (db_default: a row written by raw SQL — a benchmark's fill — is valid, just unfound.)
    search_name = models.CharField(
        _("검색용 이름"), max_length=200, blank=True, db_default="", editable=False
    )
    search_text = models.TextField(_("검색용 문서"), blank=True, db_default="", editable=False)
    search_grams = models.TextField(_("검색용 조각"), blank=True, db_default="", editable=False)
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)
    updated_at = models.DateTimeField(_("바꾼 시각"), auto_now=True)

    objects = ItemQuerySet.as_manager()

    SEARCH_FIELDS = ("search_name", "search_text", "search_grams")

    class Meta:
        verbose_name = _("품목")
        verbose_name_plural = _("품목")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_key"], name="item_source_key_unique"),
        ]
        indexes = [
            # The search reads a broad query's tail in name order from here, stopping at
            # the page's last row (catalog.selectors.item_search_page).
            models.Index(fields=["name", "id"], name="catalog_item_name_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.set_search_document()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *self.SEARCH_FIELDS}
        super().save(*args, **kwargs)

    def set_search_document(self, categories: Sequence[str] | None = None) -> None:
        """Fill the search columns from the name, maker and category path (``categories``
        from the top; read from the category when not given)."""
        if categories is None:
            categories = category_path(self.category.key)
        self.search_name, self.search_text, self.search_grams = document(
            name=self.name, maker=self.maker, categories=categories
        )


class SynonymGroup(models.Model):
    """Words residents use for the same thing (휴지, 화장지, 두루마리휴지): a search for one
    finds items named with any other. Seeded from ``catalog/data/synonyms.csv``; edited in
    the admin."""

    source = models.CharField(_("근거"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("바꾼 때"), auto_now=True)

    class Meta:
        verbose_name = _("동의어 묶음")
        verbose_name_plural = _("동의어 묶음")
        ordering = ["id"]

    def __str__(self) -> str:
        return " · ".join(self.words.values_list("word", flat=True)) or f"#{self.pk}"


class SynonymWord(models.Model):
    group = models.ForeignKey(
        SynonymGroup, on_delete=models.CASCADE, related_name="words", verbose_name=_("묶음")
    )
    # Normalised (catalog.text.normalize): lower case, no spaces.
    word = models.CharField(_("낱말"), max_length=50)

    class Meta:
        verbose_name = _("동의어")
        verbose_name_plural = _("동의어")
        ordering = ["group_id", "id"]
        constraints = [
            # A word in two groups would make "which group?" depend on the order read.
            models.UniqueConstraint(fields=["word"], name="synonym_word_unique"),
        ]

    def __str__(self) -> str:
        return self.word


class ImportRun(models.Model):
    """One run of the public-data item import, shown in admin."""

    class Status(models.TextChoices):
        RUNNING = "running", _("진행 중")
        SUCCEEDED = "succeeded", _("성공")
        FAILED = "failed", _("실패")

    source = models.CharField(_("출처"), max_length=20, choices=ItemSource.choices)
    status = models.CharField(
        _("상태"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("시작"), auto_now_add=True)
    finished_at = models.DateTimeField(_("끝"), null=True, blank=True)
    total = models.PositiveIntegerField(_("API 전체 건수"), default=0)
    pages = models.PositiveIntegerField(_("페이지"), default=0)
    fetched = models.PositiveIntegerField(_("받은 행"), default=0)
    created = models.PositiveIntegerField(_("새 품목"), default=0)
    updated = models.PositiveIntegerField(_("바뀐 품목"), default=0)
    unchanged = models.PositiveIntegerField(_("그대로"), default=0)
    skipped = models.PositiveIntegerField(_("건너뛴 행"), default=0)
    duplicates = models.PositiveIntegerField(_("중복 행"), default=0)
    categories_created = models.PositiveIntegerField(_("새 분류"), default=0)
    errors = models.TextField(_("오류"), blank=True)

    class Meta:
        verbose_name = _("품목 가져오기")
        verbose_name_plural = _("품목 가져오기")
        ordering = ["-started_at", "-id"]
        constraints = [
            # The lock: never two imports at once (a second run's insert fails here).
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="running"),
                name="import_run_one_at_a_time",
            )
        ]

    def __str__(self) -> str:
        started = timezone.localtime(self.started_at)
        status = self.get_status_display()
        return f"{self.get_source_display()} {started:%Y-%m-%d %H:%M} ({status})"
