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


def test_a_member_who_leaves_stops_receiving(chat_party):
    """Leaving is only possible while recruiting, before the room opens; should membership end
    any other way, the same ``party.left`` event reaches every process and the leaver's open
    subscriptions end there. Driven here through the real handler and Redis."""
    from chat.handlers import revoke_subscriptions_when_member_leaves
    from common.events import DomainEvent

    redis_url = os.environ["REDIS_URL"]
    party, member = chat_party["party"], chat_party["member"]
    with daphne(redis_url=redis_url) as server:
        watcher = RawStomp(server.ws)
        watcher.connect(chat_party["tokens"]["member"])
        watcher.send(
            "SUBSCRIBE", {"id": "w", "destination": f"/topic/party.{party.id}", "receipt": "r"}
        )
        assert watcher.receive().header("receipt-id") == "r"

        revoke_subscriptions_when_member_leaves(
            DomainEvent("party.left", {"party_id": party.id, "user_id": member.id})
        )
        leader = RawStomp(server.ws)
        leader.connect(chat_party["tokens"]["leader"])
        leader.send("SUBSCRIBE", {"id": "l", "destination": f"/topic/party.{party.id}"})
        leader.send(
            "SEND",
            {"destination": f"/app/party.{party.id}"},
            json.dumps({"content": "안 보여야 함"}),
        )
        assert json.loads(leader.receive().body)["content"] == "안 보여야 함"
        with pytest.raises(TimeoutError):
            watcher.receive(timeout=1.0)
        watcher.close()
        leader.close()
