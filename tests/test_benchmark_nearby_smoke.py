"""The nearby benchmark still runs end to end (smoke sizes, scratch database)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SMOKE_DATABASE = "gonggu_bench_nearby_smoke"


def _url_with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


@pytest.mark.services("postgresql")
def test_nearby_benchmark_smoke() -> None:
    server = os.environ["DATABASE_URL"]
    try:
        result = subprocess.run(
            [sys.executable, "benchmarks/nearby.py", "--parties", "5000", "--points", "20",
             "--database-url", _url_with_database(server, SMOKE_DATABASE)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        with psycopg.connect(_url_with_database(server, "postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(SMOKE_DATABASE)
                )
            )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    # Every side of the comparison was measured and the API ran one query per request (at
    # this size the planner rightly reads the few rows directly; the 1M-row plan walks the
    # nearest-first index, docs/benchmarks.md).
    assert "API (Django, 20 results)" in out and "full-scan Haversine" in out
    assert "ours vs full-scan Haversine: search" in out
    assert "queries per API request: [1] (constant: True)" in out
    assert "plan of the API's query" in out
