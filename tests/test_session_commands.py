"""Session-level commands that drivers and pools send: compared with PostgreSQL 15 where they agree.

``DISCARD``, ``RESET ALL``, ``LISTEN`` / ``UNLISTEN``, ``SET SESSION CHARACTERISTICS``,
``BEGIN`` / ``START TRANSACTION`` / ``SET TRANSACTION`` modes, ``SET SESSION AUTHORIZATION``,
``DO``, ``PREPARE`` / ``EXECUTE`` / ``DEALLOCATE``, savepoints: each scripted sequence runs on
PixelSQL and on PostgreSQL 15 and every command tag, SQLSTATE and shown value must match. The
places where PixelSQL answers differently on purpose (LISTEN's warning, NOTIFY, non-empty DO
blocks, ROLLBACK TO SAVEPOINT over changes) have tests of their own. Real clients: psycopg
(read-only and isolation settings, prepared statements, nested transactions, ParameterStatus),
asyncpg (its pool's connection reset).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import asyncpg
import psycopg
import pytest
from psycopg import errors

from engine.errors import SqlError
from engine.session import Session
from engine.session_commands import TransactionModes, begin_modes
from engine.statements import split
from tests.conftest import RunningServer
from tests.pg15 import PostgresCluster


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


# -- transaction modes grammar --------------------------------------------------------------------

MODES: list[tuple[str, TransactionModes | str]] = [
    ("BEGIN", TransactionModes()),
    ("BEGIN WORK", TransactionModes()),
    ("begin transaction", TransactionModes()),
    ("START TRANSACTION", TransactionModes()),
    ("BEGIN ISOLATION LEVEL SERIALIZABLE", TransactionModes("serializable")),
    ("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
     TransactionModes("repeatable read", read_only=True)),
    ("START TRANSACTION READ WRITE ISOLATION LEVEL READ COMMITTED NOT DEFERRABLE",
     TransactionModes("read committed", read_only=False, deferrable=False)),
    ("BEGIN TRANSACTION ISOLATION LEVEL READ UNCOMMITTED, DEFERRABLE",
     TransactionModes("read uncommitted", deferrable=True)),
    ("START TRANSACTION READ ONLY", TransactionModes(read_only=True)),
    ("BEGIN ISOLATION LEVEL FOO", "42601"),
    ("BEGIN READ", "42601"),
    ("START", "42601"),
    ("BEGIN ISOLATION SERIALIZABLE", "42601"),
]


@pytest.mark.parametrize(("sql", "expected"), MODES, ids=[m[0] for m in MODES])
def test_transaction_modes(sql: str, expected: TransactionModes | str) -> None:
    stmt = split(sql)[0]
    if isinstance(expected, str):
        with pytest.raises(SqlError) as info:
            begin_modes(stmt)
        assert info.value.sqlstate == expected
    else:
        assert begin_modes(stmt) == expected


# -- scripted sequences, compared with PostgreSQL 15 -----------------------------------------------

SEQUENCES: dict[str, list[str]] = {
    "discard": [
        "DISCARD PLANS", "DISCARD SEQUENCES", "DISCARD TEMP", "DISCARD TEMPORARY", "DISCARD ALL",
        "BEGIN", "DISCARD ALL", "ROLLBACK", "BEGIN", "DISCARD TEMP", "COMMIT", "DISCARD",
        "DISCARD EVERYTHING",
    ],
    "listen-reset": [
        "UNLISTEN *", "UNLISTEN some_channel", "LISTEN some_channel", "UNLISTEN *", "RESET ALL",
        "CLOSE ALL", "SET application_name = 'changed'", "RESET ALL", "SHOW application_name",
    ],
    "asyncpg-reset": ["CLOSE ALL; UNLISTEN *; RESET ALL;"],
    "empty-do": [
        "DO $$ BEGIN END $$", "DO $$BEGIN NULL; END$$", "DO LANGUAGE plpgsql $$ begin end; $$",
        "DO 'BEGIN END'",
    ],
    "session-characteristics": [
        "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        "SHOW default_transaction_isolation", "SHOW transaction_isolation",
        "BEGIN", "SHOW transaction_isolation", "COMMIT",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
        "SHOW default_transaction_read_only", "SHOW transaction_read_only",
        "CREATE TABLE ro_refused (i INT)", "SELECT 1",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE, ISOLATION LEVEL READ COMMITTED",
        "SHOW transaction_read_only", "SHOW transaction_isolation",
        "SET default_transaction_isolation = 'repeatable read'", "SHOW transaction_isolation",
        "SET default_transaction_isolation = 'sometimes'", "SET default_transaction_read_only = 2",
        "RESET default_transaction_isolation", "SHOW default_transaction_isolation",
        "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL",
    ],
    "transaction-modes": [
        "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", "SHOW TRANSACTION ISOLATION LEVEL",
        "SHOW transaction_read_only", "SELECT 1", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "ROLLBACK",
        "START TRANSACTION READ ONLY", "SELECT 1", "SET TRANSACTION READ WRITE", "ROLLBACK",
        "START TRANSACTION", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY",
        "SHOW transaction_isolation", "CREATE TABLE ro_refused (i INT)", "ROLLBACK",
        "SHOW transaction_isolation", "SHOW transaction_read_only",
        "SET TRANSACTION READ ONLY",  # outside a block: a warning, no effect
        "SHOW transaction_read_only",
        "BEGIN NOT DEFERRABLE, READ WRITE ISOLATION LEVEL READ UNCOMMITTED",
        "SHOW transaction_isolation", "SHOW transaction_deferrable", "COMMIT",
        "BEGIN ISOLATION LEVEL SOMETIMES", "START TRANSACTION ISOLATION",
    ],
    "savepoints": [
        "SAVEPOINT a", "RELEASE a", "ROLLBACK TO a", "BEGIN", "SAVEPOINT a", "SELECT 1",
        "ROLLBACK TO SAVEPOINT a", "RELEASE SAVEPOINT a", "RELEASE a", "ROLLBACK TO nosuch",
        "ROLLBACK", "BEGIN", 'SAVEPOINT "A"', "SAVEPOINT b", "SAVEPOINT c", "ROLLBACK TO b",
        "RELEASE c", 'RELEASE "A"', "ROLLBACK TO b", "ROLLBACK TRANSACTION TO SAVEPOINT x",
        "ROLLBACK", "BEGIN", "SAVEPOINT s", "SAVEPOINT s", "RELEASE s", "RELEASE s", "COMMIT",
        # Undone exactly: nothing was written before the savepoint.
        "CREATE TABLE sp_rows (i INT)", "BEGIN", "SAVEPOINT a",
        "INSERT INTO sp_rows VALUES (1)", "ROLLBACK TO a", "SELECT count(*) FROM sp_rows",
        "INSERT INTO sp_rows VALUES (2)", "COMMIT", "SELECT i FROM sp_rows",
        "BEGIN", "SAVEPOINT b", "SELECT * FROM no_such_table_sp", "ROLLBACK TO b",
        "SELECT count(*) FROM sp_rows", "RELEASE b", "COMMIT", "DROP TABLE sp_rows",
    ],
    "identity": [
        "SET SESSION AUTHORIZATION DEFAULT", "RESET SESSION AUTHORIZATION", "SET ROLE NONE",
        "RESET ROLE",
    ],
    "prepare": [
        "PREPARE add_one (int) AS SELECT $1 + 1 AS x", "PREPARE add_one AS SELECT 2",
        "EXECUTE add_one(41)", "EXECUTE add_one", "EXECUTE add_one(1, 2)", "EXECUTE add_one('a')",
        "PREPARE two AS SELECT 'a' AS x, 2 AS y", "EXECUTE two",
        "PREPARE echo AS SELECT $1 AS v", "EXECUTE echo('x' || 'y')",
        "CREATE TEMP TABLE prep_t (i INT, s TEXT)",
        "PREPARE ins (int, text) AS INSERT INTO prep_t VALUES ($1, $2)",
        "EXECUTE ins(1, 'one')", "EXECUTE ins(2, 'two')",
        "PREPARE upd AS UPDATE prep_t SET s = upper(s) WHERE i > $1", "EXECUTE upd(0)",
        "SELECT * FROM prep_t ORDER BY i",
        "DEALLOCATE add_one", "DEALLOCATE add_one", "DEALLOCATE PREPARE two", "EXECUTE two",
        "DEALLOCATE PREPARE ALL", "EXECUTE ins(3, 'three')", "DEALLOCATE ALL", "EXECUTE nosuch",
        "PREPARE bad AS SELECT * FROM no_such_table", "PREPARE nope AS SHOW ALL",
        "DROP TABLE prep_t",
    ],
}


def _outcomes(dsn: str, statements: list[str]) -> list[tuple[str, Any]]:
    """Each statement's tag (with rows, if any) or SQLSTATE, plus the notices' SQLSTATEs."""
    out: list[tuple[str, Any]] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        notices: list[str] = []
        conn.add_notice_handler(lambda d: notices.append(f"{d.severity} {d.sqlstate}"))
        for sql in statements:
            notices.clear()
            try:
                cur = conn.execute(sql)
                rows = cur.fetchall() if cur.description else None
                out.append((cur.statusmessage or "", rows))
            except psycopg.Error as exc:
                out.append(("ERROR", exc.sqlstate))
                if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
                    conn.execute("ROLLBACK")
            if notices:
                out.append(("NOTICES", list(notices)))
    return out


@pytest.mark.integration
@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_sequences_match_postgresql(server: RunningServer, pg15: PostgresCluster,
                                    name: str) -> None:
    statements = SEQUENCES[name]
    ours = _outcomes(server.dsn(), statements)
    theirs = _outcomes(pg15.dsn(), statements)
    if name == "listen-reset":  # PixelSQL's LISTEN says that nothing will arrive
        assert ("NOTICES", ["WARNING 01000"]) in ours
        ours.remove(("NOTICES", ["WARNING 01000"]))
    assert ours == theirs


# -- deliberate differences ------------------------------------------------------------------


@pytest.mark.integration
def test_listen_warns_and_notify_is_refused(server: RunningServer) -> None:
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        warnings: list[str] = []
        conn.add_notice_handler(lambda d: warnings.append(d.message_primary or ""))
        assert conn.execute("LISTEN jobs").statusmessage == "LISTEN"
        assert warnings == ["PixelSQL does not deliver notifications: LISTEN has no effect"]
        with pytest.raises(errors.FeatureNotSupported):
            conn.execute("NOTIFY jobs, 'payload'")
        assert conn.execute("UNLISTEN jobs").statusmessage == "UNLISTEN"


@pytest.mark.integration
@pytest.mark.parametrize("block", [
    "DO $$ BEGIN PERFORM pg_sleep(0); END $$",
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1) THEN CREATE TABLE x (i int); END IF; END $$",
    "DO LANGUAGE plpython3u $$ pass $$",
])
def test_do_blocks_that_do_something_are_refused(server: RunningServer, block: str) -> None:
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        with pytest.raises(errors.FeatureNotSupported) as info:
            conn.execute(block)
        assert "PL/pgSQL" in str(info.value)
        assert "DO $$ BEGIN END $$" in (info.value.diag.message_hint or "")


@pytest.mark.integration
def test_rollback_to_savepoint_never_undoes_half(server: RunningServer) -> None:
    """DuckDB has no savepoints: once data was changed before a savepoint, rolling back to it
    (over changes, or after an error) is refused rather than done wrong."""
    table = unique("sp")
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (i INT)")
        for trouble in (f"INSERT INTO {table} VALUES (2)", "SELECT * FROM no_such_table_here"):
            conn.execute("BEGIN")
            conn.execute(f"INSERT INTO {table} VALUES (1)")
            conn.execute("SAVEPOINT sp")
            with contextlib.suppress(errors.UndefinedTable):
                conn.execute(trouble)
            with pytest.raises(errors.FeatureNotSupported) as info:
                conn.execute("ROLLBACK TO SAVEPOINT sp")
            assert "changed data before the savepoint" in str(info.value)
            assert "ROLLBACK the whole transaction" in (info.value.diag.message_hint or "")
            assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
            conn.execute("ROLLBACK")
        conn.execute("BEGIN")
        conn.execute(f"DECLARE c CURSOR FOR SELECT * FROM {table}")
        conn.execute("SAVEPOINT sp")
        with contextlib.suppress(errors.UndefinedTable):
            conn.execute("SELECT * FROM no_such_table_here")
        with pytest.raises(errors.FeatureNotSupported, match="cursors are open"):
            conn.execute("ROLLBACK TO SAVEPOINT sp")
        conn.execute("ROLLBACK")
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)


@pytest.mark.integration
def test_psycopg_nested_transactions(server: RunningServer) -> None:
    table = unique("nested")
    with psycopg.connect(server.dsn()) as conn:
        conn.execute(f"CREATE TABLE {table} (i INT)")
        with conn.transaction():
            with conn.transaction():  # SAVEPOINT … RELEASE
                conn.execute(f"INSERT INTO {table} VALUES (1)")
            with conn.transaction():
                conn.execute(f"SELECT * FROM {table}")
                # ROLLBACK TO with nothing to undo
                with pytest.raises(ZeroDivisionError), conn.transaction():
                    conn.execute("SELECT 1")
                    raise ZeroDivisionError
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (1,)


@pytest.mark.integration
def test_switching_identity_is_refused(server: RunningServer) -> None:
    with psycopg.connect(server.dsn(user="alice"), autocommit=True) as conn:
        assert conn.execute("SET SESSION AUTHORIZATION alice").statusmessage == "SET"
        assert conn.execute("SET ROLE 'alice'").statusmessage == "SET"
        with pytest.raises(errors.FeatureNotSupported):
            conn.execute("SET ROLE bob")


# -- real clients -------------------------------------------------------------------------------


@pytest.mark.integration
def test_psycopg_read_only_and_isolation(server: RunningServer) -> None:
    table = unique("ro")
    with psycopg.connect(server.dsn()) as conn:
        conn.execute(f"CREATE TABLE {table} (i INT)")
        conn.commit()
        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.SERIALIZABLE
        assert conn.execute("SHOW transaction_isolation").fetchone() == ("serializable",)
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        with pytest.raises(errors.ReadOnlySqlTransaction) as info:
            conn.execute(f"INSERT INTO {table} VALUES (1)")
        assert str(info.value) == "cannot execute INSERT in a read-only transaction"
        conn.rollback()
        conn.read_only = False
        conn.execute(f"INSERT INTO {table} VALUES (1)")
        conn.commit()
        assert conn.execute("SHOW transaction_isolation").fetchone() == ("serializable",)
        conn.rollback()


@pytest.mark.integration
def test_default_read_only_is_reported_and_enforced(server: RunningServer,
                                                    pg15: PostgresCluster) -> None:
    for dsn in (server.dsn(), pg15.dsn()):
        with psycopg.connect(dsn, autocommit=True) as conn:
            assert conn.info.parameter_status("default_transaction_read_only") == "off"
            conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            assert conn.info.parameter_status("default_transaction_read_only") == "on"
            with pytest.raises(errors.ReadOnlySqlTransaction):
                conn.execute("CREATE TABLE never_made (i INT)")
            conn.execute("RESET ALL")
            assert conn.info.parameter_status("default_transaction_read_only") == "off"


@pytest.mark.integration
def test_reset_returns_to_the_startup_values(server: RunningServer) -> None:
    dsn = server.dsn(application_name="from-startup", options="'-c datestyle=ISO,DMY'")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET application_name = 'changed'")
        conn.execute("SET datestyle = 'ISO, MDY'")
        conn.execute("RESET ALL")
        assert conn.info.parameter_status("application_name") == "from-startup"
        assert conn.execute("SHOW datestyle").fetchone() == ("ISO, DMY",)
        conn.execute("SET application_name = 'again'")
        conn.execute("DISCARD ALL")
        assert conn.execute("SHOW application_name").fetchone() == ("from-startup",)


@pytest.mark.integration
def test_discard_all_resets_the_whole_session(server: RunningServer) -> None:
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE scratch AS SELECT 1 AS x")
        conn.execute("CREATE TEMP VIEW scratch_v AS SELECT * FROM scratch")
        conn.execute("DECLARE held CURSOR WITH HOLD FOR SELECT 1")
        conn.execute("PREPARE sql_level AS SELECT 1")
        conn.pgconn.prepare(b"protocol_level", b"SELECT 2")
        conn.execute("SET extra_float_digits = 3")
        assert conn.execute("DISCARD ALL").statusmessage == "DISCARD ALL"
        with pytest.raises(errors.UndefinedTable):
            conn.execute("SELECT * FROM scratch")
        with pytest.raises(errors.InvalidCursorName):
            conn.execute("FETCH held")
        with pytest.raises(errors.InvalidSqlStatementName):
            conn.execute("EXECUTE sql_level")
        result = conn.pgconn.exec_prepared(b"protocol_level", [])
        assert result.error_field(psycopg.pq.DiagnosticField.SQLSTATE) == b"26000"
        assert conn.execute("SHOW extra_float_digits").fetchone() == ("1",)


@pytest.mark.integration
def test_deallocate_reaches_protocol_statements(server: RunningServer) -> None:
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.pgconn.prepare(b"by_parse", b"SELECT 3")
        with pytest.raises(errors.DuplicatePreparedStatement):
            conn.execute("PREPARE by_parse AS SELECT 4")  # one namespace, as in PostgreSQL
        assert conn.execute("DEALLOCATE by_parse").statusmessage == "DEALLOCATE"
        result = conn.pgconn.exec_prepared(b"by_parse", [])
        assert result.error_field(psycopg.pq.DiagnosticField.SQLSTATE) == b"26000"
        # psycopg's own prepared statements survive its DEALLOCATE ALL bookkeeping.
        for _ in range(6):
            assert conn.execute("SELECT %s::int", (5,), prepare=True).fetchone() == (5,)
        conn.execute("DEALLOCATE ALL")
        assert conn.execute("SELECT %s::int", (6,), prepare=True).fetchone() == (6,)


@pytest.mark.integration
def test_sql_and_protocol_statements_share_one_namespace(server: RunningServer) -> None:
    # As in PostgreSQL: Bind / Describe reach a PREPARE'd statement, EXECUTE a Parse'd one.
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute("PREPARE by_sql AS SELECT $1::int + 1 AS n")
        shown = conn.pgconn.describe_prepared(b"by_sql")
        assert shown.status == psycopg.pq.ExecStatus.COMMAND_OK, shown.error_message
        assert (shown.nfields, shown.fname(0), shown.nparams, shown.param_type(0)) == \
            (1, b"n", 1, 23)
        ran = conn.pgconn.exec_prepared(b"by_sql", [b"41"])
        assert ran.get_value(0, 0) == b"42"
        made = conn.pgconn.prepare(b"by_sql", b"SELECT 3")
        assert made.error_field(psycopg.pq.DiagnosticField.SQLSTATE) == b"42P05"
        conn.pgconn.prepare(b"by_parse_2", b"SELECT $1::text || '!' AS shout")
        cur = conn.execute("EXECUTE by_parse_2('hi')")
        assert [d.name for d in cur.description or ()] == ["shout"]
        assert cur.fetchall() == [("hi!",)]
        conn.execute("DEALLOCATE by_sql")
        gone = conn.pgconn.describe_prepared(b"by_sql")
        assert gone.error_field(psycopg.pq.DiagnosticField.SQLSTATE) == b"26000"


@pytest.mark.integration
def test_execute_through_the_extended_protocol(server: RunningServer) -> None:
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute("PREPARE plus (bigint, bigint) AS SELECT $1 + $2 AS total")
        cur = conn.execute("EXECUTE plus(%s, 2)", (40,))
        assert [d.name for d in cur.description or ()] == ["total"]
        assert cur.fetchall() == [(42,)] and cur.statusmessage == "SELECT 1"
        cur = conn.execute("EXECUTE plus(1, 1)", binary=True)
        assert cur.fetchone() == (2,)


async def _dirty(conn: asyncpg.Connection) -> None:
    await conn.execute("SET application_name = 'dirty'")
    await conn.execute("DECLARE pool_cur CURSOR WITH HOLD FOR SELECT 1")
    await conn.execute("LISTEN pool_channel")


async def _state(conn: asyncpg.Connection) -> tuple[str, str | None]:
    app = await conn.fetchval("SHOW application_name")
    try:
        await conn.execute("FETCH pool_cur")
        cursor = "open"
    except asyncpg.PostgresError as exc:
        cursor = exc.sqlstate
    return app, cursor


@pytest.mark.integration
def test_asyncpg_reset_statements(server: RunningServer) -> None:
    """What asyncpg's pool sends on release, minus ``pg_advisory_unlock_all()``."""
    async def main() -> tuple[str, str | None]:
        conn = await asyncpg.connect(server.url(), timeout=10)
        try:
            await _dirty(conn)
            await conn.execute("CLOSE ALL;\nUNLISTEN *;\nRESET ALL;")
            return await _state(conn)
        finally:
            await conn.close()

    assert asyncio.run(asyncio.wait_for(main(), 60)) == ("", "34000")


@pytest.mark.integration
def test_asyncpg_pool_default_reset(server: RunningServer) -> None:
    async def main() -> tuple[str, str | None]:
        async with asyncpg.create_pool(server.url(), min_size=1, max_size=1) as pool:
            async with pool.acquire() as conn:
                await conn.fetchval("SELECT pg_advisory_unlock_all()")
                await _dirty(conn)
                reset_query = conn.get_reset_query()
            assert "CLOSE ALL" in reset_query and "RESET ALL" in reset_query
            async with pool.acquire() as conn:  # the same connection, reset
                return await _state(conn)

    state = asyncio.run(asyncio.wait_for(main(), 60))
    assert state == ("", "34000")


@pytest.mark.parametrize(("statements", "sqlstate"), [
    (["GRANT SELECT ON unsupported_t TO public"], "0A000"),
    (["REVOKE ALL ON unsupported_t FROM public"], "0A000"),
    (["BEGIN", "LOCK TABLE unsupported_t IN ACCESS EXCLUSIVE MODE"], "0A000"),
    (["CREATE INDEX unsupported_i ON unsupported_t (b)",
      "ALTER TABLE unsupported_t RENAME COLUMN b TO c"], "0A000"),  # DuckDB: index depends
])
def test_unsupported_statements_say_so(session: Session, statements: list[str],
                                       sqlstate: str) -> None:
    session.execute(split("CREATE TABLE unsupported_t (a int, b text)")[0])
    with pytest.raises(SqlError) as info:
        for sql in statements:
            session.execute(split(sql)[0])
    assert info.value.sqlstate == sqlstate
