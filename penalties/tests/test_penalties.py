"""Granting penalties: who may, when, once; the cached count; the block; the API and pages."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.errors import DomainError
from notifications.models import OutboxEvent
from parties.models import Party, PartyStatus
from parties.services import party_join
from penalties.cache import count_key
from penalties.models import Penalty
from penalties.selectors import user_blocked_until, user_penalty_count
from penalties.services import penalty_revoke
from penalties.tests.conftest import grant, met
from tests.factories import UserFactory, make_party
from tests.fixtures import clear_cache

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return (
        not Penalty.objects.exists()
        and not OutboxEvent.objects.filter(type="penalty.received").exists()
    )


def test_leader_marks_a_no_show_once(met_party):
    party, leader, member = met_party["party"], met_party["leader"], met_party["member"]
    penalty = grant(party, leader, member)
    assert penalty.reason == "no_show" and penalty.given_by == leader
    event = OutboxEvent.objects.get(type="penalty.received")
    assert event.payload["user_id"] == member.id and event.actor_id == leader.id
    with pytest.raises(DomainError) as refused:
        grant(party, leader, member, reason="late")
    assert refused.value.code == "penalty_exists"
    assert Penalty.objects.count() == 1


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("not the leader", "not_leader"),
        ("not a member", "not_a_member"),
        ("self", "penalty_self"),
        ("before the meeting", "penalty_too_early"),
        ("after 7 days", "penalty_too_late"),
        ("cancelled party", "party_cancelled"),
        ("bad reason", "invalid_reason"),
    ],
)
def test_refused_grants_write_nothing(met_party, case, code):
    party, leader, member = met_party["party"], met_party["leader"], met_party["member"]
    by, target, reason = leader, member, "no_show"
    if case == "not the leader":
        by = met_party["other"]
    elif case == "not a member":
        target = met_party["outsider"]
    elif case == "self":
        target = leader
    elif case == "before the meeting":
        Party.objects.filter(pk=party.pk).update(meet_at=timezone.now() + timedelta(hours=1))
    elif case == "after 7 days":
        met(party, ago=timedelta(days=7, hours=1))
    elif case == "cancelled party":
        Party.objects.filter(pk=party.pk).update(status=PartyStatus.CANCELLED)
    elif case == "bad reason":
        reason = "rude"
    with pytest.raises(DomainError) as refused:
        grant(party, by, target, reason=reason)
    assert refused.value.code == code
    assert nothing_written()
    assert user_penalty_count(user_id=target.id) == 0


def test_count_is_cached_and_a_cache_hit_reads_no_database(met_party):
    member = met_party["member"]
    grant(met_party["party"], met_party["leader"], member)
    assert cache.get(count_key(member.id)) == (1, 1)  # computed after the grant committed
    with CaptureQueriesContext(connection) as queries:
        assert user_penalty_count(user_id=member.id) == 1
    assert len(queries) == 0


def test_cache_miss_recomputes_and_stores(met_party):
    member = met_party["member"]
    grant(met_party["party"], met_party["leader"], member)
    cache.delete(count_key(member.id))
    with CaptureQueriesContext(connection) as queries:
        assert user_penalty_count(user_id=member.id) == 1
    assert len(queries) >= 1
    assert cache.get(count_key(member.id)) == (1, 1)


def test_grant_increments_a_cached_count(met_party):
    member = met_party["member"]
    assert user_penalty_count(user_id=member.id) == 0  # cached as 0
    grant(met_party["party"], met_party["leader"], member)
    assert cache.get(count_key(member.id)) == (1, 1)


def test_an_expired_count_is_read_again_from_the_database(met_party):
    member = met_party["member"]
    grant(met_party["party"], met_party["leader"], member)
    cache.delete(count_key(member.id))  # what its expiry does
    assert cache.get(count_key(member.id)) is None
    assert user_penalty_count(user_id=member.id) == 1


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
)
def test_redis_down_falls_back_to_the_database_and_grants_still_work(met_party, caplog):
    member = met_party["member"]
    penalty = grant(met_party["party"], met_party["leader"], member)
    assert penalty.pk is not None
    assert user_penalty_count(user_id=member.id) == 1
    assert "unreachable" in caplog.text


def test_old_and_revoked_penalties_do_not_count(met_party):
    party, leader, member = met_party["party"], met_party["leader"], met_party["member"]
    penalty = grant(party, leader, member)
    assert user_penalty_count(user_id=member.id) == 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        penalty_revoke(penalty_id=penalty.id)
    assert cache.get(count_key(member.id)) == (0, 0)  # recounted on revoke (penalty.revoked)
    assert user_penalty_count(user_id=member.id) == 0
    other = grant(party, leader, met_party["other"])
    Penalty.objects.filter(pk=other.pk).update(created_at=timezone.now() - timedelta(days=91))
    clear_cache()
    assert user_penalty_count(user_id=met_party["other"].id) == 0


def three_penalties(user) -> list[Penalty]:
    penalties = []
    for _ in range(3):
        party = make_party(capacity=2)
        party_join(party_id=party.id, user=user)
        penalties.append(grant(met(party), party.leader, user))
    return penalties


def test_three_penalties_block_joining_and_creating_until_the_oldest_ages_out(db, settings):
    settings.PENALTY_BLOCK_THRESHOLD = 3
    user = UserFactory()
    penalties = three_penalties(user)
    Penalty.objects.filter(pk=penalties[0].pk).update(
        created_at=timezone.now() - timedelta(days=10)
    )
    clear_cache()
    until = user_blocked_until(user_id=user.id)
    oldest = Penalty.objects.get(pk=penalties[0].pk).created_at
    assert until == oldest + timedelta(days=90)
    with pytest.raises(DomainError) as refused:
        party_join(party_id=make_party().id, user=user)
    assert refused.value.code == "penalty_blocked"
    assert refused.value.details["blocked_until"] == until.isoformat()
    with pytest.raises(DomainError) as refused:
        make_party(leader=user)
    assert refused.value.code == "penalty_blocked"
    with TestCase.captureOnCommitCallbacks(execute=True):
        penalty_revoke(penalty_id=penalties[1].pk)
    assert user_blocked_until(user_id=user.id) is None
    party_join(party_id=make_party().id, user=user)  # allowed again


def test_two_penalties_do_not_block(db, settings):
    settings.PENALTY_BLOCK_THRESHOLD = 3
    user = UserFactory()
    three_penalties(user)[0].delete()
    clear_cache()
    assert user_blocked_until(user_id=user.id) is None


# --- API -----------------------------------------------------------------------------------


def test_grant_api_201_then_409(api_client, met_party, django_capture_on_commit_callbacks):
    party, leader, member = met_party["party"], met_party["leader"], met_party["member"]
    api_client.force_authenticate(leader)
    url = f"/api/v1/parties/{party.id}/penalties"
    with django_capture_on_commit_callbacks(execute=True):
        first = api_client.post(url, {"user_id": member.id, "reason": "no_show"}, format="json")
    assert first.status_code == 201
    assert first.json()["reason_label"] and first.json()["user_id"] == member.id
    again = api_client.post(url, {"user_id": member.id, "reason": "no_show"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "penalty_exists"
    bad = api_client.post(url, {"user_id": member.id, "reason": "rude"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    api_client.force_authenticate(member)
    mine = api_client.get("/api/v1/me/penalties").json()
    assert [p["party_id"] for p in mine] == [party.id]
    assert api_client.get("/api/v1/me").json()["penalty_count"] == 1
    assert api_client.get(f"/api/v1/users/{member.id}").json()["penalty_count"] == 1


def test_grant_api_refuses_outsiders_with_403_and_unknown_parties_with_404(api_client, met_party):
    api_client.force_authenticate(met_party["other"])
    url = f"/api/v1/parties/{met_party['party'].id}/penalties"
    body = {"user_id": met_party["member"].id, "reason": "no_show"}
    assert api_client.post(url, body, format="json").status_code == 403
    assert (
        api_client.post("/api/v1/parties/999999/penalties", body, format="json").status_code == 404
    )
    assert nothing_written()


# --- pages ---------------------------------------------------------------------------------


def test_leader_sees_the_checklist_after_the_meeting_and_marks_a_no_show(client, met_party):
    party, leader, member = met_party["party"], met_party["leader"], met_party["member"]
    client.force_login(leader)
    page = client.get(reverse("parties:detail", args=[party.id])).content.decode()
    assert "누가 왔나요?" in page and "안온사람" in page
    marked = {"absent": [str(member.id)], f"reason_{member.id}": "late"}
    asked = client.post(reverse("parties:attendance", args=[party.id]), marked)
    assert 'data-testid="confirm-page"' in asked.content.decode()  # asks first (no JS)
    assert not Penalty.objects.exists()
    response = client.post(
        reverse("parties:attendance", args=[party.id]), {**marked, "confirmed": "1"}, follow=True
    )
    assert "1명에게 페널티를 줬어요" in response.content.decode()
    assert Penalty.objects.get().reason == "late"
    client.force_login(member)
    mine = client.get(reverse("penalties:mine")).content.decode()
    assert "많이 늦음" in mine and party.title in mine


def test_checklist_is_hidden_before_the_meeting_and_from_members(client, db):
    party = make_party()
    client.force_login(party.leader)
    assert (
        "누가 왔나요?"
        not in client.get(reverse("parties:detail", args=[party.id])).content.decode()
    )


def test_attendance_post_by_a_member_is_refused_and_writes_nothing(client, met_party):
    client.force_login(met_party["other"])
    response = client.post(
        reverse("parties:attendance", args=[met_party["party"].id]),
        {"absent": [str(met_party["member"].id)], "confirmed": "1"},
        follow=True,
    )
    assert "파티장만" in response.content.decode()
    assert nothing_written()
