"""STOMP 1.2 codec: explicit spec cases plus hypothesis round trips and fuzzing."""

from __future__ import annotations

import contextlib
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat.stomp import (
    HEARTBEAT,
    HEARTBEAT_BYTES,
    WEBSOCKET_SUBPROTOCOLS,
    Frame,
    FrameParser,
    FrameTooLarge,
    Heartbeat,
    StompProtocolError,
    choose_subprotocol,
    connected,
    error,
    message,
    negotiate_heartbeat,
    negotiate_version,
    receipt,
    serialize,
)

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def parse_all(*chunks: bytes | str, parser: FrameParser | None = None) -> list[Frame | Heartbeat]:
    parser = parser or FrameParser()
    out: list[Frame | Heartbeat] = []
    for chunk in chunks:
        out += parser.feed(chunk)
    return out


def frames_only(items: list[Frame | Heartbeat]) -> list[Frame]:
    return [item for item in items if isinstance(item, Frame)]


# --------------------------------------------------------------------------------------------
# Framing


def test_single_frame_from_text_message() -> None:
    [frame] = parse_all('SEND\ndestination:/app/party.1\n\n{"content": "안녕"}\x00')
    assert frame == Frame("SEND", [("destination", "/app/party.1")], '{"content": "안녕"}'.encode())


def test_several_frames_in_one_message() -> None:
    data = b"SUBSCRIBE\nid:0\ndestination:/topic/party.1\n\n\x00SEND\ndestination:/a\n\nhi\x00"
    items = parse_all(data)
    assert [f.command for f in frames_only(items)] == ["SUBSCRIBE", "SEND"]
    assert items[1].body == b"hi"


def test_one_frame_split_across_three_messages() -> None:
    parser = FrameParser()
    assert parser.feed(b"SEND\ndesti") == []
    assert parser.feed(b"nation:/a\ncontent-le") == []
    assert parser.feed(b"ngth:3\n\nab") == []
    [frame] = parser.feed(b"c\x00")
    assert frame.body == b"abc"
    assert frame.header("destination") == "/a"


def test_byte_by_byte_feeding() -> None:
    wire = b"CONNECT\r\naccept-version:1.2\r\nhost:x\r\n\r\n\x00\r\n"
    parser = FrameParser()
    items: list[Frame | Heartbeat] = []
    for i in range(len(wire)):
        items += parser.feed(wire[i : i + 1])
    assert items == [
        Frame("CONNECT", [("accept-version", "1.2"), ("host", "x")]),
        HEARTBEAT,
    ]


def test_body_with_nuls_and_content_length() -> None:
    [frame] = parse_all(b"SEND\ndestination:/a\ncontent-length:5\n\na\x00b\x00c\x00")
    assert frame.body == b"a\x00b\x00c"


def test_zero_content_length_then_next_frame() -> None:
    items = parse_all(b"SEND\ncontent-length:0\n\n\x00SEND\n\nx\x00")
    assert [f.body for f in frames_only(items)] == [b"", b"x"]


def test_heartbeat_eols_between_frames() -> None:
    items = parse_all(b"\n\r\nSEND\n\nx\x00\n\r\n\nBEGIN\ntransaction:t\n\n\x00")
    assert items == [
        HEARTBEAT,
        HEARTBEAT,
        Frame("SEND", [], b"x"),
        HEARTBEAT,
        HEARTBEAT,
        HEARTBEAT,
        Frame("BEGIN", [("transaction", "t")]),
    ]
    assert HEARTBEAT is Heartbeat()
    assert HEARTBEAT_BYTES == b"\n"


def test_heartbeat_crlf_split_across_feeds() -> None:
    parser = FrameParser()
    assert parser.feed(b"\r") == []
    assert parser.feed(b"\n") == [HEARTBEAT]


def test_crlf_line_endings_in_frame() -> None:
    [frame] = parse_all(b"SEND\r\ndestination:/a\r\nx:y\r\n\r\nbody\x00")
    assert frame.headers == [("destination", "/a"), ("x", "y")]


def test_stray_cr_between_frames_is_fatal() -> None:
    with pytest.raises(StompProtocolError):
        parse_all(b"\rSEND\n\n\x00")


def test_cr_inside_header_line_is_fatal() -> None:
    with pytest.raises(StompProtocolError):
        parse_all(b"SEND\nx:a\rb\n\n\x00")


def test_repeated_header_first_wins() -> None:
    [frame] = parse_all(b"SEND\nfoo:World\nfoo:Hello\n\n\x00")
    assert frame.headers == [("foo", "World"), ("foo", "Hello")]
    assert frame.header("foo") == "World"
    assert frame.headers_dict() == {"foo": "World"}
    assert frame.header("missing", "d") == "d"


def test_repeated_content_length_first_wins() -> None:
    [frame] = parse_all(b"SEND\ncontent-length:2\ncontent-length:5\n\na\x00\x00")
    assert frame.body == b"a\x00"


def test_value_may_contain_colon() -> None:
    [frame] = parse_all(b"SEND\nurl:http://x:80/\n\n\x00")
    assert frame.header("url") == "http://x:80/"


def test_header_escapes_decoded() -> None:
    [frame] = parse_all(b"SEND\na\\cb:1\\n2\\r3\\\\4\\c\n\n\x00")
    assert frame.headers == [("a:b", "1\n2\r3\\4:")]


def test_connect_headers_not_unescaped() -> None:
    [frame] = parse_all(b"CONNECT\nlogin:a\\nb\npasscode:p:w\\c\n\n\x00")
    assert frame.headers == [("login", "a\\nb"), ("passcode", "p:w\\c")]


def test_stomp_command_headers_are_unescaped() -> None:
    [frame] = parse_all(b"STOMP\nlogin:a\\cb\n\n\x00")
    assert frame.header("login") == "a:b"


@pytest.mark.parametrize("line", [b"x:\\t", b"x:a\\", b"x\\:1", b"x:\\C", b"x:\\ "])
def test_bad_escape_is_fatal(line: bytes) -> None:
    with pytest.raises(StompProtocolError, match="escape"):
        parse_all(b"SEND\n" + line + b"\n\n\x00")


def test_header_without_colon_is_fatal() -> None:
    with pytest.raises(StompProtocolError, match=":"):
        parse_all(b"SEND\ndestination\n\n\x00")


def test_empty_header_name_is_fatal() -> None:
    with pytest.raises(StompProtocolError):
        parse_all(b"SEND\n:value\n\n\x00")


def test_header_not_utf8_is_fatal() -> None:
    with pytest.raises(StompProtocolError, match="UTF-8"):
        parse_all(b"SEND\nx:\xff\xfe\n\n\x00")


def test_unknown_command_is_fatal() -> None:
    with pytest.raises(StompProtocolError, match="unknown command"):
        parse_all(b"HELLO\n\n\x00")


@pytest.mark.parametrize("command", [b"MESSAGE", b"CONNECTED", b"send", b" SEND"])
def test_server_or_malformed_commands_are_rejected(command: bytes) -> None:
    with pytest.raises(StompProtocolError):
        parse_all(command + b"\n\n\x00")


def test_unknown_command_detected_before_line_end() -> None:
    parser = FrameParser()
    with pytest.raises(StompProtocolError, match="unknown command"):
        parser.feed(b"GET / HTTP/1.1")


def test_missing_blank_line_is_fatal() -> None:
    with pytest.raises(StompProtocolError, match="blank line"):
        parse_all(b"SEND\ndestination:/a\x00")


def test_missing_nul_waits_then_hits_size_limit() -> None:
    parser = FrameParser(max_frame_bytes=100)
    assert parser.feed(b"SEND\n\nno terminator yet") == []
    with pytest.raises(FrameTooLarge):
        parser.feed(b"x" * 100)


def test_body_not_allowed_on_other_frames() -> None:
    with pytest.raises(StompProtocolError, match="must not have a body"):
        parse_all(b"SUBSCRIBE\nid:1\nreceipt:r9\n\nbody\x00")
    with pytest.raises(StompProtocolError, match="must not have a body") as info:
        parse_all(b"ACK\nid:1\nreceipt:r9\ncontent-length:1\n\nx\x00")
    assert info.value.receipt_id == "r9"


@pytest.mark.parametrize("value", [b"-1", b"abc", b"", b" 3", b"+3", b"1.0", "٣".encode()])
def test_bad_content_length_is_fatal(value: bytes) -> None:
    with pytest.raises(StompProtocolError, match="content-length"):
        parse_all(b"SEND\ncontent-length:" + value + b"\n\nabc\x00")


def test_content_length_mismatch_body_longer() -> None:
    with pytest.raises(StompProtocolError, match="NUL"):
        parse_all(b"SEND\ncontent-length:2\n\nabc\x00")


def test_content_length_mismatch_body_shorter_waits_for_more() -> None:
    # The NUL is read as body data; the frame is incomplete until more octets arrive.
    parser = FrameParser()
    assert parser.feed(b"SEND\ncontent-length:5\n\nabc\x00") == []
    with pytest.raises(StompProtocolError):
        parser.feed(b"SEND")


def test_oversize_body_detected_before_nul() -> None:
    parser = FrameParser(max_frame_bytes=1024)
    parser.feed(b"SEND\ndestination:/a\n\n")
    with pytest.raises(FrameTooLarge):
        for _ in range(100):  # never sends the NUL
            parser.feed(b"x" * 64)


def test_oversize_content_length_detected_from_header() -> None:
    parser = FrameParser(max_frame_bytes=1024)
    with pytest.raises(FrameTooLarge):
        parser.feed(b"SEND\ncontent-length:2000\n\n")
    with pytest.raises(FrameTooLarge):
        FrameParser().feed(b"SEND\ncontent-length:" + b"9" * 500 + b"\n\n")


def test_frame_exactly_at_limit_is_accepted() -> None:
    wire = serialize(Frame("SEND", [("destination", "/a")], b"x" * 50))
    assert frames_only(parse_all(wire, parser=FrameParser(max_frame_bytes=len(wire))))
    with pytest.raises(FrameTooLarge):
        parse_all(wire, parser=FrameParser(max_frame_bytes=len(wire) - 1))


def test_too_many_headers() -> None:
    parser = FrameParser(max_headers=3)
    with pytest.raises(FrameTooLarge, match="headers"):
        parser.feed(b"SEND\na:1\nb:2\nc:3\nd:4\n")
    assert parse_all(b"SEND\na:1\nb:2\nc:3\n\n\x00", parser=FrameParser(max_headers=3))


def test_header_section_too_large_without_newline() -> None:
    parser = FrameParser(max_header_bytes=64)
    parser.feed(b"SEND\nx:")
    with pytest.raises(FrameTooLarge):
        parser.feed(b"y" * 64)


def test_parser_stays_failed_after_error() -> None:
    parser = FrameParser()
    with pytest.raises(StompProtocolError):
        parser.feed(b"BOGUS\n")
    assert parser.failed
    with pytest.raises(StompProtocolError):
        parser.feed(b"SEND\n\n\x00")


def test_frames_before_error_are_kept_on_exception() -> None:
    with pytest.raises(StompProtocolError) as info:
        parse_all(b"SEND\n\nok\x00\nNOPE\n")
    assert info.value.frames == [Frame("SEND", [], b"ok"), HEARTBEAT]


# --------------------------------------------------------------------------------------------
# Serializing and server frames


def test_serialize_escapes_and_adds_content_length() -> None:
    wire = serialize(Frame("MESSAGE", [("a:b", "x\ny\r\\")], b"\x00\x01"))
    assert wire == b"MESSAGE\na\\cb:x\\ny\\r\\\\\ncontent-length:2\n\n\x00\x01\x00"


def test_serialize_connected_not_escaped() -> None:
    wire = serialize(connected("1.2", (10000, 0), server="gonggu/1", session="s:1"))
    assert wire == (
        b"CONNECTED\nversion:1.2\nheart-beat:10000,0\nserver:gonggu/1\nsession:s:1\n\n\x00"
    )


def test_serialize_rejects_unrepresentable_frames() -> None:
    with pytest.raises(ValueError):
        serialize(Frame("CONNECTED", [("a", "b\nc")]))
    with pytest.raises(ValueError):
        serialize(Frame("RECEIPT", [("receipt-id", "1")], b"body"))
    with pytest.raises(ValueError):
        serialize(Frame("MESSAGE", [("content-length", "3")], b"ab"))
    with pytest.raises(ValueError):
        serialize(Frame("MESSAGE", [("x", "a\x00")]))
    with pytest.raises(ValueError):
        serialize(Frame("HELLO"))


def test_server_frame_helpers() -> None:
    msg = message("/topic/party.1", "sub-0", "42", b'{"id": 1}')
    assert msg.header("content-type") == "application/json"
    assert serialize(msg).count(b"content-length") == 1
    assert serialize(receipt("77")) == b"RECEIPT\nreceipt-id:77\n\n\x00"
    err = error("not a member: party 3", "details", receipt_id="r1")
    wire = serialize(err)
    assert wire.startswith(b"ERROR\nmessage:not a member\\c party 3\nreceipt-id:r1\n")
    assert wire.endswith(b"\n\ndetails\x00")
    assert serialize(error("bad")) == b"ERROR\nmessage:bad\n\n\x00"


# --------------------------------------------------------------------------------------------
# Negotiation


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "1.0"),
        ("1.2", "1.2"),
        ("1.0,1.1,1.2", "1.2"),
        ("1.0,1.1,2.0", "1.1"),
        ("1.0", "1.0"),
        ("1.1, 1.0", "1.1"),
        ("2.0", None),
        ("", None),
    ],
)
def test_negotiate_version(header: str | None, expected: str | None) -> None:
    assert negotiate_version(header) == expected


@pytest.mark.parametrize(
    ("client", "server", "expected"),
    [
        (None, (10000, 10000), (0, 0)),
        ("0,0", (10000, 10000), (0, 0)),
        ("10000,10000", (10000, 10000), (10000, 10000)),
        ("4000,20000", (10000, 10000), (20000, 10000)),
        ("20000,4000", (10000, 10000), (10000, 20000)),
        ("5000,0", (10000, 10000), (0, 10000)),
        ("0,5000", (10000, 10000), (10000, 0)),
        ("5000,5000", (0, 10000), (0, 10000)),
        ("5000,5000", (10000, 0), (10000, 0)),
    ],
)
def test_negotiate_heartbeat(
    client: str | None, server: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert negotiate_heartbeat(client, *server) == expected


@pytest.mark.parametrize("bad", ["", "1", "1,2,3", "a,b", "-1,0", " 1,2", "1;2", "9" * 20 + ",0"])
def test_negotiate_heartbeat_malformed(bad: str) -> None:
    with pytest.raises(StompProtocolError):
        negotiate_heartbeat(bad, 1000, 1000)


@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        ([], None),
        (["v10.stomp", "v12.stomp", "v11.stomp"], "v12.stomp"),
        (["v11.stomp", "v10.stomp"], "v11.stomp"),
        (["v10.stomp"], "v10.stomp"),
        (["graphql-ws", "mqtt"], None),
        (["graphql-ws", "v11.stomp"], "v11.stomp"),
    ],
)
def test_choose_subprotocol(offered: list[str], expected: str | None) -> None:
    assert choose_subprotocol(offered) == expected
    assert expected is None or expected in WEBSOCKET_SUBPROTOCOLS


# --------------------------------------------------------------------------------------------
# Properties

_SPECIALS = st.sampled_from([":", "\n", "\r", "\\", "c", "n", "공", "구", " ", "é"])
_CHAR = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
header_text = st.text(alphabet=st.one_of(_SPECIALS, _CHAR), max_size=12)
header_names = header_text.filter(lambda s: s != "" and s != "content-length")

# CONNECT headers are sent raw, so only what survives unescaped framing.
connect_names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n:"),
    min_size=1,
    max_size=12,
).filter(lambda s: s != "content-length")
connect_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n"),
    max_size=12,
)

escaped_frames = st.builds(
    Frame,
    st.sampled_from(["SEND", "SEND", "SUBSCRIBE", "ACK", "DISCONNECT", "STOMP", "BEGIN"]),
    st.lists(st.tuples(header_names, header_text), max_size=5),
)
connect_frames = st.builds(
    Frame, st.just("CONNECT"), st.lists(st.tuples(connect_names, connect_values), max_size=5)
)


@st.composite
def client_frames(draw: st.DrawFn) -> Frame:
    frame = draw(st.one_of(escaped_frames, connect_frames))
    if frame.command == "SEND":
        frame.body = draw(st.binary(max_size=64))
    return frame


def expected_after_parse(frame: Frame) -> Frame:
    headers = list(frame.headers)
    if frame.body:
        headers.append(("content-length", str(len(frame.body))))
    return Frame(frame.command, headers, frame.body)


@st.composite
def chunked(draw: st.DrawFn, wire: bytes) -> list[bytes]:
    cuts = sorted(draw(st.lists(st.integers(0, len(wire)), max_size=8)))
    bounds = [0, *cuts, len(wire)]
    return [wire[a:b] for a, b in itertools.pairwise(bounds)]


@PROPERTY_SETTINGS
@given(
    items=st.lists(st.one_of(client_frames(), st.sampled_from([b"\n", b"\r\n"])), max_size=6),
    data=st.data(),
)
def test_round_trip_in_random_chunks(items: list[Frame | bytes], data: st.DataObject) -> None:
    wire = b""
    expected: list[Frame | Heartbeat] = []
    for item in items:
        if isinstance(item, Frame):
            wire += serialize(item)
            expected.append(expected_after_parse(item))
        else:
            wire += item
            expected.append(HEARTBEAT)
    chunks = data.draw(chunked(wire))
    assert parse_all(*chunks) == expected


@PROPERTY_SETTINGS
@given(
    headers=st.lists(st.tuples(header_names, header_text), max_size=4),
    body=st.binary(max_size=64).map(lambda b: b.replace(b"\x00", b"")),
    data=st.data(),
)
def test_nul_terminated_body_without_content_length(
    headers: list[tuple[str, str]], body: bytes, data: st.DataObject
) -> None:
    frame = Frame("SEND", headers, body)
    wire = serialize(Frame("SEND", [*headers, ("content-length", str(len(body)))], body))
    # Drop the content-length line: the body then runs to the first NUL.
    head, _, rest = wire.partition(b"content-length:" + str(len(body)).encode() + b"\n")
    wire = head + rest
    assert parse_all(*data.draw(chunked(wire))) == [frame]


_TOKENS = st.sampled_from(
    [
        b"SEND",
        b"CONNECT",
        b"SUBSCRIBE",
        b"MESSAGE",
        b"\n",
        b"\r\n",
        b"\r",
        b":",
        b"\\",
        b"\\c",
        b"\\t",
        b"\x00",
        b"content-length:",
        b"receipt:",
        b"3",
        b"-1",
        b"abc",
        b"\xff",
        "공구".encode(),
    ]
)
fuzz_input = st.one_of(
    st.binary(max_size=200),
    st.lists(st.one_of(_TOKENS, st.binary(max_size=3)), max_size=40).map(b"".join),
)


@PROPERTY_SETTINGS
@given(
    wire=fuzz_input,
    limits=st.sampled_from([(64 * 1024, 32, 8 * 1024), (40, 3, 24)]),
    data=st.data(),
)
def test_arbitrary_bytes_only_raise_protocol_errors(
    wire: bytes, limits: tuple[int, int, int], data: st.DataObject
) -> None:
    parser = FrameParser(*limits)
    try:
        for chunk in data.draw(chunked(wire)):
            for item in parser.feed(chunk):
                assert item is HEARTBEAT or isinstance(item, Frame)
    except StompProtocolError:
        with pytest.raises(StompProtocolError):
            parser.feed(b"\n")


@PROPERTY_SETTINGS
@given(text=st.text(max_size=80))
def test_arbitrary_text_only_raises_protocol_errors(text: str) -> None:
    with contextlib.suppress(StompProtocolError):
        FrameParser().feed(text)
