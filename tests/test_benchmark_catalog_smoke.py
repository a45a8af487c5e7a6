"""The catalog import benchmark still runs end to end (smoke sizes, scratch database)."""

import pytest

from tests.bench_smoke import run_benchmark


@pytest.mark.services("postgresql")
def test_catalog_import_benchmark_smoke() -> None:
    out = run_benchmark(
        "catalog_import.py", "--rows", "3000", "--baseline-rows", "300", "--latency", "0.01",
        database="gonggu_bench_catalog_smoke",
    )  # fmt: skip
    # Both variants imported their rows through the fake API, side by side.
    assert "ours (concurrent pages, bulk)          3,000         3" in out
    assert "naive (serial, get_or_create)            300         1" in out
    assert "ours vs naive:" in out
