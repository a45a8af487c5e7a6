"""Chat rooms open when recruitment closes; history is for members only."""

import pytest
from django.conf import settings

from chat import services
from chat.models import ChatMessage, ChatRoom, MessageType
from chat.services import chat_message_send
from common.errors import DomainError
from parties.services import party_close, party_join
from tests.factories import UserFactory, make_party

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def closed_party():
    party = make_party(capacity=3)
    member = UserFactory()
    party_join(party_id=party.id, user=member)
    party_close(party_id=party.id, user=party.leader)
    return party, member


def test_room_opens_when_recruitment_closes_and_members_are_told(events):
    party = make_party(capacity=2)
    assert not ChatRoom.objects.filter(party=party).exists()
    member = UserFactory()
    party_join(party_id=party.id, user=member)  # fills the party: it closes itself
    room = ChatRoom.objects.get(party=party)
    system = ChatMessage.objects.get(room=room)
    assert system.type == MessageType.SYSTEM and system.sender is None
    created = [e for e in events if e.type == "chat.created"]
    assert len(created) == 1
    assert set(created[0].payload["member_ids"]) == {party.leader_id, member.id}


def test_no_room_while_recruiting(api_client):
    party = make_party()
    api_client.force_authenticate(party.leader)
    response = api_client.get(f"/api/v1/parties/{party.id}/messages")
    assert response.status_code == 409
    assert response.json()["code"] == "chat_not_open"
    with pytest.raises(DomainError) as refused:
        chat_message_send(party_id=party.id, user=party.leader, content="안녕하세요")
    assert refused.value.code == "chat_not_open"
    assert not ChatMessage.objects.exists()


def test_members_read_history_in_pages_oldest_first(api_client, closed_party):
    party, member = closed_party
    for i in range(5):
        chat_message_send(party_id=party.id, user=member, content=f"메시지 {i}")
    api_client.force_authenticate(party.leader)
    body = api_client.get(f"/api/v1/parties/{party.id}/messages", {"limit": 3}).json()
    assert [m["content"] for m in body["results"]] == ["메시지 2", "메시지 3", "메시지 4"]
    assert body["has_more"] is True
    assert body["results"][0]["sender"] == {"id": member.id, "nickname": member.nickname}
    older = api_client.get(
        f"/api/v1/parties/{party.id}/messages",
        {"limit": 3, "before_id": body["results"][0]["id"]},
    ).json()
    assert [m["type"] for m in older["results"]] == ["SYSTEM", "CHAT", "CHAT"]
    assert older["has_more"] is False


def test_outsiders_cannot_read_or_send(api_client, closed_party):
    party, _member = closed_party
    outsider = UserFactory()
    api_client.force_authenticate(outsider)
    response = api_client.get(f"/api/v1/parties/{party.id}/messages")
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_member"
    before = ChatMessage.objects.count()
    with pytest.raises(DomainError) as refused:
        chat_message_send(party_id=party.id, user=outsider, content="끼워 주세요")
    assert refused.value.code == "not_a_member"
    assert ChatMessage.objects.count() == before
    assert api_client.__class__().get(f"/api/v1/parties/{party.id}/messages").status_code == 401


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("   ", "message_empty"),
        ("가" * 1001, "message_too_long"),
        ("널\x00문자", "message_invalid"),
        ("짝 없는 \ud800", "message_invalid"),
    ],
)
def test_bad_messages_are_refused_and_not_stored(closed_party, content, code):
    party, member = closed_party
    before = ChatMessage.objects.count()
    with pytest.raises(DomainError) as refused:
        chat_message_send(party_id=party.id, user=member, content=content)
    assert refused.value.code == code
    assert ChatMessage.objects.count() == before


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"limit": "0"}, 400, "invalid_limit"),
        ({"limit": "101"}, 400, "invalid_limit"),
        ({"before_id": "x"}, 400, "invalid_before_id"),
    ],
)
def test_history_bad_parameters(api_client, closed_party, params, status, code):
    party, member = closed_party
    api_client.force_authenticate(member)
    response = api_client.get(f"/api/v1/parties/{party.id}/messages", params)
    assert response.status_code == status
    assert response.json()["code"] == code


def test_history_of_unknown_party_is_404(api_client, db):
    api_client.force_authenticate(UserFactory())
    response = api_client.get("/api/v1/parties/987654/messages")
    assert response.status_code == 404
    assert response.json()["code"] == "party_not_found"


STORES = ["any database"] + (
    ["postgresql"] if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else []
)


@pytest.mark.parametrize("store", STORES)
def test_a_batch_stores_what_is_allowed_and_refuses_the_rest_in_order(
    closed_party, monkeypatch, store
):
    party, member = closed_party
    recruiting = make_party()  # its room is not open yet
    outsider = UserFactory()
    # The same batch on either storage path (PostgreSQL runs the one-statement path).
    monkeypatch.setattr(
        services.connection, "vendor", "postgresql" if store == "postgresql" else "portable"
    )
    results = services.chat_messages_send(
        drafts=[
            services.MessageDraft(party_id=party.id, user=member, content=" 첫 메시지 "),
            services.MessageDraft(party_id=party.id, user=outsider, content="끼워 주세요"),
            services.MessageDraft(
                party_id=recruiting.id, user=recruiting.leader, content="아직이에요"
            ),
            services.MessageDraft(party_id=party.id, user=party.leader, content="  "),
            # PostgreSQL cannot store a NUL: refused alone, it must not fail the batch.
            services.MessageDraft(party_id=party.id, user=member, content="널\x00"),
            services.MessageDraft(party_id=party.id, user=party.leader, content="두 번째"),
        ]
    )
    codes = [r.code if isinstance(r, DomainError) else "stored" for r in results]
    assert codes == [
        "stored",
        "not_a_member",
        "chat_not_open",
        "message_empty",
        "message_invalid",
        "stored",
    ]
    first, second = results[0], results[5]
    stored = list(
        ChatMessage.objects.filter(type=MessageType.CHAT).values_list(
            "id", "room_id", "sender_id", "content"
        )
    )
    assert stored == [
        (first.id, party.id, member.id, "첫 메시지"),
        (second.id, party.id, party.leader_id, "두 번째"),
    ]
    assert first.id < second.id
    assert not ChatMessage.objects.filter(room_id=recruiting.id).exists()
