"""The SQLSTATE of common mistakes, compared with PostgreSQL 15 in the same run.

Drivers and ORMs branch on SQLSTATEs (a unique violation, a missing column, a grouping error),
so each statement here runs through psycopg on PixelSQL and on PostgreSQL 15 with the same table
and must fail with the same code — or succeed on both with the same rows. Messages and some
positions differ (DuckDB words its errors its own way); engine/errors.py maps the codes.

Known differences, left out here: an invalid regular expression is 22023 (DuckDB does not say
which errors come from its regex engine), ``to_number`` does not exist. (``substring`` with a
negative length is 22011 as in PostgreSQL: tests/test_functions_vs_pg15.py.)
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

TABLE = "errs_vs_pg"
SETUP = (
    f"DROP TABLE IF EXISTS {TABLE}",
    f"CREATE TABLE {TABLE} (a int PRIMARY KEY, b text NOT NULL, c numeric(5,2) CHECK (c > 0))",
    f"INSERT INTO {TABLE} VALUES (1, 'x', 1)",
)

STATEMENTS = [
    # names
    "SELECT * FROM no_such_table",
    f"SELECT zz FROM {TABLE}",
    f"SELECT {TABLE}.nope FROM {TABLE}",
    f"SELECT x.a FROM {TABLE}",
    f"INSERT INTO {TABLE} (zz) VALUES (1)",
    f"UPDATE {TABLE} SET zz = 1",
    f"SELECT * FROM {TABLE} e1, {TABLE} e2 WHERE a = 1",
    f"CREATE TABLE {TABLE} (a int)",
    "SELECT no_such_function(1)",
    "DROP TABLE no_such_table",
    "ALTER TABLE no_such_table ADD COLUMN x int",
    "CREATE TABLE errs_bad_type (a no_such_type)",
    # syntax and grouping
    "SELEC 1",
    "SELECT 1 +",
    f"SELECT a, count(*) FROM {TABLE}",
    f"SELECT sum(b) FROM {TABLE}",
    # constraints
    f"INSERT INTO {TABLE} VALUES (1, 'y', 1)",
    f"INSERT INTO {TABLE} VALUES (2, NULL, 1)",
    f"INSERT INTO {TABLE} VALUES (3, 'z', -1)",
    # fewer values than columns: the rest take their defaults (DuckDB alone refuses)
    f"INSERT INTO {TABLE} VALUES (5, 'five')",
    f"SELECT a, b, c FROM {TABLE} WHERE a = 5",
    f"INSERT INTO {TABLE} VALUES (6, 'six', 1, 'one too many')",
    # data
    "SELECT 1/0",
    "SELECT 1.0/0",
    # float division by zero and domain errors (DuckDB's IEEE default: Infinity, NaN)
    "SELECT 1.0::float8 / 0",
    "SELECT 0::float8 / 0::float8",
    f"SELECT a / 0::float4 FROM {TABLE}",
    "SELECT sqrt(-1::float8)",
    "SELECT ln(0::float8)",
    "SELECT ln(-2::float8)",
    "SELECT log(0)",
    "SELECT 'inf'::float8 * 2, '-inf'::float8, 'nan'::float8 = 'nan'::float8",
    "SELECT 'x'::int",
    "SELECT '3.7'::int",  # DuckDB alone would round it
    "SELECT CAST('1e3' AS bigint)",
    # a fraction stored into or compared with an integer column (DuckDB would round it)
    f"INSERT INTO {TABLE} VALUES ('3.7', 'y', 1)",
    f"INSERT INTO {TABLE} (b, a) VALUES ('1.5', '2e1')",
    f"UPDATE {TABLE} SET a = '4.5' WHERE false",
    f"SELECT a FROM {TABLE} WHERE a = '1.0'",
    f"SELECT a FROM {TABLE} WHERE a = ' 1 ' AND b <> '2.5' AND c = '1.00'",
    "SELECT ' 42 '::int, '-7'::smallint",
    "SELECT 'abc'::uuid",
    "SELECT '2024-13-01'::date",
    "SELECT CAST('12:99' AS time)",
    "SELECT 2147483647::int + 1",
    "SELECT 10000000000::int",
    "SELECT 999.999::numeric(5,2)",
    f"SELECT a FROM {TABLE} WHERE a = 'notint'",
    "SELECT (SELECT 1 UNION SELECT 2)",
    "SELECT 'not a date'::date",
    "SELECT 'yesterdayish'::timestamp",
    # generated columns (STORED in PostgreSQL; DuckDB computes them when read)
    "CREATE TABLE errs_gen (a int, b int GENERATED ALWAYS AS (a * 2) STORED, "
    "c text GENERATED ALWAYS AS (upper(d)) STORED, d text)",
    "INSERT INTO errs_gen (a, d) VALUES (2, 'x'); SELECT * FROM errs_gen",
    "INSERT INTO errs_gen (a, b) VALUES (1, 5)",
    "UPDATE errs_gen SET a = 3; SELECT a, b FROM errs_gen",
    # transactions, prepared statements, cursors
    "SAVEPOINT a",
    "RELEASE SAVEPOINT no_such_savepoint",
    "EXECUTE no_such_prepared",
    "DEALLOCATE no_such_prepared",
    "FETCH 1 FROM no_such_cursor",
    "CLOSE no_such_cursor",
    "LOCK TABLE errs_vs_pg",  # outside a transaction block
    # parameters, custom options included
    "SET no_such_param = 1",
    "SHOW no_such_param",
    "SHOW myapp.never_set",
    "SELECT current_setting('no_such.setting')",
    "SET myapp.tenant = 'acme'; SHOW myapp.tenant",
    "SET myapp.x = 'q'; SELECT current_setting('myapp.x')",
    "SET myapp.y = 'q'; RESET myapp.y; SHOW myapp.y",
    "SHOW work_mem",
]


def _outcome(conn: psycopg.Connection[Any], sql: str) -> object:
    try:
        cur = conn.execute(sql, prepare=False)
        return ("ok", cur.fetchall() if cur.description else None)
    except psycopg.Error as exc:
        return ("error", exc.sqlstate)


@pytest.mark.parametrize("sql", STATEMENTS)
def test_same_sqlstate_as_postgresql(both: tuple[psycopg.Connection[Any], ...],
                                     sql: str) -> None:
    ours, theirs = (_outcome(conn, sql) for conn in both)
    assert ours == theirs


def _error_fields(conn: psycopg.Connection[Any], sql: str) -> object:
    try:
        cur = conn.execute(sql, prepare=False)
        return ("ok", cur.fetchall() if cur.description else None)
    except psycopg.Error as exc:
        diag = exc.diag
        return (exc.sqlstate, diag.message_primary, diag.statement_position, diag.message_hint)


@pytest.mark.parametrize("sql", [s for s in STATEMENTS if s.startswith("SELECT") and ";" not in s])
def test_a_repeated_query_answers_the_same_each_time(
        both: tuple[psycopg.Connection[Any], ...], sql: str) -> None:
    """From its second run a query runs from a prepared plan (engine.session
    _ParsedStatements): its errors, positions and hints must not change."""
    ours = both[0]
    first, *again = (_error_fields(ours, sql) for _ in range(3))
    assert again == [first, first]


POSITIONED = [
    f"SELECT a + 1, nosuch + 2 FROM {TABLE}",
    f"SELECT a * 2 FROM {TABLE} WHERE nosuch = 1 AND a - 1 > 0",
    f"SELECT length(b), nosuch FROM {TABLE}",
]


@pytest.mark.parametrize("sql", POSITIONED)
def test_positions_between_rewritten_parts(both: tuple[psycopg.Connection[Any], ...],
                                           sql: str) -> None:
    """Integer literals and int4 functions are rewritten before DuckDB runs a statement
    (engine.arithmetic): an error between two rewrites still points where PostgreSQL's does."""
    ours, theirs = (_error_fields(conn, sql) for conn in both)
    assert isinstance(ours, tuple) and isinstance(theirs, tuple)
    assert ours[0] == theirs[0] == "42703"
    assert ours[2] == theirs[2] is not None  # statement_position
