"""The SSE load benchmark still runs end to end (smoke sizes, scratch database)."""

import pytest

from tests.bench_smoke import run_benchmark


@pytest.mark.services("postgresql", "redis", "rabbitmq")
def test_sse_load_benchmark_smoke() -> None:
    out = run_benchmark(
        "sse_load.py", "--connections", "100", "--targeted", "3", "--favoriters", "5",
        database="gonggu_bench_sse_smoke", timeout=240,
    )  # fmt: skip
    # Both servers held every connection, and every targeted delivery arrived.
    assert "bare Django streaming view" in out and "Gonggu notifications stream" in out
    assert "100       0" in out.split("Gonggu notifications stream")[1].splitlines()[0]
    assert "15 delivered, 0 missing" in out
    assert "fan-out to all: 100/100 streams received one event" in out
