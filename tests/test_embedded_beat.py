from datetime import timedelta

import pytest
from django.utils import timezone

from common.embedded_beat import run_due
from parties.models import Party, PartyStatus
from tests.factories import make_party

pytestmark = pytest.mark.django_db

ENTRY = "parties-settle-overdue"


def overdue_party():
    party = make_party()
    Party.objects.filter(pk=party.pk).update(recruit_until=timezone.now() - timedelta(minutes=1))
    return party


def status(party):
    return Party.objects.get(pk=party.pk).status


def test_embedded_beat_runs_each_entry_on_the_first_check():
    party = overdue_party()
    last_runs = {}
    wait = run_due(last_runs)
    assert status(party) == PartyStatus.CANCELLED
    assert ENTRY in last_runs
    assert 1 <= wait <= 60


def test_embedded_beat_waits_for_the_interval():
    party = overdue_party()
    run_due(last_runs := {ENTRY: timezone.now()})
    assert status(party) == PartyStatus.RECRUITING  # ran just now: not due
    last_runs[ENTRY] = timezone.now() - timedelta(minutes=2)
    run_due(last_runs)
    assert status(party) == PartyStatus.CANCELLED
