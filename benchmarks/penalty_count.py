"""Benchmark: reading a user's 90-day penalty count, cached in Redis vs counted in PostgreSQL
with the best index, side by side in one run, at the service level and through the profile
API, with 1 and with 50 concurrent readers.

    .venv/bin/python benchmarks/penalty_count.py [--penalties 1000000] [--reads 2000]
        [--readers 50] [--database-url postgres://postgres@127.0.0.1:5432/gonggu_bench_penalty]

Data (generated once per size with COPY): 50,000 users, 100,000 parties, N penalties spread
over the last 120 days (so part of them are outside the 90-day window), 2 % revoked; a user
has ~20 penalties of which ~15 count.

Modes, over the same random users:
- cache: ``penalties.selectors.user_penalty_count`` with every read a cache hit (Redis via
  django-redis, warmed first); the database is not touched (counted and reported);
- database: the same selector with the cache unreachable, i.e. the fallback: one aggregate
  query answered by the partial index ``penalty_user_active_idx`` (user, created_at) WHERE
  revoked_at IS NULL (an index-only scan; the plan is printed).
Each at the service level (the selector call) and through ``GET /api/v1/users/{id}``
(Django's full stack), with 1 reader and with 50 concurrent readers (forked processes, each
with its own persistent database connection and Redis pool, as web workers have).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scratch_db import ensure_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gonggu_bench_penalty"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
USERS = 50_000
PARTIES = 100_000
TAG = "penalty-bench-v1"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _setup_django(args) -> None:
    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_DEV_MODE": "1",  # a development tool, not a deployment
            "LOG_LEVEL": "ERROR",
            # One persistent connection per reader process, as a sync web worker holds: a
            # forked reader then connects once, directly, and a refused connection fails at
            # once with PostgreSQL's reason instead of a pool timeout.
            "DB_POOL": "0",
            "DB_CONN_MAX_AGE": "3600",
        }
    )
    os.environ.pop("RABBITMQ_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(str(v) for v in row) + "\n")
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buffer.read())


def _fill(n_penalties: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    tag = f"{TAG}-{n_penalties}"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM markets_market WHERE name = %s), "
            "(SELECT count(*) FROM penalties_penalty)",
            [tag],
        )
        tagged, penalties = cursor.fetchone()
        if tagged and penalties == n_penalties:
            print(f"reusing {n_penalties:,} penalties already generated ({tag})")
            return
    # One transaction: the tag (the market row) commits with the rows it vouches for, so an
    # interrupted run leaves nothing that a later run would mistake for a complete data set.
    with transaction.atomic(), connection.cursor() as cursor:
        print(f"generating {n_penalties:,} penalties ...", flush=True)
        started = time.monotonic()
        cursor.execute(
            "TRUNCATE penalties_penalty, notifications_outboxevent, parties_membership, "
            "parties_party, catalog_item, catalog_category, markets_market, accounts_user "
            "RESTART IDENTITY CASCADE"
        )
        rng = random.Random(20261126)
        now = datetime.now(UTC)
        password = make_password("bench-password-1")
        _copy(
            cursor,
            "accounts_user",
            ["email", "nickname", "password", "is_active", "is_staff", "is_superuser",
             "date_joined", "address", "sido", "sigungu"],
            ((f"pb{i}@bench.local", f"pb{i}", password, "t", "f", "f", now.isoformat(), "",
              "", "") for i in range(USERS)),
        )  # fmt: skip
        cursor.execute(
            "INSERT INTO markets_market (source, source_id, name, brand, kind, road_address, "
            "lot_address, lat, lng, sido, sigungu, created_at, updated_at) VALUES "
            "('demo', %s, %s, '', '', '서울특별시 중구 세종대로 110', '', 37.5665, 126.978, "
            "'서울특별시', '중구', now(), now())",
            [tag, tag],
        )
        cursor.execute(
            "INSERT INTO catalog_category (source, key, name, code, depth, parent_id) "
            "VALUES ('demo', %s, '벤치', '', 1, NULL) RETURNING id",
            [tag],
        )
        category_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO catalog_item (name, category_id, source, source_key, barcode, maker, "
            "created_at, updated_at) VALUES ('벤치 휴지', %s, 'demo', %s, '', '', now(), now())",
            [category_id, tag],
        )
        cursor.execute("SELECT id FROM markets_market WHERE name = %s", [tag])
        market_id = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM catalog_item WHERE source_key = %s", [tag])
        item_id = cursor.fetchone()[0]
        meet = now - timedelta(days=30)
        _copy(
            cursor,
            "parties_party",
            ["leader_id", "market_id", "item_id", "title", "description", "total_price",
             "total_quantity", "unit", "capacity", "meet_at", "recruit_until", "status",
             "member_count", "lat", "lng", "sido", "sigungu", "created_at", "updated_at"],
            ((1 + i % USERS, market_id, item_id, f"벤치 파티 {i}", "", 10000, 10, "개", 20,
              meet.isoformat(), (meet - timedelta(hours=1)).isoformat(), "completed", 1,
              37.5665, 126.978, "서울특별시", "중구", now.isoformat(), now.isoformat())
             for i in range(PARTIES)),
        )  # fmt: skip
        per_party = max(1, n_penalties // PARTIES)

        def penalties():
            made = 0
            for party in range(PARTIES):
                leader = 1 + party % USERS
                for k in range(per_party):
                    if made >= n_penalties:
                        return
                    user = 1 + (party * 7919 + k * 104729) % USERS
                    if user == leader:
                        user = 1 + user % USERS
                    created = now - timedelta(seconds=rng.uniform(0, 120 * 86400))
                    revoked = created.isoformat() if rng.random() < 0.02 else "\\N"
                    made += 1
                    yield (party + 1, user, leader, "no_show", "", created.isoformat(), revoked)

        _copy(
            cursor,
            "penalties_penalty",
            ["party_id", "user_id", "given_by_id", "reason", "note", "created_at", "revoked_at"],
            penalties(),
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE penalties_penalty")
    print(f"generated in {time.monotonic() - started:.0f} s")


def _timed(fn, user_ids: list[int], readers: int) -> list[float]:
    """Per-call latency in ms of ``fn(user_id)`` over ``user_ids``, ``readers`` at a time.

    Concurrent readers are processes (forked, each with its own database and Redis
    connections), as web workers are: threads in one process would measure the GIL.
    """
    if readers == 1:
        return _read_all(fn, user_ids)
    import multiprocessing

    global _reader
    _reader = fn  # forked children inherit it (closures do not pickle)
    _close_connections()  # children must open their own: sockets do not survive a fork
    chunks = [user_ids[i::readers] for i in range(readers)]
    context = multiprocessing.get_context("fork")
    with context.Pool(readers, initializer=_child_init) as pool:
        parts = pool.map(_read_chunk, chunks)
    return [latency for part in parts for latency in part]


_reader = None


def _read_chunk(user_ids: list[int]) -> list[float]:
    return _read_all(_reader, user_ids)


def _close_connections() -> None:
    from django.core.cache import cache
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()
    cache.close()


def _child_init() -> None:
    """A forked reader starts with no connections of its parent's."""
    from django.core.cache import cache

    client = getattr(cache, "client", None)
    if client is not None:
        client._clients = [None] * len(client._clients)  # new Redis pools in this process


def _read_all(fn, user_ids: list[int]) -> list[float]:
    fn(user_ids[0])  # warm this process's connections
    latencies = []
    for user_id in user_ids:
        started = time.perf_counter()
        fn(user_id)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--penalties", type=int, default=1_000_000)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--readers", type=int, default=50, help="concurrent reader processes")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    args = parser.parse_args()
    if args.readers < 2:
        parser.error("--readers is the concurrent row: 2 or more (the 1-reader row always runs)")
    args.database_url = (
        args.database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    )
    ensure_database(args.database_url)
    _setup_django(args)
    _fill(args.penalties)

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from penalties import cache as count_cache
    from penalties import selectors
    from penalties.models import Penalty

    total = Penalty.objects.count()
    users = random.Random(7).sample(range(1, USERS + 1), min(args.reads, USERS))
    cache.delete_many([count_cache.count_key(u) for u in users])
    selectors.user_penalty_counts(user_ids=users)  # warm: every later read is a hit
    real_get_many = count_cache.get_many

    def cache_down(user_ids):  # the fallback path: no cache, the indexed count
        return None

    def service(user_id: int) -> int:
        return selectors.user_penalty_count(user_id=user_id)

    client = Client()

    def api(user_id: int) -> int:
        response = client.get(f"/api/v1/users/{user_id}")
        assert response.status_code == 200, response.content
        return response.json()["penalty_count"]

    # The answers agree, and cache hits reach no database.
    with CaptureQueriesContext(connection) as hits:
        cached = [service(u) for u in users[:200]]
    count_cache.get_many = cache_down
    counted = [service(u) for u in users[:200]]
    count_cache.get_many = real_get_many
    assert cached == counted, "cache and database disagree"
    count_queries_on_hits = sum("penalties_penalty" in q["sql"] for q in hits.captured_queries)

    results = {}
    for level, fn in (("service", service), ("profile API", api)):
        for readers in (1, args.readers):
            for mode in ("cache", "database"):
                count_cache.get_many = real_get_many if mode == "cache" else cache_down
                fn(users[0])  # warm connections
                results[(level, readers, mode)] = _timed(fn, users, readers)
    count_cache.get_many = real_get_many

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT count(*), min(created_at) FROM "
            "penalties_penalty WHERE user_id = %s AND revoked_at IS NULL AND created_at >= %s",
            [users[0], datetime.now(UTC) - timedelta(days=90)],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())

    print()
    print(f"penalties: {total:,}; {len(users):,} users read per row; "
          f"penalty_count per user: median {statistics.median(counted):.0f}")  # fmt: skip
    print(f"count queries on {len(cached)} cache hits: {count_queries_on_hits}")
    print()
    print(f"{'':30} {'cache p50':>10} {'cache p99':>10} {'db p50':>9} {'db p99':>9} "
          f"{'db/cache p50':>13}")  # fmt: skip
    for level in ("service", "profile API"):
        for readers in (1, args.readers):
            c, d = results[(level, readers, "cache")], results[(level, readers, "database")]
            print(f"{f'{level}, {readers} reader' + ('s' if readers > 1 else ''):30} "
                  f"{_pct(c, .5):9.3f}ms {_pct(c, .99):9.3f}ms {_pct(d, .5):8.3f}ms "
                  f"{_pct(d, .99):8.3f}ms {_pct(d, .5) / _pct(c, .5):12.1f}x")  # fmt: skip
    print()
    p50 = _pct(results[("service", 1, "cache")], 0.5)
    never_slower = all(
        _pct(results[(lv, r, "cache")], q) <= _pct(results[(lv, r, "database")], q)
        for lv in ("service", "profile API")
        for r in (1, args.readers)
        for q in (0.5, 0.99)
    )
    print("targets:")
    print(f"  cached p50 <= 1 ms at the service level: {p50:.3f} ms "
          f"{'PASS' if p50 <= 1 else 'MISS'}")  # fmt: skip
    print(f"  cache never slower than the indexed count (p50 and p99, every row): "
          f"{'PASS' if never_slower else 'MISS'}")  # fmt: skip
    print(f"  zero count queries on cache hits: {count_queries_on_hits} "
          f"{'PASS' if count_queries_on_hits == 0 else 'MISS'}")  # fmt: skip
    print()
    print("plan of the database count:")
    print(plan)


if __name__ == "__main__":
    main()
