"""Fixtures shared by every test package (imported by the root conftest)."""

from contextlib import contextmanager

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from tests.factories import DEFAULT_PASSWORD, UserFactory

__all__ = [
    "_events_run_in_this_process",
    "_fast_password_hashing",
    "_fresh_cache",
    "api_client",
    "auth_client",
    "browser_page",
    "chromium",
    "clear_cache",
    "events",
    "password",
    "second_page",
    "server",
    "synonym_table",
    "user",
    "user_factory",
]


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def user(user_factory):
    return user_factory()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def auth_client(user) -> APIClient:
    """An API client authenticated as ``user`` with a real JWT access token."""
    client = APIClient()
    token = RefreshToken.for_user(user).access_token
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture(autouse=True)
def _events_run_in_this_process(settings):
    """In the test process an event's reactions run right after its commit, as in embedded
    mode (with RabbitMQ configured they would wait for a dispatcher process). Tests of the
    RabbitMQ path run the web and dispatcher processes themselves (``tests.servers``)."""
    settings.NOTIFICATIONS_BUS = "inprocess"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness (~0.3 s a password) is for attackers, not for tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def clear_cache() -> None:
    """Empty this project's cache keys (its prefix only: the Redis server may be shared)."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached values never leak from one test into the next."""
    from common import ratelimit

    clear_cache()
    ratelimit._local.clear()  # the per-process fallback counters
    yield


@pytest.fixture
def synonym_table(db):
    """The seeded synonym table. Migration 0008 fills it, but a transactional test's flush
    empties every table for the tests that follow it; this puts the file's groups back."""
    from catalog.services import synonyms_load
    from catalog.synonyms import read_synonym_file

    synonyms_load(groups=read_synonym_file())
    clear_cache()  # the cached word map of an emptier table


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium driven by Playwright; never a downloaded browser."""
    import os

    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM_PATH

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself between page actions are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)  # every expect() waits on its condition this long
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@contextmanager
def _desktop_page(chromium, request, name: str):
    """A fresh browser context (own cookies) at a desktop size; screenshot kept on failure."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    page = context.new_page()
    # Generous: the suite must pass on a loaded machine; a test that passes waits no longer.
    page.set_default_timeout(30_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        from pathlib import Path

        out = Path("test-artifacts")
        out.mkdir(exist_ok=True)
        page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def browser_page(chromium, request):
    with _desktop_page(chromium, request, request.node.name) as page:
        yield page


@pytest.fixture
def second_page(chromium, request):
    """A second resident's browser beside ``browser_page`` (its own cookies)."""
    with _desktop_page(chromium, request, f"{request.node.name}-second") as page:
        yield page


@pytest.fixture
def events():
    """Domain events that left after commit, in order (``[DomainEvent, ...]``)."""
    from common import events as bus

    seen = []
    bus.subscribe_all(seen.append)
    yield seen
    bus.unsubscribe_all(seen.append)


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    """One real daphne process (embedded channel layer) serving the test database, shared by
    a module's tests (a module may define its own ``server`` instead)."""
    from tests.servers import daphne

    with django_db_blocker.unblock(), daphne() as running:
        yield running
