"""Reminders: each member an hour before the meeting, the leader an hour after it — exactly
once, by a constraint, even with many beat ticks at once."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from notifications.models import Notification
from parties.models import Party, PartyReminder
from parties.services import party_join, party_reminders_send, party_reschedule
from tests.factories import UserFactory, make_party

pytestmark = pytest.mark.django_db


def closed_party_meeting_in(delta, *, members=2):
    party = make_party(capacity=members + 1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        for _ in range(members):
            party_join(party_id=party.id, user=UserFactory())
    meet_at = timezone.now() + delta
    Party.objects.filter(pk=party.pk).update(
        meet_at=meet_at, recruit_until=min(meet_at, timezone.now()) - timedelta(hours=1)
    )
    party.refresh_from_db()
    return party


def send():
    with TestCase.captureOnCommitCallbacks(execute=True):
        return party_reminders_send()


def test_members_are_reminded_an_hour_before_once():
    party = closed_party_meeting_in(timedelta(minutes=50))
    assert send()["meeting"] == 3  # the leader and two members
    assert send()["meeting"] == 0  # the next tick: nothing again
    told = Notification.objects.filter(type="party.meeting_reminder")
    assert told.count() == 3
    assert set(told.values_list("user_id", flat=True)) == set(
        party.memberships.active().values_list("user_id", flat=True)
    )


def test_not_yet_when_the_meeting_is_further_than_an_hour():
    closed_party_meeting_in(timedelta(minutes=61))
    assert send() == {"meeting": 0, "attendance": 0}
    assert not PartyReminder.objects.exists()


def test_a_rescheduled_meeting_is_reminded_again():
    party = closed_party_meeting_in(timedelta(minutes=30))
    send()
    with TestCase.captureOnCommitCallbacks(execute=True):
        party_reschedule(
            party_id=party.id, user=party.leader, meet_at=timezone.now() + timedelta(minutes=45)
        )
    assert send()["meeting"] == 3
    assert Notification.objects.filter(type="party.meeting_reminder").count() == 6


def test_the_leader_is_reminded_to_mark_attendance_an_hour_after():
    party = closed_party_meeting_in(-timedelta(minutes=61))
    assert send()["attendance"] == 1
    assert send()["attendance"] == 0
    told = Notification.objects.get(type="party.attendance_reminder")
    assert told.user_id == party.leader_id
    assert told.data["url"] == f"/parties/{party.id}/"


def test_cancelled_parties_get_no_reminders():
    party = closed_party_meeting_in(timedelta(minutes=30))
    Party.objects.filter(pk=party.pk).update(status="cancelled")
    assert send() == {"meeting": 0, "attendance": 0}


@pytest.mark.services("postgresql")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_ticks_remind_each_member_once():
    assert connection.vendor == "postgresql"
    parties = [closed_party_meeting_in(timedelta(minutes=30), members=3) for _ in range(3)]
    barrier = threading.Barrier(20)

    def tick(_):
        barrier.wait()
        try:
            return party_reminders_send()["meeting"]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        sent = list(pool.map(tick, range(20)))

    assert sum(sent) == 12  # 3 parties × (leader + 3 members), once in all
    assert PartyReminder.objects.count() == 12
    # Notifications run after each tick's commit in its own thread: one per member.
    assert Notification.objects.filter(type="party.meeting_reminder").count() == 12
    for party in parties:
        assert (
            Notification.objects.filter(type="party.meeting_reminder", party_id=party.id).count()
            == 4
        )
