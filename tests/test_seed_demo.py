"""Demo data: real places in the right cities, a sane catalog tree, working logins, idempotence."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate as django_authenticate
from django.core.management import call_command
from django.test import RequestFactory

from accounts.models import User
from catalog.models import Category, Item, ItemSource
from common.geo import haversine_km, in_korea, split_region
from demo.accounts import DEMO_ADMIN_EMAIL, DEMO_PASSWORD, DEMO_USERS, seed_demo_users
from demo.catalog import DEMO_CATALOG, ean13_check_digit, seed_demo_catalog
from demo.markets import DEMO_MARKETS, seed_demo_markets
from markets.models import Market

# City halls: every demo market must lie near its own city's centre (catches swapped or
# mistyped coordinates, which would put a store in the sea or in another city).
CITY_CENTRES = {
    "서울특별시": (37.5665, 126.9780),
    "부산광역시": (35.1798, 129.0750),
    "대구광역시": (35.8714, 128.6014),
    "대전광역시": (36.3504, 127.3845),
}
MAX_KM_FROM_CENTRE = 15.0
MIN_PER_CITY = {"서울특별시": 12, "부산광역시": 8, "대구광역시": 7, "대전광역시": 7}


def seed_all() -> dict[str, tuple[int, int]]:
    return {
        "markets": seed_demo_markets(),
        "catalog": seed_demo_catalog(),
        "users": seed_demo_users(),
    }


def test_demo_market_list_is_well_formed():
    names = [m.name for m in DEMO_MARKETS]
    assert len(names) == len(set(names))
    assert len(DEMO_MARKETS) >= 34
    for spec in DEMO_MARKETS:
        sido, sigungu = split_region(spec.road_address)
        assert sido in CITY_CENTRES, spec.name
        assert sigungu.endswith("구"), spec.name
        if spec.lot_address:
            assert split_region(spec.lot_address) == (sido, sigungu), spec.name


@pytest.mark.django_db
def test_seeding_creates_markets_in_four_cities_at_plausible_points():
    created, updated = seed_demo_markets()
    markets = list(Market.objects.all())

    assert created == len(markets) >= 30
    assert updated == 0
    assert all(m.source == Market.Source.DEMO and m.is_demo for m in markets)
    assert all(m.source_id.startswith("DEMO-") for m in markets)
    per_city = {sido: sum(m.sido == sido for m in markets) for sido in CITY_CENTRES}
    for sido, minimum in MIN_PER_CITY.items():
        assert per_city[sido] >= minimum, (sido, per_city)
    for market in markets:
        assert in_korea(market.lat, market.lng), market.name
        assert market.road_address.startswith(market.sido), market.name
        assert market.sigungu, market.name
        assert market.kind and market.brand, market.name
        centre = CITY_CENTRES[market.sido]
        distance = haversine_km(market.lat, market.lng, *centre)
        assert distance <= MAX_KM_FROM_CENTRE, (market.name, round(distance, 1))


@pytest.mark.django_db
def test_seeding_creates_a_three_level_catalog():
    created, _ = seed_demo_catalog()
    items = Item.objects.filter(source=ItemSource.DEMO).select_related("category__parent__parent")

    assert created == items.count() >= 200
    for item in items:
        category = item.category
        assert category.source == ItemSource.DEMO
        assert 1 <= category.depth <= Category.MAX_DEPTH
        path = []
        node = category
        while node is not None:
            path.append(node.name)
            node = node.parent
        assert " > ".join(reversed(path)) == category.key
        assert len(path) == category.depth
        if item.barcode:
            assert len(item.barcode) == 13 and item.barcode.startswith("880")
            assert item.barcode[-1] == ean13_check_digit(item.barcode[:12])
    leaves = {" > ".join(entry[:3]) for entry in DEMO_CATALOG}
    assert set(items.values_list("category__key", flat=True).distinct()) == leaves
    assert Category.objects.filter(source=ItemSource.DEMO, depth=1).count() >= 3


@pytest.mark.django_db
def test_seeding_creates_users_with_homes_near_demo_markets():
    seed_demo_markets()
    created, _ = seed_demo_users()
    residents = list(User.objects.filter(email__in=[u.email for u in DEMO_USERS]))
    markets = list(Market.objects.all())

    assert created == len(DEMO_USERS) + 1
    assert len(residents) >= 10
    assert {u.sido for u in residents} == set(CITY_CENTRES)
    for user in residents:
        assert user.has_home and in_korea(user.lat, user.lng), user.email
        assert (user.sido, user.sigungu) == split_region(user.address)
        nearest = min(haversine_km(user.lat, user.lng, m.lat, m.lng) for m in markets)
        assert nearest <= 5.0, (user.email, round(nearest, 1))
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    assert admin.is_staff and admin.is_superuser


@pytest.mark.django_db
def test_second_run_creates_nothing():
    first = seed_all()
    counts = (
        Market.objects.count(),
        Category.objects.count(),
        Item.objects.count(),
        User.objects.count(),
    )
    second = seed_all()

    assert all(created > 0 for created, _ in first.values())
    assert all(created == 0 for created, _ in second.values())
    assert second["markets"][1] == counts[0]
    assert second["catalog"][1] == counts[2]
    assert second["users"][1] == counts[3]
    assert counts == (
        Market.objects.count(),
        Category.objects.count(),
        Item.objects.count(),
        User.objects.count(),
    )


@pytest.mark.django_db
def test_command_prints_summary_and_demo_logins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=(again := StringIO()))

    text = out.getvalue()
    for spec in DEMO_USERS:
        assert spec.email in text and spec.nickname in text
    assert DEMO_ADMIN_EMAIL in text
    assert DEMO_PASSWORD in text
    assert "새로 만듦 0" not in text
    # Markets, items, users and parties: the second run creates nothing.
    assert again.getvalue().count("새로 만듦 0") == 4
    assert Market.objects.count() == len(DEMO_MARKETS)


@pytest.mark.django_db
def test_demo_users_can_log_in_and_keep_a_changed_password():
    # As the login page does: with the request (its address counts failed logins).
    def authenticate(**credentials):
        return django_authenticate(RequestFactory().post("/accounts/login/"), **credentials)

    seed_demo_users()
    email = DEMO_USERS[0].email

    assert authenticate(username=email, password=DEMO_PASSWORD) is not None
    assert authenticate(username=DEMO_ADMIN_EMAIL, password=DEMO_PASSWORD) is not None

    user = User.objects.get(email=email)
    user.set_password("my-own-secret-9876")
    user.save()
    seed_demo_users()

    assert authenticate(username=email, password="my-own-secret-9876") is not None
    assert authenticate(username=email, password=DEMO_PASSWORD) is None


@pytest.mark.django_db
def test_seed_demo_opens_joinable_parties_near_demo_users_once():
    from django.utils import timezone

    from parties.models import Party

    call_command("seed_demo", stdout=StringIO())
    open_parties = Party.objects.recruiting()
    first = set(open_parties.values_list("id", flat=True))
    assert len(first) >= 6
    assert all(p.recruit_until > timezone.now() for p in open_parties)
    assert {p.market.source for p in open_parties} == {"demo"}
    assert Party.objects.filter(member_count__gte=2).exists()
    call_command("seed_demo", stdout=StringIO())
    assert set(Party.objects.recruiting().values_list("id", flat=True)) == first
