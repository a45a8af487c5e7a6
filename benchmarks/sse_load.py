"""Benchmark: live notifications over SSE, N connections held on one daphne process, side by
side with a bare Django async streaming view under daphne (the baseline) in the same run.

    .venv/bin/python benchmarks/sse_load.py [--connections 5000] [--targeted 50]
        [--favoriters 50] [--database-url postgres://postgres@127.0.0.1:5432/gonggu_bench_sse]

What runs (services mode, as in production): one daphne web process (``config.asgi``), the
``dispatcher`` process (outbox relay + region-queue consumer), PostgreSQL, RabbitMQ and Redis
(channel layer), each with names of this run's own. The load client is one asyncio process on
the same machine (its CPU use is part of every figure).

1. Baseline: daphne serving ``sse_baseline.py`` (a bare async streaming view); open N
   connections, wait for every ``retry:``, report RSS growth per connection.
2. Gonggu: open N authenticated streams (``?token=<access JWT>``) to
   ``/api/v1/notifications/stream``; each has joined its user's group when ``retry:`` arrives.
   Report RSS growth per connection.
3. Targeted deliveries while the N are held: ``--targeted`` parties are created, one every
   100 ms, each at a market that ``--favoriters`` of the connected users favorited;
   commit-to-receipt latency of every delivery (commit time taken after ``party_create``
   returns, receipt time when the client parsed the event; one clock), p50/p99.
4. Fan-out: one party at a market every connected user favorited; the time from commit
   until all N streams received it (and p50 of the N receipts).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from scratch_db import ensure_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gonggu_bench_sse"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
USER_PREFIX = "sse-bench-"
PREFIX = f"gonggu-sse-bench-{uuid.uuid4().hex[:8]}"
OPEN_BATCH = 250


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _raise_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(needed, soft)), hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        raise SystemExit(f"open-file limit {soft} < {needed}: raise it (ulimit -n)")


def _env(args) -> dict[str, str]:
    return {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "RABBITMQ_URL": args.rabbitmq_url,
        "NOTIFICATIONS_PREFIX": PREFIX,
        "NOTIFICATIONS_QUEUE_EXPIRES_MS": "300000",
        "CHANNEL_LAYER_PREFIX": PREFIX,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_DEV_MODE": "1",  # a development tool, not a deployment
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def _setup_django(args) -> None:
    os.environ.update(_env(args))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(args):
    """N users, one leader, ``targeted`` markets each favorited by ``favoriters`` users, and
    one market every user favorited. Reused across runs of the same size."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from catalog.models import Category, Item
    from markets.models import Market
    from notifications.models import FavoriteMarket

    n = args.connections
    tag = f"{USER_PREFIX}{n}-{args.targeted}-{args.favoriters}"
    password = make_password("bench-password-1")
    users = list(User.objects.filter(email__startswith=f"{tag}-").order_by("id"))
    if len(users) != n:
        # Other sizes' users (never the leader: its parties keep it).
        User.objects.filter(email__startswith=USER_PREFIX).exclude(
            email=f"{USER_PREFIX}leader@bench.local"
        ).delete()
        User.objects.bulk_create(
            User(email=f"{tag}-{i}@bench.local", nickname=f"sseb{i}", password=password)
            for i in range(n)
        )
        users = list(User.objects.filter(email__startswith=f"{tag}-").order_by("id"))
    leader, _ = User.objects.get_or_create(
        email=f"{USER_PREFIX}leader@bench.local",
        defaults={"nickname": "sseb-leader", "password": password},
    )
    category, _ = Category.objects.get_or_create(name="벤치 분류", parent=None)
    item, _ = Item.objects.get_or_create(name="벤치 휴지", category=category)

    def market(name: str) -> Market:
        found, _ = Market.objects.get_or_create(
            name=name,
            defaults={
                "source": Market.Source.DEMO,
                "source_id": name,
                "road_address": "서울특별시 마포구 벤치로 1",
                "lat": 37.55,
                "lng": 126.91,
                "sido": "서울특별시",
                "sigungu": "마포구",
            },
        )
        return found

    targeted = [market(f"{tag} 마트 {i}") for i in range(args.targeted)]
    everyone = market(f"{tag} 모두의 마트")
    FavoriteMarket.objects.filter(market__name__startswith=USER_PREFIX).exclude(
        market__name__startswith=tag
    ).delete()
    if FavoriteMarket.objects.filter(market=everyone).count() != n:
        FavoriteMarket.objects.filter(market__in=[*targeted, everyone]).delete()
        favorites = [FavoriteMarket(user=u, market=everyone) for u in users]
        fans_of = {}
        for i, m in enumerate(targeted):
            fans = [users[(i * args.favoriters + k) % n] for k in range(args.favoriters)]
            fans_of[m.id] = fans
            favorites += [FavoriteMarket(user=u, market=m) for u in fans]
        FavoriteMarket.objects.bulk_create(favorites, batch_size=5000)
    fans_of = {
        m.id: set(FavoriteMarket.objects.filter(market=m).values_list("user_id", flat=True))
        for m in targeted
    }
    return users, leader, item, targeted, everyone, fans_of


class Streams:
    """N SSE connections in this process's event loop, recording receipt times."""

    def __init__(self, port: int, path_for) -> None:
        self.port = port
        self.path_for = path_for  # user index -> request path
        self.ready = 0
        self.errors = 0
        self.receipts: dict[int, dict[int, float]] = {}  # party id -> user index -> time
        self.writers: list[asyncio.StreamWriter] = []
        self.tasks: list[asyncio.Task] = []

    async def _one(self, index: int, opened: asyncio.Event) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            self.errors += 1
            opened.set()
            return
        self.writers.append(writer)
        writer.write(
            f"GET {self.path_for(index)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        buffer = b""
        try:
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    break
                now = time.perf_counter()
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    if line.startswith(b"retry:"):
                        self.ready += 1
                        opened.set()
                    elif line.startswith(b"data: "):
                        party_id = json.loads(line[6:])["party_id"]
                        self.receipts.setdefault(party_id, {})[index] = now
                    elif line.startswith(b"HTTP/1.1 ") and not line.startswith(b"HTTP/1.1 200"):
                        self.errors += 1
                        opened.set()
        except (OSError, ValueError):
            self.errors += 1
        finally:
            opened.set()

    async def open(self, count: int) -> None:
        for start in range(0, count, OPEN_BATCH):
            events = []
            for index in range(start, min(count, start + OPEN_BATCH)):
                opened = asyncio.Event()
                events.append(opened)
                self.tasks.append(asyncio.create_task(self._one(index, opened)))
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), timeout=60)

    async def close(self) -> None:
        for writer in self.writers:
            writer.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def _start(cmd: list[str], cwd: Path, env: dict, log: Path) -> subprocess.Popen:
    child_env = {**os.environ, **env}
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, cwd=cwd, env=child_env, stdout=out, stderr=subprocess.STDOUT)


def _wait_port(port: int, process: subprocess.Popen, log: Path) -> None:
    import socket

    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise SystemExit(f"server exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"server did not start:\n{log.read_text(errors='replace')}"
                ) from None
            time.sleep(0.1)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _rss(pid: int) -> int:
    import psutil

    return psutil.Process(pid).memory_info().rss


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _hold(port: int, pid: int, count: int, path_for) -> tuple[Streams, int, int]:
    # Warm up first (imports, thread pool, database pool): the growth measured afterwards is
    # what each held connection costs, not what serving the first request costs.
    warm = Streams(port, path_for)
    await warm.open(min(50, count))
    await warm.close()
    await asyncio.sleep(1.0)
    before = _rss(pid)
    streams = Streams(port, path_for)
    await streams.open(count)
    await asyncio.sleep(2.0)  # let the server settle (allocations, queued callbacks)
    after = _rss(pid)
    return streams, before, after


def _measure_baseline(args, log_dir: Path) -> dict:
    port = _free_port()
    log = log_dir / "baseline.log"
    process = _start(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "sse_baseline:application"],
        ROOT / "benchmarks", {"PYTHONUNBUFFERED": "1"}, log,
    )  # fmt: skip
    try:
        _wait_port(port, process, log)

        async def run():
            streams, before, after = await _hold(
                port, process.pid, args.connections, lambda i: "/api/v1/notifications/stream"
            )
            result = {"held": streams.ready, "errors": streams.errors, "rss": (before, after)}
            await streams.close()
            return result

        return asyncio.run(run())
    finally:
        _stop(process)


def _create_party(leader, item, market, title: str) -> tuple[int, float]:
    from django.utils import timezone

    from parties.services import party_create

    now = timezone.now()
    party = party_create(
        leader=leader,
        market_id=market.id,
        item_id=item.id,
        title=title,
        description="",
        total_price=30000,
        total_quantity=30,
        unit="롤",
        capacity=4,
        meet_at=now + timedelta(days=2),
        recruit_until=now + timedelta(days=1),
    )
    return party.id, time.perf_counter()  # committed: party_create's transaction has ended


def _measure_gonggu(args, log_dir: Path, data) -> dict:
    from rest_framework_simplejwt.tokens import AccessToken

    users, leader, item, targeted, everyone, fans_of = data
    index_of = {u.id: i for i, u in enumerate(users)}
    tokens = [str(AccessToken.for_user(u)) for u in users]
    port = _free_port()
    web_log, dispatcher_log = log_dir / "web.log", log_dir / "dispatcher.log"
    env = _env(args)
    web = _start(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "config.asgi:application"],
        ROOT, env, web_log,
    )  # fmt: skip
    dispatcher = _start([sys.executable, "manage.py", "dispatcher"], ROOT, env, dispatcher_log)
    try:
        _wait_port(port, web, web_log)
        time.sleep(1.0)

        async def run():
            streams, before, after = await _hold(
                port,
                web.pid,
                args.connections,
                lambda i: f"/api/v1/notifications/stream?token={tokens[i]}",
            )
            result = {"held": streams.ready, "errors": streams.errors, "rss": (before, after)}
            # Targeted deliveries while every stream is held.
            latencies, missing = [], 0
            created = []
            for i, market in enumerate(targeted):
                created.append(
                    await asyncio.to_thread(_create_party, leader, item, market, f"벤치 {i}")
                )
                await asyncio.sleep(0.1)
            await asyncio.sleep(3.0)
            for (party_id, committed), market in zip(created, targeted, strict=True):
                got = streams.receipts.get(party_id, {})
                expected = {index_of[u] for u in fans_of[market.id] if u in index_of}
                missing += len(expected - set(got))
                latencies += [(got[i] - committed) * 1000 for i in expected if i in got]
            result["targeted"] = (latencies, missing, len(created))
            # One event to everyone.
            party_id, committed = await asyncio.to_thread(
                _create_party, leader, item, everyone, "모두에게"
            )
            deadline = time.monotonic() + 60
            while len(streams.receipts.get(party_id, {})) < streams.ready:
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
            times = [(t - committed) * 1000 for t in streams.receipts.get(party_id, {}).values()]
            result["fanout"] = (times, streams.ready)
            await streams.close()
            return result

        return asyncio.run(run())
    finally:
        _stop(dispatcher)
        _stop(web)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=5000)
    parser.add_argument("--targeted", type=int, default=50, help="targeted events")
    parser.add_argument("--favoriters", type=int, default=50, help="recipients per event")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    parser.add_argument(
        "--rabbitmq-url", default=os.environ.get("RABBITMQ_URL") or DEFAULT_RABBITMQ_URL
    )
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    args.database_url = (
        args.database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    )
    _raise_file_limit(args.connections * 2 + 200)
    ensure_database(args.database_url)
    _setup_django(args)
    data = _fill(args)
    log_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"gonggu-sse-bench-{os.getpid()}"
    log_dir.mkdir(parents=True, exist_ok=True)

    baseline = None if args.skip_baseline else _measure_baseline(args, log_dir)
    ours = _measure_gonggu(args, log_dir, data)

    def per_connection(result) -> float:
        before, after = result["rss"]
        return (after - before) / max(1, result["held"]) / 1024

    print()
    print(f"{args.connections:,} connections requested, one daphne process each; "
          f"{threading.active_count()} client threads; logs in {log_dir}")  # fmt: skip
    print(f"{'':34} {'held':>7} {'errors':>7} {'RSS before':>11} {'RSS after':>10} "
          f"{'KB / conn':>10}")  # fmt: skip
    rows = [("bare Django streaming view", baseline), ("Gonggu notifications stream", ours)]
    for label, result in rows:
        if result is None:
            continue
        before, after = result["rss"]
        print(f"{label:34} {result['held']:>7,} {result['errors']:>7,} "
              f"{before / 2**20:>9.1f}MB {after / 2**20:>8.1f}MB "
              f"{per_connection(result):>10.1f}")  # fmt: skip
    latencies, missing, events = ours["targeted"]
    print()
    if latencies:
        print(f"targeted: {events} party.created events x {args.favoriters} favoriters while "
              f"{ours['held']:,} held: {len(latencies):,} delivered, {missing} missing, "
              f"commit-to-receipt p50 {_pct(latencies, .5):.1f} ms, "
              f"p99 {_pct(latencies, .99):.1f} ms, max {max(latencies):.1f} ms")  # fmt: skip
    else:
        print(f"targeted: nothing delivered ({missing} missing)")
    times, held = ours["fanout"]
    if times:
        print(f"fan-out to all: {len(times):,}/{held:,} streams received one event; "
              f"p50 {statistics.median(times):.0f} ms, all by {max(times):.0f} ms "
              "after commit")  # fmt: skip
    else:
        print("fan-out to all: nothing received")
    print()
    kb = per_connection(ours)
    p99 = _pct(latencies, 0.99) if latencies else float("inf")
    print("targets:")
    print(f"  >= 5,000 connections on one process: {ours['held']:,} "
          f"{'PASS' if ours['held'] >= 5000 else 'MISS'}")  # fmt: skip
    print(f"  <= 60 KB per connection: {kb:.1f} KB {'PASS' if kb <= 60 else 'MISS'}")
    print(f"  targeted p99 <= 200 ms while held, 100% delivered: p99 {p99:.1f} ms, "
          f"{missing} missing {'PASS' if p99 <= 200 and missing == 0 else 'MISS'}")  # fmt: skip


if __name__ == "__main__":
    main()
