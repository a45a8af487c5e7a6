"""Two daphne processes sharing Redis: a message sent on one reaches a subscriber on the other."""

import json
import os
import time
import uuid
from urllib.parse import urlparse

import pytest

from chat.tests.stomp_client import RawStomp
from tests.servers import daphne
from tests.tcp_proxy import TcpProxy
from tests.waiting import wait_for

pytestmark = [pytest.mark.services("redis"), pytest.mark.django_db(transaction=True)]


def group_subscribers(client, prefix: str, party) -> int:
    """Redis subscribers of the party's group channel (channels-redis pub/sub naming)."""
    [(_, count)] = client.pubsub_numsub(f"{prefix}__group__party.{party.id}")
    return count


def test_message_sent_on_one_process_reaches_a_subscriber_on_another(chat_party):
    redis_url = os.environ["REDIS_URL"]
    party = chat_party["party"]
    with daphne(redis_url=redis_url) as first, daphne(redis_url=redis_url) as second:
        listener = RawStomp(first.ws)
        listener.connect(chat_party["tokens"]["leader"])
        listener.subscribe(f"/topic/party.{party.id}", "a")

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
        watcher.subscribe(f"/topic/party.{party.id}", "w")

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


def test_a_process_holds_one_redis_subscription_per_party_not_one_per_connection(chat_party):
    import redis

    redis_url = os.environ["REDIS_URL"]
    prefix = f"gonggu-test-{uuid.uuid4().hex[:8]}"
    party = chat_party["party"]
    client = redis.Redis.from_url(redis_url)

    with daphne(redis_url=redis_url, extra_env={"CHANNEL_LAYER_PREFIX": prefix}) as server:
        clients = []
        for role in ("leader", "member", "leader"):
            stomp_client = RawStomp(server.ws)
            stomp_client.connect(chat_party["tokens"][role])
            stomp_client.subscribe(f"/topic/party.{party.id}", "s")
            clients.append(stomp_client)
        # The party's group and the chat hub's channel, the account hub's channel and one
        # group per user (two users here, three connections): nothing per connection.
        assert group_subscribers(client, prefix, party) == 1
        wait_for(
            lambda: len(client.pubsub_channels(f"{prefix}*")) == 2 + 1 + 2,
            timeout=10,
            message="the per-process subscriptions",
        )

        clients[0].send(
            "SEND",
            {"destination": f"/app/party.{party.id}"},
            json.dumps({"content": "셋 모두에게"}),
        )
        for stomp_client in clients:
            assert json.loads(stomp_client.receive().body)["content"] == "셋 모두에게"

        for stomp_client in clients:
            stomp_client.close()
        deadline = time.monotonic() + 5
        while group_subscribers(client, prefix, party) and time.monotonic() < deadline:
            time.sleep(0.05)
        # The last local subscriber gone: the group is left.
        assert group_subscribers(client, prefix, party) == 0


def test_a_redis_cut_tells_subscribers_and_delivery_resumes_after_it(chat_party):
    import redis

    redis_url = os.environ["REDIS_URL"]
    target = urlparse(redis_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)
    proxy.start()
    via_proxy = proxy.via(redis_url)
    prefix = f"gonggu-test-{uuid.uuid4().hex[:8]}"
    party = chat_party["party"]
    client = redis.Redis.from_url(redis_url)
    env = {"CHANNEL_LAYER_PREFIX": prefix}
    try:
        with (
            daphne(redis_url=via_proxy, extra_env=env) as first,
            daphne(redis_url=redis_url, extra_env=env) as second,
        ):
            listener = RawStomp(first.ws)
            listener.connect(chat_party["tokens"]["leader"])
            listener.subscribe(f"/topic/party.{party.id}", "a")
            sender = RawStomp(second.ws)
            sender.connect(chat_party["tokens"]["member"])

            proxy.stop()  # the listener's process loses Redis (a restart or a network cut)
            # It may miss messages now: its subscriber is told so, not left waiting silently.
            interrupted = listener.receive(timeout=10)
            assert interrupted.command == "ERROR"
            assert interrupted.header("code") == "delivery_interrupted"
            assert listener.closed_within()
            assert group_subscribers(client, prefix, party) == 0
            proxy.start()
            deadline = time.monotonic() + 10
            while not client.pubsub_channels(f"{prefix}chat-hub.*"):
                assert time.monotonic() < deadline, "the hub never listened again"
                time.sleep(0.1)  # the layer reconnects and resubscribes the hub
            # The client reconnects (the panel does, then loads history); delivery resumes.
            again = RawStomp(first.ws)
            again.connect(chat_party["tokens"]["leader"])
            again.subscribe(f"/topic/party.{party.id}", "b")

            sender.send(
                "SEND",
                {"destination": f"/app/party.{party.id}"},
                json.dumps({"content": "다시 연결된 뒤에도"}),
            )
            frame = again.receive(timeout=10)
            assert frame.command == "MESSAGE"
            assert json.loads(frame.body)["content"] == "다시 연결된 뒤에도"
            again.close()
            sender.close()
    finally:
        proxy.stop()
