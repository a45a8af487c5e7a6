"""The STOMP endpoint against a real daphne process, with raw frames and stomp.py."""

import json
import time

import pytest
import stomp as stomppy

from chat.models import ChatMessage, MessageType
from chat.tests.stomp_client import RawStomp

pytestmark = pytest.mark.django_db(transaction=True)


def topic(party) -> str:
    return f"/topic/party.{party.id}"


def app(party) -> str:
    return f"/app/party.{party.id}"


def chat_count(party) -> int:
    return ChatMessage.objects.filter(room_id=party.id, type=MessageType.CHAT).count()


def test_subprotocol_is_negotiated_best_first(chat_server):
    client = RawStomp(chat_server.ws, subprotocols=["v10.stomp", "v12.stomp", "v11.stomp"])
    assert client.subprotocol == "v12.stomp"
    client.close()
    bare = RawStomp(chat_server.ws, subprotocols=None)  # offers none: still accepted
    assert bare.subprotocol is None
    bare.close()
    with pytest.raises(Exception):  # noqa: B017 - any handshake refusal
        RawStomp(chat_server.ws, subprotocols=["mqtt"])


def test_member_chats_and_every_subscriber_receives_the_stored_message(chat_server, chat_party):
    party = chat_party["party"]
    leader = RawStomp(chat_server.ws)
    connected = leader.connect(chat_party["tokens"]["leader"], **{"heart-beat": "0,0"})
    assert connected.command == "CONNECTED"
    assert connected.header("version") == "1.2"
    assert connected.header("server") and connected.header("session")
    leader.send("SUBSCRIBE", {"id": "sub-0", "destination": topic(party), "receipt": "r1"})
    assert leader.receive().header("receipt-id") == "r1"

    member = RawStomp(chat_server.ws)
    member.connect(chat_party["tokens"]["member"])
    member.send("SUBSCRIBE", {"id": "m", "destination": topic(party)})
    member.send(
        "SEND",
        {"destination": app(party), "content-type": "application/json", "receipt": "s1"},
        json.dumps({"content": "7시에 정문에서 봬요 <b>!</b>"}),
    )
    receipt, own = member.receive_receipt_and_message()
    assert receipt.header("receipt-id") == "s1"

    stored = ChatMessage.objects.get(room_id=party.id, type=MessageType.CHAT)
    for frame, sub_id in ((leader.receive(), "sub-0"), (own, "m")):
        assert frame.command == "MESSAGE"
        assert frame.header("subscription") == sub_id
        assert frame.header("destination") == topic(party)
        assert frame.header("message-id") == str(stored.id)
        body = json.loads(frame.body)
        assert body["content"] == "7시에 정문에서 봬요 <b>!</b>"
        assert body["sender"] == {
            "id": chat_party["member"].id,
            "nickname": chat_party["member"].nickname,
        }
        assert body["type"] == "CHAT" and body["party_id"] == party.id
        assert body["created_at"]
    leader.send("DISCONNECT", {"receipt": "bye"})
    assert leader.receive().header("receipt-id") == "bye"
    assert leader.closed_within(3)
    member.close()


def test_token_at_handshake_and_stomp_command(chat_server, chat_party):
    client = RawStomp(f"{chat_server.ws}?token={chat_party['tokens']['member']}")
    client.send("STOMP", {"accept-version": "1.1,1.2", "host": "gonggu"})
    assert client.receive().header("version") == "1.2"
    client.close()


@pytest.mark.parametrize("token", [None, "not-a-jwt"])
def test_connect_without_a_valid_user_is_an_error_then_close(chat_server, chat_party, token):
    client = RawStomp(chat_server.ws)
    frame = client.connect(token)
    assert frame.command == "ERROR"
    assert frame.header("message")
    assert frame.header("code") == "not_authenticated"
    assert client.closed_within(3)


@pytest.mark.parametrize("command", ["SUBSCRIBE", "SEND"])
def test_outsider_gets_error_and_nothing_is_stored(chat_server, chat_party, command):
    party = chat_party["party"]
    client = RawStomp(chat_server.ws)
    client.connect(chat_party["tokens"]["outsider"])
    if command == "SUBSCRIBE":
        client.send("SUBSCRIBE", {"id": "x", "destination": topic(party), "receipt": "r"})
    else:
        client.send("SEND", {"destination": app(party), "receipt": "r"}, '{"content": "hi"}')
    frame = client.receive()
    assert frame.command == "ERROR"
    assert frame.header("code") == "not_a_member"
    assert frame.header("receipt-id") == "r"
    assert client.closed_within(3)
    assert chat_count(party) == 0


BAD_INPUT = {
    "unknown command": b"SHOUT\n\nhello\x00",
    "bad header escape": b"SEND\ndestination:/app/party.1\\t\n\n{}\x00",
    "header without colon": b"SEND\ndestination\n\n{}\x00",
    "garbage": b"\xff\xfe\x00\x01garbage",
    "frame before connect": None,  # filled in the test: SEND before CONNECT
    "unknown destination": None,
    "bad json body": None,
    "oversize frame": None,
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_frames_get_error_and_close_while_others_keep_working(chat_server, chat_party, case):
    party = chat_party["party"]
    bystander = RawStomp(chat_server.ws)
    bystander.connect(chat_party["tokens"]["leader"])
    bystander.send("SUBSCRIBE", {"id": "b", "destination": topic(party)})

    client = RawStomp(chat_server.ws)
    if case != "frame before connect":
        client.connect(chat_party["tokens"]["member"])
    if BAD_INPUT[case] is not None:
        client.send_raw(BAD_INPUT[case])
    elif case == "frame before connect":
        client.send("SEND", {"destination": app(party)}, '{"content": "hi"}')
    elif case == "unknown destination":
        client.send("SUBSCRIBE", {"id": "1", "destination": "/queue/secrets"})
    elif case == "bad json body":
        client.send("SEND", {"destination": app(party)}, "content=hi")
    elif case == "oversize frame":
        client.send("SEND", {"destination": app(party)}, json.dumps({"content": "가" * 20_000}))
    frame = client.receive()
    assert frame.command == "ERROR"
    assert frame.header("message")
    assert client.closed_within(3)
    assert chat_count(party) == 0

    # The server and the other connection are fine.
    bystander.send(
        "SEND", {"destination": app(party), "receipt": "ok"}, json.dumps({"content": "여전히 됨"})
    )
    receipt, message = bystander.receive_receipt_and_message()
    assert receipt.header("receipt-id") == "ok"
    assert json.loads(message.body)["content"] == "여전히 됨"
    bystander.close()


def test_sending_too_fast_is_an_error_and_only_allowed_messages_are_stored(chat_server, chat_party):
    party = chat_party["party"]
    client = RawStomp(chat_server.ws)
    client.connect(chat_party["tokens"]["member"])
    frames = "".join(
        f'SEND\ndestination:{app(party)}\n\n{{"content": "도배 {i}"}}\x00' for i in range(40)
    )
    client.send_raw(frames)  # 40 messages in one WebSocket message
    frame = client.receive()
    while frame.command != "ERROR":
        frame = client.receive()
    assert frame.header("code") == "too_fast"
    assert client.closed_within(3)
    stored = chat_count(party)
    assert 1 <= stored < 40


def test_heart_beats_are_negotiated_sent_and_a_silent_peer_is_dropped(chat_party):
    from tests.servers import daphne

    with daphne(extra_env={"CHAT_HEARTBEAT_MS": "300"}) as server:
        client = RawStomp(server.ws)
        connected = client.connect(chat_party["tokens"]["member"], **{"heart-beat": "300,300"})
        assert connected.header("heart-beat") == "300,300"
        client.send("SUBSCRIBE", {"id": "s", "destination": topic(chat_party["party"])})
        # We promised a beat every 300 ms and send none: the server gives up after ~600 ms,
        # having sent its own beats meanwhile.
        assert client.closed_within(5)
        assert client.heartbeats >= 1


def test_stomp_py_client_connects_subscribes_sends_receives_and_disconnects(
    chat_server, chat_party
):
    party = chat_party["party"]

    class Listener(stomppy.ConnectionListener):
        def __init__(self) -> None:
            self.messages, self.receipts, self.errors = [], [], []

        def on_message(self, frame) -> None:
            self.messages.append(frame)

        def on_receipt(self, frame) -> None:
            self.receipts.append(frame.headers["receipt-id"])

        def on_error(self, frame) -> None:
            self.errors.append(frame)

    conn = stomppy.WSStompConnection(
        [("127.0.0.1", chat_server.port)], ws_path="/ws", heartbeats=(0, 0)
    )
    listener = Listener()
    conn.set_listener("test", listener)
    conn.connect(headers={"Authorization": f"Bearer {chat_party['tokens']['member']}"}, wait=True)
    conn.subscribe(destination=topic(party), id="py-1", receipt="sub-ok")
    conn.send(
        destination=app(party),
        body=json.dumps({"content": "stomp.py에서 안녕"}),
        content_type="application/json",
        receipt="send-ok",
    )
    deadline = time.monotonic() + 5
    while not listener.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.errors == []
    assert json.loads(listener.messages[0].body)["content"] == "stomp.py에서 안녕"
    assert listener.messages[0].headers["subscription"] == "py-1"
    conn.disconnect(receipt="bye")  # stomp.py returns at once; the receipt follows
    deadline = time.monotonic() + 5
    while "bye" not in listener.receipts and time.monotonic() < deadline:
        time.sleep(0.05)
    assert {"sub-ok", "send-ok", "bye"} <= set(listener.receipts)
    assert chat_count(party) == 1


def test_stompjs_client_under_node_chats_and_disconnects_with_receipt(chat_server, chat_party):
    import shutil
    import subprocess
    from pathlib import Path

    node = shutil.which("node")
    assert node, "Node.js is part of the toolchain (make setup installs @stomp/stompjs and ws)"
    script = Path(__file__).parent / "js" / "stompjs_client.mjs"
    party = chat_party["party"]
    run = subprocess.run(
        [node, str(script), chat_server.ws, chat_party["tokens"]["leader"], str(party.id),
         "stompjs에서 안녕"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["connected"] and result["version"] == "1.2"
    assert result["errors"] == []
    [received] = result["received"]
    assert received["body"]["content"] == "stompjs에서 안녕"
    assert received["body"]["sender"]["id"] == chat_party["leader"].id
    stored = ChatMessage.objects.get(room_id=party.id, type=MessageType.CHAT)
    assert received["messageId"] == str(stored.id)
    assert "stompjs-sub" in result["receipts"]
    assert len(result["receipts"]) == 2  # the subscribe receipt and the DISCONNECT receipt
