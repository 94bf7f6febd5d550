"""Byte-level tests of the sans-IO codec and the connection state machine (no sockets)."""

from __future__ import annotations

import struct

import pytest

from engine.errors import SqlError
from server import codec
from server import messages as m
from server.connection import Connection, NegotiatedStartup, Phase


def startup_packet(params: dict[str, str], protocol: int = m.PROTOCOL_3_0) -> bytes:
    body = struct.pack("!i", protocol)
    for k, v in params.items():
        body += k.encode() + b"\0" + v.encode() + b"\0"
    body += b"\0"
    return struct.pack("!i", len(body) + 4) + body


def msg(tag: bytes, body: bytes = b"") -> bytes:
    return tag + struct.pack("!i", len(body) + 4) + body


def decode_all(data: bytes, startup: bool = False) -> list[m.FrontendMessage]:
    dec = codec.FrontendDecoder()
    if not startup:
        dec.end_startup()
    dec.feed(data)
    out = []
    while (x := dec.next_message()) is not None:
        out.append(x)
    return out


# --- frontend decoding -------------------------------------------------------------------------


def test_startup_message_params() -> None:
    [got] = decode_all(startup_packet({"user": "ann", "database": "pixelsql"}), startup=True)
    assert got == m.StartupMessage(m.PROTOCOL_3_0, {"user": "ann", "database": "pixelsql"})


@pytest.mark.parametrize(
    ("packet", "expected"),
    [
        (struct.pack("!ii", 8, m.SSL_REQUEST_CODE), m.SSLRequest()),
        (struct.pack("!ii", 8, m.GSSENC_REQUEST_CODE), m.GSSENCRequest()),
        (struct.pack("!iii", 16, m.CANCEL_REQUEST_CODE, 42) + b"\x01\x02\x03\x04",
         m.CancelRequest(42, b"\x01\x02\x03\x04")),
    ],
)
def test_startup_phase_requests(packet: bytes, expected: m.FrontendMessage) -> None:
    assert decode_all(packet, startup=True) == [expected]


def test_messages_split_across_feeds_byte_by_byte() -> None:
    data = msg(b"Q", b"select 1\0") + msg(b"S") + msg(b"X")
    dec = codec.FrontendDecoder()
    dec.end_startup()
    got = []
    for i in range(len(data)):
        dec.feed(data[i : i + 1])
        while (x := dec.next_message()) is not None:
            got.append(x)
    assert got == [m.Query("select 1"), m.Sync(), m.Terminate()]


def test_extended_query_messages() -> None:
    parse = msg(b"P", b"s1\0select $1\0" + struct.pack("!hI", 1, 23))
    bind = msg(b"B", b"p1\0s1\0" + struct.pack("!hh", 1, 1) + struct.pack("!h", 2)
               + struct.pack("!i", 4) + b"\0\0\0\x05" + struct.pack("!i", -1)
               + struct.pack("!hh", 1, 0))
    describe = msg(b"D", b"P" + b"p1\0")
    execute = msg(b"E", b"p1\0" + struct.pack("!i", 10))
    close = msg(b"C", b"S" + b"s1\0")
    got = decode_all(parse + bind + describe + execute + close + msg(b"H") + msg(b"S"))
    assert got == [
        m.Parse("s1", "select $1", (23,)),
        m.Bind("p1", "s1", (1,), (b"\0\0\0\x05", None), (0,)),
        m.Describe("P", "p1"),
        m.Execute("p1", 10),
        m.Close("S", "s1"),
        m.Flush(),
        m.Sync(),
    ]


def test_copy_messages() -> None:
    got = decode_all(msg(b"d", b"1\t2\n") + msg(b"c") + msg(b"f", b"oops\0"))
    assert got == [m.CopyData(b"1\t2\n"), m.CopyDone(), m.CopyFail("oops")]


@pytest.mark.parametrize(
    "data",
    [
        msg(b"Q", b"no terminator"),
        msg(b"Q", b"a\0trailing"),
        msg(b"D", b"Xname\0"),
        msg(b"B", b"p\0s\0" + struct.pack("!h", -5)),
        msg(b"B", b"p\0s\0" + struct.pack("!hh", 0, 1) + struct.pack("!i", 100) + b"ab"),
        msg(b"E", b"p\0\0\0"),
        b"Q\x00\x00\x00\x02",
        msg(b"\x01", b""),
        msg(b"Q", b"\xff\xfe\0"),
    ],
)
def test_malformed_messages_are_protocol_violations(data: bytes) -> None:
    with pytest.raises(codec.ProtocolViolation) as info:
        decode_all(data)
    assert info.value.sqlstate == "08P01"


def test_message_size_limit_is_enforced_before_buffering() -> None:
    dec = codec.FrontendDecoder(max_message_size=1024)
    dec.end_startup()
    dec.feed(b"Q" + struct.pack("!i", 10_000_000))
    with pytest.raises(codec.ProtocolViolation, match="exceeds the limit"):
        dec.next_message()


def test_startup_packet_length_is_bounded() -> None:
    dec = codec.FrontendDecoder()
    dec.feed(struct.pack("!i", 1_000_000))
    with pytest.raises(codec.ProtocolViolation):
        dec.next_message()


def test_unsupported_protocol_major_version() -> None:
    with pytest.raises(codec.ProtocolViolation, match="unsupported frontend protocol"):
        decode_all(startup_packet({"user": "u"}, protocol=2 << 16), startup=True)


# --- backend encoding ----------------------------------------------------------------------------


def test_ready_for_query_bytes() -> None:
    assert codec.encode_ready_for_query("I") == b"Z\x00\x00\x00\x05I"


def test_command_complete_bytes() -> None:
    assert codec.encode_command_complete("SELECT 1") == b"C\x00\x00\x00\x0dSELECT 1\x00"


def test_row_description_bytes() -> None:
    data = codec.encode_row_description([m.FieldDescription("a", 23, 4, -1, 0)])
    assert data == (b"T" + struct.pack("!i", 4 + 2 + 2 + 18) + struct.pack("!h", 1) + b"a\0"
                    + struct.pack("!IhIhih", 0, 0, 23, 4, -1, 0))


def test_data_row_with_null() -> None:
    assert codec.encode_data_row([b"1", None]) == (
        b"D" + struct.pack("!ih", 4 + 2 + 4 + 1 + 4, 2) + struct.pack("!i", 1) + b"1"
        + struct.pack("!i", -1))


def test_error_response_fields() -> None:
    err = SqlError("42P01", 'relation "x" does not exist', position=15, hint="h")
    data = codec.encode_error_response(err)
    assert data[:1] == b"E"
    fields = data[5:-1].split(b"\0")[:-1]
    assert fields == [b"SERROR", b"VERROR", b"C42P01", b'Mrelation "x" does not exist',
                      b"Hh", b"P15"]


def test_parameter_description_uses_unsigned_oids() -> None:
    assert codec.encode_parameter_description([23, 4_000_000_000]) == (
        b"t" + struct.pack("!ihII", 4 + 2 + 8, 2, 23, 4_000_000_000))


# --- connection state machine ------------------------------------------------------------------


def test_state_machine_startup_then_query() -> None:
    conn = Connection()
    conn.receive_data(startup_packet({"user": "u", "database": "pixelsql"}))
    event = conn.next_event()
    assert isinstance(event, NegotiatedStartup)
    assert event.params == {"user": "u", "database": "pixelsql"}
    assert conn.phase is Phase.AUTHENTICATING
    conn.receive_data(msg(b"Q", b"select 1\0"))
    with pytest.raises(codec.ProtocolViolation, match="during authenticating"):
        conn.next_event()


def test_protocol_3_2_is_negotiated_down() -> None:
    conn = Connection()
    conn.receive_data(startup_packet({"user": "u", "_pq_.foo": "1"}, protocol=m.PROTOCOL_3_2))
    assert isinstance(conn.next_event(), NegotiatedStartup)
    out = conn.data_to_send()
    assert out == codec.encode_negotiate_protocol_version(0, ["_pq_.foo"])


def test_discard_until_sync_after_extended_error() -> None:
    conn = Connection()
    conn.receive_data(startup_packet({"user": "u"}))
    conn.next_event()
    conn.authenticated()
    conn.receive_data(msg(b"B", b"\0\0" + b"\0\0\0\0\0\0") + msg(b"E", b"\0\0\0\0\0")
                      + msg(b"S") + msg(b"Q", b"select 2\0"))
    assert isinstance(conn.next_event(), m.Bind)
    conn.extended_error()
    assert conn.next_event() == m.Sync()
    assert conn.next_event() == m.Query("select 2")


def test_copy_in_ignores_flush_and_sync_and_rejects_queries() -> None:
    conn = Connection()
    conn.receive_data(startup_packet({"user": "u"}))
    conn.next_event()
    conn.authenticated()
    conn.copy_in_started()
    conn.receive_data(msg(b"d", b"x") + msg(b"H") + msg(b"S") + msg(b"c"))
    assert conn.next_event() == m.CopyData(b"x")
    assert conn.next_event() == m.CopyDone()
    conn.receive_data(msg(b"Q", b"select 1\0"))
    with pytest.raises(codec.ProtocolViolation):
        conn.next_event()


def test_output_is_collected_until_taken() -> None:
    conn = Connection()
    conn.ready_for_query("T")
    conn.send(codec.encode_no_data())
    assert conn.pending_output == 6 + 5
    assert conn.data_to_send() == b"Z\x00\x00\x00\x05T" + b"n\x00\x00\x00\x04"
    assert conn.data_to_send() == b""
