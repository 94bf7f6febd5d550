"""CREATE TABLE … AS and SELECT … INTO, against PostgreSQL 15 in the same run.

Each statement runs on both servers through psycopg (autocommit); what is compared is the
command tag or SQLSTATE, and the created table's column names and first rows. The names are
the point: PostgreSQL names ``count(*)`` ``count`` and a bare literal ``?column?``, so a script
that creates a table this way and then reads ``SELECT count FROM stats`` must find them.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

# (statement, parameters, the table it creates)
STATEMENTS: list[tuple[str, tuple[object, ...], str]] = [
    ("CREATE TABLE c1 AS SELECT count(*), a+1 AS x, b::varchar FROM t GROUP BY a, b", (), "c1"),
    ("CREATE TEMP TABLE c2 AS SELECT a, count(*) FROM t GROUP BY a WITH NO DATA", (), "c2"),
    ("CREATE TABLE c3 AS (SELECT 1 UNION SELECT 2)", (), "c3"),
    ("CREATE TABLE c4 AS WITH x AS (SELECT 1 AS a) SELECT a, max(a) FROM x GROUP BY a", (),
     "c4"),
    ("CREATE TABLE IF NOT EXISTS c5 AS SELECT 1", (), "c5"),
    ("CREATE TABLE c6 (p, q) AS SELECT 1, 2", (), "c6"),
    ("CREATE TABLE c7 AS SELECT 1, 2", (), "c7"),
    ("CREATE TABLE c8 AS SELECT a, A FROM t", (), "c8"),
    ("CREATE TABLE c9 AS SELECT a FROM t WITH DATA", (), "c9"),
    ("CREATE TABLE c10 AS SELECT mode() WITHIN GROUP (ORDER BY a), interval '1 day', "
     "max(trim(both 'x' from b)), max((ARRAY[a])[1]), max((a)), (SELECT 1) FROM t", (), "c10"),
    ("SELECT a, count(*) INTO s1 FROM t GROUP BY a ORDER BY a", (), "s1"),
    ("SELECT 1, 2 INTO s2", (), "s2"),
    ("SELECT * INTO TEMP s3 FROM t WHERE a > %s", (1,), "s3"),
    ("SELECT * INTO TEMPORARY TABLE s4 FROM t", (), "s4"),
    ("WITH w AS (SELECT a FROM t) SELECT a INTO s5 FROM w", (), "s5"),
    ("SELECT a INTO s1 FROM t", (), "s1"),
    ("SELECT a, b INTO UNLOGGED s6 FROM t", (), "s6"),
    ('SELECT a AS "Mixed", upper(b) INTO s7 FROM t', (), "s7"),
    ("SELECT a INTO s8 FROM t UNION SELECT 5", (), "s8"),
    ("SELECT a INTO s9 FROM t WHERE b = %s", ("y",), "s9"),
]


def _outcome(conn: psycopg.Connection[Any], sql: str, params: tuple[object, ...],
             table: str) -> tuple[object, ...]:
    try:
        tag = conn.execute(sql, params or None).statusmessage
    except psycopg.Error as exc:
        return ("error", exc.sqlstate)
    cur = conn.execute(f"SELECT * FROM {table} ORDER BY 1 LIMIT 5")
    names = [d.name for d in cur.description or []]
    return (tag, names, cur.fetchall())


@pytest.fixture(scope="module")
def pair(ours_and_pg15: tuple[psycopg.Connection[Any], psycopg.Connection[Any]],
         ) -> tuple[psycopg.Connection[Any], psycopg.Connection[Any]]:
    for conn in ours_and_pg15:
        conn.execute("DROP TABLE IF EXISTS t")
        conn.execute("CREATE TABLE t (a int, b text)")
        conn.execute("INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z')")
    return ours_and_pg15


@pytest.mark.parametrize(("sql", "params", "table"), STATEMENTS,
                         ids=[s for s, _, _ in STATEMENTS])
def test_created_table_as_in_postgresql(
        pair: tuple[psycopg.Connection[Any], psycopg.Connection[Any]], sql: str,
        params: tuple[object, ...], table: str) -> None:
    ours, theirs = pair
    assert _outcome(ours, sql, params, table) == _outcome(theirs, sql, params, table)


def test_select_into_is_a_write_in_a_pipeline(
        pair: tuple[psycopg.Connection[Any], psycopg.Connection[Any]]) -> None:
    # Everything up to Sync is one transaction: a later error undoes the created table.
    for conn in pair:
        with pytest.raises(psycopg.errors.DivisionByZero), conn.pipeline():
            conn.execute("SELECT a INTO p1 FROM t WHERE a > %s", (0,))
            conn.execute("SELECT 1 / %s", (0,))
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'p1'"
                            ).fetchone() == (0,)


def test_select_into_in_a_read_only_transaction(
        pair: tuple[psycopg.Connection[Any], psycopg.Connection[Any]]) -> None:
    for conn in pair:
        conn.execute("BEGIN READ ONLY")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction,
                           match="cannot execute SELECT INTO in a read-only transaction"):
            conn.execute("SELECT a INTO r1 FROM t")
        conn.execute("ROLLBACK")


@pytest.mark.parametrize(("sql", "name"), [
    ("CREATE TABLE typed1 AS SELECT a % 2 AS g, sum(a) AS s, avg(a) AS m, "
     "sum(a) / 2.0 AS h FROM t GROUP BY 1", "typed1"),
    ("CREATE TEMP TABLE typed2 AS WITH w AS (SELECT a, b FROM t) "
     "SELECT count(*) AS n, sum(a) AS s FROM w", "typed2"),
    ("CREATE VIEW typed3 AS SELECT sum(a) AS s, avg(a) AS m FROM t", "typed3"),
    ("SELECT sum(a) AS s, avg(a) AS m INTO typed4 FROM t", "typed4"),
])
def test_a_created_tables_column_types_as_in_postgresql(
        pair: tuple[psycopg.Connection[Any], psycopg.Connection[Any]], sql: str,
        name: str) -> None:
    # The types of what a query computes become the created table's (or view's) columns:
    # sum of an integer is a bigint there, avg a numeric, as in the query alone.
    described = []
    for conn in pair:
        conn.execute(sql)
        cur = conn.execute(f"SELECT * FROM {name} ORDER BY 1")
        described.append(([(d.name, d.type_code) for d in cur.description or []],
                          cur.fetchall()))
        conn.execute(f"DROP {'VIEW' if 'VIEW' in sql else 'TABLE'} {name}")
    assert described[0] == described[1]
