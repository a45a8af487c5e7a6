"""The item-search benchmark still runs end to end (smoke sizes, scratch database)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SMOKE_DATABASE = "gonggu_bench_smoke"


def _url_with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


@pytest.mark.services("postgresql")
def test_item_search_benchmark_smoke() -> None:
    # Same server as the suite, but its own scratch database: never gonggu or test_*.
    server = os.environ["DATABASE_URL"]
    url = _url_with_database(server, SMOKE_DATABASE)
    try:
        result = subprocess.run(
            [
                sys.executable,
                "benchmarks/item_search.py",
                "--items",
                "2000",
                "--queries",
                "20",
                "--database-url",
                url,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=90,
        )
    finally:
        with psycopg.connect(_url_with_database(server, "postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(SMOKE_DATABASE)
                )
            )

    assert result.returncode == 0, result.stderr
    assert "indexed p50" in result.stdout
    assert "seq-scan p50" in result.stdout
    assert "suggest p50" in result.stdout
    classes = ("1 char", "2 chars", "3+ chars", "multi-term", "synonym", "초성", "category")
    for query_class in classes:
        assert query_class in result.stdout
