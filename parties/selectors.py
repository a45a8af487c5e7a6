"""Party reads: nearby search, detail, a user's parties."""

import math

from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import NotFound
from common.geo import EARTH_RADIUS_KM
from common.params import Point
from parties.models import Membership, Party, PartyStatus

# Points this close outside the radius count as on it: float rounding, not distance.
BOUNDARY_EPSILON_KM = 1e-9


def haversine_km_expression(lat: float, lng: float):
    """Great-circle distance in km from (lat, lng) to each row's (lat, lng), in SQL.

    Built from Django's portable functions, so SQLite and PostgreSQL evaluate the same
    formula (R = 6371.0088 km) and agree on the order.
    """
    phi1 = math.radians(lat)
    half_dphi = (Radians(F("lat")) - Value(phi1)) / Value(2.0)
    half_dlmb = (Radians(F("lng")) - Value(math.radians(lng))) / Value(2.0)
    a = Power(Sin(half_dphi), 2) + Value(math.cos(phi1)) * Cos(Radians(F("lat"))) * Power(
        Sin(half_dlmb), 2
    )
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(a), output_field=FloatField())


class NearbyParties:
    """The nearby result: counted and sliced like a QuerySet (so paginators take it), but a
    page is read in two steps. First the ids and distances, which PostgreSQL answers from the
    covering partial index alone (no table rows touched for parties off the page); then the
    page's parties with their market, item and leader by primary key. Three queries per page,
    whatever the radius.
    """

    def __init__(self, candidates: QuerySet[Party]) -> None:
        self._candidates = candidates

    def count(self) -> int:
        return self._candidates.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index: slice) -> list[Party]:
        if not isinstance(index, slice):
            raise TypeError("NearbyParties supports slices only")
        rows = list(
            self._candidates.order_by("distance_km", "id").values_list("id", "distance_km")[index]
        )
        by_id = Party.objects.select_related("market", "item", "leader").order_by().in_bulk(
            [party_id for party_id, _ in rows]
        )
        page = []
        for party_id, distance in rows:
            party = by_id[party_id]
            party.distance_km = distance
            page.append(party)
        return page


def party_nearby(
    *,
    point: Point,
    item_id: int | None = None,
    category_id: int | None = None,
    q: str = "",
) -> NearbyParties:
    """Recruiting parties with the deadline ahead, within ``point.radius_km``, nearest first,
    each with ``distance_km``.

    The bounding box on the partial (recruiting-only) lat/lng index cuts the candidates
    before the exact Haversine distance is computed, filtered and sorted on.
    """
    parties = (
        Party.objects.recruiting()
        .within_box(point.lat, point.lng, point.radius_km)
        .annotate(distance_km=haversine_km_expression(point.lat, point.lng))
        .filter(distance_km__lte=point.radius_km + BOUNDARY_EPSILON_KM)
    )
    if item_id is not None:
        parties = parties.filter(item_id=item_id)
    if category_id is not None:
        parties = parties.filter(
            Q(item__category_id=category_id)
            | Q(item__category__parent_id=category_id)
            | Q(item__category__parent__parent_id=category_id)
        )
    q = q.strip()[:50]
    if q:
        parties = parties.filter(Q(title__icontains=q) | Q(item__name__icontains=q))
    return NearbyParties(parties)


def party_get(*, party_id: int) -> Party:
    party = (
        Party.objects.select_related("market", "item__category", "leader")
        .filter(pk=party_id)
        .first()
    )
    if party is None:
        raise NotFound("party_not_found", _("파티를 찾을 수 없어요."))
    return party


def party_members(*, party: Party) -> list[Membership]:
    return list(
        party.memberships.filter(left_at__isnull=True)
        .select_related("user")
        .order_by("joined_at", "id")
    )


def party_membership(*, party: Party, user: User) -> Membership | None:
    if not user.is_authenticated:
        return None
    return party.memberships.filter(user=user, left_at__isnull=True).first()


def user_parties(*, user: User) -> dict[str, list[Party]]:
    """A user's parties: ``leading`` and ``joined`` (still ahead), and ``past`` ones."""
    now = timezone.now()
    parties = (
        Party.objects.with_member(user)
        .select_related("market", "item", "leader")
        .order_by("meet_at", "id")
    )
    active = Q(status__in=[PartyStatus.RECRUITING, PartyStatus.CLOSED], meet_at__gt=now)
    current = list(parties.filter(active))
    return {
        "leading": [p for p in current if p.leader_id == user.pk],
        "joined": [p for p in current if p.leader_id != user.pk],
        "past": list(parties.exclude(active).order_by("-meet_at", "-id")[:50]),
    }
