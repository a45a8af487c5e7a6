"""A chat MESSAGE prepared once is the very frame autobahn would send, and it is written
directly only where the server is the one the direct write knows (daphne's)."""

import pytest
from autobahn.twisted.websocket import WebSocketServerFactory

from common.transport import OutgoingMessage, write_direct


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536])
@pytest.mark.parametrize("binary", [False, True])
def test_a_prepared_message_is_the_frame_autobahn_would_send(size, binary):
    data = b"\x00" * size if binary else "가" * (size // 3) + "a" * (size % 3)
    payload = data if binary else data.encode("utf-8")

    prepared = WebSocketServerFactory().prepareMessage(payload, isBinary=binary)

    assert OutgoingMessage(data).wire == prepared.payloadHybi


def test_under_another_server_nothing_is_written_directly():
    written = []

    async def other_servers_send(message):
        written.append(message)

    assert write_direct(other_servers_send, OutgoingMessage("MESSAGE\n\n\x00")) is False
    assert written == []
