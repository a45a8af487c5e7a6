"""What the chat page shows from an ERROR frame is its ``message`` header: Korean, saying
what to do, with a stable ``code``; the parser's technical reason stays in the body."""

import json

import pytest

from chat.models import MAX_MESSAGE_LENGTH, ChatMessage, MessageType
from chat.tests.stomp_client import RawStomp

pytestmark = pytest.mark.django_db(transaction=True)


def has_hangul(text: str) -> bool:
    return any("가" <= char <= "힣" for char in text)


def chat_count(party) -> int:
    return ChatMessage.objects.filter(room_id=party.id, type=MessageType.CHAT).count()


def test_an_oversize_frame_is_refused_in_korean_with_a_code(chat_server, chat_party):
    party = chat_party["party"]
    client = RawStomp(chat_server.ws)
    client.connect(chat_party["tokens"]["member"])
    body = json.dumps({"content": "가" * 20_000})
    client.send("SEND", {"destination": f"/app/party.{party.id}"}, body)
    frame = client.receive()
    assert frame.command == "ERROR"
    assert frame.header("code") == "frame_too_large"
    assert (
        frame.header("message")
        == f"메시지가 너무 길어요. {MAX_MESSAGE_LENGTH}자까지 보낼 수 있어요."
    )
    assert "frame too large" in frame.body.decode()  # for the client's developer
    assert client.closed_within(3)
    assert chat_count(party) == 0


def test_a_malformed_frame_is_refused_in_korean_with_a_code(chat_server, chat_party):
    client = RawStomp(chat_server.ws)
    client.connect(chat_party["tokens"]["member"])
    client.send_raw(b"SHOUT\n\nhello\x00")
    frame = client.receive()
    assert frame.command == "ERROR"
    assert frame.header("code") == "bad_frame"
    assert has_hangul(frame.header("message"))
    assert "unknown command" in frame.body.decode()
    assert client.closed_within(3)


def test_a_message_over_the_limit_is_refused_in_korean(chat_server, chat_party):
    party = chat_party["party"]
    client = RawStomp(chat_server.ws)
    client.connect(chat_party["tokens"]["member"])
    body = json.dumps({"content": "가" * (MAX_MESSAGE_LENGTH + 1)})
    client.send("SEND", {"destination": f"/app/party.{party.id}", "receipt": "r"}, body)
    frame = client.receive()
    assert frame.command == "ERROR"
    assert has_hangul(frame.header("message"))
    assert not any(c.isascii() and c.isalpha() for c in frame.header("message"))
    assert chat_count(party) == 0
