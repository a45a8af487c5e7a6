"""Cancelling a closed party closes its chat room: subscribers get the closing note, then
ERROR chat_closed and are disconnected; SEND and SUBSCRIBE are refused; members can still
read the history. Against a real daphne process (the cancel goes through its API)."""

import json

import pytest
import requests

from chat.models import ChatMessage, MessageType
from chat.tests.stomp_client import RawStomp

pytestmark = pytest.mark.django_db(transaction=True)


def test_cancelling_the_party_closes_its_chat_but_keeps_the_history(chat_server, chat_party):
    party, tokens = chat_party["party"], chat_party["tokens"]
    member = RawStomp(chat_server.ws)
    member.connect(tokens["member"])
    member.subscribe(f"/topic/party.{party.id}", "m")

    response = requests.post(
        f"{chat_server.http}/api/v1/parties/{party.id}/cancel",
        headers={"Authorization": f"Bearer {tokens['leader']}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    note = member.receive(timeout=10)
    assert note.command == "MESSAGE"
    assert json.loads(note.body)["type"] == "SYSTEM"
    assert "채팅방이 닫혔어요" in json.loads(note.body)["content"]
    closed = member.receive(timeout=10)
    assert (closed.command, closed.header("code")) == ("ERROR", "chat_closed")
    assert member.closed_within()

    stored_before = ChatMessage.objects.filter(room_id=party.id, type=MessageType.CHAT).count()
    again = RawStomp(chat_server.ws)
    again.connect(tokens["member"])
    again.send(
        "SEND",
        {"destination": f"/app/party.{party.id}", "receipt": "s"},
        json.dumps({"content": "아직 되나요?"}),
    )
    refused = again.receive()
    assert (refused.command, refused.header("code")) == ("ERROR", "chat_closed")
    assert ChatMessage.objects.filter(room_id=party.id, type=MessageType.CHAT).count() == (
        stored_before
    )
    subscriber = RawStomp(chat_server.ws)
    subscriber.connect(tokens["leader"])
    subscriber.send("SUBSCRIBE", {"id": "x", "destination": f"/topic/party.{party.id}"})
    assert subscriber.receive().header("code") == "chat_closed"

    history = requests.get(
        f"{chat_server.http}/api/v1/parties/{party.id}/messages",
        headers={"Authorization": f"Bearer {tokens['member']}"},
        timeout=10,
    )
    assert history.status_code == 200
    assert "채팅방이 닫혔어요" in history.json()["results"][-1]["content"]
