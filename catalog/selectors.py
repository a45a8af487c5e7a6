"""Catalog reads: item search and the category tree."""

from django.db.models import Count, F, QuerySet, Window
from django.utils.translation import gettext as _

from catalog.demand import demand_near
from catalog.models import Category, Item, SynonymWord
from catalog.search import Search
from catalog.synonyms import SynonymMap, build_map, cached_map, store_map
from common.errors import NotFound
from common.params import Point


def synonym_map() -> SynonymMap:
    """word → the other words of its group (cached; see ``catalog.synonyms``)."""
    found = cached_map()
    if found is None:
        groups: dict[int, list[str]] = {}
        for group_id, word in SynonymWord.objects.values_list("group_id", "word"):
            groups.setdefault(group_id, []).append(word)
        found = build_map(list(groups.values()))
        store_map(found)
    return found


def item_query(q: str) -> Search:
    """A query read with the current synonym table: what ``Item.objects.search`` takes."""
    return Search(q, synonym_map())


# The annotations of ItemQuerySet.search (F(): the type checker cannot see them by name).
BEST_FIRST = (F("rank").asc(), F("leaf_rank").asc())


def item_search(
    *, q: str = "", category_id: int | None = None, near: Point | None = None
) -> QuerySet[Item]:
    """Items matching ``q`` (``catalog.search``), best first: rank, then — with ``near`` —
    more open parties nearby, then name."""
    items = Item.objects.search(item_query(q))
    if category_id is not None:
        if not Category.objects.filter(pk=category_id).exists():
            raise NotFound("category_not_found", _("분류를 찾을 수 없어요."))
        items = items.in_category(category_id)
    demand = demand_near(near) if near is not None else None
    if demand is not None:
        return items.annotate(demand=demand).order_by(*BEST_FIRST, F("demand").desc(), "name", "id")
    return items.order_by(*BEST_FIRST, "name", "id")


def item_search_page(
    *,
    q: str = "",
    category_id: int | None = None,
    near: Point | None = None,
    offset: int = 0,
    limit: int = 20,
) -> tuple[list[Item], int]:
    """One page of ``item_search`` and the number of matches, in one query: the page's ids
    ranked with ``count(*) OVER ()`` over narrow rows, then those items with their
    categories. A separate count visited every match again; ranking whole rows with the
    window copied each into the window's store (가공식품: 73 ms page + 27 ms count →
    76 ms; 팩: 19 + 7 → 20 ms; benchmarks/item_search.py)."""
    ranked = item_search(q=q, category_id=category_id, near=near)
    # The ordering's annotations are selected too: ordered by but not selected, Django
    # numbers them by a position that is not in the select list.
    ordering = [
        name for name in ("rank", "leaf_rank", "demand") if name in ranked.query.annotations
    ]
    rows = list(
        ranked.annotate(total=Window(Count("pk"))).values_list("pk", "total", *ordering)[
            offset : offset + limit
        ]
    )
    if not rows:  # past the end, or nothing: only then a count of its own
        return [], ranked.count() if offset else 0
    # The categories only for the page's rows: joined in the ranked query, the planner
    # (which cannot estimate how many rows a gram search finds) chose a nested loop over
    # every match — 36 of 94 ms for 가공식품's 30,823 matches (benchmarks/item_search.py).
    found = Item.objects.select_related("category").in_bulk([row[0] for row in rows])
    return [found[row[0]] for row in rows], rows[0][1]


def item_get(*, item_id: int) -> Item:
    item = Item.objects.select_related("category").filter(pk=item_id).first()
    if item is None:
        raise NotFound("item_not_found", _("품목을 찾을 수 없어요."))
    return item


def category_list(*, max_depth: int = Category.MAX_DEPTH) -> QuerySet[Category]:
    return Category.objects.filter(depth__lte=max_depth).order_by("depth", "name", "id")
