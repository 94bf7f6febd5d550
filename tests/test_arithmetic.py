"""engine.arithmetic: integer literals and parameters typed as PostgreSQL types them.

Token-level rewrites, table-driven; what they mean for result types and values is checked
against PostgreSQL 15 in tests/test_params_vs_pg15.py.
"""

from __future__ import annotations

import pytest

from engine.arithmetic import integer_literal_type, with_integer_types, with_typed_params
from engine.session import Session


@pytest.mark.parametrize(("text", "expected"), [
    ("0", "INTEGER"), ("2147483647", "INTEGER"), ("2147483648", "BIGINT"),
    ("9223372036854775807", "BIGINT"), ("9223372036854775808", None),
    ("1.5", None), ("1e3", None), ("1_000", None), (".5", None),
])
def test_integer_literal_type_is_postgresqls(text: str, expected: str | None) -> None:
    assert integer_literal_type(text) == expected


LITERALS = [
    # arithmetic operands, on either side, signed, any operator
    ("SELECT a * 2 FROM t", "SELECT a * 2::INTEGER FROM t"),
    ("SELECT 2 * a FROM t", "SELECT 2::INTEGER * a FROM t"),
    ("SELECT a * -2 FROM t", "SELECT a * -2::INTEGER FROM t"),
    ("SELECT a-1, a+1, a/2, a%3 FROM t",
     "SELECT a-1::INTEGER, a+1::INTEGER, a/2::INTEGER, a%3::INTEGER FROM t"),
    ("SELECT 1 + 1::int2 * 30000", "SELECT 1::INTEGER + 1::int2 * 30000::INTEGER"),
    ("SELECT $1 * 3000000000", "SELECT $1 * 3000000000::BIGINT"),
    ("UPDATE t SET a = a + 1 WHERE id = 5", "UPDATE t SET a = a + 1::INTEGER WHERE id = 5"),
    ("INSERT INTO t VALUES (1 + 2, -3)", "INSERT INTO t VALUES (1::INTEGER + 2::INTEGER, -3)"),
    ("CREATE TABLE t2 AS SELECT a * 2 AS b FROM t",
     "CREATE TABLE t2 AS SELECT a * 2::INTEGER AS b FROM t"),
    # a fractional string cast to an integer: PostgreSQL's error (DuckDB would round it)
    ("SELECT '3.7'::int, CAST('1e3' AS int8), '42'::int, '1.5'::int[]",
     "SELECT error('invalid input syntax for type integer: \"3.7\"')::int, "
     "CAST(error('invalid input syntax for type bigint: \"1e3\"') AS int8), '42'::int, "
     "'1.5'::int[]"),
    ("WITH x AS (SELECT 1 AS v) SELECT v - 1 FROM x",
     "WITH x AS (SELECT 1 AS v) SELECT v - 1::INTEGER FROM x"),
]

UNCHANGED = [
    "SELECT 1, -2, a FROM t WHERE a = -1 AND b IN (1, 2) LIMIT 10 OFFSET 5",
    "SELECT count(*), t.* FROM t GROUP BY 1 ORDER BY 2",
    "SELECT a * 1.5, a * 1e3, a * 99999999999999999999 FROM t",  # numeric already
    "SELECT 'a - 1', \"x-1\" FROM t -- 2 * 3",  # strings, names and comments
    "SELECT j->1, j->>2 FROM t",  # JSON operators, not arithmetic
    "INSERT INTO t VALUES (1, 2, -3)",
    "CREATE TABLE t (a int DEFAULT 1 + 1, b int GENERATED ALWAYS AS (a * 2))",
    "CREATE VIEW v AS SELECT a * 2 FROM t",
    "SET x = 1 + 1",
]


@pytest.mark.parametrize(("sql", "expected"), LITERALS)
def test_arithmetic_integer_literals_are_typed(sql: str, expected: str) -> None:
    assert with_integer_types(sql) == expected


@pytest.mark.parametrize("sql", UNCHANGED)
def test_other_literals_are_left_alone(sql: str) -> None:
    assert with_integer_types(sql) is None


def test_fixed_width_parameters_are_cast_to_their_type() -> None:
    sql = "SELECT $1 + $2, $3 FROM t WHERE a = $1"
    typed = with_typed_params(sql, ["SMALLINT", "VARCHAR", "DOUBLE"])
    assert typed == ("SELECT CAST($1 AS SMALLINT) + $2, CAST($3 AS DOUBLE) FROM t "
                     "WHERE a = CAST($1 AS SMALLINT)")
    assert with_typed_params(sql, ["VARCHAR", "DATE", "DECIMAL(38,10)"]) is sql
    assert with_typed_params("SELECT $1", ["TIMESTAMPTZ"]) == "SELECT CAST($1 AS TIMESTAMPTZ)"


def test_a_smallint_times_an_integer_literal_is_an_integer(session: Session) -> None:
    from engine.statements import split

    session.execute(split("CREATE TABLE sm (a smallint)")[0])
    session.execute(split("INSERT INTO sm VALUES (20000)")[0])
    for sql in ("SELECT a * 2 FROM sm", "SELECT 20000::int2 * 2", "SELECT 2 * a FROM sm"):
        rows = session.query_arrow(sql)
        assert rows.column(0).to_pylist() == [40000]
        assert str(rows.schema.field(0).type) == "int32"


def test_a_parameter_runs_with_the_type_it_was_bound_as(session: Session) -> None:
    from engine.statements import split

    stmt = split("SELECT $1 * $2")[0]
    outcome = session.execute(stmt, [100, 1000], ["SMALLINT", "INTEGER"])
    assert outcome.rows.columns[0].duck_type == "INTEGER"  # type: ignore[union-attr]
    with pytest.raises(Exception, match="Overflow"):  # int2 * int2 overflows, as in PostgreSQL
        session.execute(stmt, [300, 300], ["SMALLINT", "SMALLINT"])


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT length(s), x.length(s) FROM t",
     "SELECT CAST(length(s) AS INTEGER), x.length(s) FROM t"),
    ("SELECT 1 FROM t WHERE strpos(s, 'a') > length(substr(s, 1, length(u)))",
     "SELECT 1 FROM t WHERE CAST(strpos(s, 'a') AS INTEGER) > CAST(length(substr(s, 1, "
     "CAST(length(u) AS INTEGER))) AS INTEGER)"),
    ("SELECT position FROM t", None),  # a column of that name
    ("CREATE TABLE t (v text CHECK (length(v) < 3))", None),  # DDL is stored as written
])
def test_int4_functions_are_cast_to_integer(sql: str, expected: str | None) -> None:
    assert with_integer_types(sql) == expected
