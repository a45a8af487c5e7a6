"""The penalty-count benchmark still runs end to end (smoke sizes, scratch database)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SMOKE_DATABASE = "gonggu_bench_penalty_smoke"


@pytest.mark.services("postgresql", "redis")
def test_penalty_count_benchmark_smoke() -> None:
    server = os.environ["DATABASE_URL"]
    database = urlunparse(urlparse(server)._replace(path=f"/{SMOKE_DATABASE}"))
    try:
        result = subprocess.run(
            [sys.executable, "benchmarks/penalty_count.py", "--penalties", "20000",
             "--reads", "100", "--database-url", database],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    finally:
        maintenance = urlunparse(urlparse(server)._replace(path="/postgres"))
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(SMOKE_DATABASE)
                )
            )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    # Both modes were measured at both levels; cache hits never reached the database, and
    # the database count is the index-only scan.
    for row in ("service, 1 reader", "service, 50 readers", "profile API, 50 readers"):
        assert row in out
    assert "count queries on 100 cache hits: 0" in out
    assert "Index Only Scan using penalty_user_active_idx" in out
