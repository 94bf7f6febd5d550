"""Fuzzing the wire protocol: the decoder and the connection state machine, then a real server.

The sans-IO part feeds random bytes and *mutated valid sessions* (startup, simple and extended
query, COPY; then bytes flipped, inserted, deleted, truncated, lengths and message types
replaced, messages duplicated or reordered) to :class:`server.connection.Connection` in random
chunkings. Whatever arrives, the only exception allowed is ``ProtocolViolation`` (08P01, FATAL);
events are legal for the phase they arrive in; how the bytes are chunked changes nothing; and
while waiting for more input the decoder never holds more than one maximal message.

The integration part sends a few hundred mutated messages over raw sockets from several
connections while a psycopg client keeps querying: that client sees no error, nothing leaks
(a low ``--max-connections`` would refuse new clients otherwise) and the server log shows no
internal error.

Run as a script (``python -m tests.test_fuzz_protocol -runs=N``) the same harness is an atheris
(libFuzzer) target; ``test_atheris_harness`` runs it for a few seconds when atheris is installed.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import random
import socket
import struct
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server import codec
from server import messages as m
from server.connection import _LEGAL, Connection, NegotiatedStartup, Phase
from tests.conftest import ROOT, RunningServer, start_server

SMALL_LIMIT = 4096  # max_message_size for most examples: oversized claims are cheap to make
FUZZ = settings(max_examples=500, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- frontend encoders (the server only decodes these, so the codec has no encoders for them) ---


def frame(tag: bytes, body: bytes = b"") -> bytes:
    return tag + struct.pack("!i", len(body) + 4) + body


def cstr(text: str) -> bytes:
    return text.encode() + b"\0"


def startup(params: dict[str, str], protocol: int = m.PROTOCOL_3_0) -> bytes:
    body = struct.pack("!i", protocol) + b"".join(cstr(k) + cstr(v) for k, v in params.items())
    body += b"\0"
    return struct.pack("!i", len(body) + 4) + body


def special_request(code: int, extra: bytes = b"") -> bytes:
    """SSLRequest, GSSENCRequest or CancelRequest: a startup-phase packet with a magic code."""
    return struct.pack("!ii", 8 + len(extra), code) + extra


def bind(portal: str, statement: str, params: list[bytes | None], formats: list[int],
         result_formats: list[int]) -> bytes:
    body = cstr(portal) + cstr(statement)
    body += struct.pack("!h", len(formats)) + b"".join(struct.pack("!h", f) for f in formats)
    body += struct.pack("!h", len(params))
    for p in params:
        body += struct.pack("!i", -1) if p is None else struct.pack("!i", len(p)) + p
    body += struct.pack("!h", len(result_formats))
    body += b"".join(struct.pack("!h", f) for f in result_formats)
    return frame(b"B", body)


def encode(msg: m.FrontendMessage) -> bytes:
    """The bytes a client sends for ``msg`` (regular, post-startup messages)."""
    match msg:
        case m.Query(sql):
            return frame(b"Q", cstr(sql))
        case m.Parse(name, sql, oids):
            body = cstr(name) + cstr(sql) + struct.pack("!h", len(oids))
            return frame(b"P", body + b"".join(struct.pack("!I", o) for o in oids))
        case m.Bind(portal, statement, formats, params, result_formats):
            return bind(portal, statement, list(params), list(formats), list(result_formats))
        case m.Describe(kind, name):
            return frame(b"D", kind.encode() + cstr(name))
        case m.Close(kind, name):
            return frame(b"C", kind.encode() + cstr(name))
        case m.Execute(portal, max_rows):
            return frame(b"E", cstr(portal) + struct.pack("!i", max_rows))
        case m.Sync():
            return frame(b"S")
        case m.Flush():
            return frame(b"H")
        case m.Terminate():
            return frame(b"X")
        case m.CopyData(data):
            return frame(b"d", data)
        case m.CopyDone():
            return frame(b"c")
        case m.CopyFail(message):
            return frame(b"f", cstr(message))
        case m.PasswordMessage(data):
            return frame(b"p", data)
        case m.FunctionCall(oid):
            return frame(b"F", struct.pack("!i", oid))
    raise AssertionError(f"no encoder for {msg!r}")


# --- valid sessions, then mutated ones ------------------------------------------------------------

# Statements for the generated traffic: cheap and harmless even after a few bytes are flipped
# (they run on a real server in the integration test).
SQL = ["SELECT 1", "SELECT $1::int4 + 1", "SELECT i, s FROM fuzz_t ORDER BY i LIMIT 3",
       "INSERT INTO fuzz_t VALUES ($1, $2)", "BEGIN", "COMMIT", "ROLLBACK",
       "COPY fuzz_t FROM STDIN", "COPY fuzz_t TO STDOUT", "SHOW TimeZone", "", "SELEC oops",
       "SET application_name = 'fuzz'", "SELECT 'a;b'; SELECT 2"]
NAMES = ["", "s1", "p1", "\u00e9"]


def random_message(rnd: random.Random) -> m.FrontendMessage:
    """One well-formed regular message with random (small) contents."""
    kind = rnd.randrange(15)
    name = rnd.choice(NAMES)
    if kind <= 2:
        return m.Query(rnd.choice(SQL))
    if kind == 3:
        return m.Parse(name, rnd.choice(SQL), tuple(rnd.choice([0, 23, 25, 17, 2**32 - 1])
                                                    for _ in range(rnd.randrange(3))))
    if kind == 4:
        params = tuple(rnd.choice([None, b"1", b"x", b"\0\0\0\x07", b""])
                       for _ in range(rnd.randrange(3)))
        formats = tuple(rnd.choice([0, 1]) for _ in range(rnd.choice([0, 1, len(params)])))
        results = tuple(rnd.choice([0, 1]) for _ in range(rnd.randrange(3)))
        return m.Bind(name, rnd.choice(NAMES), formats, params, results)
    if kind == 5:
        return m.Describe(rnd.choice("SP"), name)
    if kind == 6:
        return m.Close(rnd.choice("SP"), name)
    if kind == 7:
        return m.Execute(name, rnd.choice([0, 1, 5, -1]))
    if kind in (8, 9):
        return m.Sync()
    if kind == 10:
        return m.Flush()
    if kind == 11:
        return m.CopyData(rnd.choice([b"1\tone\n", b"2\t\\N\n", b"garbage", b""]))
    if kind == 12:
        return m.CopyDone() if rnd.random() < 0.5 else m.CopyFail("client gave up")
    if kind == 13:
        return m.PasswordMessage(rnd.randbytes(rnd.randrange(12)))
    return m.Terminate() if rnd.random() < 0.5 else m.FunctionCall(rnd.randrange(-5, 5))


def random_startup(rnd: random.Random) -> bytes:
    """A startup sequence: maybe SSL/GSS requests first, then a StartupMessage (3.0 or 3.2)."""
    out = b""
    for _ in range(rnd.randrange(3)):
        out += special_request(rnd.choice([m.SSL_REQUEST_CODE, m.GSSENC_REQUEST_CODE]))
    params = {"user": rnd.choice(["fuzz", "f\u00fc", "x" * 70]), "database": "pixelsql"}
    if rnd.random() < 0.3:
        params["_pq_.extension"] = "on"
    if rnd.random() < 0.3:
        params["options"] = "-c TimeZone=UTC"
    return out + startup(params, rnd.choice([m.PROTOCOL_3_0, m.PROTOCOL_3_2]))


# (statement, parameters it takes) for coherent extended-query and COPY exchanges
PREPARED = [("SELECT 1", ()), ("SELECT $1::int4 + 1", (b"41",)),
            ("INSERT INTO fuzz_t VALUES ($1, $2)", (b"7", b"seven")),
            ("SELECT i, s FROM fuzz_t WHERE i > $1 LIMIT 2", (b"0",)),
            ("SELECT $1::text", (b"\xff\xfe",))]


def random_exchange(rnd: random.Random) -> list[m.FrontendMessage]:
    """What a client sends for one thing it wants done: a query, a prepared statement's
    Parse/Bind/Describe/Execute/Sync, a COPY FROM STDIN; now and then a stray message."""
    kind = rnd.randrange(5)
    if kind == 0:
        return [m.Query(rnd.choice(SQL))]
    if kind in (1, 2):
        sql, params = rnd.choice(PREPARED)
        name, portal = rnd.choice(NAMES), rnd.choice(NAMES)
        return [m.Parse(name, sql, ()), m.Bind(portal, name, (), params, (rnd.randrange(2),)),
                m.Describe("P", portal), m.Execute(portal, rnd.choice([0, 1])),
                m.Close("S", name), m.Sync()]
    if kind == 3:
        end = m.CopyDone() if rnd.random() < 0.5 else m.CopyFail("changed my mind")
        return [m.Query("COPY fuzz_t FROM STDIN"), m.CopyData(b"1\tone\n2\ttwo\n"), end]
    return [random_message(rnd)]


def random_messages(rnd: random.Random, n: int) -> list[bytes]:
    """``n`` exchanges' worth of encoded messages."""
    return [encode(msg) for _ in range(n) for msg in random_exchange(rnd)]


LENGTHS = [-1, 0, 3, 4, 5, 8, SMALL_LIMIT, SMALL_LIMIT + 1, codec.MAX_STARTUP_SIZE + 1,
           codec.DEFAULT_MAX_MESSAGE_SIZE, codec.DEFAULT_MAX_MESSAGE_SIZE + 1, 0x7FFFFFFF,
           -0x80000000]


def mutate_messages(rnd: random.Random, messages: list[bytes]) -> list[bytes]:
    """Message-level damage: wrong lengths and types, duplicates, reordering, drops."""
    out = list(messages)
    for _ in range(rnd.randrange(1, 4)):
        if not out:
            break
        i = rnd.randrange(len(out))
        msg = out[i]
        action = rnd.randrange(6)
        if action == 0 and len(msg) >= 5:  # a wrong length word
            length = rnd.choice([*LENGTHS, len(msg) - 2, len(msg), rnd.randrange(-99, 99)])
            out[i] = msg[:1] + struct.pack("!i", length) + msg[5:]
        elif action == 1:  # a wrong (or merely different) message type
            out[i] = bytes([rnd.randrange(256)]) + msg[1:]
        elif action == 2:
            out.insert(i, msg)
        elif action == 3:
            j = rnd.randrange(len(out))
            out[i], out[j] = out[j], out[i]
        elif action == 4:
            del out[i]
        else:  # a message body cut short, length word unchanged
            out[i] = msg[: rnd.randrange(len(msg) + 1)]
    return out


def mutate_bytes(rnd: random.Random, data: bytes) -> bytes:
    """Byte-level damage: flips, overwrites, insertions, deletions, truncation."""
    buf = bytearray(data)
    for _ in range(rnd.randrange(0, 4)):
        action = rnd.randrange(5)
        pos = rnd.randrange(len(buf) + 1)
        if action == 0 and pos < len(buf):
            buf[pos] ^= 1 << rnd.randrange(8)
        elif action == 1 and pos < len(buf):
            buf[pos] = rnd.choice([0, 0xFF, 0x7F, 0x80, rnd.randrange(256)])
        elif action == 2:
            buf[pos:pos] = rnd.randbytes(rnd.randrange(1, 9))
        elif action == 3:
            del buf[pos: pos + rnd.randrange(1, 9)]
        elif action == 4 and rnd.random() < 0.3:
            del buf[pos:]
    return bytes(buf)


def mutated_session(rnd: random.Random, n_messages: int = 8) -> bytes:
    """A valid session (startup + messages), then damaged at message and byte level."""
    head = random_startup(rnd)
    body = random_messages(rnd, rnd.randrange(1, n_messages + 1))
    if rnd.random() < 0.8:
        body = mutate_messages(rnd, body)
    data = head + b"".join(body)
    return mutate_bytes(rnd, data) if rnd.random() < 0.7 else data


def chunk(rnd: random.Random, data: bytes) -> list[bytes]:
    """``data`` cut at random places (single bytes included)."""
    if not data:
        return [b""]
    cuts = sorted(rnd.sample(range(1, len(data) + 1), min(len(data), rnd.randrange(1, 12))))
    cuts = [0, *cuts] if cuts[-1] == len(data) else [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(cuts)]


# --- driving a Connection as the session handler would --------------------------------------------


@dataclass
class Outcome:
    events: list[object] = field(default_factory=list)
    violation: str | None = None  # the ProtocolViolation message, when one ended the session


def drive(chunks: list[bytes], max_message_size: int = SMALL_LIMIT, *,
          authenticated: bool = False) -> Outcome:
    """Feed ``chunks`` to a fresh Connection, reacting to events the way the handler does
    (deterministically, so chunkings can be compared), and check its invariants on the way."""
    conn = Connection(max_message_size)
    if authenticated:  # as if a trust startup had happened: regular messages from byte 0
        conn.decoder.end_startup()
        conn.authenticated()
    held_limit = max(max_message_size, codec.MAX_STARTUP_SIZE)
    out = Outcome()
    for data in chunks:
        conn.receive_data(data)
        while True:
            phase = conn.phase
            try:
                event = conn.next_event()
            except codec.ProtocolViolation as exc:
                assert exc.sqlstate == "08P01" and exc.severity == "FATAL"
                assert exc.message
                out.violation = exc.message
                return out
            if event is None:
                # Waiting for more bytes: at most one incomplete message is held.
                assert conn.decoder.buffered <= held_limit
                break
            out.events.append(event)
            if isinstance(event, NegotiatedStartup):
                assert phase is Phase.STARTUP and conn.phase is Phase.AUTHENTICATING
                assert not any(k.startswith("_pq_.") for k in event.params)
                conn.authenticated()  # trust
                continue
            assert isinstance(event, _LEGAL[phase]), (event, phase)
            if phase is Phase.SKIPPING:
                assert isinstance(event, m.Sync | m.Terminate)
            if phase is Phase.COPY_IN:
                assert not isinstance(event, m.Sync | m.Flush)
            if phase is Phase.READY:
                assert not isinstance(event, m.CopyData | m.CopyDone | m.CopyFail)
            if isinstance(event, m.Terminate | m.CancelRequest):
                conn.closed()
                return out
            _react(conn, event)
    return out


def _react(conn: Connection, event: object) -> None:
    """The handler's protocol transitions, decided from the event alone."""
    if isinstance(event, m.Query) and "FROM STDIN" in event.sql:
        conn.copy_in_started()
    elif isinstance(event, m.CopyDone | m.CopyFail):
        conn.copy_in_ended()
    elif isinstance(event, m.Bind | m.Execute) and event.portal == "p1":
        conn.extended_error()  # as if it failed: skip to Sync
    elif isinstance(event, m.Execute) and event.portal == "" and event.max_rows == 5:
        conn.copy_in_started()  # an extended-protocol COPY FROM STDIN


# --- properties -----------------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=600), st.randoms(use_true_random=False), st.booleans())
def test_random_bytes_only_ever_raise_protocol_violation(data: bytes, rnd: random.Random,
                                                         authenticated: bool) -> None:
    drive(chunk(rnd, data), authenticated=authenticated)


@FUZZ
@given(st.randoms(use_true_random=False))
def test_mutated_sessions_only_ever_raise_protocol_violation(rnd: random.Random) -> None:
    data = mutated_session(rnd)
    drive(chunk(rnd, data), max_message_size=rnd.choice([SMALL_LIMIT, 64, 1 << 20]))


@FUZZ
@given(st.randoms(use_true_random=False))
def test_chunking_never_changes_what_is_decoded(rnd: random.Random) -> None:
    data = mutated_session(rnd)
    whole = drive([data])
    assert drive(chunk(rnd, data)) == whole
    assert drive([data[i:i + 1] for i in range(len(data))]) == whole


@FUZZ
@given(st.randoms(use_true_random=False))
def test_valid_messages_round_trip(rnd: random.Random) -> None:
    sent = [random_message(rnd) for _ in range(rnd.randrange(1, 10))]
    sent += random_exchange(rnd)
    decoder = codec.FrontendDecoder(SMALL_LIMIT)
    decoder.end_startup()
    got: list[m.FrontendMessage] = []
    for piece in chunk(rnd, b"".join(encode(msg) for msg in sent)):
        decoder.feed(piece)
        while (msg := decoder.next_message()) is not None:
            got.append(msg)
    assert got == sent
    assert decoder.buffered == 0


@FUZZ
@given(st.randoms(use_true_random=False))
def test_valid_startup_is_negotiated(rnd: random.Random) -> None:
    data = random_startup(rnd)
    outcome = drive([*chunk(rnd, data), encode(m.Query("SELECT 1"))])
    assert outcome.violation is None
    assert isinstance(outcome.events[-2], NegotiatedStartup)
    assert outcome.events[-1] == m.Query("SELECT 1")


@settings(max_examples=150, deadline=None, database=None)
@given(st.integers(-2**31, 2**31 - 1), st.binary(min_size=1, max_size=1))
def test_lengths_are_checked_as_soon_as_the_header_arrives(length: int, tag: bytes) -> None:
    """An impossible or oversized length is refused from the 5-byte header alone: nothing is
    buffered waiting for a body the server would refuse anyway."""
    outcome = drive([tag + struct.pack("!i", length)], authenticated=True)
    if length < 4 or length > SMALL_LIMIT:
        assert outcome.violation is not None
    elif length > 4:  # a body is still to come: wait for it, nothing decoded yet
        assert outcome == Outcome()
    startup_len = struct.pack("!i", length)
    outcome = drive([startup_len])
    if length < 8 or length > codec.MAX_STARTUP_SIZE:
        assert outcome.violation == "invalid length of startup packet"
    else:
        assert outcome.violation is None and outcome.events == []


def test_a_claimed_huge_message_costs_only_the_bytes_sent() -> None:
    """Claiming a 64 MiB message and trickling bytes makes the decoder hold what arrived, not
    what was claimed; one byte over the limit is refused at once."""
    conn = Connection()
    conn.decoder.end_startup()
    conn.authenticated()
    tracemalloc.start()
    try:
        conn.receive_data(b"Q" + struct.pack("!i", codec.DEFAULT_MAX_MESSAGE_SIZE))
        for _ in range(64):
            conn.receive_data(b"x" * 1024)
            assert conn.next_event() is None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, f"peak {peak} bytes for 64 KiB received"
    over = Connection()
    over.decoder.end_startup()
    over.authenticated()
    over.receive_data(b"Q" + struct.pack("!i", codec.DEFAULT_MAX_MESSAGE_SIZE + 1))
    with pytest.raises(codec.ProtocolViolation, match="exceeds the limit"):
        over.next_event()


def test_many_small_messages_do_not_accumulate() -> None:
    """A long stream of small messages, read as it comes, keeps the buffer small."""
    conn = Connection()
    conn.decoder.end_startup()
    conn.authenticated()
    one = encode(m.Sync()) + encode(m.Query("SELECT 1"))
    for _ in range(20_000):
        conn.receive_data(one)
        assert conn.next_event() == m.Sync()
        assert conn.next_event() == m.Query("SELECT 1")
        assert conn.next_event() is None
    assert len(conn.decoder._buf) < 1024  # consumed input is released, not kept


# --- the harness shared with atheris ------------------------------------------------------------


def fuzz_one_input(data: bytes) -> None:
    """One libFuzzer input: byte 0 picks the phase, byte 1 the chunk size, the rest is fed."""
    if len(data) < 2:
        return
    step = data[1] or len(data)
    body = data[2:]
    drive([body[i:i + step] for i in range(0, len(body), step)] or [b""],
          authenticated=bool(data[0] & 1))


@pytest.mark.slow
def test_atheris_harness(tmp_path: Path) -> None:
    """libFuzzer-guided fuzzing of the same harness for a few seconds (seeded with sessions)."""
    pytest.importorskip("atheris")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    rnd = random.Random(8)
    for i in range(40):
        (seeds / f"s{i}").write_bytes(bytes([i % 2, rnd.choice([1, 3, 255])])
                                      + mutated_session(rnd))
    done = subprocess.run(
        [sys.executable, "-m", "tests.test_fuzz_protocol", "-max_total_time=5", "-seed=1",
         "-max_len=2048", f"-artifact_prefix={tmp_path}/", str(seeds)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    tail = (done.stdout + done.stderr)[-3000:]
    assert done.returncode == 0, tail
    assert "Done" in tail, tail


def _atheris_main() -> None:
    import atheris  # type: ignore[import-not-found]

    # Instrument (in place) what the harness exercises, for libFuzzer's coverage feedback.
    functions: list[Callable[..., object]] = [drive, _react]
    for namespace in (vars(codec), vars(codec.FrontendDecoder), vars(codec._Reader),
                      vars(Connection)):
        functions += [f for f in namespace.values() if inspect.isfunction(f)]
    for f in functions:
        atheris.instrument_func(f)
    atheris.Setup(sys.argv, fuzz_one_input)
    atheris.Fuzz()


# --- a real server under mutated traffic ----------------------------------------------------------


@pytest.fixture
def fuzz_server(tmp_path: Path) -> Iterator[RunningServer]:
    srv = start_server(tmp_path / "data", "--max-connections", "10", "--startup-timeout", "5")
    with psycopg.connect(srv.dsn(), autocommit=True) as c:
        c.execute("CREATE TABLE fuzz_t (i INTEGER, s TEXT)")
        c.execute("CREATE TABLE bystander_t (i INTEGER)")
    yield srv
    srv.stop()


def _read_until_closed(sock: socket.socket, deadline: float) -> bool:
    """Read and discard until the server closes; False if it did not before ``deadline``."""
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            if not sock.recv(65536):
                return True
        except TimeoutError:
            return False
        except OSError:
            return True
    return False


def _read_ready(sock: socket.socket, deadline: float) -> bool:
    """Read until a ReadyForQuery ('Z') message arrives; False if the server closed or hung."""
    data = b""
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            piece = sock.recv(65536)
        except (TimeoutError, OSError):
            return False
        if not piece:
            return False
        data += piece
        pos = 0
        while pos + 5 <= len(data):
            tag, length = data[pos:pos + 1], struct.unpack("!i", data[pos + 1:pos + 5])[0]
            if pos + 1 + length > len(data):
                break
            if tag == b"Z":
                return True
            pos += 1 + length
    return False


def _hostile_client(srv: RunningServer, seed: int, rounds: int, sent: list[int],
                    hung: list[str]) -> None:
    """Connections that start up (mostly correctly), send mutated messages and hang up."""
    rnd = random.Random(seed)
    for n in range(rounds):
        with socket.create_connection((srv.host, srv.port), timeout=10) as sock:
            if rnd.random() < 0.8:
                sock.sendall(startup({"user": "fuzz", "database": "pixelsql"}))
                if not _read_ready(sock, time.monotonic() + 10):
                    continue  # refused (too many clients while others shut down): fine
                messages = mutate_messages(rnd, random_messages(rnd, rnd.randrange(2, 10)))
                data = b"".join(messages)
                if rnd.random() < 0.5:
                    data = mutate_bytes(rnd, data)
                sent[0] += len(messages)
            else:
                messages = [random_startup(rnd), *random_messages(rnd, rnd.randrange(1, 8))]
                data = mutate_bytes(rnd, b"".join(mutate_messages(rnd, messages)))
                sent[0] += len(messages)
            for piece in chunk(rnd, data):
                with contextlib.suppress(OSError):
                    sock.sendall(piece)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)  # EOF: the server must end the session
            if not _read_until_closed(sock, time.monotonic() + 15):
                hung.append(f"seed {seed} round {n}")


def _bystander(srv: RunningServer, stop: threading.Event, done: list[int],
               failures: list[BaseException]) -> None:
    """A well-behaved client: inserts, reads back, reconnects now and then."""
    i = 0
    try:
        while not stop.is_set() or i < 20:
            with psycopg.connect(srv.dsn(), autocommit=True, connect_timeout=10) as c:
                for _ in range(10):
                    i += 1
                    c.execute("INSERT INTO bystander_t VALUES (%s)", [i])
                    assert c.execute("SELECT count(*), sum(i) FROM bystander_t").fetchone() \
                        == (i, i * (i + 1) // 2)
                    assert c.execute("SELECT %s::text || 'ok'", [str(i)]).fetchone() \
                        == (f"{i}ok",)
    except BaseException as exc:
        failures.append(exc)
    done.append(i)


@pytest.mark.integration
@pytest.mark.slow
def test_mutated_traffic_does_not_disturb_other_clients(fuzz_server: RunningServer) -> None:
    srv = fuzz_server
    sent, hung, failures, done = [0], [], [], []  # type: ignore[var-annotated]
    stop = threading.Event()
    bystander = threading.Thread(target=_bystander, args=(srv, stop, done, failures))
    bystander.start()
    hostile = [threading.Thread(target=_hostile_client, args=(srv, seed, 60, sent, hung))
               for seed in range(4)]
    started = time.monotonic()
    for t in hostile:
        t.start()
    for t in hostile:
        t.join(90)
    stop.set()
    bystander.join(30)
    assert not any(t.is_alive() for t in hostile) and not bystander.is_alive()
    assert time.monotonic() - started < 90
    assert sent[0] >= 600, sent
    assert hung == [], "sessions that never ended after the client hung up"
    assert failures == [], failures
    assert done and done[0] >= 20
    _assert_server_healthy(srv, done[0])


def _assert_server_healthy(srv: RunningServer, rows: int) -> None:
    """New clients get in (up to --max-connections: no session leaked), data is intact, and
    the log records no internal error."""
    deadline = time.monotonic() + 10
    while True:  # sessions of hung-up clients end asynchronously
        conns: list[psycopg.Connection[tuple[object, ...]]] = []
        try:
            for _ in range(10):
                conns.append(psycopg.connect(srv.dsn(), autocommit=True, connect_timeout=5))
            break
        except psycopg.errors.TooManyConnections:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        finally:
            for c in conns:
                c.close()
    with psycopg.connect(srv.dsn(), autocommit=True) as c:
        assert c.execute("SELECT count(*), sum(i) FROM bystander_t").fetchone() == (
            rows, rows * (rows + 1) // 2)
    log = "".join(srv.log)
    assert "Traceback" not in log and "internal error" not in log, log[-4000:]


if __name__ == "__main__":
    _atheris_main()
