import pytest
from django.test import TestCase

from parties.services import party_join
from penalties.tests.conftest import met
from settlements.services import settlement_create
from tests.factories import UserFactory, make_party

ACCOUNT = {"bank": "kakaobank", "account_number": "3333-01-1234567", "account_holder": "김공구"}


@pytest.fixture
def party_met(db):
    """A party of four (leader and three members) that met two hours ago."""
    party = make_party(capacity=4, total_price=20000)
    members = [UserFactory(nickname=f"멤버{i}") for i in range(3)]
    with TestCase.captureOnCommitCallbacks(execute=True):
        for member in members:
            party_join(party_id=party.id, user=member)
    return {"party": met(party), "leader": party.leader, "members": members}


def bill(party, leader, total=21990, **account):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return settlement_create(
            party_id=party.id, user=leader, actual_total=total, **{**ACCOUNT, **account}
        )
