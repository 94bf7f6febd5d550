"""Portal lifetimes and suspended portals, byte for byte against PostgreSQL 15.

Each case sends the same raw extended-protocol messages to PixelSQL and to PostgreSQL 15 over a
socket, one step (ending in Sync or a simple Query) at a time, and compares what comes back:
the kinds of the messages, CommandComplete tags, SQLSTATEs and the transaction status of every
ReadyForQuery. The cases are the rules drivers lean on without saying so: a portal ends with its
transaction (at Sync outside a block, at COMMIT or ROLLBACK inside one), a simple query replaces
the unnamed portal, a suspended portal's CommandComplete counts the rows of its own Execute,
Execute in a failed transaction answers 25P02, other statements may run while a portal is
suspended, and the messages up to Sync are one transaction: an error undoes earlier writes.
"""

from __future__ import annotations

import socket
import struct

import pytest

from tests.conftest import RunningServer
from tests.pg15 import SUPERUSER, PostgresCluster

SERIES = "SELECT i FROM generate_series(1, 1000) AS g(i)"


def _frame(tag: bytes, body: bytes = b"") -> bytes:
    return tag + struct.pack("!I", len(body) + 4) + body


def _cstr(text: str) -> bytes:
    return text.encode() + b"\0"


def parse(name: str, sql: str) -> bytes:
    return _frame(b"P", _cstr(name) + _cstr(sql) + struct.pack("!H", 0))


def bind(portal: str, statement: str) -> bytes:
    return _frame(b"B", _cstr(portal) + _cstr(statement) + struct.pack("!HHH", 0, 0, 0))


def execute(portal: str, max_rows: int) -> bytes:
    return _frame(b"E", _cstr(portal) + struct.pack("!I", max_rows))


def describe_portal(portal: str) -> bytes:
    return _frame(b"D", b"P" + _cstr(portal))


def close_portal(portal: str) -> bytes:
    return _frame(b"C", b"P" + _cstr(portal))


SYNC = _frame(b"S")


def query(sql: str) -> bytes:
    return _frame(b"Q", _cstr(sql))


CASES: dict[str, list[list[bytes]]] = {
    "a named portal ends at Sync outside a block": [
        [parse("", SERIES), bind("p", ""), execute("p", 10), SYNC],
        [execute("p", 10), SYNC],
    ],
    "a portal ends at COMMIT": [
        [query("BEGIN")],
        [parse("", SERIES), bind("p", ""), execute("p", 10), SYNC],
        [query("COMMIT")],
        [execute("p", 10), SYNC],
    ],
    "a portal ends at ROLLBACK": [
        [query("BEGIN")],
        [parse("", SERIES), bind("p", ""), execute("p", 10), SYNC],
        [query("ROLLBACK")],
        [execute("p", 10), SYNC],
    ],
    "a COMMIT inside the pipeline ends the portals before Sync": [
        [parse("b", "BEGIN"), bind("", "b"), execute("", 0), parse("", SERIES), bind("p", ""),
         execute("p", 10), parse("c", "COMMIT"), bind("", "c"), execute("", 0),
         execute("p", 10), SYNC],
    ],
    "the unnamed portal lives across Sync inside a block": [
        [query("BEGIN")],
        [parse("", SERIES), bind("", ""), execute("", 10), SYNC],
        [execute("", 10), SYNC],
        [query("COMMIT")],
    ],
    "a simple query replaces the unnamed portal": [
        [query("BEGIN")],
        [parse("", SERIES), bind("", ""), execute("", 10), SYNC],
        [query("SELECT 1")],
        [execute("", 10), SYNC],
        [query("ROLLBACK")],
    ],
    "Execute in a failed transaction answers 25P02": [
        [query("BEGIN")],
        [parse("", SERIES), bind("p", ""), execute("p", 10), SYNC],
        [query("SELECT 1/0")],
        [execute("p", 10), SYNC],
        [parse("r", "ROLLBACK"), bind("", "r"), execute("", 0), SYNC],
        [execute("p", 1), SYNC],
    ],
    "a resumed portal's tag counts its own rows": [
        [query("BEGIN")],
        [parse("", SERIES), bind("p", ""), execute("p", 300), SYNC],
        [query("SELECT 42")],  # runs while the portal is suspended past the first fetch
        [execute("p", 800), SYNC],
        [query("COMMIT")],
    ],
    "a finished portal answers with zero rows": [
        [query("BEGIN")],
        [parse("", "SELECT i FROM generate_series(1, 5) AS g(i)"), bind("p", ""),
         execute("p", 0), execute("p", 0), execute("p", 3), SYNC],
        [query("COMMIT")],
    ],
    "several executes and another statement before Sync": [
        [parse("", SERIES), bind("p", ""), execute("p", 10), execute("p", 10),
         parse("", "SELECT 2"), bind("", ""), execute("", 0), execute("p", 0), SYNC],
    ],
    "Describe of a suspended portal": [
        [query("BEGIN")],
        [parse("", SERIES), bind("p", ""), execute("p", 10), describe_portal("p"),
         execute("p", 5), SYNC],
        [query("COMMIT")],
    ],
    "Close then Execute": [
        [query("BEGIN")],
        [parse("", "SELECT 1"), bind("p", ""), close_portal("p"), execute("p", 0), SYNC],
        [query("COMMIT")],
    ],
    "an error before Sync undoes the pipeline's writes": [
        [query("CREATE TEMP TABLE pipeline_t (i integer PRIMARY KEY)")],
        [parse("", "INSERT INTO pipeline_t VALUES (1)"), bind("", ""), execute("", 0),
         parse("", "INSERT INTO pipeline_t VALUES (2)"), bind("", ""), execute("", 0),
         parse("", "INSERT INTO pipeline_t VALUES (1)"), bind("", ""), execute("", 0), SYNC],
        [query("SELECT count(*) FROM pipeline_t")],
        [parse("", "INSERT INTO pipeline_t VALUES (3)"), bind("", ""), execute("", 0),
         parse("", "SELECT count(*) FROM pipeline_t"), bind("", ""), execute("", 0), SYNC],
        [query("SELECT count(*) FROM pipeline_t")],
    ],
    "a write with Sync next commits alone": [
        [query("CREATE TEMP TABLE pipeline_u (i integer PRIMARY KEY)")],
        [parse("", "INSERT INTO pipeline_u VALUES (1)"), bind("", ""), execute("", 0), SYNC],
        [parse("", "INSERT INTO pipeline_u VALUES (2)"), bind("", ""), execute("", 0),
         parse("", "INSERT INTO pipeline_u VALUES (1)"), bind("", ""), execute("", 0), SYNC],
        [query("SELECT count(*) FROM pipeline_u")],
    ],
    "TRUNCATE and COMMENT in a failing pipeline are undone too": [
        [query("CREATE TEMP TABLE pipeline_v (i integer PRIMARY KEY); "
               "INSERT INTO pipeline_v VALUES (1), (2)")],
        [parse("", "TRUNCATE pipeline_v"), bind("", ""), execute("", 0),
         parse("", "COMMENT ON TABLE pipeline_v IS 'pipelined'"), bind("", ""), execute("", 0),
         parse("", "INSERT INTO pipeline_v VALUES (1), (1)"), bind("", ""), execute("", 0),
         SYNC],
        [query("SELECT count(*) FROM pipeline_v")],
        [query("SELECT obj_description('pipeline_v'::regclass) IS NULL")],
    ],
    "Bind of an existing portal name": [
        [query("BEGIN")],
        [parse("", "SELECT 1"), bind("p", ""), bind("p", ""), SYNC],
        [query("ROLLBACK")],
    ],
}


def _text_values(body: bytes) -> str:
    """A DataRow's values (text format), comma-separated; NULL as such."""
    (n,) = struct.unpack_from("!H", body)
    pos, values = 2, []
    for _ in range(n):
        (size,) = struct.unpack_from("!i", body, pos)
        pos += 4
        if size < 0:
            values.append("NULL")
        else:
            values.append(body[pos:pos + size].decode())
            pos += size
    return ",".join(values)


class _Client:
    """A bare protocol client: one step out, the summary of the replies back."""

    def __init__(self, port: int, user: str, dbname: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""
        body = struct.pack("!I", 196608) + _cstr("user") + _cstr(user) + \
            _cstr("database") + _cstr(dbname) + b"\0"
        self.sock.sendall(struct.pack("!I", len(body) + 4) + body)
        self.replies()

    def _message(self) -> tuple[bytes, bytes]:
        while len(self.buf) < 5 or len(self.buf) < 1 + struct.unpack("!I", self.buf[1:5])[0]:
            chunk = self.sock.recv(65536)
            assert chunk, "the server closed the connection"
            self.buf += chunk
        size = struct.unpack("!I", self.buf[1:5])[0]
        tag, body, self.buf = self.buf[:1], self.buf[5:1 + size], self.buf[1 + size:]
        return tag, body

    def replies(self) -> list[str]:
        """Messages up to ReadyForQuery: kinds, tags, SQLSTATEs; DataRows as a count."""
        out: list[str] = []
        while True:
            tag, body = self._message()
            if tag == b"E":
                fields = {f[:1]: f[1:].decode() for f in body.split(b"\0") if f}
                out.append(f"Error {fields[b'C']}")
            elif tag == b"C":
                out.append("Complete " + body.rstrip(b"\0").decode())
            elif tag == b"D":  # a run of DataRows: how many, and the last one's values
                count = int(out[-1].split()[1][1:]) + 1 if out and out[-1][:8] == "DataRow " \
                    else 1
                if count > 1:
                    out.pop()
                out.append(f"DataRow x{count} last={_text_values(body)}")
            elif tag == b"Z":
                out.append(f"Ready {body.decode()}")
                return out
            elif tag not in (b"S", b"K", b"R", b"N"):  # status, key, auth, notices
                out.append(tag.decode())

    def run(self, steps: list[list[bytes]]) -> list[list[str]]:
        got = []
        for step in steps:
            self.sock.sendall(b"".join(step))
            got.append(self.replies())
        return got

    def close(self) -> None:
        self.sock.sendall(_frame(b"X"))
        self.sock.close()


def _replies(port: int, user: str, dbname: str, steps: list[list[bytes]]) -> list[list[str]]:
    client = _Client(port, user, dbname)
    try:
        return client.run(steps)
    finally:
        client.close()


@pytest.mark.parametrize("case", list(CASES))
def test_portals_behave_as_in_postgresql(server: RunningServer, pg15: PostgresCluster,
                                         case: str) -> None:
    ours = _replies(server.port, "tester", "pixelsql", CASES[case])
    theirs = _replies(pg15.port, SUPERUSER, "postgres", CASES[case])
    assert ours == theirs
