"""How many open parties use each item near a point: the search's tie-breaker.

Parties sit above the catalog in the house (a party names an item), so the catalog cannot
ask for them; the parties app lends the expression at start-up (``parties.apps``), the way
a plug-in registers with its host. Without it (the catalog alone) ties go by name.
"""

from collections.abc import Callable

from django.db.models import Expression

from common.params import Point

# Given a point, an expression evaluated per item row (OuterRef("pk")): an integer.
DemandNear = Callable[[Point], Expression]

_demand_near: DemandNear | None = None


def register_demand(provider: DemandNear) -> None:
    global _demand_near
    _demand_near = provider


def demand_near(point: Point) -> Expression | None:
    return None if _demand_near is None else _demand_near(point)
