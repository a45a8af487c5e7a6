"""The nearby benchmark still runs end to end (smoke sizes, scratch database)."""

import pytest

from tests.bench_smoke import run_benchmark


@pytest.mark.services("postgresql")
def test_nearby_benchmark_smoke() -> None:
    out = run_benchmark(
        "nearby.py", "--parties", "5000", "--points", "20",
        database="gonggu_bench_nearby_smoke", timeout=120,
    )  # fmt: skip
    # Every side of the comparison was measured and the API ran one query per request (at
    # this size the planner rightly reads the few rows directly; the 1M-row plan walks the
    # nearest-first index, docs/benchmarks.md).
    assert "API (Django, 20 results)" in out and "full-scan Haversine" in out
    assert "ours vs full-scan Haversine: search" in out
    assert "queries per API request: [1] (constant: True)" in out
    assert "plan of the API's query" in out
