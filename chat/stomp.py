"""STOMP 1.2 frame codec for the chat WebSocket (pure Python, no Django).

Follows https://stomp.github.io/stomp-specification-1.2.html:

- frame = command EOL *(header EOL) EOL *OCTET NUL *(EOL), with EOL = [CR] LF;
- header names and values are UTF-8 and escaped (``\\r \\n \\c \\\\``) in every frame except
  CONNECT and CONNECTED; any other escape is a fatal protocol error;
- a ``content-length`` header fixes the body size (the body may then contain NULs), and the
  NUL terminator is still required after it;
- for repeated headers the first entry wins;
- a lone EOL between frames is a heart-beat.

The parser is incremental: one WebSocket message may carry several frames and one frame may
be split over several messages. Every malformed input raises :class:`StompProtocolError`
(the consumer answers with an ERROR frame and closes), never anything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, NoReturn

__all__ = [
    "BODY_COMMANDS",
    "CLIENT_COMMANDS",
    "HEARTBEAT",
    "HEARTBEAT_BYTES",
    "SERVER_COMMANDS",
    "SUPPORTED_VERSIONS",
    "WEBSOCKET_SUBPROTOCOLS",
    "Frame",
    "FrameParser",
    "FrameTooLarge",
    "Heartbeat",
    "StompProtocolError",
    "choose_subprotocol",
    "connected",
    "error",
    "message",
    "negotiate_heartbeat",
    "negotiate_version",
    "receipt",
    "serialize",
    "unescape_header",
]

CLIENT_COMMANDS: Final = frozenset(
    {
        "CONNECT",
        "STOMP",
        "SEND",
        "SUBSCRIBE",
        "UNSUBSCRIBE",
        "ACK",
        "NACK",
        "BEGIN",
        "COMMIT",
        "ABORT",
        "DISCONNECT",
    }
)
SERVER_COMMANDS: Final = frozenset({"CONNECTED", "MESSAGE", "RECEIPT", "ERROR"})
# Spec: "Only the SEND, MESSAGE, and ERROR frames MAY have a body."
BODY_COMMANDS: Final = frozenset({"SEND", "MESSAGE", "ERROR"})
# Spec: CONNECT and CONNECTED keep raw headers for STOMP 1.0 compatibility. STOMP is not
# listed: it only exists since 1.2, so it has no 1.0 peer to stay compatible with.
UNESCAPED_COMMANDS: Final = frozenset({"CONNECT", "CONNECTED"})

SUPPORTED_VERSIONS: Final = ("1.2", "1.1", "1.0")  # best first
WEBSOCKET_SUBPROTOCOLS: Final = ("v12.stomp", "v11.stomp", "v10.stomp")  # best first
HEARTBEAT_BYTES: Final = b"\n"

# Heart-beat periods end up in timers; a bound keeps absurd values out of them.
MAX_HEARTBEAT_MS: Final = 2**31 - 1

_CLIENT_COMMAND_BYTES: Final = tuple(c.encode("ascii") for c in sorted(CLIENT_COMMANDS))
_LONGEST_COMMAND: Final = max(len(c) for c in _CLIENT_COMMAND_BYTES)
_NUL: Final = 0
_LF: Final = 0x0A
_CR: Final = 0x0D
_DIGITS = re.compile(rb"[0-9]+")
_HEARTBEAT_RE = re.compile(r"([0-9]+),([0-9]+)")
_ESCAPE_RE = re.compile(r"\\(.?)", re.DOTALL)  # `.?` so a trailing backslash matches too
_UNESCAPES: Final = {"r": "\r", "n": "\n", "c": ":", "\\": "\\"}
_ESCAPES: Final = str.maketrans({"\\": "\\\\", "\r": "\\r", "\n": "\\n", ":": "\\c"})


class StompProtocolError(Exception):
    """A malformed or unacceptable frame; fatal for the connection.

    ``message`` is short and goes into the ERROR frame's ``message`` header, ``details`` into
    its body, ``receipt_id`` (the offending frame's ``receipt``, when known) into
    ``receipt-id``. ``frames`` holds the frames that the same :meth:`FrameParser.feed` call
    parsed before the error, so the caller may still process them in order.
    """

    def __init__(
        self, message: str, *, receipt_id: str | None = None, details: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.receipt_id = receipt_id
        self.details = details
        self.frames: list[Frame | Heartbeat] = []


class FrameTooLarge(StompProtocolError):
    """A frame (or its header section) went past the parser's size limits."""


class Heartbeat:
    """Marker returned by :meth:`FrameParser.feed` for each EOL seen between frames."""

    _instance: Heartbeat | None = None

    def __new__(cls) -> Heartbeat:
        # A singleton so callers can test `item is HEARTBEAT`.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "HEARTBEAT"


HEARTBEAT: Final = Heartbeat()


@dataclass
class Frame:
    command: str
    headers: list[tuple[str, str]] = field(default_factory=list)  # wire order, repeats kept
    body: bytes = b""

    def header(self, name: str, default: str | None = None) -> str | None:
        """The first occurrence of ``name`` (STOMP 1.2: the first entry wins)."""
        for key, value in self.headers:
            if key == name:
                return value
        return default

    def headers_dict(self) -> dict[str, str]:
        """Headers as a dict, first occurrence winning."""
        result: dict[str, str] = {}
        for key, value in self.headers:
            result.setdefault(key, value)
        return result


# --------------------------------------------------------------------------------------------
# Parsing

_IDLE, _HEAD, _BODY = 0, 1, 2


def unescape_header(text: str) -> str:
    """Decode STOMP 1.2 header escapes (``\\r \\n \\c \\\\``); any other is a protocol error."""
    if "\\" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        try:
            return _UNESCAPES[match.group(1)]
        except KeyError:
            raise StompProtocolError(
                f"invalid escape sequence {match.group(0)!r} in header"
            ) from None

    return _ESCAPE_RE.sub(replace, text)


class FrameParser:
    """Incremental STOMP 1.2 parser for frames sent by a client.

    ``feed`` returns the complete frames (and a :data:`HEARTBEAT` per EOL between frames) and
    keeps any partial frame for the next call. After an error the parser stays failed.

    Limits: ``max_frame_bytes`` covers a whole frame from its command to its NUL;
    ``max_header_bytes`` covers the command line, header lines and blank line together;
    ``max_headers`` counts header lines, repeats included.
    """

    def __init__(
        self,
        max_frame_bytes: int = 64 * 1024,
        max_headers: int = 32,
        max_header_bytes: int = 8 * 1024,
    ) -> None:
        self.max_frame_bytes = max_frame_bytes
        self.max_headers = max_headers
        self.max_header_bytes = max_header_bytes
        self._buf = bytearray()
        self._error: StompProtocolError | None = None
        self._reset_frame(0)

    def _reset_frame(self, start: int) -> None:
        self._state = _IDLE
        self._start = start  # where the current frame (or idle data) begins in _buf
        self._line_start = start  # start of the header-section line being read
        self._search = start  # everything before this is known to hold no LF / NUL
        self._command: str | None = None
        self._headers: list[tuple[str, str]] = []
        self._content_length: int | None = None
        self._body_start = 0

    @property
    def failed(self) -> bool:
        return self._error is not None

    def feed(self, data: bytes | bytearray | memoryview | str) -> list[Frame | Heartbeat]:
        if self._error is not None:
            raise self._error
        out: list[Frame | Heartbeat] = []
        try:
            if isinstance(data, str):
                try:
                    data = data.encode("utf-8")
                except UnicodeEncodeError:  # lone surrogates cannot come from real UTF-8
                    raise StompProtocolError("text message is not valid UTF-8") from None
            self._buf += data
            self._parse(out)
        except StompProtocolError as exc:
            exc.frames = out
            self._error = exc
            self._buf = bytearray()  # nothing more will be read; free the memory now
            raise
        self._compact()
        return out

    def _compact(self) -> None:
        # Drop consumed bytes once per feed (not per frame) to stay linear.
        shift = self._start
        if shift:
            del self._buf[:shift]
            self._start = 0
            self._line_start -= shift
            self._search -= shift
            self._body_start = max(self._body_start - shift, 0)

    def _fail(self, message: str, cls: type[StompProtocolError] = StompProtocolError) -> NoReturn:
        receipt_id = None
        for key, value in self._headers:
            if key == "receipt":
                receipt_id = value
                break
        raise cls(message, receipt_id=receipt_id)

    def _parse(self, out: list[Frame | Heartbeat]) -> None:
        buf = self._buf
        while True:
            if self._state == _IDLE:
                pos = self._start
                if pos >= len(buf):
                    return
                octet = buf[pos]
                if octet == _LF:
                    out.append(HEARTBEAT)
                    self._reset_frame(pos + 1)
                    continue
                if octet == _CR:
                    if pos + 1 >= len(buf):
                        return  # wait for the LF that should follow
                    if buf[pos + 1] != _LF:
                        self._fail("carriage return without line feed between frames")
                    out.append(HEARTBEAT)
                    self._reset_frame(pos + 2)
                    continue
                self._state = _HEAD
            if self._state == _HEAD and not self._parse_head():
                return
            if self._state == _BODY:
                frame = self._parse_body()
                if frame is None:
                    return
                out.append(frame)

    def _check_head_size(self, head_bytes: int) -> None:
        if head_bytes > self.max_header_bytes:
            self._fail("frame headers too large", FrameTooLarge)
        # The NUL still has to come, hence `>=`.
        if head_bytes >= self.max_frame_bytes:
            self._fail("frame too large", FrameTooLarge)

    def _parse_head(self) -> bool:
        """Read header-section lines; True once the blank line was read."""
        buf = self._buf
        while True:
            newline = buf.find(b"\n", self._search)
            end = len(buf) if newline == -1 else newline
            # A NUL here means the frame ended before its blank line; waiting for more data
            # would only buffer the next frames into this one.
            if buf.find(b"\x00", self._search, end) != -1:
                self._fail("frame ended before the blank line after its headers")
            if newline == -1:
                self._search = len(buf)
                self._check_head_size(len(buf) - self._start)
                if self._command is None:
                    self._check_command_prefix(bytes(buf[self._line_start :]))
                return False
            self._check_head_size(newline + 1 - self._start)
            line = bytes(buf[self._line_start : newline])
            self._line_start = self._search = newline + 1
            if line.endswith(b"\r"):
                line = line[:-1]
            if b"\r" in line:
                self._fail("carriage return inside a frame header line")
            if self._command is None:
                self._command = self._parse_command(line)
            elif line:
                self._headers.append(self._parse_header(line))
                if len(self._headers) > self.max_headers:
                    self._fail("too many frame headers", FrameTooLarge)
            else:
                self._end_head()
                return True

    def _check_command_prefix(self, partial: bytes) -> None:
        # Reject garbage early instead of buffering it up to the size limit.
        if partial.endswith(b"\r"):
            partial = partial[:-1]
        if len(partial) > _LONGEST_COMMAND or not any(
            command.startswith(partial) for command in _CLIENT_COMMAND_BYTES
        ):
            self._fail("unknown command")

    def _parse_command(self, line: bytes) -> str:
        if line not in _CLIENT_COMMAND_BYTES:
            self._fail("unknown command")
        return line.decode("ascii")

    def _parse_header(self, line: bytes) -> tuple[str, str]:
        colon = line.find(b":")
        if colon == -1:
            self._fail("header line without ':'")
        if colon == 0:
            self._fail("empty header name")
        try:
            name = line[:colon].decode("utf-8")
            value = line[colon + 1 :].decode("utf-8")
        except UnicodeDecodeError:
            self._fail("header is not valid UTF-8")
        if self._command not in UNESCAPED_COMMANDS:
            name = unescape_header(name)
            value = unescape_header(value)
        return name, value

    def _end_head(self) -> None:
        assert self._command is not None
        self._state = _BODY
        self._body_start = self._search
        raw = None
        for key, value in self._headers:
            if key == "content-length":
                raw = value
                break
        if raw is None:
            return
        encoded = raw.encode("utf-8")
        if not _DIGITS.fullmatch(encoded):
            self._fail("content-length must be a non-negative integer")
        head_bytes = self._body_start - self._start
        # Compare digit counts first so a huge number is never converted.
        if len(encoded.lstrip(b"0")) > len(str(self.max_frame_bytes)):
            self._fail("frame too large", FrameTooLarge)
        length = int(encoded)
        if head_bytes + length + 1 > self.max_frame_bytes:
            self._fail("frame too large", FrameTooLarge)
        if length and self._command not in BODY_COMMANDS:
            self._fail(f"{self._command} frame must not have a body")
        self._content_length = length

    def _parse_body(self) -> Frame | None:
        assert self._command is not None
        buf = self._buf
        if self._content_length is not None:
            end = self._body_start + self._content_length
            if len(buf) <= end:
                return None
            if buf[end] != _NUL:
                self._fail("frame body does not end with NUL after content-length octets")
        else:
            end = buf.find(b"\x00", self._search)
            if end == -1:
                self._search = len(buf)
                # No NUL yet: the frame will be at least one octet longer than what we hold.
                if len(buf) - self._start >= self.max_frame_bytes:
                    self._fail("frame too large", FrameTooLarge)
                return None
            if end + 1 - self._start > self.max_frame_bytes:
                self._fail("frame too large", FrameTooLarge)
            if end > self._body_start and self._command not in BODY_COMMANDS:
                self._fail(f"{self._command} frame must not have a body")
        frame = Frame(self._command, self._headers, bytes(buf[self._body_start : end]))
        self._reset_frame(end + 1)
        return frame


# --------------------------------------------------------------------------------------------
# Serializing


def _encode_header_text(text: str, *, escape: bool, is_name: bool) -> bytes:
    if "\x00" in text:
        raise ValueError("STOMP headers cannot contain NUL")
    if escape:
        text = text.translate(_ESCAPES)
    elif "\r" in text or "\n" in text or (is_name and ":" in text):
        raise ValueError("CONNECT/CONNECTED headers cannot carry CR, LF or ':' in names")
    return text.encode("utf-8")


def serialize(frame: Frame) -> bytes:
    """Encode a frame, escaping headers (except CONNECT/CONNECTED) and ending with NUL.

    A ``content-length`` header is appended for a non-empty body unless one is present, so
    bodies may contain NULs. Raises ``ValueError`` for frames that cannot be represented.
    """
    command = frame.command
    if command not in CLIENT_COMMANDS and command not in SERVER_COMMANDS:
        raise ValueError(f"unknown STOMP command {command!r}")
    body = bytes(frame.body)
    if body and command not in BODY_COMMANDS:
        raise ValueError(f"{command} frames cannot have a body")
    headers = list(frame.headers)
    declared = frame.header("content-length")
    if declared is None:
        if body:
            headers.append(("content-length", str(len(body))))
    elif not _DIGITS.fullmatch(declared.encode("utf-8")) or int(declared) != len(body):
        raise ValueError("content-length header does not match the body")
    escape = command not in UNESCAPED_COMMANDS
    parts = [command.encode("ascii"), b"\n"]
    for name, value in headers:
        if not name:
            raise ValueError("empty header name")
        parts += [
            _encode_header_text(name, escape=escape, is_name=True),
            b":",
            _encode_header_text(value, escape=escape, is_name=False),
            b"\n",
        ]
    parts += [b"\n", body, b"\x00"]
    return b"".join(parts)


# Server frame builders.


def as_websocket_data(frame: Frame) -> str | bytes:
    """A serialized frame as WebSocket data: text, as most STOMP-over-WebSocket clients
    expect; binary only when the frame is not valid UTF-8 (a binary body)."""
    data = serialize(frame)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def connected(
    version: str,
    heart_beat: tuple[int, int] = (0, 0),
    server: str | None = None,
    session: str | None = None,
) -> Frame:
    """CONNECTED; ``heart_beat`` is (server sends every ms, server wants client every ms)."""
    headers = [("version", version), ("heart-beat", f"{heart_beat[0]},{heart_beat[1]}")]
    if server is not None:
        headers.append(("server", server))
    if session is not None:
        headers.append(("session", session))
    return Frame("CONNECTED", headers)


def message(
    destination: str,
    subscription: str,
    message_id: str,
    body: bytes,
    content_type: str = "application/json",
    extra_headers: Iterable[tuple[str, str]] = (),
) -> Frame:
    headers = [
        ("destination", destination),
        ("subscription", subscription),
        ("message-id", message_id),
        ("content-type", content_type),
        ("content-length", str(len(body))),
        *extra_headers,
    ]
    return Frame("MESSAGE", headers, bytes(body))


def receipt(receipt_id: str) -> Frame:
    return Frame("RECEIPT", [("receipt-id", receipt_id)])


def error(message: str, body: str | bytes = "", receipt_id: str | None = None) -> Frame:
    """ERROR with a short ``message`` header and optional plain-text details in the body."""
    headers = [("message", message)]
    if receipt_id is not None:
        headers.append(("receipt-id", receipt_id))
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    if data:
        headers += [
            ("content-type", "text/plain;charset=utf-8"),
            ("content-length", str(len(data))),
        ]
    return Frame("ERROR", headers, data)


# --------------------------------------------------------------------------------------------
# Negotiation


def negotiate_version(accept_version_header: str | None) -> str | None:
    """Highest version both sides support; a missing header means the client speaks 1.0."""
    if accept_version_header is None:
        return "1.0"
    offered = {item.strip() for item in accept_version_header.split(",")}
    for version in SUPPORTED_VERSIONS:
        if version in offered:
            return version
    return None


def _parse_heartbeat(value: str | None) -> tuple[int, int]:
    if value is None:  # spec: missing means "0,0"
        return 0, 0
    match = _HEARTBEAT_RE.fullmatch(value)
    if match is None:
        raise StompProtocolError("malformed heart-beat header")
    cx, cy = int(match.group(1)), int(match.group(2))
    if cx > MAX_HEARTBEAT_MS or cy > MAX_HEARTBEAT_MS:
        raise StompProtocolError("heart-beat value out of range")
    return cx, cy


def negotiate_heartbeat(client: str | None, server_cx: int, server_cy: int) -> tuple[int, int]:
    """Return (server sends every ms, server expects the client every ms); 0 means none.

    ``client`` is the CONNECT ``heart-beat`` header (cx,cy); ``server_cx`` is how often the
    server can send and ``server_cy`` how often it wants to hear from the client (sx,sy).
    """
    if server_cx < 0 or server_cy < 0:
        raise ValueError("server heart-beat values must be non-negative")
    cx, cy = _parse_heartbeat(client)
    sends = 0 if server_cx == 0 or cy == 0 else max(server_cx, cy)
    expects = 0 if cx == 0 or server_cy == 0 else max(cx, server_cy)
    return sends, expects


def choose_subprotocol(offered: Iterable[str]) -> str | None:
    """The best STOMP WebSocket subprotocol the client offered, or None."""
    names = {name.strip() for name in offered}
    for name in WEBSOCKET_SUBPROTOCOLS:
        if name in names:
            return name
    return None
