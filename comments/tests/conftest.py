import pytest

from tests.factories import UserFactory, make_party


@pytest.fixture
def leader(db):
    return UserFactory(nickname="파티장님")


@pytest.fixture
def asker(db):
    return UserFactory(nickname="궁금이")


@pytest.fixture
def party(leader):
    return make_party(leader=leader, title="키친타월 나눠요")


@pytest.fixture
def private_cache(settings):
    """Rate-limit counters in this process only: a Redis shared with other test runs (whose
    users have the same ids, and whose fixtures empty the cache) cannot move them."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "comments-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
