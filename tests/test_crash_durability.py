"""Committed data survives ``kill -9`` of the server at any moment (DuckDB's write-ahead log).

Writers insert numbered rows (single autocommit INSERTs, five-row transactions, 50-row COPY FROM
STDIN batches) and record each id the server acknowledged, while another client checkpoints
now and then; the test kills the server with SIGKILL at a random moment, restarts it on the same
data directory and checks that every acknowledged row is there, that nothing appears that was
never sent, and that each transaction or COPY is there whole or not at all. Three rounds.
"""

from __future__ import annotations

import contextlib
import random
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests.conftest import RunningServer, start_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROUNDS = 3
SEED = 20_260_901  # the kill moments; change it to try others
BATCH_TX = 5
BATCH_COPY = 50


@dataclass
class Ledger:
    """What one writer sent and what the server acknowledged."""

    acked: set[int] = field(default_factory=set)
    attempted: list[tuple[int, ...]] = field(default_factory=list)  # batches, acked or not
    errors: list[tuple[float, BaseException]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ack(self, ids: tuple[int, ...]) -> None:
        with self.lock:
            self.acked.update(ids)


def _payload(i: int) -> str:
    return f"row {i} " + "x" * (i % 997)


def _write_single(conn: psycopg.Connection[tuple[object, ...]], ids: tuple[int, ...]) -> None:
    conn.execute("INSERT INTO numbered VALUES (%s, %s)", [ids[0], _payload(ids[0])])


def _write_transaction(conn: psycopg.Connection[tuple[object, ...]],
                       ids: tuple[int, ...]) -> None:
    with conn.transaction():
        for i in ids:
            conn.execute("INSERT INTO numbered VALUES (%s, %s)", [i, _payload(i)])


def _write_copy(conn: psycopg.Connection[tuple[object, ...]], ids: tuple[int, ...]) -> None:
    with conn.cursor() as cur, cur.copy("COPY numbered (id, payload) FROM STDIN") as copy:
        for i in ids:
            copy.write_row((i, _payload(i)))


WRITERS: dict[str, tuple[int, Callable[..., None]]] = {
    "single": (1, _write_single),
    "transaction": (BATCH_TX, _write_transaction),
    "copy": (BATCH_COPY, _write_copy),
}


def _writer(srv: RunningServer, kind: str, first_id: int, ledger: Ledger) -> None:
    """Write batches of consecutive ids until the connection breaks."""
    size, write = WRITERS[kind]
    next_id = first_id
    try:
        with psycopg.connect(srv.dsn(), autocommit=True, connect_timeout=10) as conn:
            while True:
                ids = tuple(range(next_id, next_id + size))
                next_id += size
                ledger.attempted.append(ids)
                write(conn, ids)
                ledger.ack(ids)  # only now has the server said it is committed
    except BaseException as exc:
        ledger.errors.append((time.monotonic(), exc))


def _checkpointer(srv: RunningServer, stop: threading.Event) -> None:
    """CHECKPOINT every so often, so that some kills land in the middle of one."""
    with contextlib.suppress(psycopg.Error), \
            psycopg.connect(srv.dsn(), autocommit=True, connect_timeout=10) as conn:
        while not stop.wait(0.15):
            with contextlib.suppress(psycopg.errors.DatabaseError):
                conn.execute("CHECKPOINT")


def test_acknowledged_rows_survive_sigkill(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rnd = random.Random(SEED)
    srv = start_server(data_dir)
    with psycopg.connect(srv.dsn(), autocommit=True) as conn:
        conn.execute("CREATE TABLE numbered (id BIGINT PRIMARY KEY, payload TEXT)")
    ledgers: dict[str, Ledger] = {}
    try:
        for round_no in range(ROUNDS):
            with psycopg.connect(srv.dsn(), autocommit=True) as conn:
                conn.execute(f"CREATE TABLE made_in_round_{round_no} AS SELECT {round_no} AS r")
            stop = threading.Event()
            round_ledgers = {kind: Ledger() for kind in WRITERS}
            threads = [threading.Thread(target=_writer, args=(
                srv, kind, (n + 1) * 10**8 + round_no * 10**6, round_ledgers[kind]))
                for n, kind in enumerate(WRITERS)]
            threads.append(threading.Thread(target=_checkpointer, args=(srv, stop)))
            for t in threads:
                t.start()
            time.sleep(rnd.uniform(0.4, 1.6))
            killed_at = time.monotonic()
            srv.stop(signal.SIGKILL)
            stop.set()
            for t in threads:
                t.join(20)
            assert not any(t.is_alive() for t in threads), "a client hung on a dead server"
            for kind, ledger in round_ledgers.items():
                assert ledger.acked, f"round {round_no}: the {kind} writer got nothing done"
                (when, error), = ledger.errors
                # Before the kill, nothing failed; after it, the connection did.
                assert when >= killed_at and isinstance(error, psycopg.OperationalError), (
                    f"round {round_no}, {kind} writer: {error!r}")
                ledgers[f"{kind}-{round_no}"] = ledger
            srv = start_server(data_dir)
            _check(srv, ledgers, round_no)
    finally:
        srv.stop()
    assert "Traceback" not in "".join(srv.log)


def _check(srv: RunningServer, ledgers: dict[str, Ledger], round_no: int) -> None:
    with psycopg.connect(srv.dsn(), autocommit=True) as conn:
        present = [r[0] for r in conn.execute("SELECT id FROM numbered ORDER BY id")]
        bad = conn.execute("SELECT count(*) FROM numbered WHERE payload <> "
                           "'row ' || id || ' ' || repeat('x', (id % 997)::INTEGER)").fetchone()
        for r in range(round_no + 1):
            assert conn.execute(f"SELECT r FROM made_in_round_{r}").fetchone() == (r,)
    assert len(present) == len(set(present)), "duplicate rows after recovery"
    assert bad == (0,), "rows whose contents changed"
    have = set(present)
    acked = set().union(*(ledger.acked for ledger in ledgers.values()))
    attempted = {i for ledger in ledgers.values() for batch in ledger.attempted for i in batch}
    lost = acked - have
    assert not lost, f"{len(lost)} acknowledged rows lost, e.g. {sorted(lost)[:5]}"
    assert have <= attempted, f"rows nobody sent: {sorted(have - attempted)[:5]}"
    for name, ledger in ledgers.items():
        for batch in ledger.attempted:
            found = len(have.intersection(batch))
            assert found in (0, len(batch)), f"{name}: a batch {batch[0]}… is {found}/{len(batch)}"
