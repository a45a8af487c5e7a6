"""Concurrent joins over real HTTP against PostgreSQL: row locks keep the count exact."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from rest_framework_simplejwt.tokens import RefreshToken

from parties.models import Membership, Party, PartyStatus
from tests.factories import UserFactory, make_party
from tests.servers import daphne

pytestmark = [pytest.mark.services("postgresql"), pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("race tests must run on PostgreSQL (set DATABASE_URL)")


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


def post_all_at_once(requests_to_send):
    """Send every (url, headers) at the same moment from its own thread."""
    barrier = threading.Barrier(len(requests_to_send))

    def send(args):
        url, headers = args
        barrier.wait()
        response = requests.post(url, headers=headers, timeout=30)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=len(requests_to_send)) as pool:
        return list(pool.map(send, requests_to_send))


def assert_consistent(party_id):
    party = Party.objects.get(pk=party_id)
    active = Membership.objects.filter(party=party, left_at__isnull=True).count()
    assert party.member_count == active
    assert party.member_count <= party.capacity
    return party


@pytest.fixture(scope="module")
def web(django_db_setup, django_db_blocker):
    """A real daphne process on the test database: requests arrive truly in parallel (the
    threaded test server's listen backlog of 5 resets bursts of connections)."""
    with django_db_blocker.unblock(), daphne() as server:
        yield server


def test_concurrent_joins_fill_exactly_the_free_slots(web):
    party = make_party(capacity=6)  # the leader + 5 free slots
    joiners = UserFactory.create_batch(24)
    url = f"{web.http}/api/v1/parties/{party.id}/join"
    results = post_all_at_once([(url, bearer(user)) for user in joiners])

    ok = [body for status, body in results if status == 200]
    refused = [body for status, body in results if status != 200]
    assert len(ok) == 5
    assert len(refused) == 19
    assert {(status, body["code"]) for status, body in results if status != 200} == {
        (409, "party_full")
    }
    party = assert_consistent(party.id)
    assert party.member_count == 6
    assert party.status == PartyStatus.CLOSED


def test_join_racing_cancel_never_leaves_a_wrong_count(web):
    for _round in range(5):
        party = make_party(capacity=20)
        leader_headers = bearer(party.leader)
        base = f"{web.http}/api/v1/parties/{party.id}"
        batch = [(f"{base}/join", bearer(u)) for u in UserFactory.create_batch(12)]
        batch.insert(6, (f"{base}/cancel", leader_headers))
        results = post_all_at_once(batch)

        cancel_status, _ = results[6]
        assert cancel_status == 200
        joins = results[:6] + results[7:]
        party = assert_consistent(party.id)
        assert party.status == PartyStatus.CANCELLED
        # Joins that won the lock before the cancel are members; every later one was refused
        # and wrote nothing. No membership began after the party was cancelled.
        joined = [body for status, body in joins if status == 200]
        refused = [body for status, body in joins if status != 200]
        assert all(body["code"] == "party_not_recruiting" for body in refused)
        assert party.member_count == 1 + len(joined)
        late = Membership.objects.filter(party=party, joined_at__gt=party.finished_at)
        assert not late.exists()
