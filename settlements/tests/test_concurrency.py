"""20 concurrent "paid" for one share over real HTTP on PostgreSQL: one transition, one
notification to the leader; 20 concurrent reminder ticks: one reminder per pending member."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from django.db import connection
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from notifications.models import Notification, OutboxEvent
from settlements.models import Settlement, Share, ShareReminder
from settlements.services import settlement_reminders_send
from settlements.tests.conftest import bill
from tests.servers import daphne

pytestmark = [pytest.mark.services("postgresql"), pytest.mark.django_db(transaction=True)]


def test_twenty_concurrent_paid_make_one_transition(party_met):
    assert connection.vendor == "postgresql"
    party, member = party_met["party"], party_met["members"][0]
    bill(party, party_met["leader"])
    headers = {"Authorization": f"Bearer {RefreshToken.for_user(member).access_token}"}
    barrier = threading.Barrier(20)

    def send(_):
        barrier.wait()
        return requests.post(url, headers=headers, timeout=30).status_code

    with daphne() as server:
        url = f"{server.http}/api/v1/parties/{party.id}/settlement/paid"
        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(pool.map(send, range(20)))

    assert statuses == [200] * 20
    assert Share.objects.get(user=member).status == "paid"
    assert OutboxEvent.objects.filter(type="settlement.paid").count() == 1
    assert Notification.objects.filter(type="settlement.paid").count() == 1


def test_twenty_concurrent_reminder_ticks_remind_each_member_once(party_met):
    bill(party_met["party"], party_met["leader"])
    Settlement.objects.update(created_at=timezone.now() - timedelta(days=2))
    barrier = threading.Barrier(20)

    def tick(_):
        barrier.wait()
        try:
            return settlement_reminders_send()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        sent = list(pool.map(tick, range(20)))

    assert sum(sent) == 3
    assert ShareReminder.objects.count() == 3
    assert Notification.objects.filter(type="settlement.reminder").count() == 3
