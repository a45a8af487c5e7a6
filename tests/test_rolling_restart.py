"""A zero-downtime upgrade's last step on the production layout (deploy/local.py, SIGHUP: the
local twin of deploy/rolling-restart.sh): the web processes restart one at a time behind
nginx, then the dispatcher, the worker and beat, while residents use the site through nginx.

A member sends a numbered chat message every 200 ms and another member receives them (both
STOMP over WebSocket), a fan holds the notification stream (SSE) while parties open at their
favourite market, and a plain HTTP request goes through nginx in a loop. Clients reconnect as
browsers do (STOMP: reconnect, resubscribe, fetch the gap from the history API; SSE:
reconnect with Last-Event-ID). Afterwards: every message was stored once and received, every
notification arrived, and nginx never answered 502 or 504."""

import contextlib
import json
import threading
import time

import pytest
import requests
from rest_framework_simplejwt.tokens import RefreshToken
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from chat.models import ChatMessage, MessageType
from chat.tests.stomp_client import RawStomp
from notifications.models import FavoriteMarket, Notification
from parties.services import party_close, party_join
from tests.deploy_layout import alive, deploy_layout
from tests.factories import ItemFactory, MarketFactory, UserFactory, make_party, party_request_body
from tests.sse_client import ReconnectingSseClient
from tests.waiting import wait_for

pytestmark = [
    pytest.mark.services("postgresql", "redis", "rabbitmq"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(420),
]

# What a dropped connection looks like to a client: closed, refused, 502 at the handshake.
DROPPED = (ConnectionClosed, InvalidHandshake, InvalidStatus, OSError, TimeoutError)


def token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


def history(base: str, party_id: int, access: str, *, after_id: int) -> list[dict]:
    """Every stored message newer than ``after_id``, oldest first, page by page backwards
    through GET /api/v1/parties/{id}/messages (what the chat page does after a reconnect)."""
    found: list[dict] = []
    before: int | None = None
    while True:
        params = {"limit": 100, **({"before_id": before} if before else {})}
        response = requests.get(
            f"{base}/api/v1/parties/{party_id}/messages",
            params=params,
            headers={"Authorization": f"Bearer {access}"},
            timeout=10,
        )
        response.raise_for_status()
        page = response.json()
        newer = [m for m in page["results"] if m["id"] > after_id]
        found = newer + found
        if len(newer) < len(page["results"]) or not page["has_more"] or not newer:
            return found
        before = page["results"][0]["id"]


class ChatReceiver(threading.Thread):
    """A member's chat: subscribed live; after any drop it reconnects, resubscribes (with a
    receipt: live from then on) and fills the gap from history. Keeps each message once."""

    def __init__(self, base: str, ws: str, party_id: int, access: str) -> None:
        super().__init__(daemon=True)
        self.base, self.ws, self.party_id, self.access = base, ws, party_id, access
        self.messages: dict[int, str] = {}
        self.connections = 0
        self.subscribed = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                client = RawStomp(self.ws)
            except DROPPED:
                self.stop.wait(0.5)
                continue
            try:
                assert client.connect(self.access, **{"heart-beat": "0,0"}).command == "CONNECTED"
                client.subscribe(f"/topic/party.{self.party_id}", "chat")
                self.connections += 1
                last = max(self.messages, default=0)
                for message in history(self.base, self.party_id, self.access, after_id=last):
                    self.messages.setdefault(message["id"], message["content"])
                self.subscribed.set()
                while not self.stop.is_set():
                    try:
                        frame = client.receive(timeout=0.5)
                    except TimeoutError:
                        continue
                    if frame.command == "MESSAGE":
                        body = json.loads(frame.body)
                        self.messages.setdefault(body["id"], body["content"])
            except (*DROPPED, requests.RequestException, AssertionError):
                self.stop.wait(0.5)
            finally:
                with contextlib.suppress(Exception):  # already gone
                    client.close()


class ChatSender(threading.Thread):
    """A member sending message N every 200 ms with a receipt. A SEND whose receipt never
    came (the connection dropped) is looked up in history after the reconnect, and sent
    again only once it is certain it was not stored: the web process that took it may still
    be storing it while it shuts down, so the answer "not stored" counts only once every web
    process that was running when the connection dropped has either exited or is still
    running (then it is serving, and whatever it took is stored). No loss, no double."""

    def __init__(self, base: str, ws: str, party_id: int, access: str, layout) -> None:
        super().__init__(daemon=True)
        self.base, self.ws, self.party_id, self.access = base, ws, party_id, access
        self.layout = layout
        self.acknowledged: list[int] = []
        self.connections = 0
        self.stop = threading.Event()
        self.next = 1

    def web_pids(self, *, serving_only: bool = False) -> set[int]:
        processes = self.layout.state().get("processes", {})
        return {
            entry["pid"]
            for name in self.layout.web_names()
            if (entry := processes.get(name, {})).get("pid")
            and not (serving_only and entry.get("stopping"))
        }

    def settled(self, dropped_at: set[int]) -> bool:
        """Every web process running when the connection dropped has exited or is serving
        (none is part way through stopping, with a SEND it took still being stored)."""
        serving = self.web_pids(serving_only=True)
        return all(pid in serving or not alive(pid) for pid in dropped_at)

    def stored(self, number: int) -> bool:
        messages = history(self.base, self.party_id, self.access, after_id=0)
        return f"메시지 {number}" in {m["content"] for m in messages}

    def run(self) -> None:
        pending: int | None = None
        dropped_at: set[int] = set()
        while not self.stop.is_set():
            try:
                client = RawStomp(self.ws)
            except DROPPED:
                self.stop.wait(0.5)
                continue
            try:
                assert client.connect(self.access, **{"heart-beat": "0,0"}).command == "CONNECTED"
                self.connections += 1
                if pending is not None:
                    while not self.settled(dropped_at) and not self.stored(pending):
                        self.stop.wait(0.2)
                    if self.stored(pending):
                        self.acknowledged.append(pending)
                        pending = None
                while not self.stop.is_set():
                    number = pending or self.next
                    pending = number
                    client.send(
                        "SEND",
                        {"destination": f"/app/party.{self.party_id}", "receipt": f"n{number}"},
                        json.dumps({"content": f"메시지 {number}"}),
                    )
                    deadline = time.monotonic() + 15
                    while True:
                        frame = client.receive(timeout=max(0.1, deadline - time.monotonic()))
                        if frame.header("receipt-id") == f"n{number}":
                            break
                        assert frame.command != "ERROR", frame
                    self.acknowledged.append(number)
                    pending, self.next = None, number + 1
                    self.stop.wait(0.2)
            except (*DROPPED, requests.RequestException, AssertionError):
                if pending is not None and not dropped_at:
                    dropped_at = self.web_pids()
                self.stop.wait(0.5)
            else:
                dropped_at = set()
            finally:
                with contextlib.suppress(Exception):  # already gone
                    client.close()
            if pending is None:
                dropped_at = set()


class Prober(threading.Thread):
    """A plain GET through nginx in a loop; every status (or error) it got, in order."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.statuses, self.stop = url, [], threading.Event()

    def run(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            try:
                self.statuses.append(session.get(self.url, timeout=30).status_code)
            except requests.RequestException as error:
                self.statuses.append(type(error).__name__)
            self.stop.wait(0.05)


@pytest.fixture
def people(transactional_db):
    leader, member, fan, opener = (UserFactory() for _ in range(4))
    party = make_party(leader=leader, capacity=3, title="사과 한 박스 나눠요")
    party_join(party_id=party.id, user=member)
    party_close(party_id=party.id, user=leader)  # the room opens
    market = MarketFactory(name="알림마트", sido="서울특별시", sigungu="마포구")
    FavoriteMarket.objects.create(user=fan, market=market)
    return {
        "party": party,
        "leader": leader,
        "member": member,
        "fan": fan,
        "opener": opener,
        "market": market,
        "item": ItemFactory(),
    }


def open_party(base: str, people, title: str) -> int:
    """The opener creates a party at the fan's favourite market (one notification for the
    fan); the HTTP status is returned: it must be 201 every time, restart or not."""
    response = requests.post(
        f"{base}/api/v1/parties",
        json=party_request_body(
            market_id=people["market"].id, item_id=people["item"].id, title=title
        ),
        headers={"Authorization": f"Bearer {token(people['opener'])}"},
        timeout=30,
    )
    return response.status_code


@pytest.fixture
def layout(transactional_db, tmp_path):
    with deploy_layout(tmp_path) as running:
        yield running


def test_rolling_restart_keeps_chat_notifications_and_requests_served(layout, people):
    base = layout.url
    ws = base.replace("http://", "ws://") + "/ws"
    party = people["party"]
    receiver = ChatReceiver(base, ws, party.id, token(people["leader"]))
    sender = ChatSender(base, ws, party.id, token(people["member"]), layout)
    stream = ReconnectingSseClient(base, token=token(people["fan"]))
    prober = Prober(base + "/healthz")
    receiver.start()
    assert receiver.subscribed.wait(30), layout.output()
    stream.wait_connected(timeout=30)
    sender.start()
    prober.start()
    wait_for(lambda: len(sender.acknowledged) >= 5, timeout=30, message=layout.output)
    before = {name: layout.pid(name) for name in layout.state()["processes"]}

    # The restart, while parties open at the fan's market every half second or so.
    created: list[int] = []
    restart = threading.Thread(target=layout.rolling_restart)
    restart.start()
    while restart.is_alive():
        created.append(open_party(base, people, f"휴지 나눠요 {len(created) + 1}"))
        restart.join(0.5)
    for _ in range(3):  # and a few after it
        created.append(open_party(base, people, f"휴지 나눠요 {len(created) + 1}"))
    acknowledged = len(sender.acknowledged)
    wait_for(
        lambda: len(sender.acknowledged) >= acknowledged + 5, timeout=30, message=layout.output
    )
    sender.stop.set()
    sender.join(30)
    prober.stop.set()
    prober.join(30)

    # Every process was replaced, nginx excepted.
    after = {name: layout.pid(name) for name in before}
    assert after["nginx"] == before["nginx"]
    assert all(after[name] != before[name] for name in before if name != "nginx"), after

    # Chat: each acknowledged number stored exactly once, and the receiver has every one.
    stored = list(
        ChatMessage.objects.filter(room_id=party.id, type=MessageType.CHAT)
        .order_by("id")
        .values_list("id", "content")
    )
    contents = [content for _id, content in stored]
    assert len(contents) == len(set(contents)), "a message stored twice"
    sent = {f"메시지 {n}" for n in sender.acknowledged}
    assert sent <= set(contents)
    assert len(sender.acknowledged) == len(set(sender.acknowledged)) == sender.next - 1
    wait_for(
        lambda: set(receiver.messages) >= {pk for pk, _c in stored},
        timeout=30,
        message=lambda: f"missing {sorted({pk for pk, _c in stored} - set(receiver.messages))}",
    )
    receiver.stop.set()
    # Both chat clients did lose their connection (the restart reached them) and came back.
    assert sender.connections >= 2 and receiver.connections >= 2

    # Notifications: every party opened was answered 201, and each notification reached
    # the fan's stream, across its reconnects (Last-Event-ID replay), exactly once.
    assert created and set(created) == {201}, created
    # (the dispatcher makes them from the outbox, asynchronously: it was restarted too)
    mine = Notification.objects.filter(user=people["fan"])
    wait_for(
        lambda: mine.count() >= len(created),
        timeout=60,
        message=lambda: f"{mine.count()} notifications for {len(created)} parties",
    )
    expected = set(mine.values_list("id", flat=True))
    assert len(expected) == len(created)
    wait_for(
        lambda: set(stream.ids()) >= expected,
        timeout=30,
        message=lambda: f"missing {sorted(expected - set(stream.ids()))}",
    )
    stream.close()
    assert len(stream.ids()) == len(set(stream.ids())), "a notification delivered twice"
    assert stream.connections >= 2

    # nginx answered every plain request: never a 502/504 (nor any error).
    assert prober.statuses and set(prober.statuses) == {200}, {
        status: prober.statuses.count(status) for status in set(prober.statuses)
    }
