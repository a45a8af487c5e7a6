"""Nearby search against a brute-force Haversine over every party, plus bounds and bad input."""

import math
import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.geo import EARTH_RADIUS_KM, haversine_km
from common.params import Point
from parties.models import Party, PartyStatus
from parties.selectors import party_nearby
from tests.factories import CategoryFactory, ItemFactory, MarketFactory, UserFactory

pytestmark = pytest.mark.django_db

SEOUL = (37.5665, 126.9780)


@pytest.fixture
def scattered_parties(db):
    """400 parties around Seoul, a quarter of them not open (closed, cancelled, past due)."""
    rng = random.Random(20261125)
    leader = UserFactory()
    market = MarketFactory()
    fruit = CategoryFactory(name="과일")
    items = [ItemFactory(category=fruit), ItemFactory(), ItemFactory()]
    now = timezone.now()
    parties = []
    for i in range(400):
        lat = SEOUL[0] + rng.uniform(-0.4, 0.4)
        lng = SEOUL[1] + rng.uniform(-0.5, 0.5)
        status = rng.choice([PartyStatus.RECRUITING] * 3 + [PartyStatus.CLOSED, "cancelled"])
        deadline = now + timedelta(hours=rng.choice([-2, 5, 30]))
        parties.append(
            Party(
                leader=leader,
                market=market,
                item=items[i % 3],
                title=f"파티 {i}" + (" 사과" if i % 5 == 0 else ""),
                total_price=10000,
                total_quantity=10,
                unit="개",
                capacity=4,
                member_count=1,
                meet_at=deadline + timedelta(hours=1),
                recruit_until=deadline,
                status=status,
                lat=lat,
                lng=lng,
            )
        )
    Party.objects.bulk_create(parties)
    return {"items": items, "fruit": fruit, "now": now}


def brute_force(lat, lng, radius_km, *, keep=lambda p: True):
    now = timezone.now()
    found = []
    for party in Party.objects.select_related("item").all():
        if party.status != PartyStatus.RECRUITING or party.recruit_until <= now:
            continue
        if not keep(party):
            continue
        distance = haversine_km(lat, lng, party.lat, party.lng)
        if distance <= radius_km:
            found.append((distance, party.id))
    return [party_id for _, party_id in sorted(found)]


def near_boundary(lat, lng, radius_km):
    """Ids of parties within a micrometre of the circle: float rounding may go either way."""
    return {
        p.id
        for p in Party.objects.all()
        if abs(haversine_km(lat, lng, p.lat, p.lng) - radius_km) < 1e-9
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    lat=st.floats(SEOUL[0] - 0.5, SEOUL[0] + 0.5),
    lng=st.floats(SEOUL[1] - 0.6, SEOUL[1] + 0.6),
    radius_km=st.sampled_from([0.5, 3, 10, 25, 50]) | st.floats(0.01, 50),
)
def test_nearby_matches_brute_force_haversine(scattered_parties, lat, lng, radius_km):
    found = [p.id for p in party_nearby(point=Point(lat, lng, radius_km))]
    expected = brute_force(lat, lng, radius_km)
    fuzzy = near_boundary(lat, lng, radius_km)
    assert [i for i in found if i not in fuzzy] == [i for i in expected if i not in fuzzy]


def test_nearby_returns_distances_and_only_open_parties(scattered_parties):
    results = list(party_nearby(point=Point(*SEOUL, 10)))
    assert results, "the fixture puts open parties within 10 km of City Hall"
    distances = [p.distance_km for p in results]
    assert distances == sorted(distances)
    for party in results:
        assert party.status == PartyStatus.RECRUITING
        assert party.recruit_until > timezone.now()
        assert party.distance_km == pytest.approx(
            haversine_km(*SEOUL, party.lat, party.lng), abs=1e-6
        )


def test_nearby_filters_by_item_category_and_text(scattered_parties):
    apple_item = scattered_parties["items"][0]
    by_item = [p.id for p in party_nearby(point=Point(*SEOUL, 30), item_id=apple_item.id)]
    assert by_item == brute_force(*SEOUL, 30, keep=lambda p: p.item_id == apple_item.id)
    by_category = [
        p.id
        for p in party_nearby(point=Point(*SEOUL, 30), category_id=scattered_parties["fruit"].id)
    ]
    assert by_category == by_item  # only the first item is in 과일
    by_text = [p.id for p in party_nearby(point=Point(*SEOUL, 30), q="사과")]
    assert by_text and by_text == brute_force(*SEOUL, 30, keep=lambda p: "사과" in p.title)


def test_exact_radius_boundary_is_included_and_just_outside_is_not(db):
    user, market, item = UserFactory(), MarketFactory(), ItemFactory()
    now = timezone.now()
    radius = 10.0
    step = math.degrees(radius / EARTH_RADIUS_KM)  # exactly 10 km due north along a meridian

    def party_at(lat):
        return Party.objects.create(
            leader=user, market=market, item=item, title="경계", total_price=1,
            total_quantity=1, unit="개", capacity=2, member_count=1,
            meet_at=now + timedelta(days=1), recruit_until=now + timedelta(hours=1),
            lat=lat, lng=SEOUL[1],
        )  # fmt: skip

    on_circle = party_at(SEOUL[0] + step)
    just_outside = party_at(SEOUL[0] + step * 1.0001)  # 1 m further
    found = {p.id: p.distance_km for p in party_nearby(point=Point(*SEOUL, radius))}
    assert on_circle.id in found
    assert found[on_circle.id] == pytest.approx(10.0, abs=1e-9)
    assert just_outside.id not in found


def test_nearby_query_count_is_constant(api_client, scattered_parties):
    def queries(radius):
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get(
                "/api/v1/parties/nearby",
                {"lat": SEOUL[0], "lng": SEOUL[1], "radius_km": radius, "page_size": 100},
            )
        assert response.status_code == 200
        selects = [q for q in ctx.captured_queries if q["sql"].lstrip().startswith("SELECT")]
        return len(selects), len(response.json()["results"])

    small, few = queries(5)
    large, many = queries(50)
    assert many > few > 0
    assert small == large == 1  # the page, found and read with its market, item and leader


def test_nearby_api_pages_through_every_party_in_order_once(api_client, scattered_parties):
    expected = brute_force(*SEOUL, 50)
    assert len(expected) > 40, "the fixture has more than two pages within 50 km"
    body = api_client.get(
        "/api/v1/parties/nearby", {"lat": SEOUL[0], "lng": SEOUL[1], "radius_km": 50}
    ).json()
    assert body["previous"] is None
    first = body["results"][0]
    for key in ("distance_km", "share_price", "member_count", "capacity", "market", "item"):
        assert key in first
    assert first["share_price"] == 2500
    seen, pages = [], 0
    while True:
        seen += [p["id"] for p in body["results"]]
        pages += 1
        if body["next"] is None:
            break
        following = api_client.get(body["next"]).json()
        assert following["previous"]
        assert following["results"][0]["distance_km"] >= body["results"][-1]["distance_km"]
        body = following
    assert seen == expected  # every party once, nearest first, across page boundaries
    assert pages == -(-len(expected) // 20)
    past_end = api_client.get(
        "/api/v1/parties/nearby",
        {"lat": SEOUL[0], "lng": SEOUL[1], "radius_km": 50, "page": pages + 1},
    )
    assert past_end.status_code == 404
    assert past_end.json()["code"] == "not_found"


def test_nearby_page_boundary_splits_parties_at_one_market_by_id(api_client, db):
    """Parties at one market are equally far: the page cut must still be exact."""
    leader, market, item = UserFactory(), MarketFactory(), ItemFactory()
    now = timezone.now()
    same_place = Party.objects.bulk_create(
        Party(
            leader=leader, market=market, item=item, title=f"같은 곳 {i}", total_price=1000,
            total_quantity=1, unit="개", capacity=2, member_count=1,
            meet_at=now + timedelta(days=1), recruit_until=now + timedelta(hours=1),
            lat=SEOUL[0] + 0.01, lng=SEOUL[1],
        )
        for i in range(7)
    )  # fmt: skip
    ids = sorted(p.id for p in same_place)
    pages = [
        [p["id"] for p in api_client.get(
            "/api/v1/parties/nearby",
            {"lat": SEOUL[0], "lng": SEOUL[1], "page_size": 3, "page": n},
        ).json()["results"]]
        for n in (1, 2, 3)
    ]  # fmt: skip
    assert pages == [ids[0:3], ids[3:6], ids[6:7]]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "location_required"),
        ({"lat": "37.5"}, "location_incomplete"),
        ({"lat": "north", "lng": "127"}, "invalid_lat"),
        ({"lat": "37.5", "lng": "inf"}, "invalid_lng"),
        ({"lat": "0", "lng": "0"}, "location_outside_korea"),
        ({"lat": "37.5", "lng": "127", "radius_km": "-1"}, "invalid_radius"),
        ({"lat": "37.5", "lng": "127", "radius_km": "50.5"}, "invalid_radius"),
        ({"lat": "37.5", "lng": "127", "item": "apple"}, "invalid_item"),
        ({"lat": "37.5", "lng": "127", "category": "-3"}, "invalid_category"),
        ({"lat": "37.5", "lng": "127", "page": "0"}, "invalid_page"),
        ({"lat": "37.5", "lng": "127", "page_size": "x"}, "invalid_page_size"),
    ],
)
def test_nearby_bad_parameters_are_400_with_code(api_client, db, params, code):
    response = api_client.get("/api/v1/parties/nearby", params)
    assert response.status_code == 400
    assert response.json()["code"] == code


@pytest.mark.postgres
def test_nearby_page_walks_the_nearest_first_index_on_postgresql(scattered_parties):
    """The distance the selector orders by is the one the GiST index serves (migration
    0002): a page reads parties nearest first from the index instead of sorting a box."""
    if connection.vendor != "postgresql":
        pytest.skip("index plans are a PostgreSQL matter; SQLite has no cube type")
    # 400 rows: left alone, the planner rightly reads them all and sorts. Rule out every
    # other way to read them, so only an expression the index serves gives the KNN scan.
    others = ("enable_seqscan", "enable_bitmapscan", "enable_sort")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE parties_party")
        for setting in others:
            cursor.execute(f"SET {setting} = off")
        try:
            with CaptureQueriesContext(connection) as ctx:
                party_nearby(point=Point(*SEOUL, 10), limit=21)
            cursor.execute("EXPLAIN " + ctx.captured_queries[-1]["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            for setting in others:
                cursor.execute(f"SET {setting} = on")
    assert "Index Scan using party_recruiting_earth_idx" in plan, plan
    assert "Order By: (earth <->" in plan, plan


def test_nearby_text_filter_uses_the_item_search(api_client, synonym_table):
    """휴지 finds a 화장지 party 7 km away; every term must match, in any order."""
    from tests.factories import CategoryFactory, ItemFactory, MarketFactory, make_party

    living = CategoryFactory(name="생활용품")
    tissue = ItemFactory(
        name="3겹 화장지 30롤", category=CategoryFactory(name="화장지", parent=living)
    )
    apples = ItemFactory(name="부사 사과 5kg 박스")
    market = MarketFactory(lat=37.5630, lng=126.9900)  # ~7 km from the point below
    tissue_party = make_party(market=market, item=tissue, title="두루마리 나눠요")
    make_party(market=market, item=apples, title="사과 나눠요")

    def titles(q):
        response = api_client.get(
            "/api/v1/parties/nearby", {"lat": "37.5000", "lng": "127.0000", "q": q}
        )
        assert response.status_code == 200, response.content
        return [party["title"] for party in response.json()["results"]]

    assert titles("휴지") == [tissue_party.title]
    assert titles("30롤 화장지") == [tissue_party.title]
    assert titles("ㅎㅈㅈ") == [tissue_party.title]
    assert titles("휴지 사과") == []
