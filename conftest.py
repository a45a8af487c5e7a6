"""Shared pytest setup: service/browser requirements, factories and API clients.

Tests that need a real server are marked ``services`` (PostgreSQL, Redis, RabbitMQ) or
``browser`` (headless Chromium). Without the server they are skipped and listed at the end;
with REQUIRE_SERVICES=1 / REQUIRE_BROWSER=1 (as .ci/run sets) a missing one fails the run.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def service_status() -> dict[str, str | None]:
    """Service name -> None when usable, else why not."""
    status: dict[str, str | None] = {}
    for name, var, port in (
        ("postgresql", "DATABASE_URL", 5432),
        ("redis", "REDIS_URL", 6379),
        ("rabbitmq", "RABBITMQ_URL", 5672),
    ):
        url = os.environ.get(var, "")
        if not url:
            status[name] = f"{var} is not set"
        elif not _reachable(url, port):
            status[name] = f"{var}={url} is unreachable"
        else:
            status[name] = None
    return status


def browser_problem() -> str | None:
    if not shutil.which(CHROMIUM_PATH) and not os.path.exists(CHROMIUM_PATH):
        return f"Chromium not found at {CHROMIUM_PATH}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: needs PostgreSQL specifically")
    if os.environ.get("REQUIRE_SERVICES") == "1":
        problems = [f"{n}: {p}" for n, p in service_status().items() if p]
        if problems:
            raise pytest.UsageError("REQUIRE_SERVICES=1 but " + "; ".join(problems))
    if os.environ.get("REQUIRE_BROWSER") == "1":
        problem = browser_problem()
        if problem:
            raise pytest.UsageError("REQUIRE_BROWSER=1 but " + problem)


def pytest_collection_modifyitems(config, items):
    status = service_status()
    missing_browser = browser_problem()
    for item in items:
        for marker in item.iter_markers("services"):
            needed = marker.args or ("postgresql", "redis", "rabbitmq")
            problems = [f"{n}: {status[n]}" for n in needed if status[n]]
            if problems:
                item.add_marker(pytest.mark.skip(reason="service test: " + "; ".join(problems)))
        if item.get_closest_marker("browser") and missing_browser:
            item.add_marker(pytest.mark.skip(reason="browser test: " + missing_browser))


from tests.fixtures import *  # noqa: E402, F403


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets fixtures see whether the test body failed (to keep a screenshot).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
