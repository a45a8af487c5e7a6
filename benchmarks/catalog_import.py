"""Benchmark: the public-data item import, ours vs a naive baseline, in one run.

    .venv/bin/python benchmarks/catalog_import.py [--rows 100000] [--latency 0.05]
        [--baseline-rows 20000] [--workers 8]
        [--database-url postgres://postgres@127.0.0.1:5432/gonggu_bench_catalog]

A local fake of the mafra API (``tests/fakes/public_data.py``, the real envelope) serves
``--rows`` rows in pages of 1000, each answer delayed by ``--latency`` seconds. Each variant
runs in a fresh child process on a scratch PostgreSQL database emptied of mafra items first,
and reports its wall time and peak RSS:

- **ours**: ``catalog.services.catalog_import`` (pages fetched ``--workers`` at a time,
  deduplicated, bulk upserts in chunks, one transaction per chunk);
- **naive**: the original's first version — pages fetched one after another, then per row
  ``Category.objects.get_or_create`` and ``Item.objects.get_or_create`` — over the first
  ``--baseline-rows`` rows (its rate per row is flat, and the whole set would take minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from scratch_db import ensure_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gonggu_bench_catalog"
KEY = "bench-key"


def _setup_django(database_url: str, api_url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "MAFRA_API_URL": api_url,
            "MAFRA_API_KEY": KEY,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEV_MODE": "1",  # a development tool, not a deployment
            "LOG_LEVEL": "ERROR",
        }
    )
    for name in ("REDIS_URL", "RABBITMQ_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _naive(rows: int) -> dict:
    import requests

    from catalog.models import Category, Item

    base = os.environ["MAFRA_API_URL"]
    created = 0
    for start in range(1, rows + 1, 1000):
        end = min(start + 999, rows)
        url = f"{base}/{KEY}/json/Grid_20151207000000000328_1/{start}/{end}"
        body = requests.get(url, timeout=30).json()["Grid_20151207000000000328_1"]
        for row in body["row"]:
            category, _ = Category.objects.get_or_create(
                source="mafra",
                key=row["STD_PRDLST_NM"].strip(),
                defaults={"name": row["STD_PRDLST_NM"].strip(), "depth": 1},
            )
            _, made = Item.objects.get_or_create(
                source="mafra",
                source_key=f"{row['STD_PRDLST_CODE']}:{row['STD_SPCIES_CODE']}",
                defaults={"name": row["STD_SPCIES_NM"].strip(), "category": category},
            )
            created += made
    return {"rows": rows, "created": created}


def _ours(rows: int, workers: int) -> dict:
    from catalog.services import catalog_import

    run = catalog_import(source="mafra", limit=rows, workers=workers)
    assert run.status == "succeeded", run.errors
    return {"rows": run.fetched, "created": run.created}


def _child(args) -> None:
    """One variant in this fresh process; prints a JSON line."""
    _setup_django(args.database_url, args.api_url)
    from catalog.models import Category, Item

    Item.objects.filter(source="mafra").delete()
    Category.objects.filter(source="mafra").delete()
    from catalog.models import ImportRun

    ImportRun.objects.filter(status="running").update(status="failed")
    started = time.perf_counter()
    result = _ours(args.rows, args.workers) if args.variant == "ours" else _naive(args.rows)
    result["seconds"] = time.perf_counter() - started
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _run_child(args, variant: str, rows: int, api_url: str) -> dict:
    command = [
        sys.executable, __file__, "--child", variant, "--rows", str(rows),
        "--workers", str(args.workers), "--database-url", args.database_url,
        "--api-url", api_url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--child", choices=["ours", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.database_url = (
        args.database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    )
    if args.child:
        args.variant = args.child
        _child(args)
        return

    ensure_database(args.database_url)
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEV_MODE"] = "1"  # a development tool, not a deployment
    for name in ("REDIS_URL", "RABBITMQ_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.fakes.public_data import FakePublicData, mafra_rows

    with FakePublicData(api_key=KEY) as fake:
        fake.mafra = mafra_rows(args.rows)
        fake.latency = args.latency
        ours = _run_child(args, "ours", args.rows, fake.url)
        ours_requests = len(fake.requests)
        fake.requests.clear()
        baseline_rows = min(args.baseline_rows, args.rows)
        naive = _run_child(args, "naive", baseline_rows, fake.url)
        naive_requests = len(fake.requests)

    ours_rate = ours["rows"] / ours["seconds"]
    naive_rate = naive["rows"] / naive["seconds"]
    print()
    print(f"fake mafra API: {args.rows:,} rows, pages of 1000, {args.latency * 1000:.0f} ms a "
          f"page; PostgreSQL scratch database; workers {args.workers}")  # fmt: skip
    print(f"{'':34} {'rows':>9} {'requests':>9} {'seconds':>9} {'rows/s':>9} {'peak RSS':>9}")
    for label, result, requests_made in (
        ("ours (concurrent pages, bulk)", ours, ours_requests),
        ("naive (serial, get_or_create)", naive, naive_requests),
    ):
        rate = result["rows"] / result["seconds"]
        print(f"{label:34} {result['rows']:>9,} {requests_made:>9,} {result['seconds']:>9.2f} "
              f"{rate:>9,.0f} {result['peak_rss_mb']:>7.0f}MB")  # fmt: skip
    print()
    print(f"ours vs naive: {ours_rate / naive_rate:.1f}x rows/s")
    print("targets:")
    print(f"  >= 20x the baseline: {ours_rate / naive_rate:.1f}x "
          f"{'PASS' if ours_rate >= 20 * naive_rate else 'MISS'}")  # fmt: skip
    print(f"  >= 10,000 rows/s end to end: {ours_rate:,.0f} "
          f"{'PASS' if ours_rate >= 10_000 else 'MISS'}")  # fmt: skip


if __name__ == "__main__":
    main()
