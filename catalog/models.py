from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import Func, Q
from django.utils.translation import gettext_lazy as _


class ItemSource(models.TextChoices):
    MAFRA = "mafra", _("농림축산식품 공공데이터 (data.mafra.go.kr)")
    FOODSAFETY = "foodsafety", _("식품안전나라 유통바코드 (I2570)")
    DEMO = "demo", _("데모")
    MANUAL = "manual", _("직접 등록")


class Category(models.Model):
    """Up to three levels (대분류 > 중분류 > 소분류). ``key`` is the natural key: the path."""

    MAX_DEPTH = 3

    source = models.CharField(_("출처"), max_length=20, choices=ItemSource.choices)
    key = models.CharField(_("경로 키"), max_length=300)
    name = models.CharField(_("이름"), max_length=100)
    code = models.CharField(_("코드"), max_length=32, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    depth = models.PositiveSmallIntegerField(_("단계"), default=1)

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


class NameGrams(Func):
    """PostgreSQL ``gonggu_grams(name)``: the 1- and 2-character grams of a name, GIN-indexed.

    Trigram indexes cannot serve ``%사과%``-style searches shorter than three characters, which
    are the common case in Korean (쌀, 우유, 사과); gram containment can.
    """

    function = "gonggu_grams"
    output_field = ArrayField(models.TextField())


class ItemQuerySet(models.QuerySet):
    def search(self, q: str) -> "ItemQuerySet":
        """Case-insensitive substring search on the name, index-backed on PostgreSQL."""
        q = q.strip()
        if not q:
            return self
        if connection.vendor == "postgresql" and len(q) <= 2:
            return self.alias(name_grams=NameGrams("name")).filter(name_grams__contains=[q.lower()])
        # Django's icontains is UPPER(name) LIKE UPPER('%q%'): the pg_trgm GIN index on
        # UPPER(name) serves it from three characters on.
        return self.filter(name__icontains=q)

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("품목")
        verbose_name_plural = _("품목")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_key"], name="item_source_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name
