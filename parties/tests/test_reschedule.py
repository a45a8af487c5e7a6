"""The leader moves the meeting (or its spot note) before it; members are told."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from chat.models import ChatMessage
from notifications.models import Notification, OutboxEvent
from parties.models import Party
from parties.services import party_join, party_reschedule
from tests.factories import UserFactory, make_party

pytestmark = pytest.mark.django_db


@pytest.fixture
def party():
    party = make_party(capacity=3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        party_join(party_id=party.id, user=UserFactory())
        party_join(party_id=party.id, user=UserFactory())
    party.refresh_from_db()
    return party


def test_leader_moves_the_meeting_and_members_hear_it(party, api_client):
    new_time = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    api_client.force_authenticate(party.leader)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_client.patch(
            f"/api/v1/parties/{party.id}",
            {"meet_at": new_time.isoformat(), "meeting_note": "정문 앞 벤치"},
            format="json",
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["meeting_note"] == "정문 앞 벤치" and body["rescheduled_at"]
    party.refresh_from_db()
    assert party.meet_at == new_time
    told = Notification.objects.filter(type="party.rescheduled")
    assert told.count() == 2  # the two members, not the leader
    local = timezone.localtime(new_time)
    assert f"{local.month}월 {local.day}일" in told.first().data["message"]
    assert ChatMessage.objects.filter(room_id=party.id, content__contains="정문 앞 벤치").exists()


def test_only_the_leader_may_reschedule(party, api_client):
    member = party.memberships.exclude(user=party.leader).first().user
    api_client.force_authenticate(member)
    response = api_client.patch(
        f"/api/v1/parties/{party.id}", {"meeting_note": "여기요"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "not_leader")
    assert Party.objects.get(pk=party.pk).meeting_note == ""
    assert not OutboxEvent.objects.filter(type="party.rescheduled").exists()


@pytest.mark.parametrize(
    "body, code",
    [
        ({"meet_at": "2020-01-01T10:00:00+09:00"}, "meet_at_in_past"),
        ({}, "nothing_to_change"),
        ({"meeting_note": "가" * 201}, "invalid"),
    ],
)
def test_bad_reschedules_are_refused_and_change_nothing(party, api_client, body, code):
    api_client.force_authenticate(party.leader)
    before = Party.objects.get(pk=party.pk)
    response = api_client.patch(f"/api/v1/parties/{party.id}", body, format="json")
    assert response.status_code == 400
    assert code in response.json()["code"]
    after = Party.objects.get(pk=party.pk)
    assert (after.meet_at, after.meeting_note, after.rescheduled_at) == (
        before.meet_at,
        before.meeting_note,
        None,
    )


def test_no_reschedule_after_the_meeting_started(party):
    Party.objects.filter(pk=party.pk).update(
        meet_at=timezone.now() - timedelta(minutes=1),
        recruit_until=timezone.now() - timedelta(hours=1),
    )
    with pytest.raises(Exception) as refused:
        party_reschedule(party_id=party.id, user=party.leader, meeting_note="늦었지만")
    assert refused.value.code == "meeting_started"


def test_anonymous_patch_is_401(party, api_client):
    response = api_client.patch(f"/api/v1/parties/{party.id}", {"meeting_note": "x"}, format="json")
    assert response.status_code == 401


def test_reschedule_page_for_the_leader(party, client):
    client.force_login(party.leader)
    page = client.get(f"/parties/{party.id}/edit/")
    assert page.status_code == 200
    new_time = timezone.localtime(timezone.now() + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    done = client.post(
        f"/parties/{party.id}/edit/", {"meet_at": new_time, "meeting_note": "후문"}, follow=True
    )
    assert "일정을 바꿨어요" in done.content.decode()
    assert Party.objects.get(pk=party.pk).meeting_note == "후문"
    member = party.memberships.exclude(user=party.leader).first().user
    client.force_login(member)
    refused = client.get(f"/parties/{party.id}/edit/", follow=True)
    assert "파티장만 할 수 있어요" in refused.content.decode()
