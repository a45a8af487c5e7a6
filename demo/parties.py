"""Demo parties for ``seed_demo``: open parties near the demo users, deadlines ahead of now.

Idempotent: a leader who already has an open party with the same title gets no second one.
Parties whose deadline passed since the last run are settled by the usual task; a rerun
opens fresh ones, so a demo site always has something to join.

The parties are ``data/parties.json`` (UTF-8): a list of objects keyed as in ``_FIELDS``.
"""

import json
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from accounts.models import User
from catalog.models import Item, ItemSource
from common.geo import haversine_km
from markets.models import Market
from parties.models import Party
from parties.services import party_create, party_join

_DATA_FILE = Path(__file__).parent / "data" / "parties.json"

# Keys of a party object in the JSON, in the order of the tuple fields below.
_FIELDS = (
    "leader",
    "item",
    "title",
    "description",
    "total_price",
    "quantity",
    "unit",
    "capacity",
    "deadline_hours",
    "meet_after_hours",
    "joiners",
)


def _load_parties(path: Path) -> list[tuple]:
    return [
        tuple(row[field] for field in _FIELDS)
        for row in json.loads(path.read_text(encoding="utf-8-sig"))
    ]


# (leader email, item name fragment, title, description, total price, quantity, unit,
#  capacity, hours until the deadline, hours from the deadline to the meeting, joiner emails)
DEMO_PARTIES = _load_parties(_DATA_FILE)


def _nearest_market(user: User) -> Market | None:
    lat, lng = user.lat, user.lng
    assert lat is not None and lng is not None  # only users with a home lead demo parties
    markets = Market.objects.filter(source=Market.Source.DEMO)
    return min(markets, key=lambda m: haversine_km(lat, lng, m.lat, m.lng), default=None)


def seed_demo_parties() -> tuple[int, int]:
    """(created, kept): parties opened now, and open ones left from an earlier run."""
    now = timezone.now()
    users = {u.email: u for u in User.objects.filter(email__endswith="@gonggu.kr")}
    created = kept = 0
    for (email, fragment, title, description, price, quantity, unit, capacity,
         deadline_hours, meet_after, joiners) in DEMO_PARTIES:  # fmt: skip
        leader = users.get(email)
        if leader is None or not leader.has_home:
            continue
        if Party.objects.recruiting(now=now).filter(leader=leader, title=title).exists():
            kept += 1
            continue
        item = (
            Item.objects.filter(source=ItemSource.DEMO, name__contains=fragment)
            .order_by("source_key")
            .first()
        )
        market = _nearest_market(leader)
        if item is None or market is None:
            continue
        recruit_until = now + timedelta(hours=deadline_hours)
        party = party_create(
            leader=leader,
            market_id=market.id,
            item_id=item.id,
            title=title,
            description=description,
            total_price=price,
            total_quantity=quantity,
            unit=unit,
            capacity=capacity,
            meet_at=recruit_until + timedelta(hours=meet_after),
            recruit_until=recruit_until,
        )
        for joiner in joiners:
            if joiner in users:
                party_join(party_id=party.id, user=users[joiner])
        created += 1
    return created, kept
