"""The chat load benchmark still runs end to end (smoke size, scratch database, Redis)."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SMOKE_DATABASE = "gonggu_bench_chat_smoke"


def _url_with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


@pytest.mark.services("postgresql", "redis")
@pytest.mark.timeout(240)
def test_chat_load_benchmark_smoke() -> None:
    # Same server as the suite, but its own scratch database: never gonggu or test_*.
    server = os.environ["DATABASE_URL"]
    url = _url_with_database(server, SMOKE_DATABASE)
    try:
        result = subprocess.run(
            [
                sys.executable,
                "benchmarks/chat_load.py",
                "--scenarios",
                "smoke",
                "--skip-rabbitmq",
                "--database-url",
                url,
                "--redis-url",
                os.environ["REDIS_URL"],
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=200,  # migrating a fresh database is most of it
        )
    finally:
        with psycopg.connect(_url_with_database(server, "postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(SMOKE_DATABASE)
                )
            )

    assert result.returncode == 0, result.stdout + result.stderr
    # The table row: 10 clients on one process with Redis pubsub, every message delivered,
    # no connection errors and no ERROR frames.
    row = re.search(
        r"^smoke .* 1 process, Redis pubsub +10 .* 100\.00% .* 0 +0$", result.stdout, re.M
    )
    assert row, result.stdout
