"""Running a benchmark script end to end at smoke size, on a scratch database of its own."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def run_benchmark(script: str, *args: str, database: str, timeout: int = 300) -> str:
    """Run ``benchmarks/<script>`` with ``--database-url`` pointing at ``database`` on the
    suite's PostgreSQL server (never gonggu or test_*); drop it afterwards; return stdout.
    Fails with the script's output if it exits non-zero."""
    server = os.environ["DATABASE_URL"]
    url = urlunparse(urlparse(server)._replace(path=f"/{database}"))
    try:
        result = subprocess.run(
            [sys.executable, f"benchmarks/{script}", *args, "--database-url", url],
            cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    finally:
        maintenance = urlunparse(urlparse(server)._replace(path="/postgres"))
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout
