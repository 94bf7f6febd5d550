"""Result column names as PostgreSQL gives them (engine/colnames.py).

A table of select lists and the names read from them, then the same queries through psycopg
on PixelSQL and on PostgreSQL 15: ``cursor.description`` must name the columns alike, for
executed statements and for Describe (a prepared statement's columns before it runs).
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from engine.colnames import UNNAMED, postgres_names, renamed

NAMES = [
    ("SELECT 1", (UNNAMED,)),
    ("SELECT $1, $1::int, $1 + 1", (UNNAMED, "int4", UNNAMED)),
    ("SELECT count(*) FROM t", ("count",)),
    ("SELECT count(*) c, x AS y, x, t.x, \"Q\"", (None, None, None, None, None)),
    ("SELECT i::text, 1::bigint, count(*)::int, (a + b)::numeric(5,2)",
     ("i", "int8", "count", "numeric")),
    ("SELECT CAST(i AS text), CAST(1 AS double precision), x::timestamp with time zone",
     ("i", "float8", "x")),
    ("SELECT 1::float, 1::float(24), 1::float(25), 1::real", ("float8", "float4", "float8",
                                                              "float4")),
    ("SELECT a + b::int, $1::text || 'x', -1, x IS NULL", (UNNAMED,) * 4),
    ("SELECT now(), current_date, length(t), coalesce(a, 0), extract(year FROM ts)",
     ("now", "current_date", "length", "coalesce", "extract")),
    ("SELECT CASE WHEN a THEN 1 END, ARRAY[1, 2], EXISTS (SELECT 1), "
     "row_number() OVER (ORDER BY a), count(*) FILTER (WHERE a)",
     ("case", "array", "exists", "row_number", "count")),
    ("SELECT true, NULL, 'x', 1.5", (UNNAMED,) * 4),
    ("WITH w AS (SELECT 1 AS a) SELECT a, a + 1 FROM w", (None, UNNAMED)),
    ("SELECT DISTINCT ON (a) a, b + 1 FROM t", (None, UNNAMED)),
    ("SELECT a, sum(b) FROM t GROUP BY a UNION SELECT 1, 2", (None, "sum")),
    ("SELECT row_number() OVER w, rank() OVER w AS r, sum(a) OVER w2 FROM t WINDOW w AS (), "
     "w2 AS (w)", ("row_number", None, "sum")),
    ("SELECT mode() WITHIN GROUP (ORDER BY a), percentile_disc(0.5) WITHIN GROUP (ORDER BY a) "
     "FILTER (WHERE a > 0)", ("mode", "percentile_disc")),
    ("SELECT interval '1 day', timestamp with time zone '2024-01-01', 'a' || 'b', (a), "
     "((count(*)))", ("interval", "timestamptz", UNNAMED, None, "count")),
    ("SELECT interval '1 day'::text, date '2024-01-01'::text",  # a cast of a typed literal
     ("text", "text")),
    ("SELECT trim(both 'x' from a), trim(LEADING from a), trim(trailing from a), trim(a)",
     ("btrim", "ltrim", "rtrim", "btrim")),
    ("SELECT (ARRAY[1])[1], a[1], (a)[1:2], (a + 1)[1]", ("array", "a", "a", UNNAMED)),
    ("SELECT *, 1 FROM t", None),  # a star: the names stay DuckDB's
    ("SELECT t.* FROM t", None),
    ("VALUES (1)", None),  # VALUES: column1, column2 … (renamed, below)
    ("INSERT INTO t SELECT 1 RETURNING a, upper(t), a + 1", (None, "upper", UNNAMED)),
    ("UPDATE t SET a = 1 RETURNING *", None),
]


def test_values_columns_are_column1_column2() -> None:
    assert renamed("VALUES (1, 'a')", ["col0", "col1"]) == ["column1", "column2"]
    assert renamed("VALUES (1) UNION SELECT 2", ["col0"]) == ["column1"]


@pytest.mark.parametrize(("sql", "expected"), NAMES)
def test_names_read_from_the_select_list(sql: str, expected: tuple[str | None, ...] | None) -> None:
    assert postgres_names(sql) == expected


QUERIES = [
    "SELECT 1",
    "SELECT count(*) FROM cn",
    "SELECT a + b, a * 2, a, cn.b, length(t), upper(t), now() IS NOT NULL, current_date, "
    "a::text, 1::bigint, 2::smallint, CAST(3 AS real), CASE WHEN a > 1 THEN 'x' END, "
    "ARRAY[a, b], EXISTS (SELECT 1), coalesce(t, ''), sum(a) OVER () FROM cn",
    "SELECT sum(a), max(t), min(b) AS lowest, avg(a) average FROM cn",
    "SELECT 1.5, 'x', true, NULL",
    "WITH w AS (SELECT a FROM cn) SELECT a, a + 1 FROM w",
    "SELECT a, count(*) FROM cn GROUP BY a ORDER BY a",
    "SELECT mode() WITHIN GROUP (ORDER BY a), percentile_cont(0.5) WITHIN GROUP (ORDER BY b) "
    "FROM cn",
    "SELECT interval '90 minutes', date '2024-05-17', timestamp '2024-05-17 10:00', "
    "double precision '1.5', text 'x'",
    "SELECT trim(both 'x' from t), trim(leading from t), trim(trailing 'y' from t), trim(t) "
    "FROM cn",
    "SELECT (ARRAY[a, b])[1], (ARRAY[a, b])[1:1] FROM cn",
    "SELECT (SELECT max(a) FROM cn), (SELECT a AS x FROM cn LIMIT 1), (SELECT cn.t FROM cn "
    "LIMIT 1), (SELECT 1), (SELECT a + 1 FROM cn LIMIT 1), (SELECT \"Q\" FROM (SELECT 1 AS "
    "\"Q\") s)",
    "VALUES (1, 'a'), (2, 'b')",
    "SELECT length(t), char_length(t), strpos(t, 'x'), position('x' in t), bit_length(t) "
    "FROM cn",
    "INSERT INTO cn VALUES (3, 4, 'z') RETURNING a, upper(t), a + 1, t AS tt, cn.b",
    "UPDATE cn SET b = b WHERE a = 3 RETURNING b, length(t), b::text",
    # x AT TIME ZONE z is a call of timezone(z, x) to PostgreSQL's parser
    "SELECT timestamptz '2024-01-01 10:00+00' AT TIME ZONE 'UTC', timestamp '2024-01-01 10:00' "
    "AT TIME ZONE 'UTC', (timestamp '2024-01-01' AT TIME ZONE upper('utc')), "
    "timestamp '2024-01-01' AT TIME ZONE 'UTC' AS z FROM cn",
    "SELECT to_char(timestamp '2024-01-01' AT TIME ZONE 'UTC', 'YYYY'), "
    "timestamp '2024-01-01' AT TIME ZONE 'UTC' FROM cn",
]


@pytest.fixture(scope="module")
def both(ours_and_pg15: tuple[psycopg.Connection[Any], ...],
         ) -> tuple[psycopg.Connection[Any], ...]:
    for conn in ours_and_pg15:
        conn.execute("DROP TABLE IF EXISTS cn")
        conn.execute("CREATE TABLE cn (a int, b int, t text)")
        conn.execute("INSERT INTO cn VALUES (1, 2, 'x'), (2, 3, 'y')")
    return ours_and_pg15


@pytest.mark.parametrize("sql", QUERIES)
def test_same_column_names_as_postgresql(both: tuple[psycopg.Connection[Any], ...],
                                         sql: str) -> None:
    executed, described = [], []
    for conn in both:
        cur = conn.execute(sql)
        assert cur.description is not None
        executed.append([c.name for c in cur.description])
        made = conn.pgconn.prepare(b"names_probe", sql.encode())  # Parse, as a driver does
        assert made.status == psycopg.pq.ExecStatus.COMMAND_OK, made.error_message
        shown = conn.pgconn.describe_prepared(b"names_probe")
        assert shown.status == psycopg.pq.ExecStatus.COMMAND_OK, shown.error_message
        described.append([shown.fname(i).decode() for i in range(shown.nfields)])
        conn.execute("DEALLOCATE names_probe")
    assert executed[0] == executed[1]
    assert described[0] == described[1]


@pytest.mark.parametrize("sql", QUERIES)
def test_a_repeated_query_answers_the_same_each_time(both: tuple[psycopg.Connection[Any], ...],
                                                     sql: str) -> None:
    """From its second run a query runs from a prepared plan (engine.session
    _ParsedStatements): names, types and rows must not change."""
    answers = []
    for _ in range(3):
        cur = both[0].execute(sql, prepare=False)
        assert cur.description is not None
        answers.append(([(c.name, c.type_code) for c in cur.description], cur.fetchall()))
    assert answers[1:] == [answers[0], answers[0]]
