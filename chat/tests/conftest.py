import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from parties.services import party_close, party_join
from tests.factories import UserFactory, make_party


def access_token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


@pytest.fixture(scope="module")
def chat_server(server):
    """One real daphne process (embedded layers) serving the test database."""
    return server


@pytest.fixture
def chat_party(transactional_db):
    """A party whose recruitment closed (chat open): leader, member, and an outsider."""
    party = make_party(capacity=3)
    member = UserFactory()
    party_join(party_id=party.id, user=member)
    party_close(party_id=party.id, user=party.leader)
    outsider = UserFactory()
    return {
        "party": party,
        "leader": party.leader,
        "member": member,
        "outsider": outsider,
        "tokens": {
            "leader": access_token(party.leader),
            "member": access_token(member),
            "outsider": access_token(outsider),
        },
    }
