"""The penalty-count benchmark still runs end to end (smoke sizes, scratch database)."""

import pytest

from tests.bench_smoke import run_benchmark


@pytest.mark.services("postgresql", "redis")
def test_penalty_count_benchmark_smoke() -> None:
    out = run_benchmark(
        "penalty_count.py", "--penalties", "20000", "--reads", "100", "--readers", "8",
        database="gonggu_bench_penalty_smoke",
    )  # fmt: skip
    # Both modes were measured at both levels; cache hits never reached the database, and
    # the database count is the index-only scan.
    for row in ("service, 1 reader", "service, 8 readers", "profile API, 8 readers"):
        assert row in out
    assert "count queries on 100 cache hits: 0" in out
    assert "Index Only Scan using penalty_user_active_idx" in out
