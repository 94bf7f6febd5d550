"""``numeric`` without a precision, compared with PostgreSQL 15.

PostgreSQL's unconstrained numeric keeps each value's digits; DuckDB's bare DECIMAL is
DECIMAL(18,3), so ``CREATE TABLE t (v numeric)`` stored 0.0001 as 0.000, 1.23456789 as 1.235,
and refused 1e16. The server's unconstrained numeric is DECIMAL(38,10)
(``engine.arithmetic.NUMERIC``): described without a typmod as PostgreSQL's, written without
trailing fraction zeros in text, binary (the display scale) and ``::text``. Each query runs
through psycopg (text and binary results) and asyncpg on PixelSQL and on PostgreSQL 15;
values, their spelling, type OIDs, typmods and SQLSTATEs must agree.

``avg``, ``stddev`` and ``variance`` of integer and numeric columns, and quotients of numerics,
are numerics too (DuckDB's are doubles): the same type and value as PostgreSQL's, to a double's
digits and without trailing zeros.

What still differs (README): a value keeps at most 10 fraction digits (more are rounded) and 28
integer digits (22003 beyond), and a value's trailing zeros are not kept (``1.50::numeric`` is
``1.5``; PostgreSQL remembers the 2 digits), so results computed from it print the same way.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from tests.conftest import RunningServer
from tests.pg15 import PostgresCluster

SETUP = ("DROP TABLE IF EXISTS num_vs_pg",
         "CREATE TABLE num_vs_pg (id int, v numeric, d decimal, p numeric(10,2), a numeric[])",
         "INSERT INTO num_vs_pg VALUES (1, 0.0001, 1.23456789, 3.14159, ARRAY[1.5, 2]), "
         "(2, 12345678901234567.5, -7, 1, NULL), (3, 0, 100, -0.5, '{0.25,NULL}'), "
         "(4, NULL, -0.000001, NULL, '{}')")

QUERIES = [
    "SELECT 0.0001::numeric, 5::numeric, '1.23456'::numeric, -0.5::numeric, 0::numeric, "
    "100::numeric",
    "SELECT 1234567890123456::numeric, '-98765432109876543210.125'::numeric",
    "SELECT CAST(2.5 AS numeric), CAST(10 AS decimal), CAST('7' AS dec), 2.5::numeric(4,1)",
    "SELECT id, v, d, p, a FROM num_vs_pg ORDER BY id",
    "SELECT sum(v), sum(d), max(d), min(v), count(v) FROM num_vs_pg",
    "SELECT d * 2, d + 1, -d, abs(d), d * v FROM num_vs_pg ORDER BY id",
    "SELECT v::text, 'x' || d, concat(d, '|'), CAST(d AS text) FROM num_vs_pg ORDER BY id",
    "SELECT id FROM num_vs_pg WHERE v > 1 OR d = 100 ORDER BY id",
    "SELECT 1.5::float8::numeric, (1.0 / 8)::float8::numeric",
    "SELECT ARRAY[0.5, 1]::numeric[], '{1.25,3}'::numeric[]",
    "SELECT numeric_precision, numeric_scale, numeric_precision_radix "
    "FROM information_schema.columns WHERE table_name = 'num_vs_pg' ORDER BY ordinal_position",
    "SELECT attnum, atttypmod, format_type(atttypid, atttypmod) FROM pg_attribute "
    "WHERE attrelid = 'num_vs_pg'::regclass AND attnum > 0 ORDER BY attnum",
    "SELECT '99999'::numeric(5,2)",  # numeric field overflow in both
    "SELECT '1e29'::numeric * 10000000000",  # beyond 28 integer digits here: 22003
]


def _outcome(conn: psycopg.Connection[Any], sql: str, binary: bool) -> object:
    try:
        cur = conn.cursor(binary=binary)
        cur.execute(sql)
        assert cur.description is not None
        rows = [tuple(str(v) for v in row) for row in cur.fetchall()]  # Decimal('5') vs '5.0'
        return rows, [(d.name, d.type_code, d.precision, d.scale) for d in cur.description]
    except psycopg.Error as exc:
        return "error", exc.sqlstate


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@pytest.mark.parametrize("sql", QUERIES[:-1])
def test_unconstrained_numeric_as_in_postgresql(
        both: tuple[psycopg.Connection[Any], ...], sql: str, binary: bool) -> None:
    ours, theirs = (_outcome(conn, sql, binary) for conn in both)
    assert ours == theirs


def test_wider_than_28_integer_digits_is_an_error_not_a_wrong_value(
        both: tuple[psycopg.Connection[Any], ...]) -> None:
    ours, theirs = (_outcome(conn, QUERIES[-1], False) for conn in both)
    assert theirs == ([("1000000000000000000000000000000000000000",)], [("?column?", 1700, None,
                                                                          None)])
    assert ours == ("error", "22003")  # numeric value out of range


def test_what_still_differs_is_the_display_scale(
        both: tuple[psycopg.Connection[Any], ...]) -> None:
    """A value's trailing fraction zeros are not kept (module docstring): the digits agree."""
    sql = "SELECT 1.50::numeric, v * 2, d * p FROM num_vs_pg WHERE id = 2"
    ours, theirs = (_outcome(conn, sql, False) for conn in both)
    assert theirs == ([("1.50", "24691357802469135.0", "-7.00")],
                      [("numeric", 1700, None, None), ("?column?", 1700, None, None),
                       ("?column?", 1700, None, None)])
    assert ours == ([("1.5", "24691357802469135", "-7")], theirs[1])


def test_stored_digits_survive_a_round_trip(both: tuple[psycopg.Connection[Any], ...]) -> None:
    """What a driver inserts as a Decimal parameter comes back with the same digits."""
    values = [Decimal("0.0001"), Decimal("19.99"), Decimal("-123456789012345678.0000000001"),
              Decimal("1E+5")]
    for conn in both:
        conn.execute("DROP TABLE IF EXISTS num_params")
        conn.execute("CREATE TABLE num_params (v numeric)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO num_params VALUES (%s)", [(v,) for v in values])
    for binary in (False, True):
        ours, theirs = (
            [row[0] for row in conn.cursor(binary=binary).execute(
                "SELECT v FROM num_params ORDER BY v").fetchall()] for conn in both)
        assert ours == theirs == sorted(values)
        assert [str(v) for v in ours] == ["-123456789012345678.0000000001", "0.0001", "19.99",
                                          "100000"]


AVERAGES = [
    "SELECT avg(id), avg(v), avg(d), avg(p), avg(id * 2 + 1) FROM num_vs_pg",
    "SELECT id % 2, avg(id), avg(DISTINCT d), avg(p) FILTER (WHERE id > 1) FROM num_vs_pg "
    "GROUP BY 1 ORDER BY 1",
    "SELECT id, avg(d) OVER (ORDER BY id), round(avg(id) OVER (), 2) FROM num_vs_pg ORDER BY id",
    "SELECT stddev(d), variance(id), stddev_pop(id * 3), var_samp(p), var_pop(d), "
    "stddev_samp(v) FROM num_vs_pg",
]


# numeric / numeric (or integer): a numeric in PostgreSQL, a double in DuckDB
DIVISIONS = [
    "SELECT id, d / v, d / id, id / v, d / 2, 7 / 2.0, id / 2, p / 3, -d / v, d / v * 2, "
    "1 + d / id, round(d / id, 2), num_vs_pg.d / num_vs_pg.id FROM num_vs_pg "
    "WHERE v <> 0 ORDER BY id",
    "SELECT 1::numeric / 3, 10 / 4.0, 1e3 / 7, d / v::numeric FROM num_vs_pg WHERE id = 1",
    "SELECT id % 2, sum(p) / sum(id), 100.0 * count(*) / 4, count(*) * 1.0 / 3, "
    "sum(d) / count(*), max(p) / min(id), sum(p) * 100.0 / sum(sum(p)) OVER () "
    "FROM num_vs_pg GROUP BY 1 ORDER BY 1",
    "SELECT id, d * id / v, 2 * p / 3, p / id / 2, -d * 2 / id FROM num_vs_pg "
    "WHERE v <> 0 ORDER BY id",
]


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@pytest.mark.parametrize("sql", AVERAGES + DIVISIONS)
def test_averages_and_quotients_are_numerics_of_the_same_value(
        both: tuple[psycopg.Connection[Any], ...], sql: str, binary: bool) -> None:
    """Types agree, values to the double's 16 significant digits DuckDB computes them in
    (PostgreSQL's are exact: 1.21333333333333333333 here is 1.2133333333333333)."""
    (ours, ours_types), (theirs, their_types) = (
        (cur.fetchall(), [d.type_code for d in cur.description or []])
        for cur in (conn.cursor(binary=binary).execute(sql) for conn in both))
    assert ours_types == their_types and 1700 in ours_types
    assert len(ours) == len(theirs)
    for mine, pg in zip(ours, theirs, strict=True):
        for a, b in zip(mine, pg, strict=True):
            assert type(a) is type(b)
            assert a == b or abs(a - b) <= Decimal("1e-15") * max(1, abs(b)), (a, b)


def test_an_average_prints_without_trailing_zeros(
        both: tuple[psycopg.Connection[Any], ...]) -> None:
    ours, theirs = (conn.execute("SELECT avg(id)::text FROM num_vs_pg").fetchone()
                    for conn in both)
    assert ours == ("2.5",) and theirs == ("2.5000000000000000",)


async def _asyncpg_values(url: str) -> list[tuple[str, ...]]:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=10)
    try:
        rows = await conn.fetch("SELECT v, d, p FROM num_vs_pg ORDER BY id")
        casts = await conn.fetchrow("SELECT 0.0001::numeric, 5::numeric, $1::numeric",
                                    Decimal("2.50"))
        return [tuple(str(v) for v in row) for row in [*rows, casts]]
    finally:
        await conn.close()


def test_asyncpg_reads_the_digits_postgresql_sends(
        both: tuple[psycopg.Connection[Any], ...], server: RunningServer,
        pg15: PostgresCluster) -> None:
    ours = asyncio.run(_asyncpg_values(server.url()))
    theirs = asyncio.run(_asyncpg_values(pg15.dsn()))
    # PostgreSQL keeps the parameter's 2.50; here its trailing zero goes (module docstring)
    assert ours[:-1] == theirs[:-1]
    assert ours[-1] == ("0.0001", "5", "2.5") and theirs[-1] == ("0.0001", "5", "2.50")


def test_an_old_numeric_column_widens_in_place(
        both: tuple[psycopg.Connection[Any], ...]) -> None:
    """A DECIMAL(18,3) column (what ``numeric`` was before; docs/OPERATIONS.md) altered to
    ``numeric`` keeps its values and then takes ten fraction digits."""
    for conn in both:
        conn.execute("DROP TABLE IF EXISTS num_old")
        conn.execute("CREATE TABLE num_old (v numeric(18,3))")
        conn.execute("INSERT INTO num_old VALUES (1.234), (12345678901234.5)")
        conn.execute("ALTER TABLE num_old ALTER COLUMN v TYPE numeric")
        conn.execute("INSERT INTO num_old VALUES (0.0001)")
    ours, theirs = (conn.execute("SELECT v FROM num_old ORDER BY v").fetchall() for conn in both)
    assert ours == theirs == [(Decimal("0.0001"),), (Decimal("1.234"),),
                              (Decimal("12345678901234.5"),)]
