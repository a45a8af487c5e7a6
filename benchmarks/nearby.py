"""Benchmark: the nearby-parties API on 1,000,000 parties in PostgreSQL, side by side with
(a) a full-scan Haversine over every recruiting party and (b) the raw SQL of our query.

    .venv/bin/python benchmarks/nearby.py [--parties 1000000] [--points 200]
        [--database-url postgres://postgres@127.0.0.1:5432/gonggu_bench_nearby]

Parties sit at markets (their coordinates are the market's, as in the product); markets are
spread over Korea in metropolitan clusters weighted roughly by population, plus a thin
nationwide scatter. 10% of parties are recruiting with their deadline ahead; the rest are
closed, completed or cancelled. The data is generated once per size and reused.

Measured, over the same random points in cities (Gaussian around a city centre):
- API: GET /api/v1/parties/nearby?lat=&lng=&radius_km=10 through Django's full stack
  (middleware, DRF, serializers), 20 results per page; p50/p99 and queries per request.
- SQL: the SQL our selector runs for that request, executed directly (count + page).
- full scan: the same count + page without the bounding-box prefilter, i.e. Haversine over
  every recruiting party.
- naive full-scan distance: the textbook query, full Haversine distance for every recruiting
  party, filtered and sorted on it, plus its count.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scratch_db import ensure_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gonggu_bench_nearby"
SEED = 20261125
RADIUS_KM = 10.0
DATA_TAG = "nearby-bench-v2"

# (name, lat, lng, weight, spread in km): metropolitan areas, weights roughly by population.
CITIES = [
    ("서울", 37.5665, 126.9780, 0.30, 9.0),
    ("부산", 35.1796, 129.0756, 0.10, 8.0),
    ("인천", 37.4563, 126.7052, 0.07, 7.0),
    ("대구", 35.8714, 128.6014, 0.07, 7.0),
    ("대전", 36.3504, 127.3845, 0.04, 6.0),
    ("광주", 35.1595, 126.8526, 0.04, 6.0),
    ("울산", 35.5384, 129.3114, 0.03, 6.0),
    ("수원", 37.2636, 127.0286, 0.05, 6.0),
    ("성남", 37.4200, 127.1267, 0.03, 5.0),
    ("고양", 37.6584, 126.8320, 0.03, 5.0),
    ("용인", 37.2411, 127.1776, 0.03, 6.0),
    ("창원", 35.2280, 128.6811, 0.03, 6.0),
    ("청주", 36.6424, 127.4890, 0.02, 5.0),
    ("전주", 35.8242, 127.1480, 0.02, 5.0),
    ("천안", 36.8151, 127.1139, 0.02, 5.0),
    ("제주", 33.4996, 126.5312, 0.02, 6.0),
]
SCATTER_WEIGHT = 0.10  # the rest of the country, uniformly over the mainland box
MAINLAND = (34.3, 38.3, 126.1, 129.4)


def _database_url(args: argparse.Namespace) -> str:
    return args.database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    for name in ("REDIS_URL", "RABBITMQ_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _city_point(rng: random.Random, city) -> tuple[float, float]:
    _, lat, lng, _, spread_km = city
    dlat = rng.gauss(0, spread_km) / 111.2
    dlng = rng.gauss(0, spread_km) / (111.2 * math.cos(math.radians(lat)))
    return lat + dlat, lng + dlng


def _random_location(rng: random.Random) -> tuple[float, float]:
    from common.geo import in_korea

    if rng.random() < SCATTER_WEIGHT:
        while True:
            lat = rng.uniform(MAINLAND[0], MAINLAND[1])
            lng = rng.uniform(MAINLAND[2], MAINLAND[3])
            if in_korea(lat, lng):
                return lat, lng
    city = rng.choices(CITIES, weights=[c[3] for c in CITIES])[0]
    while True:
        lat, lng = _city_point(rng, city)
        if in_korea(lat, lng):
            return lat, lng


def _fill(n_parties: int, rng: random.Random) -> None:
    """Generate the data with COPY: markets (1 per 50 parties), items, leaders, parties."""
    from django.db import connection

    from accounts.models import User
    from catalog.models import Category, Item
    from markets.models import Market
    from parties.models import Party

    tag = f"{DATA_TAG}-{n_parties}"
    if Market.objects.filter(source="manual", source_id=f"{tag}-0").exists():
        print(f"reusing {Party.objects.count():,} parties already generated ({tag})")
        return
    print(f"generating {n_parties:,} parties ...", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE parties_membership, parties_party, markets_market, catalog_item, "
            "catalog_category RESTART IDENTITY CASCADE"
        )
    User.objects.filter(email__startswith="bench-").delete()

    category = Category.objects.create(source="manual", key="벤치", name="벤치", depth=1)
    Item.objects.bulk_create(
        Item(source="manual", source_key=f"bench-{i}", name=f"벤치 품목 {i}", category=category)
        for i in range(1000)
    )
    item_ids = list(Item.objects.values_list("id", flat=True))
    leaders = User.objects.bulk_create(
        User(email=f"bench-{i}@example.kr", nickname=f"벤치{i}", password="!") for i in range(1000)
    )
    leader_ids = [u.id for u in leaders]

    n_markets = max(10, n_parties // 50)
    market_rows = []
    for i in range(n_markets):
        lat, lng = _random_location(rng)
        market_rows.append((f"{tag}-{i}", f"벤치마트 {i}", lat, lng))
    Market.objects.bulk_create(
        (
            Market(source="manual", source_id=sid, name=name, lat=lat, lng=lng)
            for sid, name, lat, lng in market_rows
        ),
        batch_size=5000,
    )
    markets = list(Market.objects.values_list("id", "lat", "lng"))

    now = datetime.now(UTC)
    columns = (
        "leader_id, market_id, item_id, title, description, total_price, total_quantity, "
        "unit, capacity, meet_at, recruit_until, status, member_count, lat, lng, sido, "
        "sigungu, created_at, updated_at"
    )
    statuses = ["closed", "completed", "completed", "completed", "cancelled"]
    with connection.cursor() as cursor:
        raw = cursor.connection  # psycopg 3 connection
        with raw.cursor().copy(f"COPY parties_party ({columns}) FROM STDIN") as copy:
            for i in range(n_parties):
                market_id, lat, lng = rng.choice(markets)
                recruiting = rng.random() < 0.10
                if recruiting:
                    recruit_until = now + timedelta(minutes=rng.randint(10, 60 * 24 * 7))
                    status, members = "recruiting", rng.randint(1, 3)
                else:
                    recruit_until = now - timedelta(minutes=rng.randint(60, 60 * 24 * 365))
                    status, members = rng.choice(statuses), rng.randint(1, 4)
                meet_at = recruit_until + timedelta(hours=rng.randint(1, 48))
                copy.write_row(
                    (
                        rng.choice(leader_ids), market_id, rng.choice(item_ids),
                        f"벤치 파티 {i}", "", rng.randint(5000, 90000), 12, "개", 4,
                        meet_at, recruit_until, status, members, lat, lng, "", "",
                        recruit_until - timedelta(days=1), now,
                    )
                )  # fmt: skip
        cursor.execute("VACUUM ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


def _points(rng: random.Random, count: int) -> list[tuple[float, float]]:
    points = []
    while len(points) < count:
        city = rng.choices(CITIES, weights=[c[3] for c in CITIES])[0]
        points.append(_city_point(rng, (*city[:4], 5.0)))
    return points


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


NUMBER = r"-?[0-9.]+(?:e-?[0-9]+)?"
# The prefilter in the SQL Django writes: the lat and lng ranges, then the stripes.
BOX = re.compile(
    rf' AND "parties_party"\."lat" BETWEEN {NUMBER} AND {NUMBER} '
    rf'AND "parties_party"\."lng" BETWEEN {NUMBER} AND {NUMBER} '
    r'AND "parties_party"\."lng_stripe" IN \([0-9, ]+\)'
)


def _full_scan(statements: list[str]) -> list[str]:
    """Our SQL without the bounding box: Haversine over every recruiting party."""
    cut = [BOX.sub("", sql) for sql in statements]
    if cut == statements:
        raise SystemExit("could not find the bounding box in the SQL; update BOX")
    return cut


def _naive(lat: float, lng: float) -> list[str]:
    """The textbook query: the full Haversine distance (asin, sqrt) for every recruiting
    party, filtered and sorted on it, plus its count; no prefilter, no term trick."""
    phi, lam = math.radians(lat), math.radians(lng)
    distance = (
        f"{2 * 6371.0088} * ASIN(SQRT(POWER(SIN((RADIANS(lat) - {phi}) / 2), 2) + "
        f"COS({phi}) * COS(RADIANS(lat)) * POWER(SIN((RADIANS(lng) - {lam}) / 2), 2)))"
    )
    where = f"status = 'recruiting' AND recruit_until > now() AND {distance} <= {RADIUS_KM}"
    return [
        f"SELECT COUNT(*) FROM parties_party WHERE {where}",
        f"SELECT id, {distance} AS d FROM parties_party WHERE {where} ORDER BY d, id LIMIT 20",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=1_000_000)
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--skip-full-scan", action="store_true")
    args = parser.parse_args()

    url = _database_url(args)
    ensure_database(url)
    _setup_django(url)
    rng = random.Random(SEED)
    _fill(args.parties, rng)

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parties.models import Party

    recruiting = Party.objects.filter(status="recruiting").count()
    total = Party.objects.count()
    points = _points(random.Random(SEED + 1), args.points)
    client = Client()

    def api(lat: float, lng: float):
        return client.get(
            "/api/v1/parties/nearby", {"lat": f"{lat:.6f}", "lng": f"{lng:.6f}", "radius_km": 10}
        )

    for lat, lng in points[:10]:  # warm caches and connections
        api(lat, lng)

    api_ms, query_counts, result_counts, sqls = [], set(), [], []
    for lat, lng in points:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = api(lat, lng)
            api_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
        body = response.json()
        result_counts.append(body["count"])
        query_counts.add(len(ctx.captured_queries))
        sqls.append([q["sql"] for q in ctx.captured_queries])
    reset_queries()

    def run_sql(statements: list[str]) -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()
        return (time.perf_counter() - started) * 1000

    sql_ms = [run_sql(statements) for statements in sqls]
    full_ms, naive_ms = [], []
    if not args.skip_full_scan:
        full_ms = [run_sql(_full_scan(statements)) for statements in sqls]
        naive_ms = [run_sql(_naive(lat, lng)) for lat, lng in points]

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sqls[0][0])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    print()
    print(f"parties: {total:,} ({recruiting:,} recruiting), points: {len(points)} in cities, "
          f"radius {RADIUS_KM:g} km, page 20")  # fmt: skip
    print(f"results per point: median {statistics.median(result_counts):,.0f}, "
          f"max {max(result_counts):,}")  # fmt: skip
    print(f"queries per API request: {sorted(query_counts)} (constant: {len(query_counts) == 1})")
    print()
    print(f"{'':28} {'p50 ms':>9} {'p99 ms':>9}")
    print(f"{'API (Django, 20 results)':28} {_pct(api_ms, 0.5):9.2f} {_pct(api_ms, 0.99):9.2f}")
    print(f"{'our SQL (count + page)':28} {_pct(sql_ms, 0.5):9.2f} {_pct(sql_ms, 0.99):9.2f}")
    if full_ms:
        print(f"{'full-scan Haversine':28} {_pct(full_ms, 0.5):9.2f} {_pct(full_ms, 0.99):9.2f}")
        print(f"{'naive full-scan distance':28} {_pct(naive_ms, 0.5):9.2f} "
              f"{_pct(naive_ms, 0.99):9.2f}")  # fmt: skip
        print()
        print(f"our SQL vs full scan: {_pct(full_ms, .5) / _pct(sql_ms, .5):.1f}x faster at p50, "
              f"{_pct(full_ms, .99) / _pct(sql_ms, .99):.1f}x at p99")  # fmt: skip
        print(f"our SQL vs naive full-scan distance: "
              f"{_pct(naive_ms, .5) / _pct(sql_ms, .5):.1f}x faster at p50, "
              f"{_pct(naive_ms, .99) / _pct(sql_ms, .99):.1f}x at p99")  # fmt: skip
    print()
    print("plan of the page-ids query at the first point:")
    print(plan)


if __name__ == "__main__":
    main()
