"""A minimal raw STOMP-over-WebSocket client for tests: sends exact bytes, reads frames."""

import time

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from chat import stomp


class RawStomp:
    def __init__(
        self, url: str, *, subprotocols=("v12.stomp",), origin=None, additional_headers=None
    ) -> None:
        self.ws = connect(
            url,
            subprotocols=list(subprotocols) if subprotocols is not None else None,
            origin=origin,
            additional_headers=additional_headers,
            open_timeout=10,
            max_size=None,
        ).__enter__()  # a long-lived connection, closed by close()
        self._pending: list[stomp.Frame] = []
        self._buffer = b""
        self.heartbeats = 0

    @property
    def subprotocol(self) -> str | None:
        return self.ws.subprotocol

    def send_raw(self, data: bytes | str) -> None:
        self.ws.send(data)

    def send(self, command: str, headers: dict | None = None, body: bytes | str = b"") -> None:
        body = body.encode() if isinstance(body, str) else body
        frame = stomp.Frame(command, list((headers or {}).items()), body)
        self.ws.send(stomp.serialize(frame).decode("utf-8"))

    def connect(self, token: str | None = None, **headers) -> stomp.Frame:
        base = {"accept-version": "1.2", "host": "gonggu"}
        if token:
            base["Authorization"] = f"Bearer {token}"
        base.update(headers)
        self.send("CONNECT", base)
        return self.receive()

    def subscribe(self, destination: str, sub_id: str) -> None:
        """SUBSCRIBE and wait for its RECEIPT: from then on nothing sent there is missed."""
        self.send("SUBSCRIBE", {"id": sub_id, "destination": destination, "receipt": sub_id})
        frame = self.receive()
        assert frame.header("receipt-id") == sub_id, frame

    def receive(self, timeout: float = 5.0) -> stomp.Frame:
        """The next non-heartbeat frame from the server."""
        deadline = time.monotonic() + timeout
        while not self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no frame from the server")
            data = self.ws.recv(timeout=remaining)
            data = data.encode("utf-8") if isinstance(data, str) else data
            self._parse(self._buffer + data)
        return self._pending.pop(0)

    def receive_receipt_and_message(self, timeout: float = 5.0) -> tuple[stomp.Frame, stomp.Frame]:
        """A SEND's RECEIPT and, on a connection subscribed to the same party, its own MESSAGE:
        both arrive, in either order (the receipt goes out on this connection while the
        process's chat hub delivers the message to every subscriber)."""
        frames = {frame.command: frame for frame in (self.receive(timeout), self.receive(timeout))}
        assert set(frames) == {"RECEIPT", "MESSAGE"}, list(frames)
        return frames["RECEIPT"], frames["MESSAGE"]

    def _parse(self, data: bytes) -> None:
        # Server frames: command, headers, blank line, body, NUL (content-length honoured).
        while True:
            stripped = data.lstrip(b"\r\n")
            self.heartbeats += data[: len(data) - len(stripped)].count(b"\n")
            data = stripped
            head_end = data.find(b"\n\n")
            if head_end < 0:
                break
            lines = data[:head_end].decode("utf-8").split("\n")
            headers = [tuple(map(stomp.unescape_header, line.split(":", 1))) for line in lines[1:]]
            length = dict(headers).get("content-length")
            start = head_end + 2
            if length is not None:
                end = start + int(length)
                if len(data) < end + 1:
                    break
            else:
                end = data.find(b"\0", start)
                if end < 0:
                    break
            self._pending.append(stomp.Frame(lines[0], headers, data[start:end]))
            data = data[end + 1 :]
        self._buffer = data

    def closed_within(self, seconds: float = 5.0) -> bool:
        """True when the server closes the connection within ``seconds``."""
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                data = self.ws.recv(timeout=deadline - time.monotonic())
                data = data.encode("utf-8") if isinstance(data, str) else data
                self._parse(self._buffer + data)
        except ConnectionClosed:
            return True
        except TimeoutError:
            return False
        return False

    def close(self) -> None:
        self.ws.close()


class StalledReader:
    """A WebSocket client that subscribes and then stops reading, as a frozen phone does: a
    raw socket with a small receive buffer, no reader thread (websockets' clients read in the
    background, so they cannot stall)."""

    def __init__(self, url: str, token: str, destination: str) -> None:
        import base64
        import os
        import socket
        from urllib.parse import urlparse

        parsed = urlparse(url)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.connect((parsed.hostname, parsed.port))
        self.local_port = self.sock.getsockname()[1]
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {parsed.path}?token={token} HTTP/1.1\r\nHost: {parsed.netloc}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: v12.stomp\r\n\r\n"
            ).encode()
        )
        self._read_until(b"\r\n\r\n")  # 101 Switching Protocols
        self._send_text("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0")
        self._read_until(b"CONNECTED")
        self._send_text(f"SUBSCRIBE\nid:s\ndestination:{destination}\nreceipt:r\n\n\0")
        self._read_until(b"receipt-id:r")
        # From here on nothing is read.

    def _send_text(self, text: str) -> None:
        import os
        import struct

        payload = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81]) + (
            bytes([0x80 | len(payload)])
            if len(payload) < 126
            else bytes([0x80 | 126]) + struct.pack("!H", len(payload))
        )
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _read_until(self, marker: bytes) -> None:
        seen = b""
        self.sock.settimeout(10)
        while marker not in seen:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during setup")
            seen += chunk

    def close(self) -> None:
        self.sock.close()
