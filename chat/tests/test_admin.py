"""Chat messages in the admin, for moderation: readable (in Korean), not editable, and
hidden through the chat service: the message leaves the members' history, the record stays."""

import pytest
from django.test import TestCase

from chat.models import ChatMessage
from chat.services import MessageDraft, chat_messages_send, chat_room_open
from parties.services import party_join
from tests.factories import UserFactory, make_party

pytestmark = pytest.mark.django_db


@pytest.fixture
def said():
    party = make_party(capacity=3, title="생수 나눠요")
    member = UserFactory(nickname="물사러")
    party_join(party_id=party.id, user=member)
    chat_room_open(party_id=party.id)
    with TestCase.captureOnCommitCallbacks(execute=True):
        (message,) = chat_messages_send(
            drafts=[MessageDraft(party_id=party.id, user=member, content="계좌번호 010-...")]
        )
    assert isinstance(message, ChatMessage)
    return message


def test_chat_message_list_reads_in_korean(admin_client, said):
    page = admin_client.get("/admin/chat/chatmessage/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "채팅 메시지" in body and "생수 나눠요" in body and "물사러" in body
    assert str(said) == "물사러: 계좌번호 010-..."
    for english in ("Chat message", "Hidden at", "Created at"):
        assert english not in body


def test_hide_action_hides_the_message_through_the_service(admin_client, said):
    response = admin_client.post(
        "/admin/chat/chatmessage/",
        {"action": "hide_messages", "_selected_action": [said.pk]},
        follow=True,
    )
    assert "메시지 1건을 가렸어요." in [str(m) for m in response.context["messages"]]
    assert ChatMessage.objects.get(pk=said.pk).hidden_at is not None
    assert ChatMessage.objects.filter(pk=said.pk).exists()  # kept for the record


def test_chat_messages_cannot_be_written_or_deleted_in_the_admin(admin_client, said):
    assert admin_client.get("/admin/chat/chatmessage/add/").status_code == 403
    admin_client.post(
        f"/admin/chat/chatmessage/{said.pk}/change/", {"content": "다른 말", "type": "CHAT"}
    )
    admin_client.post(f"/admin/chat/chatmessage/{said.pk}/delete/", {"post": "yes"})
    assert ChatMessage.objects.get(pk=said.pk).content == "계좌번호 010-..."
