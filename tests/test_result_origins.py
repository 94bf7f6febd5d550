"""The table and column each result column passes on (RowDescription's table OID and column
attribute number), as PostgreSQL 15 gives them (engine.literals.Scopes.result_columns)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from engine.literals import Scopes

TABLES = {"t": {"a": "INTEGER", "b": "VARCHAR", "c": "INTEGER"},
          "u": {"a": "INTEGER", "d": "VARCHAR"}}


def _origins(sql: str) -> list[tuple[str, str] | None] | None:
    result = Scopes(sql, lambda table: TABLES.get(table, {})).result_columns()
    return None if result is None else [origin for *_, origin in result]


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT * FROM t", [("t", "a"), ("t", "b"), ("t", "c")]),
    ("SELECT b AS x, a + 1 AS y, t.c FROM t", [("t", "b"), None, ("t", "c")]),
    ("SELECT x.c, u.d, count(*) FROM t x JOIN u ON u.a = x.a GROUP BY 1, 2",
     [("t", "c"), ("u", "d"), None]),
    ("SELECT u.* FROM t, u", [("u", "a"), ("u", "d")]),
    ("SELECT x FROM (SELECT a AS x FROM t) s", [("t", "a")]),  # through a subquery
    ("WITH w AS (SELECT c, b || '!' AS e FROM t) SELECT * FROM w", [("t", "c"), None]),
    ("SELECT DISTINCT b FROM t ORDER BY 1", [("t", "b")]),
    ("SELECT a FROM t WHERE a IN (SELECT a FROM u)", [("t", "a")]),
    ("SELECT CASE WHEN a > 0 THEN 1 END, c FROM t", [None, ("t", "c")]),  # not named here
    ("SELECT a IS DISTINCT FROM c AS x, b FROM t", [None, ("t", "b")]),  # not a FROM list
    ('SELECT "B", x."C" FROM t x', [("t", "b"), ("t", "c")]),  # DuckDB: any case matches
])
def test_the_columns_a_query_passes_on(sql: str, expected: list[object]) -> None:
    assert _origins(sql) == expected


@pytest.mark.parametrize("sql", [
    "SELECT a FROM t UNION SELECT a FROM u",  # a set operation: its columns are its own
    "(SELECT a FROM t)",
    "INSERT INTO t SELECT * FROM u",
])
def test_result_columns_not_read(sql: str) -> None:
    assert _origins(sql) is None


SETUP = ("DROP VIEW IF EXISTS origins_v", "DROP TABLE IF EXISTS origins_t",
         "DROP TABLE IF EXISTS origins_u", "DROP TABLE IF EXISTS origins_meta",
         "DROP SEQUENCE IF EXISTS origins_seq",
         "CREATE TABLE origins_t (a int, b text, c int)",
         "CREATE TABLE origins_u (a int, d text)",
         "CREATE VIEW origins_v AS SELECT c, a FROM origins_t",
         "INSERT INTO origins_t VALUES (1, 'x', 2)",
         "CREATE SEQUENCE origins_seq",
         "CREATE TABLE origins_meta (id int NOT NULL DEFAULT nextval('origins_seq'), name text, "
         "price numeric(10,2) NOT NULL)")

QUERIES = [
    "SELECT * FROM origins_t",
    "SELECT b AS x, a + 1, c FROM origins_t",
    "SELECT origins_t.c, u.d FROM origins_t JOIN origins_u u ON u.a = origins_t.a",
    "SELECT x FROM (SELECT a AS x FROM origins_t) s",
    "WITH w AS (SELECT c FROM origins_t) SELECT c FROM w",
    "SELECT * FROM origins_v",
    "SELECT a FROM origins_t UNION SELECT a FROM origins_u",
    "SELECT a, count(*) FROM origins_t GROUP BY a",
    "SELECT 1, 'x'",
]


def _described(conn: psycopg.Connection[Any], sql: str) -> list[tuple[str, str, int]]:
    """(name, table, attnum) of each result column, the table named by its OID in that
    server's own pg_class ("" for OID 0)."""
    result = conn.execute(sql).pgresult
    assert result is not None
    out = []
    for i in range(result.nfields):
        oid = result.ftable(i)
        name = "" if oid == 0 else conn.execute(
            "SELECT relname FROM pg_class WHERE oid = %s", [oid]).fetchone()[0]  # type: ignore[index]
        out.append(((result.fname(i) or b"").decode(), name, result.ftablecol(i)))
    return out


@pytest.mark.integration
@pytest.mark.parametrize("sql", QUERIES)
def test_row_descriptions_name_their_tables_as_postgresql(
        both: tuple[psycopg.Connection[Any], psycopg.Connection[Any]], sql: str) -> None:
    ours, theirs = (_described(conn, sql) for conn in both)
    assert ours == theirs


@pytest.mark.integration
def test_a_described_statement_names_them_too(
        both: tuple[psycopg.Connection[Any], psycopg.Connection[Any]]) -> None:
    # the extended protocol's Describe, binary results
    assert _described(both[0], "SELECT * FROM origins_t")[0] == ("a", "origins_t", 1)
    described = []
    for conn in both:
        with conn.cursor(binary=True) as cur:
            cur.execute("SELECT c, b FROM origins_t WHERE a = %s", [1])
            assert cur.pgresult is not None
            described.append([(cur.pgresult.ftable(i) != 0, cur.pgresult.ftablecol(i))
                              for i in range(2)])
    assert described[0] == described[1] == [(True, 3), (True, 2)]


# What pgjdbc's ResultSetMetaData asks (isNullable, isAutoIncrement, getBaseTableName, …) for
# the columns a RowDescription names a table for; DBeaver and Metabase call it on results.
PGJDBC_FIELDS = (
    "SELECT c.oid, a.attnum, a.attname, c.relname, n.nspname, a.attnotnull OR (t.typtype = 'd' "
    "AND t.typnotnull), a.attidentity != '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) "
    "LIKE '%nextval(%' FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
    "(c.relnamespace = n.oid) JOIN pg_catalog.pg_attribute a ON (c.oid = a.attrelid) JOIN "
    "pg_catalog.pg_type t ON (a.atttypid = t.oid) LEFT JOIN pg_catalog.pg_attrdef d ON "
    "(d.adrelid = a.attrelid AND d.adnum = a.attnum) JOIN (SELECT {oid} AS oid , 1 AS attnum "
    "UNION ALL SELECT {oid}, 2 UNION ALL SELECT {oid}, 3) vals ON (c.oid = vals.oid AND "
    "a.attnum = vals.attnum)")


@pytest.mark.integration
def test_pgjdbc_reads_the_named_columns_as_from_postgresql(
        both: tuple[psycopg.Connection[Any], psycopg.Connection[Any]]) -> None:
    results = []
    for conn in both:
        result = conn.execute("SELECT id, name, price FROM origins_meta").pgresult
        assert result is not None and result.ftable(0) != 0
        rows = conn.execute(PGJDBC_FIELDS.format(oid=result.ftable(0))).fetchall()
        results.append(sorted(row[1:] for row in rows))
    assert results[0] == results[1]
    assert results[0][0] == (1, "id", "origins_meta", "public", True, True)


@pytest.mark.integration
def test_a_sql_cursor_names_them_too(
        both: tuple[psycopg.Connection[Any], psycopg.Connection[Any]]) -> None:
    # DECLARE … FETCH streams the query's rows: the origins are found before it opens.
    fetched = []
    for conn in both:
        with conn.transaction(), conn.cursor(name="origins_cursor") as cur:
            cur.execute("SELECT b, a + 1, c FROM origins_t")
            rows = cur.fetchall()
            assert cur.pgresult is not None
            fetched.append((rows, [(cur.pgresult.ftable(i) != 0, cur.pgresult.ftablecol(i))
                                   for i in range(3)]))
    assert fetched[0] == fetched[1] == ([("x", 2, 2)], [(True, 2), (False, 0), (True, 3)])


def test_every_tool_statement_and_its_prefixes_read_without_error() -> None:
    # What BI tools and drivers send (tests/corpus), whole and cut short at a few tokens:
    # reading scopes, select lists and the type-directed rewrites never raises (a statement
    # they cannot read is left as it is).
    import random

    from engine import aggregates
    from engine.lexer import tokenize
    from engine.literals import with_column_literals
    from tests.test_tool_corpus import CORPUS

    rewrites = [getattr(aggregates, name) for name in dir(aggregates) if name.startswith("with_")]
    types = {"orders": {"id": "BIGINT", "qty": "INTEGER", "d": "DATE", "ok": "BOOLEAN"}}
    rng = random.Random(0)
    read = 0
    for entry in CORPUS:
        tokens = tokenize(entry.sql)
        if not tokens:
            continue  # a comment alone (pgx's ping)
        cuts = {len(tokens)} | {rng.randrange(1, len(tokens) + 1) for _ in range(5)}
        for cut in sorted(cuts):
            sql = entry.sql[:tokens[cut - 1].end]
            def column_types(table: str) -> dict[str, str]:
                return types.get(table, {"a": "INTEGER"})
            Scopes(sql, column_types).result_columns()
            for rewrite in rewrites:
                rewrite(sql, column_types)
            with_column_literals(sql, column_types)
            read += 1
    assert read > len(CORPUS)


VARCHAR_TABLE = ("DROP TABLE IF EXISTS origins_vc",
                 'CREATE TABLE origins_vc (name varchar(20), "Code" varchar(3), note text)',
                 "INSERT INTO origins_vc VALUES ('ann', 'x1', 'n')")


def _types(result: Any) -> list[tuple[int, int]]:
    assert result is not None
    return [(result.ftype(i), result.fmod(i)) for i in range(result.nfields)]


@pytest.mark.integration
@pytest.mark.parametrize(("sql", "expected"), [
    ('SELECT name, "Code", note FROM origins_vc', [(1043, 24), (1043, 7), (25, -1)]),
    ("SELECT v.name AS n, name || '!', upper(name) FROM origins_vc v",
     [(1043, 24), (25, -1), (25, -1)]),
    ("SELECT n FROM (SELECT name AS n FROM origins_vc) s", [(1043, 24)]),
    ("WITH w AS (SELECT * FROM origins_vc) SELECT DISTINCT w.\"Code\" FROM w", [(1043, 7)]),
    ("SELECT count(*), max(note) FROM origins_vc", [(20, -1), (25, -1)]),
])
def test_a_column_declared_varchar_n_is_described_as_postgresql_describes_it(
        both: tuple[psycopg.Connection[Any], psycopg.Connection[Any]], sql: str,
        expected: list[tuple[int, int]]) -> None:
    """A varchar(n) column passed on unchanged is varchar with typmod n + 4 (DuckDB's VARCHAR
    keeps no length; engine.translate's CHECK does), in simple and extended queries, with
    text and binary results; the values are the same."""
    for conn in both:
        for sql_ in VARCHAR_TABLE:
            conn.execute(sql_)
    for binary in (False, True):
        answers = []
        for conn in both:
            with conn.cursor(binary=binary) as cur:
                cur.execute(sql, prepare=binary)
                answers.append((_types(cur.pgresult), cur.fetchall()))
        assert answers[0] == answers[1]
        assert answers[0][0] == expected
    for conn in both:  # a statement described before it is bound (Parse, Describe)
        conn.pgconn.prepare(b"origins_vc_stmt", sql.encode())
        assert _types(conn.pgconn.describe_prepared(b"origins_vc_stmt")) == expected
        conn.execute("DEALLOCATE origins_vc_stmt")
