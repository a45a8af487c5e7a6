"""The SSE load benchmark still runs end to end (smoke sizes, scratch database)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SMOKE_DATABASE = "gonggu_bench_sse_smoke"


@pytest.mark.services("postgresql", "redis", "rabbitmq")
def test_sse_load_benchmark_smoke() -> None:
    server = os.environ["DATABASE_URL"]
    database = urlunparse(urlparse(server)._replace(path=f"/{SMOKE_DATABASE}"))
    try:
        result = subprocess.run(
            [sys.executable, "benchmarks/sse_load.py", "--connections", "100",
             "--targeted", "3", "--favoriters", "5", "--database-url", database],
            cwd=ROOT, capture_output=True, text=True, timeout=240,
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
    # Both servers held every connection, and every targeted delivery arrived.
    assert "bare Django streaming view" in out and "Gonggu notifications stream" in out
    assert "100       0" in out.split("Gonggu notifications stream")[1].splitlines()[0]
    assert "15 delivered, 0 missing" in out
    assert "fan-out to all: 100/100 streams received one event" in out
