"""Catalog reads: item search and the category tree."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from catalog.demand import demand_near, demand_rank
from catalog.models import Category, Item, ItemQuerySet, SynonymWord
from catalog.search import RANK_ELSEWHERE, Search, search_gram_array
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
# A search's count stops here: "1,000개 넘게" says as much as the exact figure, and counting
# every match of a broad query cost more than its page (가공식품, 30,823 of 100,000 items:
# 27 ms; benchmarks/item_search.py).
COUNT_CAP = 1000
# The most rows the walk in name order reads before it gives up on a sparse tail (see
# item_search_page): about 5 ms here.
WALK_ROWS = 5000


@dataclass(frozen=True)
class ItemPage:
    """One page of a search: its items, the number of matches, and whether that number
    stopped at ``COUNT_CAP`` (there are more)."""

    items: list[Item]
    count: int
    count_capped: bool = False


def _items(category_id: int | None) -> ItemQuerySet:
    items = Item.objects.all()
    if category_id is None:
        return items
    if not Category.objects.filter(pk=category_id).exists():
        raise NotFound("category_not_found", _("분류를 찾을 수 없어요."))
    return items.in_category(category_id)


def _ranked(
    items: ItemQuerySet,
    search: Search,
    demand: dict[int, int] | None,
    leaf_ids: list[int],
    *,
    through_index: bool = True,
) -> QuerySet[Item]:
    """``items`` matching ``search``, best first: rank, then — with ``demand`` — more open
    parties nearby, then name."""
    ranked = items.search(search, leaf_category_ids=leaf_ids, through_index=through_index)
    if demand is not None:
        return ranked.annotate(demand=demand_rank(demand)).order_by(
            *BEST_FIRST, F("demand").desc(), "name", "id"
        )
    return ranked.order_by(*BEST_FIRST, "name", "id")


def item_search(
    *, q: str = "", category_id: int | None = None, near: Point | None = None
) -> QuerySet[Item]:
    """Items matching ``q`` (``catalog.search``), best first: rank, then — with ``near`` —
    more open parties nearby, then name. Every match is ranked: for a page, and for a broad
    query, ``item_search_page``."""
    demand = demand_near(near) if near is not None else None
    search = item_query(q)
    return _ranked(_items(category_id), search, demand, _leaf_ids(search))


def _leaf_ids(search: Search) -> list[int]:
    return list(Category.objects.named_by(search).values_list("pk", flat=True))


def item_search_page(
    *,
    q: str = "",
    category_id: int | None = None,
    near: Point | None = None,
    offset: int = 0,
    limit: int = 20,
    counted: bool = True,
) -> ItemPage:
    """Items ``offset`` to ``offset + limit`` of ``item_search``, and the number of matches
    up to ``COUNT_CAP`` (none asked when not ``counted``), without ranking every match.

    ``item_search``'s order is (rank, leaf rank, open parties nearby, name), so it is these
    segments one after the other:

    1. the items named by the query (rank 0–3): found through the name's own grams
       (``catalog.text``) and ranked;
    2. the rest in a category named by the query (leaf rank 0): those with open parties
       nearby first, then the others by name;
    3. everything else: those with open parties nearby first, then the others by name.

    The items with open parties nearby are a short list (``catalog.demand``); "the others by
    name" are read in name order from the name index and stop at the page's last row. A
    broad query thus reads about the items it shows, not every item it found (가공식품,
    30,823 matches: 59 → N ms; benchmarks/item_search.py). A narrow one (at most
    ``COUNT_CAP`` matches) is ranked whole, as ``item_search``; so is everything on SQLite,
    and a query of initials only (every match is named by it).
    """
    search = item_query(q)
    items = _items(category_id)
    demand = demand_near(near) if near is not None else None
    end = offset + limit
    count, capped = 0, False
    if counted:
        count = items.matching(search).order_by()[: COUNT_CAP + 1].count()
        capped = count > COUNT_CAP
        count = min(count, COUNT_CAP)
        if count == 0:
            return ItemPage([], 0)
    leaf_ids = _leaf_ids(search)
    named = search.name_condition(indexed=True) if search else Q(pk__in=[])

    def ranked_whole() -> list[int]:
        return [row[0] for row in _rows(_ranked(items, search, demand, leaf_ids))[offset:end]]

    if connection.vendor != "postgresql" or named is None or (counted and not capped):
        return ItemPage(_with_categories(ranked_whole()), count, capped)

    by_name = _BroadSearch(items, search, leaf_ids, demand or {})
    ids = by_name.page(named, offset, end)
    return ItemPage(_with_categories(ranked_whole() if ids is None else ids), count, capped)


def item_search_pages(
    *, q: str = "", category_id: int | None = None, near: Point | None = None
) -> Callable[[int, int], tuple[list[Item], int, bool]]:
    """``item_search_page`` as a paginator fetches it (``common.api.FetchedPaginator``):
    (offset, limit) -> (items, count, count capped)."""

    def fetch(offset: int, limit: int) -> tuple[list[Item], int, bool]:
        page = item_search_page(q=q, category_id=category_id, near=near, offset=offset, limit=limit)
        return page.items, page.count, page.count_capped

    return fetch


class _BroadSearch:
    """The segments of ``item_search_page`` for one broad query (PostgreSQL)."""

    def __init__(
        self, items: ItemQuerySet, search: Search, leaf_ids: list[int], demand: dict[int, int]
    ) -> None:
        self.items, self.search, self.leaf_ids, self.demand = items, search, leaf_ids, demand

    def page(self, named: Q, offset: int, end: int) -> list[int] | None:
        """The ids from ``offset`` to ``end``; None when a walk gave up (rank instead).

        Each segment's query is built only when the page reaches it: building one (Django
        resolving every alternative's condition) cost ~1–3 ms of Python even when unused
        (사과, 10 spellings: 8 ms after a page that the named items filled)."""
        # Segment 1 and the demand's items, ranked: the demand's are named (rank 0-3) or
        # go to segment 2 or 3 by their leaf rank.
        head = self._ranked(self.items.alias(search_gram_array=search_gram_array()).filter(named))
        # No count of its own: a full page of them is all the page needs, a shorter answer
        # is the whole segment (a window count cost ~3 ms over 팩's 7,530 named items).
        named_rows = list(_rows(head)[:end])
        if len(named_rows) == end:
            return [row[0] for row in named_rows[offset:end]]
        demand_rows = (
            list(_rows(self._ranked(self.items.filter(pk__in=list(self.demand)))))
            if self.demand
            else []
        )
        in_leaf = [row[0] for row in demand_rows if row[1] == RANK_ELSEWHERE and row[2] == 0]
        elsewhere = [row[0] for row in demand_rows if row[1] == RANK_ELSEWHERE and row[2] == 1]
        segments: list[tuple[int | None, Callable[[int], list[int] | None]]] = [
            (len(named_rows), lambda n: [row[0] for row in named_rows[:n]]),
            (len(in_leaf), lambda n: in_leaf[:n]),
            (
                None if self.leaf_ids else 0,
                lambda n: _by_name(self._by_name_rows(in_leaf=True), n, bounded=False),
            ),
            (len(elsewhere), lambda n: elsewhere[:n]),
            (None, lambda n: _by_name(self._by_name_rows(in_leaf=False), n, bounded=True)),
        ]
        ids: list[int] = []
        position = 0  # where the current segment starts in the whole order
        for size, first in segments:
            if position >= end:
                break
            if size == 0:
                continue
            found = first(end - position)
            if found is None:
                return None
            ids += found[max(0, offset - position) :]
            position += len(found) if size is None else size
        return ids

    def _by_name_rows(self, *, in_leaf: bool) -> QuerySet[Item]:
        """Segment 2's (``in_leaf``) or 3's items that are neither named by the query nor
        among the demand's: the LIKE checks alone, the rows come from the name index."""
        not_head = ~(
            (self.search.name_condition(indexed=False) or Q(pk__in=[]))
            | Q(pk__in=list(self.demand))
        )
        rows = self.items.matching(self.search, through_index=False).filter(not_head)
        if in_leaf:
            return rows.filter(category_id__in=self.leaf_ids)
        return rows.exclude(category_id__in=self.leaf_ids)

    def _ranked(self, items: ItemQuerySet) -> QuerySet[Item]:
        return _ranked(items, self.search, self.demand, self.leaf_ids, through_index=False)


def _rows(ranked: QuerySet[Item], *extra: str) -> "QuerySet[Item, tuple[Any, ...]]":
    """(pk, *extra, the ordering's annotations) of ``ranked``: the annotations are selected
    too, for ordered by but not selected, Django numbers them by a position that is not in
    the select list (a constant rank, for an empty query)."""
    ordering = [
        name for name in ("rank", "leaf_rank", "demand") if name in ranked.query.annotations
    ]
    return ranked.values_list("pk", *extra, *ordering)


def _by_name(rows: QuerySet[Item], take: int, *, bounded: bool) -> list[int] | None:
    """The first ``take`` of ``rows`` in name order. ``bounded``: read from the name index
    within its first ``WALK_ROWS`` entries, None when those hold too few (the caller ranks
    instead) — the tail of a broad query is dense in name order (가공식품: 31 % of the
    items, a page's 20 within the first ~65), a sparse one would have the walk read the
    whole table. Not bounded: the planner may sort a category's items instead."""
    if not bounded:
        return list(rows.order_by("name", "id").values_list("pk", flat=True)[:take])
    bound = Item.objects.order_by("name", "id").values_list("name", flat=True)
    last = next(iter(bound[WALK_ROWS - 1 : WALK_ROWS]), None)
    if last is not None:  # else the table is shorter: a short answer is the whole segment
        rows = rows.filter(name__lte=last)
    found = list(rows.order_by("name", "id").values_list("pk", flat=True)[:take])
    if len(found) < take and last is not None:
        return None
    return found


def _with_categories(ids: list[int]) -> list[Item]:
    # The categories only for the page's rows: joined in the ranked query, the planner
    # (which cannot estimate how many rows a gram search finds) chose a nested loop over
    # every match — 36 of 94 ms for 가공식품's 30,823 matches (benchmarks/item_search.py).
    found = Item.objects.select_related("category").in_bulk(ids)
    return [found[pk] for pk in ids]


def item_get(*, item_id: int) -> Item:
    item = Item.objects.select_related("category").filter(pk=item_id).first()
    if item is None:
        raise NotFound("item_not_found", _("품목을 찾을 수 없어요."))
    return item


def category_list(*, max_depth: int = Category.MAX_DEPTH) -> QuerySet[Category]:
    return Category.objects.filter(depth__lte=max_depth).order_by("depth", "name", "id")
