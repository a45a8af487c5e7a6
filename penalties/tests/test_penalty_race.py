"""50 identical grants at the same moment, over real HTTP, on PostgreSQL with the Redis cache:
exactly one penalty, the count moves by one, 49 conflicts."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.core.cache import cache
from rest_framework_simplejwt.tokens import RefreshToken

from notifications.models import OutboxEvent
from parties.services import party_join
from penalties.cache import count_key
from penalties.models import Penalty
from penalties.selectors import user_penalty_count
from penalties.tests.conftest import met
from tests.factories import UserFactory, make_party
from tests.servers import daphne

pytestmark = [
    pytest.mark.services("postgresql", "redis"),
    pytest.mark.django_db(transaction=True),
]


def test_fifty_concurrent_identical_grants_count_once():
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert hasattr(cache, "delete_pattern"), "the count cache must be Redis here (set REDIS_URL)"
    party = make_party(capacity=3)
    member = UserFactory()
    party_join(party_id=party.id, user=member)
    met(party)
    assert user_penalty_count(user_id=member.id) == 0  # cached before the storm
    headers = {"Authorization": f"Bearer {RefreshToken.for_user(party.leader).access_token}"}
    barrier = threading.Barrier(50)

    def send(_):
        barrier.wait()
        response = requests.post(
            url, json={"user_id": member.id, "reason": "no_show"}, headers=headers, timeout=30
        )
        return response.status_code, response.json().get("code")

    # A real daphne process (its own Redis connections and lock client), not a thread here.
    with daphne(redis_url=os.environ["REDIS_URL"]) as server:
        url = f"{server.http}/api/v1/parties/{party.id}/penalties"
        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(send, range(50)))

    assert sorted(status for status, _ in results) == [201] + [409] * 49
    assert {code for status, code in results if status == 409} == {"penalty_exists"}
    assert Penalty.objects.filter(party=party, user=member).count() == 1
    assert OutboxEvent.objects.filter(type="penalty.received").count() == 1
    # The stale (0, 0) cached before the storm is gone: recounted, or (when the cache breaker
    # skipped the write on a loaded machine) absent, so the next read counts in the database.
    assert cache.get(count_key(member.id)) in (None, (1, 1))
    assert user_penalty_count(user_id=member.id) == 1
