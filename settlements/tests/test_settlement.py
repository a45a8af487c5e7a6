"""The bill, what members see, paid and confirmed, reminders, erasing the account — and the
account never leaving the party."""

import json
import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import TestCase
from django.utils import timezone

from notifications.models import Notification, OutboxEvent
from settlements.models import Settlement, Share, ShareReminder
from settlements.services import (
    settlement_erase_old_accounts,
    settlement_reminders_send,
    share_confirm,
    share_mark_paid,
)
from settlements.tests.conftest import ACCOUNT, bill
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/parties/{}/settlement"


def test_the_leader_bills_once_and_shares_add_up(api_client, party_met):
    party, leader = party_met["party"], party_met["leader"]
    api_client.force_authenticate(leader)
    body = {"actual_total": 21990, **ACCOUNT}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_client.post(URL.format(party.id), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["actual_total"] == 21990 and data["planned_total"] == 20000
    amounts = {s["user_id"]: s["amount"] for s in data["shares"]}
    assert sum(amounts.values()) == 21990
    assert amounts[leader.id] == 5499  # the remainder, 2 won, is the leader's
    assert {s["status"] for s in data["shares"] if s["user_id"] != leader.id} == {"pending"}
    again = api_client.post(URL.format(party.id), body, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "settlement_exists")
    told = set(
        Notification.objects.filter(type="settlement.billed").values_list("user_id", flat=True)
    )
    assert told == {m.id for m in party_met["members"]}


@pytest.mark.parametrize(
    "total, code",
    [(0, "invalid_total"), (-5, "invalid_total"), (60001, "total_too_high"), ("만원", "invalid")],
)
def test_typo_totals_are_refused(api_client, party_met, total, code):
    api_client.force_authenticate(party_met["leader"])
    response = api_client.post(
        URL.format(party_met["party"].id), {"actual_total": total, **ACCOUNT}, format="json"
    )
    assert response.status_code == 400
    assert code in response.json()["code"]
    assert not Settlement.objects.exists()


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("account_number", "3333-01-12345ab", "invalid_account_number"),
        ("account_number", "12", "invalid_account_number"),
        ("bank", "swiss", "invalid"),
        ("kakaopay_link", "https://evil.example/pay", "invalid_kakaopay_link"),
        ("account_holder", "가" * 31, "invalid"),
    ],
)
def test_bad_accounts_are_refused(api_client, party_met, field, value, code):
    api_client.force_authenticate(party_met["leader"])
    response = api_client.post(
        URL.format(party_met["party"].id),
        {"actual_total": 20000, **ACCOUNT, field: value},
        format="json",
    )
    assert response.status_code == 400
    assert code in response.json()["code"]
    assert not Settlement.objects.exists()


def test_only_the_leader_bills_and_only_once_closed(api_client, party_met):
    api_client.force_authenticate(party_met["members"][0])
    response = api_client.post(
        URL.format(party_met["party"].id), {"actual_total": 20000, **ACCOUNT}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "not_leader")
    assert not Settlement.objects.exists()


def test_who_sees_the_settlement(api_client, party_met):
    party = party_met["party"]
    bill(party, party_met["leader"])
    assert api_client.get(URL.format(party.id)).status_code == 401
    api_client.force_authenticate(UserFactory())
    outsider = api_client.get(URL.format(party.id))
    assert (outsider.status_code, outsider.json()["code"]) == (403, "not_a_member")
    assert "1234567" not in outsider.content.decode()
    member = party_met["members"][0]
    api_client.force_authenticate(member)
    data = api_client.get(URL.format(party.id)).json()
    assert data["account"]["account_number"] == "3333011234567"
    assert data["my_amount"] == 5497 and data["my_status"] == "pending"
    toss = urlparse(data["links"]["toss"])
    assert toss.scheme == "supertoss" and toss.netloc == "send"
    assert parse_qs(toss.query) == {
        "bank": ["카카오뱅크"],
        "accountNo": ["3333011234567"],
        "amount": ["5497"],
    }


def test_paid_then_confirmed_then_complete(api_client, party_met):
    party, leader, members = party_met["party"], party_met["leader"], party_met["members"]
    bill(party, leader)
    api_client.force_authenticate(members[0])
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = api_client.post(URL.format(party.id) + "/paid")
        second = api_client.post(URL.format(party.id) + "/paid")  # a double click
    assert first.status_code == second.status_code == 200
    assert first.json()["my_status"] == "paid"
    assert Notification.objects.filter(type="settlement.paid", user=leader).count() == 1
    api_client.force_authenticate(leader)
    with TestCase.captureOnCommitCallbacks(execute=True):
        for member in members:  # the second and third pay cash: confirmed directly
            response = api_client.post(
                URL.format(party.id) + "/confirm", {"user_id": member.id}, format="json"
            )
            assert response.status_code == 200
    data = response.json()
    assert data["completed"] is True and data["unpaid_user_ids"] == []
    # The last confirmation completed the settlement: one action, so that member is told of
    # both in one notification; the two before had theirs already.
    assert Notification.objects.filter(type="settlement.confirmed").count() == 2
    assert Notification.objects.filter(type="settlement.completed").count() == 3
    last = Notification.objects.get(user=members[-1], type="settlement.completed")
    assert "받은 것을 확인했어요 · 정산이 모두 끝났어요" in last.data["message"]
    assert Settlement.objects.get().completed_at is not None


def test_paid_and_confirm_refusals(api_client, party_met):
    party, leader, members = party_met["party"], party_met["leader"], party_met["members"]
    bill(party, leader)
    api_client.force_authenticate(leader)
    own = api_client.post(URL.format(party.id) + "/paid")
    assert (own.status_code, own.json()["code"]) == (409, "leader_share")
    api_client.force_authenticate(members[0])
    not_leader = api_client.post(
        URL.format(party.id) + "/confirm", {"user_id": members[1].id}, format="json"
    )
    assert (not_leader.status_code, not_leader.json()["code"]) == (403, "not_leader")
    api_client.force_authenticate(UserFactory())
    stranger = api_client.post(URL.format(party.id) + "/paid")
    assert (stranger.status_code, stranger.json()["code"]) == (403, "not_in_settlement")
    assert set(Share.objects.values_list("status", flat=True)) == {"pending", "confirmed"}


def test_correcting_before_anyone_paid_and_not_after(api_client, party_met):
    party, leader, members = party_met["party"], party_met["leader"], party_met["members"]
    bill(party, leader)
    api_client.force_authenticate(leader)
    fixed = api_client.patch(URL.format(party.id), {"actual_total": 20000}, format="json")
    assert fixed.status_code == 200
    assert {s["amount"] for s in fixed.json()["shares"]} == {5000}
    with TestCase.captureOnCommitCallbacks(execute=True):
        share_mark_paid(party_id=party.id, user=members[0])
    locked = api_client.patch(URL.format(party.id), {"actual_total": 24000}, format="json")
    assert (locked.status_code, locked.json()["code"]) == (409, "settlement_locked")
    assert Settlement.objects.get().actual_total == 20000


def test_a_member_who_withdrew_shares_nothing(party_met):
    from parties.models import Membership

    party, leaving = party_met["party"], party_met["members"][2]
    Membership.objects.filter(party=party, user=leaving).update(
        left_at=timezone.now(), withdrawn_at=timezone.now()
    )
    bill(party, party_met["leader"], total=30000)
    assert set(Share.objects.values_list("amount", flat=True)) == {10000}
    assert not Share.objects.filter(user=leaving).exists()


def test_pending_members_are_reminded_once_a_day_after(party_met):
    party, leader, members = party_met["party"], party_met["leader"], party_met["members"]
    bill(party, leader)
    with TestCase.captureOnCommitCallbacks(execute=True):
        share_mark_paid(party_id=party.id, user=members[0])
    assert settlement_reminders_send() == 0  # not yet a day
    Settlement.objects.update(created_at=timezone.now() - timedelta(hours=25))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert settlement_reminders_send() == 2  # the two still pending
        assert settlement_reminders_send() == 0
    told = set(
        Notification.objects.filter(type="settlement.reminder").values_list("user_id", flat=True)
    )
    assert told == {members[1].id, members[2].id}
    assert ShareReminder.objects.count() == 2


def test_the_account_is_erased_30_days_after_completion_masked_digits_stay(party_met):
    party, leader = party_met["party"], party_met["leader"]
    bill(party, leader)
    for member in party_met["members"]:
        share_confirm(party_id=party.id, user=leader, member_id=member.id)
    assert settlement_erase_old_accounts() == 0
    Settlement.objects.update(completed_at=timezone.now() - timedelta(days=31))
    assert settlement_erase_old_accounts() == 1
    settlement = Settlement.objects.get()
    assert (settlement.account_number, settlement.account_holder) == ("", "")
    assert settlement.account_masked == "*********4567"


def test_the_account_appears_in_no_event_notification_log_or_other_api(
    api_client, party_met, caplog
):
    caplog.set_level(logging.DEBUG)
    party, leader, members = party_met["party"], party_met["leader"], party_met["members"]
    bill(party, leader, kakaopay_link="https://qr.kakaopay.com/Ej7secret")
    with TestCase.captureOnCommitCallbacks(execute=True):
        share_mark_paid(party_id=party.id, user=members[0])
        share_confirm(party_id=party.id, user=leader, member_id=members[0].id)
    secrets = ("3333011234567", "3333-01-1234567", "김공구", "Ej7secret")
    stored = json.dumps(
        [
            list(OutboxEvent.objects.values_list("payload", flat=True)),
            list(Notification.objects.values_list("data", flat=True)),
        ],
        ensure_ascii=False,
    )
    api_client.force_authenticate(UserFactory())
    elsewhere = "".join(
        api_client.get(url).content.decode()
        for url in (f"/api/v1/parties/{party.id}", f"/api/v1/users/{leader.id}")
    )
    api_client.force_authenticate(members[0])
    inbox_response = api_client.get("/api/v1/notifications")
    assert inbox_response.status_code == 200
    inbox = inbox_response.content.decode()
    assert "보낸" in inbox or "확인" in inbox  # the settlement notifications are there
    for secret in secrets:
        assert secret not in stored
        assert secret not in caplog.text
        assert secret not in elsewhere
        assert secret not in inbox
