"""The Lighthouse benchmark still runs end to end: production-mode daphne on a scratch
database, one page, one row of scores (the full table is in docs/benchmarks.md)."""

import shutil
from pathlib import Path

import pytest

from tests.bench_smoke import run_benchmark

LIGHTHOUSE = Path(__file__).resolve().parent.parent / "node_modules" / "lighthouse"


@pytest.mark.browser
@pytest.mark.services("postgresql", "redis", "rabbitmq")
@pytest.mark.timeout(300)
@pytest.mark.skipif(
    not shutil.which("node") or not LIGHTHOUSE.exists(), reason="needs node and `npm ci`"
)
def test_lighthouse_benchmark_smoke() -> None:
    out = run_benchmark(
        "lighthouse.py", "--pages", "login", "--no-fail",
        database="gonggu_bench_lighthouse_smoke", timeout=280,
    )  # fmt: skip
    assert "| page | path | performance | accessibility | best practices | SEO |" in out
    row = next(line for line in out.splitlines() if line.startswith("| login |"))
    scores = [int(cell) for cell in row.strip(" |").split(" | ")[2:]]
    assert len(scores) == 4 and all(0 <= score <= 100 for score in scores)
