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
- SQL: the SQL our selector runs for that request, executed directly (the nearest-first
  page of ids and distances from the GiST index, then the page's rows).
- full scan: the same statements with the page query replaced by the Haversine term over
  every recruiting party (from the covering index), filtered and sorted on it.
- naive full-scan distance: the same with the textbook query instead, the full Haversine
  distance for every recruiting party, filtered and sorted on it.
"""

from __future__ import annotations

import argparse
import math
import os
import random
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
    os.environ["DJANGO_DEV_MODE"] = "1"  # a development tool, not a deployment
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
    # The tag market is written first: an interrupted run leaves it without its parties.
    if (
        Market.objects.filter(source="manual", source_id=f"{tag}-0").exists()
        and Party.objects.count() == n_parties
    ):
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


def _page_from(ids_sql, params, lat: float, lng: float) -> str:
    """The page's rows as our query reads them (market, item, leader, nearest first), for
    the ids a baseline found: only how the ids are found differs between the three."""
    from django.db import connection
    from django.db.models import FloatField
    from django.db.models.expressions import RawSQL

    from parties.selectors import _CHORD_SQL, _listed, unit_vector

    vector = unit_vector(lat, lng)
    page = (
        _listed()
        .annotate(chord=RawSQL(_CHORD_SQL, vector, output_field=FloatField()))
        .filter(id__in=RawSQL(ids_sql, params))
        .order_by("chord", "id")
    )
    sql, all_params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, all_params)


def _full_scan(lat: float, lng: float):
    """The 21 nearest within the radius without any prefilter: the Haversine term for every
    recruiting party (PostgreSQL reads them from the covering partial index alone),
    filtered and sorted on it."""
    from parties.models import Party
    from parties.selectors import (
        BOUNDARY_EPSILON_KM,
        haversine_term_expression,
        term_for_distance,
    )

    ids = (
        Party.objects.recruiting()
        .annotate(term=haversine_term_expression(lat, lng))
        .filter(term__lte=term_for_distance(RADIUS_KM + BOUNDARY_EPSILON_KM))
        .order_by("term", "id")
        .values("id")[:21]
    )
    return ids.query.sql_with_params()


def _naive(lat: float, lng: float):
    """The textbook query: the full Haversine distance (asin, sqrt) for every recruiting
    party, filtered and sorted on it; no prefilter, no term trick."""
    phi, lam = math.radians(lat), math.radians(lng)
    distance = (
        f"{2 * 6371.0088} * ASIN(SQRT(POWER(SIN((RADIANS(lat) - {phi}) / 2), 2) + "
        f"COS({phi}) * COS(RADIANS(lat)) * POWER(SIN((RADIANS(lng) - {lam}) / 2), 2)))"
    )
    where = f"status = 'recruiting' AND recruit_until > now() AND {distance} <= {RADIUS_KM}"
    return f"SELECT id FROM parties_party WHERE {where} ORDER BY {distance}, id LIMIT 21", ()


def _ours(lat: float, lng: float):
    """The ids part of our query, as the selector builds it for the API's first page."""
    from common.params import Point
    from parties.models import Party
    from parties.selectors import nearest_ids_postgresql

    ids = nearest_ids_postgresql(
        Party.objects.recruiting().order_by(),
        Point(lat, lng, RADIUS_KM),
        offset=0,
        limit=21,
        filtered=False,
    )
    return ids.sql, ids.params


def _mogrify(sql, params) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params)


def _count_within(lat: float, lng: float) -> int:
    """How many parties the circle holds (for the report only; the API does not count)."""
    from django.db import connection

    from parties.selectors import chord_for_distance, unit_vector

    x, y, z = unit_vector(lat, lng)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM parties_party WHERE status = 'recruiting' "
            "AND recruit_until > now() AND earth <-> cube(ARRAY[%s, %s, %s]::float8[]) <= %s",
            (x, y, z, chord_for_distance(RADIUS_KM)),
        )
        return cursor.fetchone()[0]


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

    with connection.cursor() as cursor:
        # Up-to-date statistics and visibility map (a migration may have rewritten the table):
        # index-only scans, ours and the full scan's, depend on it.
        cursor.execute("VACUUM ANALYZE parties_party")
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
        assert len(response.json()["results"]) <= 20
        query_counts.add(len(ctx.captured_queries))
        sqls.append([q["sql"] for q in ctx.captured_queries])
    reset_queries()

    result_counts = [_count_within(lat, lng) for lat, lng in points]
    if query_counts != {1}:
        raise SystemExit(f"expected the API to run one query, saw {sorted(query_counts)}")
    api_sql = [statements[0] for statements in sqls]

    def run_sql(sql: str) -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()
        return (time.perf_counter() - started) * 1000

    # How the ids are found (the search itself), then the whole statement the API runs:
    # the same rows read for those ids (market, item, leader), so only the search differs.
    finders = {"ours": _ours, "full-scan Haversine": _full_scan, "naive full-scan": _naive}
    if args.skip_full_scan:
        finders = {"ours": _ours}
    search_ms, statement_ms = {}, {}
    for name, finder in finders.items():
        found = [finder(lat, lng) for lat, lng in points]
        search_ms[name] = [run_sql(_mogrify(sql, params)) for sql, params in found]
        statement_ms[name] = [
            run_sql(_page_from(sql, params, lat, lng))
            for (sql, params), (lat, lng) in zip(found, points, strict=True)
        ]
    statement_ms["ours, as the API sent it"] = [run_sql(sql) for sql in api_sql]

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + api_sql[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    def row(label: str, values: list[float]) -> None:
        print(f"{label:38} {_pct(values, 0.5):9.2f} {_pct(values, 0.99):9.2f}")

    print()
    print(f"parties: {total:,} ({recruiting:,} recruiting), points: {len(points)} in cities, "
          f"radius {RADIUS_KM:g} km, page 20")  # fmt: skip
    print(f"results per point: median {statistics.median(result_counts):,.0f}, "
          f"max {max(result_counts):,}")  # fmt: skip
    print(f"queries per API request: {sorted(query_counts)} (constant: {len(query_counts) == 1})")
    print()
    print(f"{'':38} {'p50 ms':>9} {'p99 ms':>9}")
    row("API (Django, 20 results)", api_ms)
    print("search: the page's 21 ids")
    for name, values in search_ms.items():
        row(f"  {name}", values)
    print("whole statement: those ids' rows with market, item, leader")
    for name, values in statement_ms.items():
        row(f"  {name}", values)
    ours_search, ours_statement = search_ms["ours"], statement_ms["ours"]
    for name in finders:
        if name == "ours":
            continue
        print()
        print(f"ours vs {name}: search {_pct(search_ms[name], .5) / _pct(ours_search, .5):.1f}x "
              f"faster at p50, {_pct(search_ms[name], .99) / _pct(ours_search, .99):.1f}x at p99; "
              f"whole statement {_pct(statement_ms[name], .5) / _pct(ours_statement, .5):.1f}x "
              f"at p50, {_pct(statement_ms[name], .99) / _pct(ours_statement, .99):.1f}x "
              "at p99")  # fmt: skip
    print()
    print("plan of the API's query at the first point:")
    print(plan)


if __name__ == "__main__":
    main()
