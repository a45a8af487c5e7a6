"""The catalog import benchmark still runs end to end (smoke sizes, scratch database)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SMOKE_DATABASE = "gonggu_bench_catalog_smoke"


@pytest.mark.services("postgresql")
def test_catalog_import_benchmark_smoke() -> None:
    server = os.environ["DATABASE_URL"]
    database = urlunparse(urlparse(server)._replace(path=f"/{SMOKE_DATABASE}"))
    try:
        result = subprocess.run(
            [sys.executable, "benchmarks/catalog_import.py", "--rows", "3000",
             "--baseline-rows", "300", "--latency", "0.01", "--database-url", database],
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
    # Both variants imported their rows through the fake API, side by side.
    assert "ours (concurrent pages, bulk)          3,000         3" in out
    assert "naive (serial, get_or_create)            300         1" in out
    assert "ours vs naive:" in out
