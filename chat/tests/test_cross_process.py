"""Two daphne processes sharing Redis: a message sent on one reaches a subscriber on the other."""

import json
import os

import pytest

from chat.tests.stomp_client import RawStomp
from tests.servers import daphne

pytestmark = [pytest.mark.services("redis"), pytest.mark.django_db(transaction=True)]


def test_message_sent_on_one_process_reaches_a_subscriber_on_another(chat_party):
    redis_url = os.environ["REDIS_URL"]
    party = chat_party["party"]
    with daphne(redis_url=redis_url) as first, daphne(redis_url=redis_url) as second:
        listener = RawStomp(first.ws)
        listener.connect(chat_party["tokens"]["leader"])
        listener.send(
            "SUBSCRIBE", {"id": "a", "destination": f"/topic/party.{party.id}", "receipt": "r"}
        )
        assert listener.receive().header("receipt-id") == "r"

        sender = RawStomp(second.ws)
        sender.connect(chat_party["tokens"]["member"])
        sender.send(
            "SEND",
            {"destination": f"/app/party.{party.id}", "receipt": "sent"},
            json.dumps({"content": "다른 서버에서 보냄"}),
        )
        assert sender.receive().header("receipt-id") == "sent"

        frame = listener.receive(timeout=5)
        assert frame.command == "MESSAGE"
        assert json.loads(frame.body)["content"] == "다른 서버에서 보냄"
        listener.close()
        sender.close()
