"""A WebSocket connection's server, as seen from the application: how much it has buffered
for the client and not yet sent, and a direct write of a message prepared once for many.

ASGI gives an application no back-pressure on ``websocket.send``: a server buffers whatever
the application sends, however slowly the client reads (one stalled reader grew daphne by
175 MB in 30 s). Under daphne the server's ``send`` callable is ``partial(server.handle_reply,
protocol)``; the protocol's Twisted transport holds the unsent bytes (``dataBuffer`` from
``offset`` on, plus ``_tempDataLen`` not yet joined into it). Read from there; under any other
server this answers None (unknown) and callers go without the bound.

Middleware between the server and the application (Channels' session middleware) wraps
``send``; ``ServerSendInScope``, outermost, keeps the server's own callable in the scope.
``write_direct`` uses the same protocol object to skip the ASGI path for broadcasts.
"""

import struct
from typing import Any

from autobahn.websocket.protocol import WebSocketProtocol
from twisted.internet import tcp

SCOPE_KEY = "gonggu.server_send"


class ServerSendInScope:
    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        return await self.application({**scope, SCOPE_KEY: send}, receive, send)


def pending_output_bytes(send) -> int | None:
    protocol = (getattr(send, "args", None) or (None,))[0]
    transport = getattr(protocol, "transport", None)
    if transport is None:
        return None
    try:
        buffered = len(transport.dataBuffer) - transport.offset + transport._tempDataLen
    except (AttributeError, TypeError):
        return None
    queue = getattr(protocol, "send_queue", None)  # autobahn's, for chopped sends: mostly empty
    if queue:
        buffered += sum(len(data) for data, _sync in queue)
    return buffered


class OutgoingMessage:
    """One WebSocket message built once and written to many connections (a chat MESSAGE to
    every subscriber of a room): the ASGI form, and the frame's bytes on the wire. A server's
    frames are not masked, so the bytes are the same for every connection."""

    __slots__ = ("data", "size", "wire")

    def __init__(self, data: str | bytes) -> None:
        self.data = data
        payload, opcode = (data.encode("utf-8"), 0x81) if isinstance(data, str) else (data, 0x82)
        self.size = size = len(payload)
        if size <= 125:
            head = bytes((opcode, size))
        elif size <= 0xFFFF:
            head = struct.pack("!BBH", opcode, 126, size)
        else:
            head = struct.pack("!BBQ", opcode, 127, size)
        self.wire = head + payload


def write_direct(send, message: OutgoingMessage) -> bool:
    """Write ``message`` to the connection behind daphne's ``send`` now; False (nothing
    written) when that cannot be done safely here, and the caller sends through ASGI.

    Through ASGI each message costs a trip through the middleware's ``send`` wrappers,
    daphne's reply handling, autobahn's framing and its debug-log arguments (built even with
    logging off), then Twisted buffers the bytes and asks the loop to wake it when the socket
    is writable (two epoll changes and a callback per message): under chat load that was a
    third of the process's CPU. Here the prepared frame goes straight into the socket, and
    only what the socket does not take is handed to Twisted, which sends it in order. Only
    when nothing else is waiting to go out on this connection (otherwise order could break),
    on an open, uncompressed, plain TCP or Unix socket connection (not TLS), and for a
    message autobahn would neither fragment nor refuse.
    """
    protocol: Any = (getattr(send, "args", None) or (None,))[0]
    transport = getattr(protocol, "transport", None)
    if not isinstance(transport, tcp.Connection):
        return False
    try:
        if (
            protocol.state != WebSocketProtocol.STATE_OPEN
            or protocol._perMessageCompress is not None
            or protocol.send_queue
            or 0 < protocol.autoFragmentSize < message.size
            or 0 < protocol.maxMessagePayloadSize < message.size
            or transport.disconnecting
            or transport.disconnected
            or transport._tempDataLen
            or len(transport.dataBuffer) > transport.offset
        ):
            return False
    except AttributeError:  # another daphne/autobahn/Twisted than the one this was written for
        return False
    try:
        sent = transport.socket.send(message.wire)
    except BlockingIOError:
        sent = 0
    except OSError:  # the connection is going: Twisted notices and closes it as usual
        return True
    if sent < len(message.wire):
        transport.write(message.wire[sent:])
    return True
