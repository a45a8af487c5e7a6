"""Party reads: nearby search, detail, a user's parties."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import CombinedExpression, RawSQL
from django.db.models.functions import Cos, Power, Sin
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import Item
from catalog.selectors import item_query
from common.errors import DomainError, NotFound
from common.geo import EARTH_RADIUS_KM
from common.params import Point
from parties import rules
from parties.models import Membership, Party, PartyQuerySet, PartyStatus
from penalties.models import Penalty
from penalties.selectors import penalties_in_party, user_blocked_until, user_penalty_tallies

# Points this close outside the radius count as on it: float rounding, not distance.
BOUNDARY_EPSILON_KM = 1e-9


def haversine_term_expression(lat: float, lng: float) -> CombinedExpression:
    """The haversine term ``a = hav(Δφ) + cos φ1 · cos φ2 · hav(Δλ)`` for each row, in SQL.

    The distance is ``2R · asin(√a)``, which grows with ``a``: filtering and sorting on ``a``
    gives exactly the Haversine result while sparing every candidate row the asin and sqrt;
    the distance itself is computed for the page's rows only (``distance_from_term``).
    Built from Django's portable functions, so SQLite and PostgreSQL evaluate the same formula.
    """
    half = math.pi / 360  # degrees → radians, halved
    half_dphi = Value(half) * F("lat") - Value(math.radians(lat) / 2)
    half_dlmb = Value(half) * F("lng") - Value(math.radians(lng) / 2)
    cos_phi2 = Cos(Value(2 * half) * F("lat"))
    return Power(Sin(half_dphi), 2) + Value(math.cos(math.radians(lat))) * cos_phi2 * Power(
        Sin(half_dlmb), 2
    )


def term_for_distance(distance_km: float) -> float:
    return math.sin(distance_km / (2 * EARTH_RADIUS_KM)) ** 2


def distance_from_term(term: float) -> float:
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, term))))


# What a listed party shows (cards, map, API): reading only these keeps the page query and
# the model instances it builds small.
LISTED_FIELDS = (
    *(
        f.name
        for f in Party._meta.concrete_fields
        if f.name not in ("updated_at", "closed_at", "finished_at", "lng_stripe")
    ),
    "market__id", "market__name", "market__road_address", "market__lat", "market__lng",
    "market__source",
    "item__id", "item__name", "item__category_id",
    "leader__id", "leader__nickname", "leader__date_joined",
)  # fmt: skip


def unit_vector(lat: float, lng: float) -> tuple[float, float, float]:
    """The point on the unit sphere, as migration 0002 stores it in ``parties_party.earth``."""
    phi, lmb = math.radians(lat), math.radians(lng)
    return (math.cos(phi) * math.cos(lmb), math.cos(phi) * math.sin(lmb), math.sin(phi))


def chord_for_distance(distance_km: float) -> float:
    """The straight-line distance between unit vectors this far apart on the sphere."""
    return 2 * math.sin(distance_km / (2 * EARTH_RADIUS_KM))


def distance_from_chord(chord: float) -> float:
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, max(0.0, chord / 2)))


# The query point as a cube, and each party's distance from it (``earth`` is the stored vector).
_QUERY_CUBE = "cube(ARRAY[%s, %s, %s]::float8[])"
_CHORD_SQL = f'"parties_party"."earth" <-> {_QUERY_CUBE}'
_IN_BOX_SQL = f'"parties_party"."earth" <@ cube_enlarge({_QUERY_CUBE}, %s, 3)'


def _listed() -> QuerySet[Party]:
    return Party.objects.select_related("market", "item", "leader").only(*LISTED_FIELDS)


def nearest_ids_postgresql(
    parties: QuerySet[Party], point: Point, *, offset: int, limit: int | None, filtered: bool
) -> RawSQL:
    """The page's ids, nearest first, as a subquery (see ``_nearest_postgresql``)."""
    vector = unit_vector(point.lat, point.lng)
    max_chord = chord_for_distance(point.radius_km + BOUNDARY_EPSILON_KM)
    if filtered or limit is None:
        parties = parties.filter(
            RawSQL(_IN_BOX_SQL, (*vector, max_chord), output_field=BooleanField())
        )
    nearest = (
        parties.annotate(chord=RawSQL(_CHORD_SQL, vector, output_field=FloatField()))
        .order_by("chord")
        .values_list("id", "chord")
    )
    sql, params = nearest.query.sql_with_params()
    window = ""
    window_params: tuple[int, ...] = ()
    if limit is not None:
        sql += " FETCH FIRST %s ROWS WITH TIES"
        params = (*params, offset + limit)
        window, window_params = " LIMIT %s OFFSET %s", (limit, offset)
    return RawSQL(
        f"SELECT k.id FROM ({sql}) k WHERE k.chord <= %s ORDER BY k.chord, k.id{window}",
        (*params, max_chord, *window_params),
    )


def _nearest_postgresql(
    parties: QuerySet[Party], point: Point, *, offset: int, limit: int | None, filtered: bool
) -> list[Party]:
    """Nearest first from the GiST index over the stored unit vectors (migration 0002).

    The index hands out parties by distance, so a page reads ``offset + limit`` of them,
    whatever the density, and those beyond the radius are dropped. ``WITH TIES`` keeps every
    party as far as the last one (parties at one market are equally far), so the order by
    (distance, id) is exact across pages. With an item, category or text filter, matches
    may be rare, so the box around the circle bounds the scan as well (the planner then
    also weighs reading the box and sorting it). One query: the page's ids inside, their
    rows with market, item and leader outside.
    """
    vector = unit_vector(point.lat, point.lng)
    page_ids = nearest_ids_postgresql(parties, point, offset=offset, limit=limit, filtered=filtered)
    rows = (
        _listed()
        .annotate(chord=RawSQL(_CHORD_SQL, vector, output_field=FloatField()))
        .filter(id__in=page_ids)
        .order_by("chord", "id")
    )
    page: list[Party] = []
    for party in rows:
        party.distance_km = distance_from_chord(party.chord)
        page.append(party)
    return page


def _nearest_portable(
    parties: PartyQuerySet, point: Point, *, offset: int, limit: int | None, filtered: bool
) -> list[Party]:
    """Nearest first: the bounding box on the covering lat/lng index, then the Haversine
    term for the candidates in it (SQLite, and any database without cube). One query."""
    page = (
        parties.within_box(point.lat, point.lng, point.radius_km)
        .annotate(term=haversine_term_expression(point.lat, point.lng))
        .filter(term__lte=term_for_distance(point.radius_km + BOUNDARY_EPSILON_KM))
        .select_related("market", "item", "leader")
        .only(*LISTED_FIELDS)
        .order_by("term", "id")
    )
    rows: list[Party] = []
    for party in page[offset:] if limit is None else page[offset : offset + limit]:
        party.distance_km = distance_from_term(party.term)
        rows.append(party)
    return rows


def party_nearby(
    *,
    point: Point,
    item_id: int | None = None,
    category_id: int | None = None,
    q: str = "",
    offset: int = 0,
    limit: int | None = None,
) -> list[Party]:
    """Recruiting parties with the deadline ahead, within ``point.radius_km``, nearest first
    (ties by id), each with ``distance_km``; ``offset``/``limit`` cut a page.

    One SELECT whatever the radius or density. There is no total: counting every party in
    a dense 10 km circle costs more than finding the page (docs/architecture.md); a caller
    asks for one more than it shows to know whether a next page exists.
    """
    parties = Party.objects.recruiting().order_by()
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
        parties = parties.filter(
            Q(title__icontains=q) | Q(item_id__in=Item.objects.matching(item_query(q)).values("pk"))
        )
    filtered = item_id is not None or category_id is not None or bool(q)
    nearest = _nearest_postgresql if connection.vendor == "postgresql" else _nearest_portable
    return nearest(parties, point, offset=offset, limit=limit, filtered=filtered)


def party_get(*, party_id: int) -> Party:
    party = (
        Party.objects.select_related("market", "item__category", "leader")
        .filter(pk=party_id)
        .first()
    )
    if party is None:
        raise NotFound("party_not_found", _("파티를 찾을 수 없어요."))
    return party


def party_get_visible(*, party_id: int, user: User | AnonymousUser) -> Party:
    """A party as residents see it: one a moderator hid is not found (staff still see it)."""
    party = party_get(party_id=party_id)
    if party.hidden_at is not None and not user.is_staff:
        raise NotFound("party_not_found", _("파티를 찾을 수 없어요."))
    return party


def party_members(*, party: Party) -> list[Membership]:
    return list(party.memberships.active().select_related("user").order_by("joined_at", "id"))


def party_membership(*, party: Party, user: User | AnonymousUser) -> Membership | None:
    if not user.is_authenticated:
        return None
    return party.memberships.active().filter(user=user).first()


ACTIONS = ("join", "leave", "close", "cancel", "complete", "withdraw", "reschedule")


def party_available_actions(
    *,
    party: Party,
    user: User | AnonymousUser,
    membership: Membership | None,
    now: datetime | None = None,
) -> dict[str, DomainError | None]:
    """For each lifecycle action: None when ``user`` may take it now, else the refusal the
    service would give (its code and message). The page offers the allowed ones; the API
    carries all of them as ``actions``. The rules are ``parties.rules``, as the services
    judge them (a party past its deadline counts as settled)."""
    now = now or timezone.now()
    if not user.is_authenticated:
        refusal = DomainError("not_authenticated", _("로그인이 필요해요."), status=401)
        return dict.fromkeys(ACTIONS, refusal)
    status = rules.effective_status(party, now)
    join = rules.join_refusal(party, is_member=membership is not None, now=now)
    if join is None:  # the one that costs a query, asked only when it decides
        join = rules.blocked_refusal(user_blocked_until(user_id=user.pk))
    return {
        "join": join,
        "leave": rules.leave_refusal(party, membership=membership, status=status),
        "close": rules.close_refusal(party, user_id=user.pk, status=status),
        "cancel": rules.cancel_refusal(party, user_id=user.pk, status=status, now=now),
        "complete": rules.complete_refusal(party, user_id=user.pk, status=status, now=now),
        "withdraw": rules.withdraw_refusal(party, membership=membership, status=status, now=now),
        "reschedule": rules.reschedule_refusal(party, user_id=user.pk, status=status, now=now),
    }


def party_attendance(
    *,
    party: Party,
    user: User | AnonymousUser,
    members: list[Membership],
    now: datetime | None = None,
) -> dict[str, Any] | None:
    """The leader's "who came?" checklist while marking no-shows is allowed
    (``rules.penalty_window_refusal``): each member but the leader, with the penalty given if
    any; None otherwise."""
    now = now or timezone.now()
    if rules.penalty_window_refusal(party, user_id=user.pk, now=now) is not None:
        return None
    given = penalties_in_party(party_id=party.pk)
    rows = [
        {"member": m, "penalty": given.get(m.user_id)}
        for m in members
        if m.user_id != party.leader_id
    ]
    if not rows:
        return None
    return {
        "rows": rows,
        "open_rows": any(row["penalty"] is None for row in rows),
        "until": party.meet_at + rules.PENALTY_WINDOW,
    }


# A member for this long, with no party kept or missed yet, is shown as new ("새 이웃").
NEW_MEMBER_DAYS = 30


@dataclass(frozen=True)
class Standing:
    """What residents see of each other before handing over money and an evening."""

    no_show_count: int  # penalties in the last 90 days (all of them: they stay on record)
    counted_toward_block: int  # of those, from distinct leaders
    blocked_until: datetime | None
    remaining_to_block: int  # more penalties from other leaders that would block
    kept_count: int  # completed parties attended without a penalty
    member_since: datetime

    @property
    def blocked(self) -> bool:
        return self.blocked_until is not None

    @property
    def is_new(self) -> bool:
        recent = self.member_since > timezone.now() - timedelta(days=NEW_MEMBER_DAYS)
        return recent and self.kept_count == 0 and self.no_show_count == 0


def kept_counts(*, user_ids: list[int]) -> dict[int, int]:
    """Completed parties each user attended (still a member when it completed) without a
    penalty there (revoked ones do not count against them); one query."""
    penalized = Penalty.objects.filter(
        party_id=OuterRef("party_id"), user_id=OuterRef("user_id"), revoked_at__isnull=True
    )
    rows = (
        Membership.objects.active()
        .filter(user_id__in=user_ids, party__status=PartyStatus.COMPLETED)
        .exclude(Exists(penalized))
        .values("user_id")
        .annotate(kept=Count("id"))
    )
    found = {row["user_id"]: row["kept"] for row in rows}
    return {user_id: found.get(user_id, 0) for user_id in user_ids}


def user_standings(*, users: list[User]) -> dict[int, Standing]:
    """Several users' standing: one cached tally read, one query for kept parties, and the
    block's end only for users the tally says are blocked."""
    ids = [user.pk for user in users]
    tallies = user_penalty_tallies(user_ids=ids)
    kept = kept_counts(user_ids=ids)
    threshold: int = settings.PENALTY_BLOCK_THRESHOLD
    standings = {}
    for user in users:
        tally = tallies[user.pk]
        until = (
            user_blocked_until(user_id=user.pk) if tally.counted_toward_block >= threshold else None
        )
        standings[user.pk] = Standing(
            no_show_count=tally.no_show_count,
            counted_toward_block=tally.counted_toward_block,
            blocked_until=until,
            remaining_to_block=0 if until else max(0, threshold - tally.counted_toward_block),
            kept_count=kept[user.pk],
            member_since=user.date_joined,
        )
    return standings


def user_standing(*, user: User) -> Standing:
    return user_standings(users=[user])[user.pk]


def user_parties(*, user: User) -> dict[str, list[Party]]:
    """A user's parties: ``leading`` and ``joined`` (still ahead), and ``past`` ones."""
    now = timezone.now()
    parties = (
        Party.objects.with_member(user)
        .visible()
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


def party_withdrawals(*, party: Party) -> list[Membership]:
    """Members who withdrew in time ("못 가게 됐어요"), with their reasons, in order."""
    return list(
        party.memberships.filter(withdrawn_at__isnull=False)
        .select_related("user")
        .order_by("withdrawn_at", "id")
    )


def user_withdrew(*, party_id: int, user_id: int) -> bool:
    """Whether the user withdrew from the party in time ("못 가게 됐어요")."""
    return Membership.objects.filter(
        party_id=party_id, user_id=user_id, withdrawn_at__isnull=False
    ).exists()


def user_is_member(*, party_id: int, user_id: int) -> bool:
    """An active member (leader included) of the party."""
    return Membership.objects.active().filter(party_id=party_id, user_id=user_id).exists()


def user_is_active_member(*, party_id: int, user_id: int) -> bool:
    """An active member whose account is active (not suspended): who may use the chat."""
    return (
        Membership.objects.active()
        .filter(party_id=party_id, user_id=user_id, user__is_active=True)
        .exists()
    )


def members_among(*, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which (party id, user id) pairs are active memberships of active (not suspended)
    users, in one query: a suspended member's open connection cannot write even if it
    missed the signal that ends it."""
    if not pairs:
        return set()
    match = Q()
    for party_id, user_id in pairs:
        match |= Q(party_id=party_id, user_id=user_id)
    return set(
        Membership.objects.active()
        .filter(match, user__is_active=True)
        .values_list("party_id", "user_id")
    )


def open_parties_per_item_near(point: Point) -> dict[int, int]:
    """Item id -> its recruiting parties inside the box around ``point``'s circle: the item
    search's tie-breaker (registered in ``parties.apps``)."""
    rows = (
        Party.objects.recruiting()
        .within_box(point.lat, point.lng, point.radius_km)
        .order_by()
        .values_list("item_id")
        .annotate(count=Count("pk"))
    )
    return dict(rows)


# How many open parties a market's page lists; a market rarely has more at once.
MARKET_PAGE_PARTIES = 50


def party_list_at_market(*, market_id: int, limit: int = MARKET_PAGE_PARTIES) -> list[Party]:
    """A market's open parties for its page: recruiting with the deadline ahead
    (``Party.objects.recruiting``, as the nearby search), not hidden by a moderator;
    soonest deadline first (ties by id)."""
    return list(
        Party.objects.recruiting()
        .visible()
        .filter(market_id=market_id)
        .select_related("market", "item", "leader")
        .only(*LISTED_FIELDS)
        .order_by("recruit_until", "id")[:limit]
    )


# At most this many parties on one live stream (a nearby page lists up to 100).
LIVE_PARTIES_MAX = 100


def party_live_states(*, party_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What anyone may see of these parties, for the live stream (``parties.live``): status,
    seats and whether it still takes members. Exactly what the party cards show to a visitor,
    nothing about members; parties a moderator hid are left out (as if gone)."""
    now = timezone.now()
    rows = (
        Party.objects.visible()
        .filter(pk__in=party_ids)
        .order_by("pk")
        .values_list("pk", "status", "member_count", "capacity", "recruit_until")
    )
    return {
        pk: {
            "party_id": pk,
            "status": status,
            "status_label": str(PartyStatus(status).label),
            "member_count": member_count,
            "capacity": capacity,
            # Recruiting but past the deadline takes no one either (settled on the next tick).
            "open": status == PartyStatus.RECRUITING and recruit_until > now,
        }
        for pk, status, member_count, capacity, recruit_until in rows
    }
