"""How many open parties use each item near a point: the search's tie-breaker.

Parties sit above the catalog in the house (a party names an item), so the catalog cannot
ask for them; the parties app lends the count at start-up (``parties.apps``), the way a
plug-in registers with its host. Without it (the catalog alone) ties go by name.

The count comes as ``{item id: open parties}`` from one aggregate over the parties near the
point (a few hundred rows at most), and the search turns it into a ``CASE`` on the item id:
a correlated count per matching item would probe the parties once for every match (30,000
for a category-wide query).
"""

from collections.abc import Callable

from django.db.models import Case, Expression, IntegerField, Value, When

from common.params import Point

# Given a point: item id -> how many recruiting parties near it use the item.
DemandNear = Callable[[Point], dict[int, int]]

_demand_near: DemandNear | None = None


def register_demand(provider: DemandNear) -> None:
    global _demand_near
    _demand_near = provider


def demand_near(point: Point) -> dict[int, int] | None:
    """item id -> its open parties near ``point`` (items without any left out); None when no
    provider is registered."""
    if _demand_near is None:
        return None
    return _demand_near(point)


def demand_rank(counts: dict[int, int]) -> Expression:
    """Per item row: its open parties (``demand_near``), 0 for the rest."""
    by_count: dict[int, list[int]] = {}
    for item_id, count in counts.items():
        by_count.setdefault(count, []).append(item_id)
    if not by_count:
        return Value(0)
    return Case(
        *(When(pk__in=ids, then=Value(count)) for count, ids in sorted(by_count.items())),
        default=Value(0),
        output_field=IntegerField(),
    )
