"""The settlement on the party page, without JavaScript: the leader bills, a member sees what
to send and says "보냈어요", the leader confirms, "정산 완료"; my settlements."""

import pytest

from settlements.models import Settlement, Share
from settlements.tests.conftest import ACCOUNT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def page(client, party):
    return client.get(f"/parties/{party.id}/").content.decode()


def test_bill_pay_confirm_on_the_party_page(client, party_met):
    party, leader, members = party_met["party"], party_met["leader"], party_met["members"]
    client.force_login(leader)
    assert 'data-testid="settlement-bill-form"' in page(client, party)
    client.post(f"/settlements/parties/{party.id}/bill/", {"actual_total": "21,990", **ACCOUNT})
    assert Settlement.objects.get().actual_total == 21990

    client.force_login(members[0])
    html = page(client, party)
    assert "5,497원" in html and 'data-testid="settlement-toss"' in html
    assert 'data-testid="chat-settlement"' in html  # also in the chat panel
    assert "3333011234567" in html
    client.post(f"/settlements/parties/{party.id}/paid/")
    assert Share.objects.get(user=members[0]).status == "paid"

    client.force_login(leader)
    for member in members:
        client.post(f"/settlements/parties/{party.id}/confirm/", {"user_id": member.id})
    assert 'data-testid="settlement-done"' in page(client, party)

    client.force_login(UserFactory())
    html = page(client, party)
    assert 'data-testid="settlement"' not in html and "3333011234567" not in html


def test_bad_bill_on_the_page_says_why_and_writes_nothing(client, party_met):
    party = party_met["party"]
    client.force_login(party_met["leader"])
    response = client.post(
        f"/settlements/parties/{party.id}/bill/",
        {"actual_total": "99999999", **ACCOUNT},
        follow=True,
    )
    assert "세 배가 넘어요" in response.content.decode()
    assert not Settlement.objects.exists()


def test_my_settlements_lists_what_i_owe_and_am_owed(client, party_met):
    party, leader, members = party_met["party"], party_met["leader"], party_met["members"]
    client.force_login(leader)
    client.post(f"/settlements/parties/{party.id}/bill/", {"actual_total": "20000", **ACCOUNT})
    owed = client.get("/settlements/mine/").content.decode()
    assert owed.count("5,000원") == 3  # three members still to pay
    client.force_login(members[0])
    owe = client.get("/settlements/mine/").content.decode()
    assert party.title in owe and "5,000원" in owe
