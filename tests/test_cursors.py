"""SQL cursors (DECLARE / FETCH / MOVE / CLOSE): grammar, PostgreSQL's positioning, real clients.

* The grammar table checks :func:`engine.cursors.parse` statement by statement, errors included.
* Positioning runs the same long FETCH/MOVE scripts on PixelSQL and on PostgreSQL 15 and compares
  every command tag and every row; error cases compare SQLSTATEs.
* In-process tests drive a :class:`~engine.session.Session` directly for what a client cannot
  arrange: rows spilled to disk, the SCROLL memory bound, errors met while spilling.
* psycopg's named cursors (itersize, fetchmany, scroll, WITH HOLD, binary), a Tableau-style
  ``DECLARE … WITH HOLD`` / ``FETCH 100 IN`` sequence, psql's ``FETCH_COUNT`` and asyncpg
  fetching from a SQL cursor run against a real server.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import glob
import os
import resource
import subprocess
import tempfile
import threading
import uuid
from typing import Any

import asyncpg
import psycopg
import pytest
from psycopg import errors

from engine import cursors as cursors_module
from engine import results as results_module
from engine.cursors import FETCH_ALL, Close, Declare, Direction, Fetch, parse
from engine.errors import SqlError
from engine.results import PyRowBatch, RowsOutcome
from engine.session import Session
from engine.statements import split
from tests.conftest import RunningServer
from tests.pg15 import PostgresCluster, find_pg_bin


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


# -- grammar ---------------------------------------------------------------------------------------

F, B, A, R = Direction.FORWARD, Direction.BACKWARD, Direction.ABSOLUTE, Direction.RELATIVE

GRAMMAR: list[tuple[str, object]] = [
    ("DECLARE c CURSOR FOR SELECT 1", Declare("c", "SELECT 1", -1)),
    ('DECLARE "My Cur" CURSOR FOR SELECT 1', Declare("My Cur", "SELECT 1", -1)),
    ("declare C no scroll cursor for select 1", Declare("c", "select 1", -1, scroll=False)),
    ("DECLARE c SCROLL CURSOR WITH HOLD FOR VALUES (1)",
     Declare("c", "VALUES (1)", -1, scroll=True, hold=True)),
    ("DECLARE c INSENSITIVE SCROLL CURSOR WITHOUT HOLD FOR (SELECT 1)",
     Declare("c", "(SELECT 1)", -1, scroll=True)),
    ("DECLARE c ASENSITIVE BINARY CURSOR FOR TABLE t",
     Declare("c", "TABLE t", -1, binary=True)),
    ("DECLARE c CURSOR FOR WITH q AS (SELECT 1) SELECT * FROM q -- c",
     Declare("c", "WITH q AS (SELECT 1) SELECT * FROM q", -1)),
    ("DECLARE c CURSOR FOR SELECT $1::int", Declare("c", "SELECT $1::int", -1)),
    ("FETCH c", Fetch("c", F, 1)),
    ("FETCH FROM c", Fetch("c", F, 1)),
    ("FETCH IN c", Fetch("c", F, 1)),
    ("FETCH NEXT FROM c", Fetch("c", F, 1)),
    ("FETCH PRIOR c", Fetch("c", B, 1)),
    ("FETCH FIRST IN c", Fetch("c", A, 1)),
    ("FETCH LAST c", Fetch("c", A, -1)),
    ("FETCH ABSOLUTE 7 FROM c", Fetch("c", A, 7)),
    ("FETCH ABSOLUTE -7 FROM c", Fetch("c", A, -7)),
    ("FETCH RELATIVE +3 c", Fetch("c", R, 3)),
    ("FETCH RELATIVE 0 c", Fetch("c", R, 0)),
    ("FETCH 100 IN c", Fetch("c", F, 100)),
    ("FETCH -2 FROM c", Fetch("c", F, -2)),
    ("FETCH ALL FROM c", Fetch("c", F, FETCH_ALL)),
    ("FETCH FORWARD c", Fetch("c", F, 1)),
    ("FETCH FORWARD 5 FROM c", Fetch("c", F, 5)),
    ("FETCH FORWARD ALL FROM c", Fetch("c", F, FETCH_ALL)),
    ("FETCH BACKWARD FROM c", Fetch("c", B, 1)),
    ("FETCH BACKWARD 2 c", Fetch("c", B, 2)),
    ("FETCH BACKWARD ALL c", Fetch("c", B, FETCH_ALL)),
    ('FETCH FORWARD 100 FROM "SQL_CUR0x1"', Fetch("SQL_CUR0x1", F, 100)),
    ("FETCH next", Fetch("next", F, 1)),  # a direction word alone names the cursor
    ("MOVE 3 IN c", Fetch("c", F, 3, move=True)),
    ("MOVE ABSOLUTE 2 c", Fetch("c", A, 2, move=True)),
    ("MOVE BACKWARD ALL FROM c", Fetch("c", B, FETCH_ALL, move=True)),
    ("CLOSE c", Close("c")),
    ('CLOSE "ALL"', Close("ALL")),
    ("CLOSE ALL", Close(None)),
    ("close all;", Close(None)),
    # (errors: SQLSTATE, position or None)
    ("FETCH", ("42601", 6)),
    ("FETCH FROM", ("42601", 11)),
    ("FETCH ABSOLUTE FROM c", ("42601", 16)),
    ("FETCH FORWARD 9223372036854775807 FROM c", ("42601", 15)),
    ("FETCH 1.5 FROM c", ("42601", 7)),
    ("FETCH - FROM c", ("42601", 9)),
    ("MOVE", ("42601", 5)),
    ("CLOSE", ("42601", 6)),
    ("CLOSE d e", ("42601", 9)),
    ("DECLARE", ("42601", 8)),
    ("DECLARE c", ("42601", 10)),
    ("DECLARE c CURSOR", ("42601", 17)),
    ("DECLARE c CURSOR FOR", ("42601", 21)),
    ("DECLARE c CURSOR FOR INSERT INTO t VALUES (1)", ("42601", 22)),
    ("DECLARE c CURSOR FOR SHOW tables", ("42601", 22)),
    ("DECLARE c CURSOR WITH HOLD WITHOUT HOLD FOR SELECT 1", ("42601", 28)),
    ("DECLARE c SCROLL NO SCROLL CURSOR FOR SELECT 1", ("42P11", None)),
    ("DECLARE c INSENSITIVE ASENSITIVE CURSOR FOR SELECT 1", ("42P11", None)),
]


@pytest.mark.parametrize(("sql", "expected"), GRAMMAR, ids=[g[0] for g in GRAMMAR])
def test_cursor_grammar(sql: str, expected: object) -> None:
    if isinstance(expected, tuple):
        with pytest.raises(SqlError) as info:
            parse(sql)
        assert (info.value.sqlstate, info.value.position) == expected
    else:
        if isinstance(expected, Declare):  # where the query starts: found, not counted
            expected = dataclasses.replace(expected, query_offset=sql.index(expected.query))
        assert parse(sql) == expected


def test_statement_classification() -> None:
    kinds = {s.first_word: (s.kind.value, s.tag) for s in split(
        "DECLARE c CURSOR FOR SELECT 1; FETCH c; MOVE c; CLOSE c")}
    assert kinds == {"DECLARE": ("utility", "DECLARE CURSOR"), "FETCH": ("query", "FETCH"),
                     "MOVE": ("utility", "MOVE"), "CLOSE": ("utility", "CLOSE CURSOR")}


# -- positioning, compared with PostgreSQL 15 ----------------------------------------------------

FIVE = "SELECT g, 'row ' || g AS label FROM (VALUES (1), (2), (3), (4), (5)) AS v(g) ORDER BY g"

SCROLL_SCRIPT = """
FETCH 2 FROM c; FETCH PRIOR FROM c; FETCH RELATIVE 0 FROM c; FETCH LAST FROM c;
FETCH ABSOLUTE -2 FROM c; FETCH BACKWARD 10 FROM c; FETCH NEXT FROM c; FETCH ABSOLUTE -10 FROM c;
FETCH FORWARD ALL FROM c; FETCH BACKWARD ALL FROM c; MOVE LAST FROM c; MOVE RELATIVE 2 FROM c;
MOVE BACKWARD ALL FROM c; FETCH -2 FROM c; FETCH FORWARD -2 FROM c; FETCH c;
MOVE ABSOLUTE 3 FROM c; MOVE ABSOLUTE 30 FROM c; FETCH RELATIVE -1 FROM c;
MOVE RELATIVE -10 FROM c; FETCH RELATIVE 0 FROM c; MOVE FORWARD 10 FROM c; MOVE BACKWARD 2 FROM c;
MOVE ALL FROM c; MOVE FIRST FROM c; MOVE FORWARD ALL FROM c; MOVE PRIOR FROM c; FETCH ALL IN c;
FETCH BACKWARD 0 FROM c; FETCH PRIOR c; FETCH RELATIVE 0 FROM c; FETCH BACKWARD 0 FROM c;
FETCH ABSOLUTE 0 FROM c; FETCH RELATIVE 0 FROM c; FETCH FORWARD 0 FROM c; MOVE ABSOLUTE 0 FROM c;
MOVE RELATIVE 0 FROM c; FETCH ABSOLUTE 2 FROM c; MOVE RELATIVE 0 FROM c; MOVE FORWARD 0 FROM c;
MOVE 0 FROM c; MOVE BACKWARD 0 FROM c; MOVE PRIOR FROM c; MOVE PRIOR FROM c; MOVE PRIOR FROM c;
MOVE NEXT FROM c; FETCH FIRST FROM c; FETCH ABSOLUTE 4 FROM c; FETCH ABSOLUTE 2 FROM c;
FETCH ABSOLUTE 5 FROM c; FETCH ABSOLUTE 6 FROM c; FETCH BACKWARD 2 FROM c; FETCH 3 FROM c;
FETCH RELATIVE 2 FROM c; FETCH RELATIVE -3 FROM c; FETCH FORWARD 3 FROM c
"""

NO_SCROLL_SCRIPT = """
FETCH ABSOLUTE 0 FROM c; FETCH RELATIVE 0 FROM c; MOVE FORWARD 0 FROM c; FETCH FORWARD 0 FROM c;
FETCH 0 FROM c; FETCH FIRST FROM c; MOVE 0 FROM c; FETCH 2 FROM c; MOVE 1 FROM c;
FETCH ABSOLUTE 5 FROM c; FETCH NEXT FROM c; FETCH ALL FROM c; MOVE ALL FROM c; FETCH 3 FROM c;
FETCH 2 FROM c; FETCH 0 FROM c; FETCH 2 FROM c; FETCH PRIOR FROM c; MOVE 3 IN c;
MOVE BACKWARD 1 IN c; FETCH ABSOLUTE 4 FROM c; FETCH ABSOLUTE 2 FROM c; FETCH LAST FROM c
"""


def _run_script(dsn: str, declare: str, script: str) -> list[tuple[str, Any]]:
    """Each statement's (tag, rows) or ('ERROR', sqlstate), in one transaction."""
    out: list[tuple[str, Any]] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("BEGIN")
        conn.execute(declare)
        for statement in (s.strip() for s in script.split(";")):
            if not statement:
                continue
            try:
                cur = conn.execute(statement)
            except psycopg.Error as exc:
                out.append(("ERROR", exc.sqlstate))
                conn.execute("ROLLBACK")
                conn.execute("BEGIN")
                conn.execute(declare)
                continue
            rows = cur.fetchall() if cur.description else None
            out.append((cur.statusmessage or "", rows))
        conn.execute("ROLLBACK")
    return out


@pytest.mark.integration
@pytest.mark.parametrize(("options", "script"), [("SCROLL", SCROLL_SCRIPT),
                                                 ("NO SCROLL", NO_SCROLL_SCRIPT)])
def test_positions_match_postgresql(server: RunningServer, pg15: PostgresCluster, options: str,
                                    script: str) -> None:
    declare = f"DECLARE c {options} CURSOR FOR {FIVE}"
    ours = _run_script(server.dsn(), declare, script)
    theirs = _run_script(pg15.dsn(), declare, script)
    assert ours == theirs
    assert (("ERROR", "55000") in ours) == (options == "NO SCROLL")


ERROR_CASES: list[tuple[list[str], str]] = [
    (["BEGIN"], "FETCH nosuch"),
    (["BEGIN"], "MOVE 1 IN nosuch"),
    ([], "CLOSE nosuch"),
    ([], f"DECLARE c CURSOR FOR {FIVE}"),  # outside a transaction block
    (["BEGIN", f"DECLARE c CURSOR FOR {FIVE}"], f"DECLARE c CURSOR FOR {FIVE}"),
    (["BEGIN", f"DECLARE c NO SCROLL CURSOR FOR {FIVE}", "FETCH 2 FROM c"], "FETCH PRIOR FROM c"),
    (["BEGIN", f"DECLARE c NO SCROLL CURSOR FOR {FIVE}", "FETCH 2 FROM c"],
     "FETCH FIRST FROM c"),
    (["BEGIN", f"DECLARE c NO SCROLL CURSOR FOR {FIVE}", "FETCH 2 FROM c"],
     "MOVE BACKWARD ALL IN c"),
    (["BEGIN"], "DECLARE c SCROLL NO SCROLL CURSOR FOR SELECT 1"),
    (["BEGIN"], "DECLARE c CURSOR FOR INSERT INTO t VALUES (1)"),
    (["BEGIN"], "FETCH ABSOLUTE FROM c"),
    (["BEGIN", f"DECLARE c CURSOR FOR {FIVE}"], "FETCH 2 FROM C_other"),
    (["BEGIN", f"DECLARE c CURSOR FOR {FIVE}", "COMMIT"], "FETCH c"),  # closed at COMMIT
    (["BEGIN", f"DECLARE c CURSOR WITH HOLD FOR {FIVE}", "ROLLBACK"], "FETCH c"),
    (["BEGIN", f"DECLARE c CURSOR FOR {FIVE}", "SELECT nosuch_column FROM (SELECT 1)"],
     "FETCH c"),  # 25P02 in a failed transaction
    ([f"DECLARE c NO SCROLL CURSOR WITH HOLD FOR {FIVE}", "FETCH 2 FROM c",
      "FETCH PRIOR FROM c"], "FETCH c"),  # a cursor that failed cannot be run
]


def _error_of(dsn: str, setup: list[str], statement: str) -> tuple[str | None, int | None]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for s in setup:
            with contextlib.suppress(psycopg.Error):
                conn.execute(s)
        try:
            conn.execute(statement)
        except psycopg.Error as exc:
            position = exc.diag.statement_position
            return exc.sqlstate, int(position) if position else None
        return None, None


@pytest.mark.integration
@pytest.mark.parametrize(("setup", "statement"), ERROR_CASES,
                         ids=[f"{' / '.join(s)} / {t}"[-60:] for s, t in ERROR_CASES])
def test_errors_match_postgresql(server: RunningServer, pg15: PostgresCluster, setup: list[str],
                                 statement: str) -> None:
    ours = _error_of(server.dsn(), setup, statement)
    assert ours[0] is not None
    assert ours == _error_of(pg15.dsn(), setup, statement)


@pytest.mark.integration
def test_a_plain_declare_is_no_scroll(server: RunningServer, pg15: PostgresCluster) -> None:
    """The one deliberate difference: PostgreSQL lets a plain DECLARE scroll when its plan can
    run backward; PixelSQL asks for SCROLL (keeping rows for every cursor would end streaming)."""
    setup = ["BEGIN", f"DECLARE c CURSOR FOR {FIVE}", "FETCH 2 FROM c"]
    assert _error_of(server.dsn(), setup, "FETCH PRIOR FROM c") == ("55000", None)
    assert _error_of(pg15.dsn(), setup, "FETCH PRIOR FROM c") == (None, None)


# -- in-process: the engine's own bookkeeping ----------------------------------------------------


def run(session: Session, sql: str) -> list[tuple[str, list[tuple[Any, ...]] | None]]:
    """Execute each statement of ``sql``; (command tag, rows or None) for each."""
    out: list[tuple[str, list[tuple[Any, ...]] | None]] = []
    for stmt in split(sql):
        outcome = session.execute(stmt)
        if isinstance(outcome, RowsOutcome):
            rows: list[tuple[Any, ...]] = []
            for batch in outcome.rows.take():
                if isinstance(batch, PyRowBatch):
                    rows.extend(batch.rows)
                else:
                    rows.extend(tuple(r.values()) for r in batch.to_pylist())
            out.append((f"{outcome.tag} {len(rows)}", rows))
        else:
            out.append((getattr(outcome, "tag", ""), None))
    return out


def fetch(session: Session, sql: str) -> list[tuple[Any, ...]]:
    result = run(session, sql)[-1][1]
    assert result is not None
    return result


def test_forward_reading_streams_in_pieces(session: Session) -> None:
    run(session, "BEGIN; DECLARE c NO SCROLL CURSOR FOR SELECT range AS i FROM range(300000)")
    total, count = 0, 0
    while True:
        rows = fetch(session, "FETCH 70000 FROM c")
        if not rows:
            break
        count += len(rows)
        total += sum(r[0] for r in rows)
    assert (count, total) == (300000, sum(range(300000)))
    assert run(session, "CLOSE c; COMMIT") == [("CLOSE CURSOR", None), ("COMMIT", None)]


def test_forward_reading_holds_one_batch_at_a_time(session: Session) -> None:
    # 20M rows of two BIGINTs are 320 MB materialised; streamed, memory barely moves.
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run(session, "BEGIN; DECLARE c NO SCROLL CURSOR FOR "
                 "SELECT range AS a, range * 2 AS b FROM range(20000000)")
    count = 0
    while True:
        outcome = session.execute(split("FETCH 1000000 FROM c")[0])
        assert isinstance(outcome, RowsOutcome)
        got = sum(b.num_rows for b in outcome.rows.take())
        if not got:
            break
        count += got
    run(session, "COMMIT")
    assert count == 20000000
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 150


def test_cancel_stops_a_fetch(session: Session) -> None:
    run(session, "BEGIN; DECLARE c CURSOR FOR "
                 "SELECT range, md5(repeat('x', 100000) || range) FROM range(10000000)")
    done = threading.Event()

    def cancel() -> None:  # like CancelRequest; repeated in case one lands between two reads
        while not done.wait(0.3):
            session.interrupt()

    canceller = threading.Thread(target=cancel)
    canceller.start()
    try:
        with pytest.raises(SqlError) as info:
            run(session, "FETCH ALL FROM c")
    finally:
        done.set()
        canceller.join()
    assert info.value.sqlstate == "57014"
    session.fail()
    run(session, "ROLLBACK")
    assert fetch(session, "SELECT 1") == [(1,)]


def test_interleaved_statements_spill_the_cursor(session: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Everything past the first batch goes to the temporary file.
    monkeypatch.setattr(results_module, "SPILL_MEMORY_BYTES", 0)
    run(session, "BEGIN; DECLARE c CURSOR FOR SELECT range AS i FROM range(200000)")
    assert fetch(session, "FETCH 3 FROM c") == [(0,), (1,), (2,)]
    # Another statement needs the connection while the cursor is mid-stream.
    assert fetch(session, "SELECT 42") == [(42,)]
    run(session, "CREATE TEMP TABLE t AS SELECT 1 AS x")
    rows = fetch(session, "FETCH ALL FROM c")
    assert len(rows) == 199997 and rows[0] == (3,) and rows[-1] == (199999,)
    run(session, "COMMIT")
    leftovers = glob.glob(os.path.join(tempfile.gettempdir(), "pixelsql-rows-*"))
    assert leftovers == []


def test_cursor_sees_the_transaction_and_temp_tables(session: Session) -> None:
    run(session, "CREATE TEMP TABLE tt AS SELECT 1 AS x; BEGIN; INSERT INTO tt VALUES (2)")
    run(session, "DECLARE c CURSOR FOR SELECT x FROM tt ORDER BY x")
    assert fetch(session, "FETCH ALL FROM c") == [(1,), (2,)]
    run(session, "ROLLBACK")


def test_snapshot_is_taken_at_declare(session: Session) -> None:
    run(session, "CREATE TABLE s AS SELECT range AS i FROM range(1000)")
    run(session, "BEGIN; DECLARE c CURSOR FOR SELECT i FROM s ORDER BY i")
    run(session, "DELETE FROM s WHERE i >= 10")  # interleaved: the cursor spills first
    assert len(fetch(session, "FETCH ALL FROM c")) == 1000
    run(session, "COMMIT")


def test_with_hold_survives_commit_but_not_the_rollback_of_its_transaction(
        session: Session) -> None:
    run(session, "BEGIN; DECLARE h CURSOR WITH HOLD FOR SELECT range AS i FROM range(100000)")
    assert fetch(session, "FETCH 2 FROM h") == [(0,), (1,)]
    run(session, "COMMIT")
    assert fetch(session, "FETCH 2 FROM h") == [(2,), (3,)]
    # Later transactions (committed or not) leave a persisted cursor alone.
    run(session, "BEGIN; MOVE 10 IN h; ROLLBACK")
    assert fetch(session, "FETCH 1 FROM h") == [(14,)]
    run(session, "BEGIN; DECLARE g CURSOR WITH HOLD FOR SELECT 1; ROLLBACK")
    with pytest.raises(SqlError) as info:
        run(session, "FETCH g")
    assert info.value.sqlstate == "34000"
    assert run(session, "CLOSE h") == [("CLOSE CURSOR", None)]


def test_close_gives_the_connection_back(session: Session) -> None:
    run(session, "BEGIN; DECLARE c CURSOR FOR SELECT range AS i FROM range(1000000)")
    fetch(session, "FETCH 300 FROM c")  # past the first small fetch: DuckDB's reader is open
    run(session, "CLOSE c")
    assert fetch(session, "SELECT 7") == [(7,)]
    run(session, "COMMIT")


def test_scroll_cursor_memory_is_bounded(session: Session,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cursors_module, "SCROLL_KEEP_BYTES", 64 * 1024)
    run(session, "BEGIN; DECLARE c SCROLL CURSOR FOR SELECT range AS i FROM range(100000)")
    with pytest.raises(SqlError) as info:
        run(session, "FETCH ALL FROM c")
    assert info.value.sqlstate == "54000"
    assert "NO SCROLL" in (info.value.hint or "")


def test_error_in_the_middle_of_a_cursor(session: Session) -> None:
    # Far enough in that DuckDB's read-ahead does not meet the error at DECLARE.
    query = ("SELECT CASE WHEN i < 3000000 THEN i ELSE error('boom at ' || i) END AS v "
             "FROM range(3000001) t(i)")
    run(session, f"BEGIN; DECLARE c CURSOR FOR {query}")
    assert len(fetch(session, "FETCH 1000 FROM c")) == 1000
    with pytest.raises(SqlError) as info:
        run(session, "FETCH ALL FROM c")
    assert "boom" in info.value.message
    session.fail()
    run(session, "ROLLBACK")
    # Met while spilling for another statement: that statement goes ahead, the cursor fails.
    run(session, f"DECLARE d CURSOR WITH HOLD FOR {query}")
    assert len(fetch(session, "FETCH 10 FROM d")) == 10
    assert fetch(session, "SELECT 1") == [(1,)]
    with pytest.raises(SqlError) as info:
        run(session, "FETCH 5 FROM d")
    assert "boom" in info.value.message
    with pytest.raises(SqlError) as info:
        run(session, "FETCH 5 FROM d")
    assert (info.value.sqlstate, info.value.message) == ("55000", 'portal "d" cannot be run')


def test_multi_statement_string_is_a_transaction_block(session: Session) -> None:
    session.begin_implicit()
    result = run(session, "DECLARE c CURSOR FOR SELECT 1 AS x; FETCH ALL FROM c")
    session.end_implicit(True)
    assert result == [("DECLARE CURSOR", None), ("FETCH 1", [(1,)])]
    assert "c" not in session.cursors  # closed with the implicit transaction


def test_describe_fetch_and_declare_without_running(session: Session) -> None:
    run(session, "BEGIN; DECLARE c CURSOR FOR SELECT 1::INTEGER AS a, 'x' AS b")
    described = session.describe(split("FETCH 10 FROM c")[0])
    assert [(c.name, c.duck_type) for c in described.columns or ()] == [
        ("a", "INTEGER"), ("b", "VARCHAR")]
    assert session.describe(split("MOVE 1 IN c")[0]).columns is None
    assert session.describe(split("FETCH 1 FROM nosuch")[0]).columns is None
    declare = session.describe(split("DECLARE d CURSOR FOR SELECT $1::BIGINT + 1")[0])
    assert declare.param_types == ("BIGINT",) and declare.columns is None
    assert fetch(session, "FETCH ALL FROM c") == [(1, "x")]


# -- psycopg named cursors -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def table(server: RunningServer) -> str:
    name = unique("cur_rows")
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {name} AS SELECT range::INTEGER AS id, 'n' || range AS name, "
                     f"CAST(range / 4.0 AS DECIMAL(12, 2)) AS quarter FROM range(1000)")
    return name


@pytest.mark.integration
def test_psycopg_named_cursor_iterates_with_itersize(server: RunningServer, table: str) -> None:
    with psycopg.connect(server.dsn()) as conn:
        with conn.cursor(name="items") as cur:
            cur.itersize = 64
            cur.execute(f"SELECT id, name FROM {table} WHERE id >= %s ORDER BY id", (10,))
            assert [d.name for d in cur.description or ()] == ["id", "name"]
            assert cur.rownumber == 0
            rows = list(cur)
        assert len(rows) == 990 and rows[0] == (10, "n10") and rows[-1] == (999, "n999")
        with conn.cursor(name="items") as cur:  # the same name, another shape
            cur.execute(f"SELECT quarter FROM {table} ORDER BY id")
            assert cur.fetchone() is not None
            assert [d.name for d in cur.description or ()] == ["quarter"]
            assert len(cur.fetchmany(100)) == 100
            assert cur.rownumber == 101
            assert len(cur.fetchall()) == 899


@pytest.mark.integration
def test_psycopg_named_cursor_between_other_queries(server: RunningServer, table: str) -> None:
    with psycopg.connect(server.dsn()) as conn:
        seen = 0
        with conn.cursor(name="outer") as cur:
            cur.itersize = 100
            cur.execute(f"SELECT id FROM {table} ORDER BY id")
            for (row_id,) in cur:
                if row_id % 250 == 0:  # other statements on the same connection, mid-stream
                    assert conn.execute("SELECT %s::int + 1", (row_id,)).fetchone() == (
                        row_id + 1,)
                seen += 1
        assert seen == 1000


@pytest.mark.integration
def test_psycopg_scroll_matches_postgresql(server: RunningServer, pg15: PostgresCluster) -> None:
    def moves(dsn: str) -> list[object]:
        out: list[object] = []
        with psycopg.connect(dsn) as conn, conn.cursor(name="sc", scrollable=True) as cur:
            cur.execute(FIVE)
            out.append(cur.fetchmany(2))
            cur.scroll(-1)
            out.append(cur.fetchone())
            cur.scroll(3, mode="absolute")
            out.append(cur.fetchall())
            cur.scroll(0, mode="absolute")
            out.append(cur.fetchone())
            cur.scroll(2)
            out.append(cur.fetchmany(5))
        return out

    assert moves(server.dsn()) == moves(pg15.dsn())


@pytest.mark.integration
def test_psycopg_no_scroll_refuses_going_back(server: RunningServer) -> None:
    with psycopg.connect(server.dsn()) as conn, conn.cursor(name="ns", scrollable=False) as cur:
        cur.execute(FIVE)
        cur.fetchmany(3)
        with pytest.raises(errors.ObjectNotInPrerequisiteState) as info:
            cur.scroll(-2)
        assert info.value.diag.message_primary == "cursor can only scan forward"
        conn.rollback()


@pytest.mark.integration
def test_psycopg_withhold_and_binary(server: RunningServer, pg15: PostgresCluster,
                                     table: str) -> None:
    query = f"SELECT id, name, quarter, DATE '2024-01-01' + id AS day FROM {table} ORDER BY id"
    with psycopg.connect(server.dsn()) as conn:
        cur = conn.cursor(name="held", withhold=True, binary=True)
        cur.execute(query)
        first = cur.fetchmany(3)
        conn.commit()  # the cursor outlives its transaction
        rest = cur.fetchall()
        description = [(d.name, d.type_code) for d in cur.description or ()]
        cur.close()
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert len(first) + len(rest) == 1000
    assert first[0][0] == 0 and rest[-1][1] == "n999"
    with psycopg.connect(pg15.dsn()) as pg, pg.cursor(name="held", binary=True) as pg_cur:
        pg_cur.execute("SELECT 1::int AS id, 'x'::text AS name, 0.25::numeric AS quarter, "
                       "DATE '2024-01-01' + 1 AS day")
        pg_cur.fetchall()
        assert description == [(d.name, d.type_code) for d in pg_cur.description or ()]


@pytest.mark.integration
def test_tableau_style_hold_cursor_sequence(server: RunningServer, table: str) -> None:
    name = '"SQL_CUR0x7f2a1c004c20"'
    fetched: list[tuple[Any, ...]] = []
    tags: list[str] = []
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        for statement in ("BEGIN",
                          f"DECLARE {name} CURSOR WITH HOLD FOR SELECT id, name FROM {table} "
                          "ORDER BY id"):
            tags.append(conn.execute(statement).statusmessage or "")
        while True:
            cur = conn.execute(f"FETCH 100 IN {name}")
            tags.append(cur.statusmessage or "")
            batch = cur.fetchall()
            fetched.extend(batch)
            if len(batch) < 100:
                break
        tags.append(conn.execute(f"CLOSE {name}").statusmessage or "")
        tags.append(conn.execute("COMMIT").statusmessage or "")
    assert len(fetched) == 1000 and fetched[999] == (999, "n999")
    assert tags[:2] == ["BEGIN", "DECLARE CURSOR"]
    assert tags[2:12] == ["FETCH 100"] * 10
    assert tags[12:] == ["FETCH 0", "CLOSE CURSOR", "COMMIT"]


@pytest.mark.integration
def test_psql_fetch_count_uses_a_cursor(server: RunningServer, table: str) -> None:
    psql = find_pg_bin("psql")
    assert psql is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    query = f"SELECT id, name FROM {table} WHERE id < 25 ORDER BY id"
    results = []
    for extra in ([], ["-v", "FETCH_COUNT=7"]):
        done = subprocess.run([str(psql), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", *extra,
                               "-d", server.dsn(), "-c", query],
                              capture_output=True, text=True, timeout=30, env=env)
        assert done.returncode == 0, done.stderr
        results.append(done.stdout)
    assert results[0] == results[1]
    assert results[1].splitlines()[24] == "24|n24"


@pytest.mark.integration
def test_asyncpg_fetches_from_a_sql_cursor(server: RunningServer, table: str) -> None:
    async def main() -> list[Any]:
        conn = await asyncpg.connect(server.url(), timeout=10)
        try:
            async with conn.transaction():
                await conn.execute(f"DECLARE ac CURSOR FOR SELECT id, quarter FROM {table} "
                                   "WHERE id < $1 ORDER BY id".replace("$1", "5"))
                first = await conn.fetch("FETCH 2 FROM ac")  # extended protocol, binary rows
                rest = await conn.fetch("FETCH ALL FROM ac")
                return [tuple(r) for r in first + rest]
        finally:
            await conn.close()

    rows = asyncio.run(asyncio.wait_for(main(), 60))
    assert [r[0] for r in rows] == [0, 1, 2, 3, 4]
    assert float(rows[2][1]) == 0.5


@pytest.mark.integration
def test_row_limited_fetch_portal_keeps_its_rows(server: RunningServer) -> None:
    """A FETCH run through a portal with a row limit (asyncpg's cursor) holds its rows even when
    the SQL cursor moves on before the portal is read out — PostgreSQL stores FETCH results."""
    async def main() -> list[list[int]]:
        conn = await asyncpg.connect(server.url(), timeout=10)
        try:
            async with conn.transaction():
                await conn.execute("DECLARE c CURSOR FOR SELECT range AS i FROM range(20)")
                portal = await conn.cursor("FETCH 10 FROM c")
                got = [[r[0] for r in await portal.fetch(3)]]
                got.append([r[0] for r in await conn.fetch("FETCH 2 FROM c")])
                got.append([r[0] for r in await portal.fetch(10)])
                got.append([r[0] for r in await conn.fetch("FETCH ALL FROM c")])
                return got
        finally:
            await conn.close()

    assert asyncio.run(asyncio.wait_for(main(), 60)) == [
        [0, 1, 2], [10, 11], [3, 4, 5, 6, 7, 8, 9], list(range(12, 20))]
