"""Demo parties for ``seed_demo``: open parties near the demo users, deadlines ahead of now.

Idempotent: a leader who already has an open party with the same title gets no second one.
Parties whose deadline passed since the last run are settled by the usual task; a rerun
opens fresh ones, so a demo site always has something to join.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from catalog.models import Item, ItemSource
from common.geo import haversine_km
from markets.models import Market
from parties.models import Party
from parties.services import party_create, party_join

# (leader email, item name fragment, title, description, total price, quantity, unit,
#  capacity, hours until the deadline, hours from the deadline to the meeting, joiner emails)
DEMO_PARTIES = [
    ("demo1@gonggu.kr", "사과", "[데모] 사과 한 박스 나눠요", "4명이서 나눠요. 주차장 입구.",
     45000, 20, "개", 4, 20, 3, ["demo3@gonggu.kr"]),
    ("demo1@gonggu.kr", "화장지", "[데모] 30롤 화장지 반 나눠요", "15롤씩 나눠요.",
     21900, 30, "롤", 2, 30, 2, []),
    ("demo2@gonggu.kr", "생수", "[데모] 생수 2L 묶음 같이 사요", "한 팩씩 가져가요.",
     15900, 24, "병", 3, 10, 2, []),
    ("demo3@gonggu.kr", "계란", "[데모] 계란 30구 반띵", "15구씩!", 9900, 30, "구", 2, 8, 2, []),
    ("demo4@gonggu.kr", "우유", "[데모] 우유 대용량 나눔", "", 12000, 6, "팩", 3, 26, 4, []),
    ("demo5@gonggu.kr", "라면", "[데모] 라면 멀티팩 나눠요", "", 16800, 40, "봉", 4, 16, 2,
     ["demo6@gonggu.kr"]),
    ("demo6@gonggu.kr", "세제", "[데모] 세제 리필 같이 사요", "", 25900, 4, "개", 2, 40, 3, []),
    ("demo8@gonggu.kr", "쌀", "[데모] 쌀 10kg 반씩", "5kg씩 나눠요.", 32000, 10, "kg", 2,
     22, 2, []),
    ("demo9@gonggu.kr", "사과", "[데모] 사과 박스 나눠요", "", 39000, 15, "개", 3, 12, 2, []),
    ("demo11@gonggu.kr", "커피", "[데모] 커피 캡슐 대용량", "", 48000, 100, "개", 4, 36, 3,
     ["demo12@gonggu.kr"]),
    ("demo12@gonggu.kr", "생수", "[데모] 생수 묶음 같이", "", 13900, 12, "병", 2, 18, 2, []),
]  # fmt: skip


def _nearest_market(user: User) -> Market | None:
    markets = Market.objects.filter(source=Market.Source.DEMO)
    return min(markets, key=lambda m: haversine_km(user.lat, user.lng, m.lat, m.lng), default=None)


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
