"""The session handler driven in-process over an in-memory transport (no sockets, real DuckDB).

These check protocol-level behaviour that is awkward to provoke through a driver: per-session
bounds, discard-until-Sync, and the exact message sequence of an extended-query exchange.
"""

from __future__ import annotations

import asyncio
import struct

import pytest

from engine.session import Database
from server import handler as handler_module
from server.auth import AuthMethod, UserStore
from server.handler import ServerState, SessionHandler


class MemoryTransport:
    """Feeds prepared client bytes, records what the server writes.

    ``take`` is how many bytes ``send_now`` (the session thread's own writes) accepts per call:
    all of them by default, as a socket with room does; 0 as a full one."""

    def __init__(self, data: bytes, take: int | None = None) -> None:
        self._chunks = [data]
        self.written = bytearray()
        self.take = take
        self.direct_sends = 0

    async def read(self) -> bytes:
        await asyncio.sleep(0)
        return self._chunks.pop(0) if self._chunks else b""

    def write(self, data: bytes) -> None:
        self.written += data

    def send_now(self, data: bytes) -> int:
        taken = data if self.take is None else data[:self.take]
        self.written += taken
        self.direct_sends += bool(taken)
        return len(taken)

    async def drain(self) -> None:
        await asyncio.sleep(0)

    async def start_tls(self) -> None:  # pragma: no cover - not used here
        raise AssertionError("no TLS in this test")

    @property
    def tls_available(self) -> bool:
        return False

    @property
    def is_secure(self) -> bool:
        return True

    @property
    def is_encrypted(self) -> bool:
        return False

    def close(self) -> None:
        pass


def msg(tag: bytes, body: bytes = b"") -> bytes:
    return tag + struct.pack("!i", len(body) + 4) + body


def startup() -> bytes:
    body = struct.pack("!i", 196608) + b"user\0t\0database\0pixelsql\0\0"
    return struct.pack("!i", len(body) + 4) + body


def parse(name: str, sql: str) -> bytes:
    return msg(b"P", name.encode() + b"\0" + sql.encode() + b"\0" + struct.pack("!h", 0))


def bind(portal: str, stmt: str) -> bytes:
    return msg(b"B", portal.encode() + b"\0" + stmt.encode() + b"\0"
               + struct.pack("!hhh", 0, 0, 0))


def bind_params(portal: str, stmt: str, *values: bytes) -> bytes:
    body = struct.pack("!hh", 0, len(values))
    for v in values:
        body += struct.pack("!i", len(v)) + v
    return msg(b"B", portal.encode() + b"\0" + stmt.encode() + b"\0" + body
               + struct.pack("!h", 0))


def execute(portal: str, max_rows: int = 0) -> bytes:
    return msg(b"E", portal.encode() + b"\0" + struct.pack("!i", max_rows))


def responses(data: bytes) -> list[tuple[str, bytes]]:
    """Split server output into (type, body) pairs."""
    out = []
    i = 0
    while i < len(data):
        tag = chr(data[i])
        (length,) = struct.unpack_from("!i", data, i + 1)
        out.append((tag, bytes(data[i + 5 : i + 1 + length])))
        i += 1 + length
    return out


def run(client_bytes: bytes, take: int | None = None) -> list[tuple[str, bytes]]:
    return run_on(MemoryTransport(startup() + client_bytes + msg(b"X"), take))


def run_on(transport: MemoryTransport) -> list[tuple[str, bytes]]:
    state = ServerState(Database(None), AuthMethod.TRUST, UserStore())
    asyncio.run(SessionHandler(state, transport).run())
    state.db.close()
    after_startup = responses(bytes(transport.written))
    first_ready = next(i for i, (t, _) in enumerate(after_startup) if t == "Z")
    return after_startup[first_ready + 1 :]


def sqlstate(body: bytes) -> str:
    fields = {f[:1]: f[1:] for f in body.split(b"\0") if f}
    return fields[b"C"].decode()


def test_prepared_statement_count_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handler_module, "MAX_PREPARED_STATEMENTS", 3)
    out = run(b"".join(parse(f"s{i}", "select 1") for i in range(4)) + msg(b"S"))
    assert [t for t, _ in out] == ["1", "1", "1", "E", "Z"]
    assert sqlstate(out[3][1]) == "54000"


def test_portal_count_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handler_module, "MAX_PORTALS", 2)
    out = run(parse("s", "select 1") + b"".join(bind(f"p{i}", "s") for i in range(3))
              + msg(b"S"))
    assert [t for t, _ in out] == ["1", "2", "2", "E", "Z"]
    assert sqlstate(out[3][1]) == "54000"


def test_error_discards_until_sync_then_recovers() -> None:
    out = run(parse("", "select * from missing_table") + bind("", "") + execute("")
              + parse("", "select 1") + msg(b"S")
              + parse("", "select 2") + bind("", "") + execute("") + msg(b"S"))
    kinds = [t for t, _ in out]
    # Parse of the bad statement succeeds (errors surface at execution), Execute fails, the
    # rest of the first batch is skipped, Sync answers ReadyForQuery; the second batch runs.
    assert kinds == ["1", "2", "E", "Z", "1", "2", "D", "C", "Z"]
    assert sqlstate(out[2][1]) == "42P01"
    assert out[-2][1] == b"SELECT 1\0"


def test_row_limit_suspends_portal_then_completes() -> None:
    out = run(parse("", "select * from range(5)") + bind("p", "") + execute("p", 2)
              + execute("p", 2) + execute("p", 2) + msg(b"S"))
    assert [t for t, _ in out] == ["1", "2", "D", "D", "s", "D", "D", "s", "D", "C", "Z"]
    assert out[-2][1] == b"SELECT 1\0"  # the rows of its own Execute, as PostgreSQL counts


def test_declared_parameter_types_are_echoed() -> None:
    parse_typed = msg(b"P", b"\0select $1 || 'x', $2 + 1\0" + struct.pack("!hII", 2, 1043, 0))
    out = run(parse_typed + msg(b"D", b"S\0") + msg(b"S"))
    assert [t for t, _ in out] == ["1", "t", "T", "Z"]
    count, first, second = struct.unpack("!hII", out[1][1])
    assert (count, first) == (2, 1043)  # varchar as declared, not text
    assert second != 0


def test_an_internal_error_is_an_error_not_a_lost_session() -> None:
    # md5_number returns a UHUGEINT of 39 digits, which the Arrow decimal128(38) column of the
    # small-result path cannot hold: a bug of ours, reported as XX000, session kept.
    out = run(msg(b"Q", b"select md5_number('abc')\0") + msg(b"Q", b"select 1\0"))
    kinds = [t for t, _ in out]
    assert kinds[:2] == ["T", "E"] or kinds[:1] == ["E"]
    error = next(body for t, body in out if t == "E")
    assert sqlstate(error) == "XX000"
    assert kinds[-4:] == ["T", "D", "C", "Z"]


def query(sql: str) -> bytes:
    return msg(b"Q", sql.encode() + b"\0")


def test_replies_sent_from_the_session_thread_are_the_same_bytes() -> None:
    # A statement that ends the client's pipeline has its reply written by the session thread
    # (StreamTransport.send_now) when it is complete; a socket that takes part of it, or
    # nothing, leaves the rest to the event loop. The client must see the same bytes in the
    # same order either way, whatever the statement's answer is made of.
    client = b"".join([
        query("select 1"),
        query("set application_name = 'direct'"),  # ParameterStatus
        query("begin"), query("select 2"), query("select * from missing"),
        query("select 3"), query("rollback"),  # an error, 25P02, the end of the block
        query(""), query("select 1; select 2"), query("select * from range(300)"),
        query("drop table if exists no_such_table"),
        query("copy (select 1) to stdout"),
        parse("", "select $1::int + 1") + bind_params("", "", b"41") + msg(b"D", b"P\0")
        + execute("") + msg(b"S"),  # Parse/Bind/Describe queued ahead of the answer
        parse("s", "select * from range(5)") + bind("p", "s") + execute("p", 2)
        + execute("p") + msg(b"S"),  # a row limit: a portal, not answered early
        parse("", "select * from missing") + bind("", "") + execute("") + msg(b"S"),
        parse("", "select 5") + bind("", "") + execute("") + parse("", "select 6")
        + bind("", "") + execute("") + msg(b"S"),  # Sync not next after the first
    ])
    runs = {take: MemoryTransport(startup() + client + msg(b"X"), take)
            for take in (None, 0, 7)}
    answers = {take: run_on(t) for take, t in runs.items()}
    assert answers[None] == answers[0] == answers[7]
    assert runs[0].direct_sends == 0
    assert runs[None].direct_sends >= 8
    kinds = [t for t, _ in answers[None]]
    assert kinds.count("Z") == 16  # one ReadyForQuery per Query and per Sync
    assert ("S", b"application_name\0direct\0") in answers[None]
