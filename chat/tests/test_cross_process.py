"""Two daphne processes sharing Redis: a message sent on one reaches a subscriber on the other."""

import json
import os
import time
import uuid
from urllib.parse import urlparse, urlunparse

import pytest

from chat.tests.stomp_client import RawStomp
from tests.servers import daphne
from tests.tcp_proxy import TcpProxy

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


def test_a_process_holds_one_redis_subscription_per_party_not_one_per_connection(chat_party):
    import redis

    redis_url = os.environ["REDIS_URL"]
    prefix = f"gonggu-test-{uuid.uuid4().hex[:8]}"
    party = chat_party["party"]
    group_channel = f"{prefix}__group__party.{party.id}"
    client = redis.Redis.from_url(redis_url)

    def subscriptions() -> tuple[int, list[bytes]]:
        [(_, on_group)] = client.pubsub_numsub(group_channel)
        return on_group, client.pubsub_channels(f"{prefix}*")

    with daphne(redis_url=redis_url, extra_env={"CHANNEL_LAYER_PREFIX": prefix}) as server:
        clients = []
        for role in ("leader", "member", "leader"):
            stomp_client = RawStomp(server.ws)
            stomp_client.connect(chat_party["tokens"][role])
            stomp_client.send(
                "SUBSCRIBE",
                {"id": "s", "destination": f"/topic/party.{party.id}", "receipt": "r"},
            )
            assert stomp_client.receive().header("receipt-id") == "r"
            clients.append(stomp_client)
        on_group, channels = subscriptions()
        # The party's group and the hub's own channel: nothing per connection.
        assert on_group == 1
        assert len(channels) == 2

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
        while subscriptions()[0] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert subscriptions()[0] == 0  # the last local subscriber gone: the group is left


def test_delivery_resumes_after_the_redis_connection_is_cut(chat_party):
    import redis

    redis_url = os.environ["REDIS_URL"]
    target = urlparse(redis_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)
    proxy.start()
    via_proxy = urlunparse(target._replace(netloc=f"127.0.0.1:{proxy.port}"))
    prefix = f"gonggu-test-{uuid.uuid4().hex[:8]}"
    party = chat_party["party"]
    group_channel = f"{prefix}__group__party.{party.id}"
    client = redis.Redis.from_url(redis_url)
    env = {"CHANNEL_LAYER_PREFIX": prefix}
    try:
        with (
            daphne(redis_url=via_proxy, extra_env=env) as first,
            daphne(redis_url=redis_url, extra_env=env) as second,
        ):
            listener = RawStomp(first.ws)
            listener.connect(chat_party["tokens"]["leader"])
            listener.send(
                "SUBSCRIBE", {"id": "a", "destination": f"/topic/party.{party.id}", "receipt": "r"}
            )
            assert listener.receive().header("receipt-id") == "r"
            sender = RawStomp(second.ws)
            sender.connect(chat_party["tokens"]["member"])

            proxy.stop()  # the listener's process loses Redis (a restart or a network cut)
            assert client.pubsub_numsub(group_channel)[0][1] == 0
            proxy.start()
            deadline = time.monotonic() + 10
            while not client.pubsub_numsub(group_channel)[0][1] and time.monotonic() < deadline:
                time.sleep(0.1)  # the layer reconnects and subscribes the hub again

            sender.send(
                "SEND",
                {"destination": f"/app/party.{party.id}"},
                json.dumps({"content": "다시 연결된 뒤에도"}),
            )
            frame = listener.receive(timeout=10)
            assert frame.command == "MESSAGE"
            assert json.loads(frame.body)["content"] == "다시 연결된 뒤에도"
            listener.close()
            sender.close()
    finally:
        proxy.stop()
