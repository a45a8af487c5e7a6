"""One connection cannot amplify a message (one subscription per destination, at most
``max_subscriptions`` in all) nor make the server buffer without end for a client that
stopped reading (past ``max_pending_output_bytes``: ERROR "slow consumer" and close), and the
memory such clients took returns once they are dropped. Against real daphne processes."""

import json
import time

import psutil
import pytest

from chat.tests.stomp_client import RawStomp, StalledReader
from parties.services import party_close, party_join
from tests.factories import make_party
from tests.servers import daphne

pytestmark = pytest.mark.django_db(transaction=True)


def topic(party) -> str:
    return f"/topic/party.{party.id}"


def test_a_second_subscription_to_the_same_room_is_refused(chat_server, chat_party):
    party = chat_party["party"]
    client = RawStomp(chat_server.ws)
    client.connect(chat_party["tokens"]["member"])
    client.subscribe(topic(party), "first")
    client.send("SUBSCRIBE", {"id": "second", "destination": topic(party)})
    error = client.receive()
    assert error.command == "ERROR"
    assert error.header("code") == "already_subscribed"
    assert client.closed_within()


def test_subscriptions_per_connection_are_capped(chat_party, django_db_blocker):
    member = chat_party["member"]
    parties = [chat_party["party"]]
    for _ in range(2):
        party = make_party(capacity=3)
        party_join(party_id=party.id, user=member)
        party_close(party_id=party.id, user=party.leader)
        parties.append(party)
    with django_db_blocker.unblock(), daphne(extra_env={"CHAT_MAX_SUBSCRIPTIONS": "2"}) as server:
        client = RawStomp(server.ws)
        client.connect(chat_party["tokens"]["member"])
        client.subscribe(topic(parties[0]), "a")
        client.subscribe(topic(parties[1]), "b")
        client.send("SUBSCRIBE", {"id": "c", "destination": topic(parties[2])})
        error = client.receive()
        assert error.command == "ERROR"
        assert error.header("code") == "too_many_subscriptions"
        assert client.closed_within()


def server_connections(pid: int, ports: set[int]) -> int:
    """Connections the server process still holds open to these client ports."""
    return sum(
        1
        for conn in psutil.Process(pid).net_connections(kind="tcp")
        if conn.raddr and conn.raddr.port in ports
    )


def rss(pid: int) -> int:
    return psutil.Process(pid).memory_info().rss


def test_stalled_readers_are_dropped_and_their_memory_returns(chat_party, django_db_blocker):
    party = chat_party["party"]
    env = {"CHAT_MESSAGES_PER_SECOND": "10000", "CHAT_MESSAGE_BURST": "10000",
           "CHAT_FRAMES_PER_SECOND": "10000", "CHAT_FRAME_BURST": "10000"}  # fmt: skip
    with django_db_blocker.unblock(), daphne(extra_env=env) as server:
        sender = RawStomp(server.ws)
        sender.connect(chat_party["tokens"]["leader"])
        body = json.dumps({"content": "가" * 900})

        def send(count: int) -> None:
            for n in range(count):
                sender.send(
                    "SEND", {"destination": f"/app/party.{party.id}", "receipt": f"{n}"}, body
                )
            for _ in range(count):
                assert sender.receive(timeout=30).command == "RECEIPT"

        for _ in range(3):  # warm up every code path, pool and thread as the load below will
            send(100)
        start = rss(server.process.pid)

        readers = [
            StalledReader(server.ws, chat_party["tokens"]["member"], topic(party))
            for _ in range(20)
        ]
        ports = {reader.local_port for reader in readers}
        deadline = time.monotonic() + 120
        while server_connections(server.process.pid, ports) and time.monotonic() < deadline:
            send(100)
        assert server_connections(server.process.pid, ports) == 0, "stalled readers kept"

        deadline = time.monotonic() + 30
        while rss(server.process.pid) > start * 1.10 and time.monotonic() < deadline:
            send(1)  # the server keeps working meanwhile
        assert rss(server.process.pid) <= start * 1.10, (start, rss(server.process.pid))
        for reader in readers:
            reader.close()
        sender.close()
