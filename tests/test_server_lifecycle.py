"""The server's life with real clients: clean shutdown, restart, concurrency and hostile input.

Each test that stops or restarts a server runs its own; the others share the session server.
A few tests speak the wire protocol over a raw socket, to send what no well-behaved driver would.
"""

from __future__ import annotations

import signal
import socket
import struct
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import errors

from tests.conftest import RunningServer, start_server

pytestmark = pytest.mark.integration

LONG_QUERY = "SELECT sum(i % 7) FROM range(10000000000000) AS t(i)"


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


# -- a minimal raw protocol client -----------------------------------------------------------------


class RawClient:
    """Just enough of the frontend protocol to start a session and send arbitrary bytes."""

    def __init__(self, server: RunningServer, timeout: float = 10) -> None:
        self.sock = socket.create_connection((server.host, server.port), timeout=timeout)

    def close(self) -> None:
        self.sock.close()

    def send_startup(self, user: str = "raw", database: str = "pixelsql") -> None:
        params = f"user\0{user}\0database\0{database}\0\0".encode()
        body = struct.pack("!I", 196608) + params
        self.sock.sendall(struct.pack("!I", len(body) + 4) + body)

    def start(self) -> list[tuple[bytes, bytes]]:
        self.send_startup()
        return self.read_until(b"Z")

    def send(self, kind: bytes, body: bytes) -> None:
        self.sock.sendall(kind + struct.pack("!I", len(body) + 4) + body)

    def query(self, sql: str) -> list[tuple[bytes, bytes]]:
        self.send(b"Q", sql.encode() + b"\0")
        return self.read_until(b"Z")

    def _read_exact(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("server closed the connection")
            data += chunk
        return data

    def read_message(self) -> tuple[bytes, bytes]:
        header = self._read_exact(5)
        (length,) = struct.unpack("!I", header[1:])
        return header[:1], self._read_exact(length - 4)

    def read_until(self, kind: bytes) -> list[tuple[bytes, bytes]]:
        messages = []
        while True:
            message = self.read_message()
            messages.append(message)
            if message[0] == kind:
                return messages

    def read_until_closed(self) -> list[tuple[bytes, bytes]]:
        """All messages until the server closes the connection."""
        messages = []
        while True:
            try:
                messages.append(self.read_message())
            except (ConnectionError, OSError):
                return messages


def error_fields(body: bytes) -> dict[str, str]:
    fields = {}
    for part in body.rstrip(b"\0").split(b"\0"):
        if part:
            fields[part[:1].decode()] = part[1:].decode()
    return fields


def errors_in(messages: list[tuple[bytes, bytes]]) -> list[dict[str, str]]:
    return [error_fields(body) for kind, body in messages if kind == b"E"]


# -- shutdown and restart --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_shuts_down_cleanly_and_keeps_committed_rows(tmp_path: Path, sig: int) -> None:
    data_dir = tmp_path / "data"
    srv = start_server(data_dir)
    try:
        with psycopg.connect(srv.dsn(), autocommit=True) as c:
            c.execute("CREATE TABLE kept (id INTEGER, note TEXT)")
            c.execute("INSERT INTO kept SELECT i, 'row ' || i FROM range(1000) AS t(i)")
            c.execute("CREATE TABLE pending (id INTEGER)")
        with psycopg.connect(srv.dsn()) as c:
            c.execute("INSERT INTO kept VALUES (1000, 'committed in a transaction')")
            c.commit()
        open_tx = psycopg.connect(srv.dsn())
        open_tx.execute("INSERT INTO pending VALUES (1), (2)")
        open_tx.execute("INSERT INTO kept VALUES (-1, 'never committed')")
        raw = RawClient(srv)
        raw.start()
        raw.query("BEGIN")

        assert srv.stop(sig) == 0
        log = "".join(srv.log)
        assert "database closed cleanly" in log
        assert "Traceback" not in log

        # The idle raw session was told why it is going away.
        told = errors_in(raw.read_until_closed())
        raw.close()
        assert [(e["S"], e["C"]) for e in told] == [("FATAL", "57P01")]
        # The psycopg client whose transaction was open gets an error, not a hang.
        with pytest.raises(psycopg.OperationalError):
            open_tx.execute("SELECT 1")
        open_tx.close()
    finally:
        srv.stop(signal.SIGKILL)

    again = start_server(data_dir)
    try:
        with psycopg.connect(again.dsn(), autocommit=True) as c:
            assert c.execute("SELECT count(*), sum(id) FROM kept").fetchone() == (
                1001, 1000 * 999 // 2 + 1000)
            assert c.execute("SELECT count(*) FROM pending").fetchone() == (0,)
            assert c.execute("SELECT count(*) FROM kept WHERE id < 0").fetchone() == (0,)
    finally:
        assert again.stop() == 0


@pytest.mark.slow
def test_shutdown_cancels_running_query(tmp_path: Path) -> None:
    srv = start_server(tmp_path / "data")
    outcome: list[BaseException] = []

    def long_query() -> None:
        try:
            with psycopg.connect(srv.dsn(), autocommit=True) as c:
                c.execute(LONG_QUERY)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=long_query)
    worker.start()
    try:
        time.sleep(1.5)
        started = time.monotonic()
        assert srv.stop(signal.SIGTERM) == 0
        assert time.monotonic() - started < 10
        worker.join(10)
        assert not worker.is_alive()
        assert len(outcome) == 1 and isinstance(outcome[0], psycopg.OperationalError)
        assert "database closed cleanly" in "".join(srv.log)
    finally:
        srv.stop(signal.SIGKILL)


# -- concurrency -----------------------------------------------------------------------------------


def test_long_query_does_not_block_other_clients(server: RunningServer) -> None:
    outcome: list[BaseException] = []
    ready = threading.Event()
    long_conn = psycopg.connect(server.dsn(), autocommit=True)

    def long_query() -> None:
        ready.set()
        try:
            long_conn.execute(LONG_QUERY)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=long_query)
    worker.start()
    try:
        ready.wait()
        time.sleep(0.5)
        with psycopg.connect(server.dsn(), autocommit=True, connect_timeout=5) as c:
            for i in range(20):
                started = time.monotonic()
                assert c.execute("SELECT %s::int4 + 1", [i]).fetchone() == (i + 1,)
                assert time.monotonic() - started < 2
        assert worker.is_alive(), "the long query ended before the others were served"
    finally:
        long_conn.cancel_safe()
        worker.join(15)
    assert len(outcome) == 1 and isinstance(outcome[0], errors.QueryCanceled)
    assert long_conn.execute("SELECT 1").fetchone() == (1,)
    long_conn.close()


def test_concurrent_clients_get_their_own_results(server: RunningServer) -> None:
    table = unique("concurrent")
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute(f"CREATE TABLE {table} (client INTEGER, i INTEGER)")
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def client(n: int) -> None:
        try:
            with psycopg.connect(server.dsn(), autocommit=True,
                                 application_name=f"client-{n}") as c:
                start.wait(10)
                for i in range(15):
                    size = 1000 + n * 100 + i
                    total = c.execute("SELECT sum(x) FROM range(%s::int8) AS t(x)",
                                      [size]).fetchone()
                    assert total == (size * (size - 1) // 2,)
                    c.execute(f"INSERT INTO {table} VALUES (%s, %s)", [n, i])
                    assert c.execute("SHOW application_name").fetchone() == (f"client-{n}",)
                with c.transaction():
                    c.execute(f"INSERT INTO {table} VALUES (%s, -1)", [n])
                    mine = c.execute(f"SELECT count(*) FROM {table} WHERE client = %s",
                                     [n]).fetchone()
                    assert mine == (16,)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        rows = c.execute(f"SELECT client, count(*) FROM {table} GROUP BY client ORDER BY client"
                         ).fetchall()
    assert rows == [(n, 16) for n in range(8)]


# -- hostile input ---------------------------------------------------------------------------------


@pytest.fixture
def bystander(server: RunningServer) -> Any:
    """A session that must not notice what another client does wrong."""
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        assert c.execute("SELECT 1").fetchone() == (1,)
        yield c
        assert c.execute("SELECT 'still fine'").fetchone() == ("still fine",)


@pytest.mark.parametrize(
    "payload",
    [
        b"Q" + struct.pack("!I", 0x7FFFFFF0) + b"SELECT 1",  # claims ~2 GiB
        b"Q" + struct.pack("!I", 2),  # length shorter than the length field itself
        b"\x01" + struct.pack("!I", 4),  # no such message type
        b"B" + struct.pack("!I", 8) + b"\xff\xff\xff\xff",  # truncated Bind
    ],
    ids=["huge-length", "negative-length", "unknown-type", "truncated-bind"],
)
def test_malformed_message_gets_protocol_violation(server: RunningServer, bystander: Any,
                                                   payload: bytes) -> None:
    raw = RawClient(server)
    try:
        raw.start()
        raw.sock.sendall(payload)
        reply = errors_in(raw.read_until_closed())
    finally:
        raw.close()
    assert len(reply) == 1
    assert reply[0]["C"] == "08P01"
    assert reply[0]["S"] in ("ERROR", "FATAL")


def test_garbage_instead_of_startup_is_dropped(server: RunningServer, bystander: Any) -> None:
    for junk in (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                 struct.pack("!II", 8, 0x12345678),
                 struct.pack("!I", 0x7FFFFFFF) + b"\0" * 8):
        raw = RawClient(server)
        try:
            raw.sock.sendall(junk)
            reply = raw.read_until_closed()
        finally:
            raw.close()
        # Either a FATAL error or a plain close; never a session.
        assert all(kind == b"E" for kind, _ in reply)
        assert all(e["S"] == "FATAL" for e in errors_in(reply))


def test_error_in_one_session_does_not_disturb_another(server: RunningServer,
                                                        bystander: Any) -> None:
    raw = RawClient(server)
    try:
        raw.start()
        reply = raw.query("SELECT * FROM no_such_table_raw")
        assert errors_in(reply)[0]["C"] == "42P01"
        reply = raw.query("SELECT 2")
        assert [kind for kind, _ in reply] == [b"T", b"D", b"C", b"Z"]
        raw.send(b"X", b"")
    finally:
        raw.close()


@pytest.mark.slow
def test_startup_that_never_completes_is_dropped(tmp_path: Path) -> None:
    srv = start_server(tmp_path / "data", "--startup-timeout", "1")
    try:
        silent = RawClient(srv)
        half = RawClient(srv)
        half.sock.sendall(struct.pack("!I", 64) + b"\0\3\0\0user\0")  # half a startup packet
        started = time.monotonic()
        silent.read_until_closed()
        half.read_until_closed()
        assert time.monotonic() - started < 5
        silent.close()
        half.close()
        # A client that finishes in time still gets in.
        with psycopg.connect(srv.dsn(), connect_timeout=5) as c:
            assert c.execute("SELECT 1").fetchone() == (1,)
            # The timeout covers only startup: an idle session is not dropped.
            time.sleep(1.5)
            assert c.execute("SELECT 2").fetchone() == (2,)
    finally:
        assert srv.stop() == 0


def test_bind_with_an_unknown_result_format_is_refused(server: RunningServer,
                                                       bystander: Any) -> None:
    """One result-format code for all columns must be 0 or 1, as PostgreSQL checks."""
    raw = RawClient(server)
    try:
        raw.start()
        raw.send(b"P", b"\0SELECT 1\0" + struct.pack("!H", 0))
        raw.send(b"B", b"\0\0" + struct.pack("!HHHH", 0, 0, 1, 7))  # result format 7
        raw.send(b"E", b"\0" + struct.pack("!I", 0))
        raw.send(b"S", b"")
        reply = raw.read_until(b"Z")
    finally:
        raw.close()
    errors = errors_in(reply)
    assert [e["C"] for e in errors] == ["08P01"] and "format code: 7" in errors[0]["M"]
    assert b"D" not in [kind for kind, _ in reply]
