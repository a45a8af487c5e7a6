"""Catalog reads: item search and the category tree."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from catalog.models import Category, Item
from common.errors import NotFound

MAX_QUERY_LENGTH = 50


def item_search(*, q: str = "", category_id: int | None = None) -> QuerySet[Item]:
    items = Item.objects.select_related("category").search(q[:MAX_QUERY_LENGTH])
    if category_id is not None:
        if not Category.objects.filter(pk=category_id).exists():
            raise NotFound("category_not_found", _("분류를 찾을 수 없어요."))
        items = items.in_category(category_id)
    return items.order_by("name", "id")


def item_get(*, item_id: int) -> Item:
    item = Item.objects.select_related("category").filter(pk=item_id).first()
    if item is None:
        raise NotFound("item_not_found", _("품목을 찾을 수 없어요."))
    return item


def category_list(*, max_depth: int = Category.MAX_DEPTH) -> QuerySet[Category]:
    return Category.objects.filter(depth__lte=max_depth).order_by("depth", "name", "id")
