"""psycopg 3 against a running PixelSQL server, compared with PostgreSQL 15 where SQL allows.

Covers what an application written with psycopg relies on: values of every supported type in
text and binary results (checked against what PostgreSQL 15 returns for the same query),
parameters of many types (text and binary, unprepared and prepared), executemany, ``copy()``,
transactions, SQLSTATEs of server errors, several statements in one simple query, the reported
server parameters, and a large streamed result.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg import errors
from psycopg.types.json import Json

from tests.conftest import RunningServer
from tests.pg15 import PostgresCluster

pytestmark = pytest.mark.integration


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def conn(server: RunningServer) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(server.dsn(), autocommit=True, connect_timeout=10) as c:
        yield c


@pytest.fixture(scope="module")
def pg_conn(pg15: PostgresCluster) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(pg15.dsn(), autocommit=True, connect_timeout=10) as c:
        c.execute("SET TimeZone = 'UTC'")
        yield c


# -- result values of every type, text and binary, against PostgreSQL 15 ---------------------------

# (id, expression valid in both PostgreSQL and DuckDB)
TYPE_CASES: list[tuple[str, str]] = [
    ("int2-min", "(-32768)::int2"),
    ("int2-max", "32767::int2"),
    ("int4-min", "(-2147483648)::int4"),
    ("int4-max", "2147483647::int4"),
    ("int8-min", "(-9223372036854775808)::int8"),
    ("int8-max", "9223372036854775807::int8"),
    ("float4", "1.5::float4"),
    ("float4-tenth", "0.1::float4"),
    ("float4-big", "(-3.25e10)::float4"),
    ("float8", "3.141592653589793::float8"),
    ("float8-tiny", "1e-300::float8"),
    ("float8-inf", "'Infinity'::float8"),
    ("float8-neginf", "'-Infinity'::float8"),
    ("float8-nan", "'NaN'::float8"),
    ("numeric", "12345.6789::numeric(10,4)"),
    ("numeric-negative", "(-0.0001)::numeric(10,4)"),
    ("numeric-zero", "0::numeric(10,2)"),
    ("numeric-wide", "123456789012345678901234567890.12345678::numeric(38,8)"),
    ("bool-true", "true"),
    ("bool-false", "false"),
    ("text", "'héllo wörld ✓ 猫 🐱'::text"),
    ("text-empty", "''::text"),
    ("text-escapes", "'tab' || chr(9) || 'nl' || chr(10) || 'q'' \" \\ end'"),
    ("date", "'2024-02-29'::date"),
    ("date-pre-epoch", "'1969-07-20'::date"),
    ("date-early", "'0001-01-01'::date"),
    ("time", "'13:45:56.789012'::time"),
    ("time-midnight", "'00:00:00'::time"),
    ("timestamp", "'2024-02-29 13:45:56.789012'::timestamp"),
    ("timestamp-pre-epoch", "'1950-01-01 00:00:01'::timestamp"),
    ("timestamptz", "'2024-02-29 13:45:56.5+00'::timestamptz"),
    ("timestamptz-offset", "'2024-06-01 12:00:00+02'::timestamptz"),
    ("interval", "'1 day 02:03:04.5'::interval"),
    ("interval-negative", "'-3 hours'::interval"),
    ("interval-months", "'1 year 2 months 3 days'::interval"),
    ("uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid"),
    ("json", "'{\"a\": [1, 2.5, null], \"b\": \"x\"}'::json"),
    ("int4-array", "ARRAY[1, 2, 3]"),
    ("int4-array-null", "ARRAY[1, NULL, 3]"),
    ("int8-array", "ARRAY[1::int8, 9223372036854775807::int8]"),
    ("float8-array", "ARRAY[1.5::float8, -2.0::float8]"),
    ("bool-array", "ARRAY[true, false, NULL]"),
    ("text-array", "ARRAY['a', 'b c', NULL, '\"q\"', 'x,y', 'back\\slash', '', 'NULL']"),
    ("date-array", "ARRAY['2024-01-01'::date, '1999-12-31'::date]"),
    ("numeric-array", "ARRAY[1.25::numeric(6,2), -3.5::numeric(6,2)]"),
    ("uuid-array", "ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]"),
    ("null-int4", "NULL::int4"),
    ("null-text", "NULL::text"),
    ("null-timestamp", "NULL::timestamp"),
    ("null-int4-array", "NULL::int4[]"),
]

# PixelSQL may report text columns as varchar (DuckDB's VARCHAR); both load as str.
_SAME_OID = {1043: 25, 1015: 1009}


def _normalised(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


def _describe(cur: psycopg.Cursor[Any]) -> tuple[int, int | None, int | None]:
    assert cur.description is not None
    col = cur.description[0]
    oid = _SAME_OID.get(col.type_code, col.type_code)
    if col.type_display.endswith("[]"):
        # PostgreSQL drops the element typmod of an ARRAY[...] expression; DuckDB's list types
        # keep it (as PostgreSQL does for a column declared numeric(6,2)[]). Either is fine.
        return oid, None, None
    return oid, col.precision, col.scale


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@pytest.mark.parametrize("expr", [e for _, e in TYPE_CASES], ids=[i for i, _ in TYPE_CASES])
def test_result_value_matches_postgres(conn: psycopg.Connection[Any],
                                       pg_conn: psycopg.Connection[Any],
                                       expr: str, binary: bool) -> None:
    sql = f"SELECT {expr} AS v"
    ours = conn.cursor(binary=binary)
    theirs = pg_conn.cursor(binary=binary)
    got = ours.execute(sql).fetchone()
    expected = theirs.execute(sql).fetchone()
    assert got is not None and expected is not None
    assert _normalised(got[0]) == _normalised(expected[0])
    assert type(got[0]) is type(expected[0])
    assert _describe(ours) == _describe(theirs)


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_bytea_results(conn: psycopg.Connection[Any], binary: bool) -> None:
    # DuckDB spells bytea literals differently from PostgreSQL, so no differential here.
    cur = conn.cursor(binary=binary)
    row = cur.execute("SELECT unhex('00010203ff7f5c'), ''::bytea, NULL::bytea").fetchone()
    assert row == (b"\x00\x01\x02\x03\xff\x7f\\", b"", None)
    assert cur.description is not None
    assert [c.type_code for c in cur.description] == [17, 17, 17]


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_many_columns_and_rows_in_one_result(conn: psycopg.Connection[Any],
                                             pg_conn: psycopg.Connection[Any],
                                             binary: bool) -> None:
    # The same rows through both the small-result and the Arrow-batch paths of the server.
    exprs = ", ".join(f"{e} AS c{i}" for i, (_, e) in enumerate(TYPE_CASES))
    for n in (3, 1000):
        sql = f"SELECT g, {exprs} FROM generate_series(1, {n}) AS s(g) ORDER BY g"
        got = conn.cursor(binary=binary).execute(sql).fetchall()
        expected = pg_conn.cursor(binary=binary).execute(sql).fetchall()
        assert len(got) == n
        names = ["g", *(name for name, _ in TYPE_CASES)]
        mismatches = {
            (names[col], ours, theirs)
            for got_row, expected_row in zip(got, expected, strict=True)
            for col, (ours, theirs) in enumerate(zip(_normalised(list(got_row)),
                                                     _normalised(list(expected_row)),
                                                     strict=True))
            if ours != theirs or type(ours) is not type(theirs)
        }
        assert sorted(mismatches, key=str) == []


# -- parameters ------------------------------------------------------------------------------------

PARAM_VALUES: list[tuple[str, object]] = [
    ("int-small", 7),
    ("int-negative", -40000),
    ("int-big", 2**40),
    ("int-max", 2**63 - 1),
    ("float", 1.25),
    ("float-neg-small", -1e-200),
    ("decimal", Decimal("12.345")),
    ("decimal-precise", Decimal("1.23456789")),
    ("decimal-big", Decimal("98765432109876543210.5")),
    ("bool", True),
    ("str", "héllo 🐱 'quoted' \"dq\" \\ tab\t"),
    ("str-empty", ""),
    ("bytes", b"\x00\x01\xfe\xff\\'"),
    ("date", date(2024, 2, 29)),
    ("time", time(23, 59, 59, 999999)),
    ("datetime", datetime(2024, 2, 29, 13, 45, 56, 789012)),
    ("datetime-tz", datetime(2024, 2, 29, 13, 45, 56, 789012, tzinfo=UTC)),
    ("datetime-tz-offset", datetime(2024, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))),
    ("timedelta", timedelta(days=3, seconds=7200, microseconds=5)),
    ("timedelta-negative", timedelta(seconds=-90)),
    ("uuid", uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
    ("json", Json({"k": [1, 2, None], "s": "x"})),
    ("list-int", [1, 2, 3]),
    ("list-int-null", [1, None, 3]),
    ("list-str", ["a", "b c", None, 'q"', "x,y", ""]),
    ("list-float", [1.5, -2.25]),
    ("list-date", [date(2024, 1, 1), date(1999, 12, 31)]),
    ("none", None),
]


@pytest.mark.parametrize("prepare", [False, True], ids=["unprepared", "prepared"])
@pytest.mark.parametrize("placeholder", ["%s", "%t", "%b"], ids=["auto", "text", "binary"])
@pytest.mark.parametrize("value", [v for _, v in PARAM_VALUES], ids=[i for i, _ in PARAM_VALUES])
def test_parameter_round_trip_matches_postgres(conn: psycopg.Connection[Any],
                                               pg_conn: psycopg.Connection[Any],
                                               value: object, placeholder: str,
                                               prepare: bool) -> None:
    sql = f"SELECT {placeholder} AS v"
    got = conn.execute(sql, (value,), prepare=prepare).fetchone()
    expected = pg_conn.execute(sql, (value,), prepare=prepare).fetchone()
    assert got is not None and expected is not None
    assert got[0] == expected[0]
    assert type(got[0]) is type(expected[0])


TYPED_TABLE = """CREATE TABLE {name} (
    id INTEGER PRIMARY KEY, i2 SMALLINT, i4 INTEGER, i8 BIGINT, f4 REAL, f8 DOUBLE PRECISION,
    num NUMERIC(12, 4), b BOOLEAN, t TEXT, vc VARCHAR(20), bt BYTEA, d DATE, tm TIME,
    ts TIMESTAMP, tstz TIMESTAMPTZ, iv INTERVAL, u UUID, j JSON, ai INTEGER[], atxt TEXT[])"""

TYPED_ROW: tuple[object, ...] = (
    -5, 100000, 2**40, 1.5, 2.25, Decimal("1234.5678"), True, 'tab\there "q" ✓ \\', "short",
    b"\x00\x01\xff", date(2024, 2, 29), time(13, 45, 56, 789012),
    datetime(2024, 2, 29, 13, 45, 56, 789012), datetime(2024, 2, 29, 13, 45, 56, tzinfo=UTC),
    timedelta(days=1, seconds=3, microseconds=5), uuid.UUID(int=12345), {"k": [1, 2]},
    [1, 2, None], ["a", None, "b,c", '"'],
)


@pytest.mark.parametrize("binary", [False, True], ids=["text-results", "binary-results"])
@pytest.mark.parametrize("prepare", [False, True], ids=["unprepared", "prepared"])
@pytest.mark.parametrize("placeholder", ["%s", "%t", "%b"], ids=["auto", "text", "binary"])
def test_insert_and_select_typed_row(conn: psycopg.Connection[Any], placeholder: str,
                                     prepare: bool, binary: bool) -> None:
    table = unique("typed")
    conn.execute(TYPED_TABLE.format(name=table))
    params = [Json(v) if isinstance(v, dict) else v for v in TYPED_ROW]
    marks = ", ".join([placeholder] * (len(TYPED_ROW) + 1))
    cur = conn.cursor(binary=binary)
    cur.execute(f"INSERT INTO {table} VALUES ({marks})", [1, *params], prepare=prepare)
    assert cur.rowcount == 1
    cur.execute(f"SELECT * FROM {table} WHERE id = {placeholder}", [1], prepare=prepare)
    row = cur.fetchone()
    assert row == (1, *TYPED_ROW)
    # Parameters inferred from the columns they are compared with.
    cur.execute(f"SELECT id FROM {table} WHERE d = {placeholder} AND t = {placeholder} "
                f"AND num > {placeholder} AND u = {placeholder}",
                [date(2024, 2, 29), TYPED_ROW[7], Decimal("1000"), uuid.UUID(int=12345)],
                prepare=prepare)
    assert cur.fetchall() == [(1,)]


def test_update_and_delete_with_parameters_report_row_counts(
        conn: psycopg.Connection[Any]) -> None:
    table = unique("upd")
    conn.execute(f"CREATE TABLE {table} (id INTEGER, name TEXT)")
    cur = conn.cursor()
    cur.execute(f"INSERT INTO {table} VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    assert cur.rowcount == 3
    cur.execute(f"UPDATE {table} SET name = %s WHERE id >= %s", ["z", 2])
    assert cur.rowcount == 2
    cur.execute(f"DELETE FROM {table} WHERE name = %s", ["z"])
    assert cur.rowcount == 2
    assert cur.execute(f"SELECT id, name FROM {table}").fetchall() == [(1, "a")]


def test_array_parameters(conn: psycopg.Connection[Any]) -> None:
    table = unique("arr")
    conn.execute(f"CREATE TABLE {table} (id INTEGER, tags TEXT[], nums BIGINT[])")
    rows = [(1, ["red", "green"], [1, 2]), (2, [], []), (3, ["with space", None, "q\"x"], [None])]
    with conn.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s)", rows)
        assert cur.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() == rows
        cur.execute(f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id", [[1, 3]])
        assert cur.fetchall() == [(1,), (3,)]
        # psycopg sends a list of str with no type: = ANY($1) makes it an array of the
        # column's type, as PostgreSQL infers (was: "UNNEST() … not VARCHAR").
        cur.execute(f"SELECT id FROM {table} WHERE tags[1] = ANY(%s) ORDER BY id",
                    [["red", "with space"]])
        assert cur.fetchall() == [(1,), (3,)]
        cur.execute(f"SELECT id FROM {table} WHERE id <> ALL(%s) ORDER BY id", [[1, 3]])
        assert cur.fetchall() == [(2,)]


def test_executemany(conn: psycopg.Connection[Any]) -> None:
    table = unique("many")
    conn.execute(f"CREATE TABLE {table} (id INTEGER, name TEXT, score DOUBLE PRECISION)")
    rows = [(i, f"name {i} ✓", i / 4) for i in range(500)]
    with conn.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} (id, name, score) VALUES (%s, %s, %s)", rows)
        assert cur.rowcount == 500
        got = cur.execute(f"SELECT id, name, score FROM {table} ORDER BY id").fetchall()
    assert got == rows


def test_executemany_is_all_or_nothing(conn: psycopg.Connection[Any],
                                       pg_conn: psycopg.Connection[Any]) -> None:
    # In autocommit, psycopg sends the statements as one pipeline ending in one Sync;
    # PostgreSQL runs it as one transaction, so a failing row leaves nothing behind.
    table = unique("many_atomic")
    counts = []
    for c in (conn, pg_conn):
        c.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
        with c.cursor() as cur, pytest.raises(psycopg.errors.UniqueViolation):
            cur.executemany(f"INSERT INTO {table} VALUES (%s)", [(1,), (2,), (3,), (2,), (4,)])
        row = c.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts.append(row[0] if row else None)
        c.execute(f"DROP TABLE {table}")
    assert counts == [0, 0]


def test_executemany_returning(conn: psycopg.Connection[Any]) -> None:
    table = unique("many_ret")
    conn.execute(f"CREATE TABLE {table} (id INTEGER, name TEXT)")
    with conn.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} VALUES (%s, %s) RETURNING id * 10, name",
                        [(1, "a"), (2, "b")], returning=True)
        results = [cur.fetchall()]
        while cur.nextset():
            results.append(cur.fetchall())
    assert results == [[(10, "a")], [(20, "b")]]


# -- COPY ------------------------------------------------------------------------------------------

COPY_ROWS: list[tuple[Any, ...]] = [
    (1, "plain", Decimal("1.50"), date(2024, 1, 2), True, [1, 2]),
    (2, "tab\there", None, None, False, None),
    (3, "line\nbreak and \\ backslash", Decimal("-0.25"), date(1999, 12, 31), None, [None]),
    (4, 'quote " and , comma', Decimal("0.00"), date(2000, 2, 29), True, []),
    (5, "", Decimal("100.00"), date(2024, 2, 29), False, [3]),
    (6, None, Decimal("7.00"), date(2024, 3, 1), True, [4, 5, 6]),
    (7, "unicode ✓ 猫 🐱 \\.", Decimal("8.10"), date(2024, 3, 2), True, [7]),
]
COPY_TABLE = ("CREATE TABLE {name} (id INTEGER, t TEXT, amount NUMERIC(8, 2), d DATE, "
              "flag BOOLEAN, nums INTEGER[])")


def _copy_in_rows(c: psycopg.Connection[Any], table: str) -> None:
    c.execute(COPY_TABLE.format(name=table))
    with c.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN") as copy:
        for row in COPY_ROWS:
            copy.write_row(row)


def test_copy_write_row(conn: psycopg.Connection[Any]) -> None:
    table = unique("copy_rows")
    _copy_in_rows(conn, table)
    assert conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() == COPY_ROWS


@pytest.mark.parametrize("options", ["", "(FORMAT csv)", "(FORMAT csv, HEADER true)",
                                     "(FORMAT csv, DELIMITER ';', NULL 'NULL')",
                                     "(FORMAT binary)"],
                         ids=["text", "csv", "csv-header", "csv-options", "binary"])
def test_copy_out_raw_matches_postgres(conn: psycopg.Connection[Any],
                                       pg_conn: psycopg.Connection[Any], options: str) -> None:
    table = unique("copy_out")
    _copy_in_rows(conn, table)
    _copy_in_rows(pg_conn, table)
    sql = f"COPY (SELECT * FROM {table} ORDER BY id) TO STDOUT {options}"
    outputs = []
    for c in (conn, pg_conn):
        with c.cursor() as cur:
            with cur.copy(sql) as copy:
                outputs.append(b"".join(bytes(chunk) for chunk in copy))
            assert cur.rowcount == len(COPY_ROWS)
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("options", ["", "(FORMAT csv)", "(FORMAT csv, HEADER true)"],
                         ids=["text", "csv", "csv-header"])
def test_copy_raw_round_trip(conn: psycopg.Connection[Any], options: str) -> None:
    source, target = unique("copy_a"), unique("copy_b")
    _copy_in_rows(conn, source)
    conn.execute(COPY_TABLE.format(name=target))
    with conn.cursor() as cur:
        with cur.copy(f"COPY {source} TO STDOUT {options}") as copy:
            data = b"".join(bytes(chunk) for chunk in copy)
        with cur.copy(f"COPY {target} FROM STDIN {options}") as copy:
            # Odd-sized pieces: rows split across CopyData messages must still load.
            for i in range(0, len(data), 7):
                copy.write(data[i:i + 7])
        assert cur.rowcount == len(COPY_ROWS)
    assert conn.execute(f"SELECT * FROM {target} ORDER BY id").fetchall() == COPY_ROWS


@pytest.mark.parametrize("options", ["", "(FORMAT csv)"], ids=["text", "csv"])
def test_copy_bytea_round_trip_and_matches_postgres(conn: psycopg.Connection[Any],
                                                    pg_conn: psycopg.Connection[Any],
                                                    options: str) -> None:
    """bytea travels in COPY text/csv as PostgreSQL writes it (``\\x`` + hex) and loads back."""
    blobs = [b"", b"\x00\xff\\x41,\n\t", bytes(range(256)), None]
    outputs = []
    for c in (conn, pg_conn):
        source, target = unique("copy_bytea"), unique("copy_bytea_in")
        for name in (source, target):
            c.execute(f"CREATE TABLE {name} (id INTEGER, b BYTEA)")
        with c.cursor() as cur:
            with cur.copy(f"COPY {source} FROM STDIN") as copy:
                for i, blob in enumerate(blobs):
                    copy.write_row((i, blob))
            with cur.copy(f"COPY (SELECT * FROM {source} ORDER BY id) TO STDOUT {options}"
                          ) as copy:
                data = b"".join(bytes(chunk) for chunk in copy)
            with cur.copy(f"COPY {target} FROM STDIN {options}") as copy:
                copy.write(data)
        got = [row[0] for row in c.execute(f"SELECT b FROM {target} ORDER BY id")]
        assert got == blobs
        outputs.append(data)
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("where", ["", "WHERE false"], ids=["rows", "no-rows"])
def test_copy_binary_out_round_trips_and_reads_as_rows(conn: psycopg.Connection[Any],
                                                       where: str) -> None:
    source, target = unique("copy_bin_a"), unique("copy_bin_b")
    _copy_in_rows(conn, source)
    conn.execute(COPY_TABLE.format(name=target))
    expected = [] if where else COPY_ROWS
    with conn.cursor() as cur:
        with cur.copy(f"COPY (SELECT * FROM {source} {where} ORDER BY id) TO STDOUT "
                      "(FORMAT binary)") as copy:
            copy.set_types(["int4", "text", "numeric", "date", "bool", "int4[]"])
            assert list(copy.rows()) == expected
        with cur.copy(f"COPY {source} TO STDOUT (FORMAT binary)") as copy:
            data = b"".join(bytes(chunk) for chunk in copy)
        assert data.startswith(b"PGCOPY\n\xff\r\n\x00") and data.endswith(b"\xff\xff")
        with cur.copy(f"COPY {target} FROM STDIN (FORMAT binary)") as copy:
            copy.write(data)
    assert conn.execute(f"SELECT * FROM {target} ORDER BY id").fetchall() == COPY_ROWS


def test_copy_out_sends_one_row_per_message(conn: psycopg.Connection[Any]) -> None:
    # PostgreSQL's protocol promises that each CopyData from the server is exactly one row;
    # psycopg's read_row()/rows() and other drivers depend on it.
    table = unique("copy_msgs")
    _copy_in_rows(conn, table)
    for options in ("", "(FORMAT csv)"):
        with conn.cursor() as cur, cur.copy(
                f"COPY (SELECT * FROM {table} ORDER BY id) TO STDOUT {options}") as copy:
            messages = [bytes(chunk) for chunk in copy]
        assert len(messages) == len(COPY_ROWS)
        assert messages[0].startswith(b"1") and messages[-1].startswith(b"7")


def test_copy_out_typed_rows(conn: psycopg.Connection[Any]) -> None:
    table = unique("copy_typed")
    _copy_in_rows(conn, table)
    with conn.cursor() as cur, cur.copy(
            f"COPY (SELECT id, t, amount, d, flag, nums FROM {table} ORDER BY id) TO STDOUT"
    ) as copy:
        copy.set_types(["int4", "text", "numeric", "date", "bool", "int4[]"])
        rows = list(copy.rows())
    assert rows == COPY_ROWS


def test_copy_column_list_and_large_stream(conn: psycopg.Connection[Any]) -> None:
    table = unique("copy_big")
    conn.execute(f"CREATE TABLE {table} (id INTEGER, label TEXT, extra TEXT DEFAULT 'dflt')")
    n = 50_000
    with conn.cursor() as cur:
        with cur.copy(f"COPY {table} (id, label) FROM STDIN") as copy:
            for i in range(n):
                copy.write_row((i, f"label {i}"))
        assert cur.rowcount == n
        row = cur.execute(f"SELECT count(*), sum(id), min(extra), max(label) FROM {table}"
                          ).fetchone()
    assert row == (n, n * (n - 1) // 2, "dflt", "label 9999")


def test_copy_error_leaves_table_unchanged_and_session_usable(
        conn: psycopg.Connection[Any]) -> None:
    table = unique("copy_err")
    conn.execute(f"CREATE TABLE {table} (id INTEGER, t TEXT)")
    with pytest.raises(psycopg.DataError) as info, conn.cursor() as cur, \
            cur.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
        copy.write(b"1,ok\n2,ok\nnot-an-int,bad\n")
    assert info.value.sqlstate is not None and info.value.sqlstate.startswith("22")
    assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)


def test_copy_aborted_by_client(conn: psycopg.Connection[Any]) -> None:
    table = unique("copy_abort")
    conn.execute(f"CREATE TABLE {table} (id INTEGER)")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), conn.cursor() as cur, \
            cur.copy(f"COPY {table} FROM STDIN") as copy:
        copy.write_row((1,))
        raise Boom
    assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)


# -- transactions ----------------------------------------------------------------------------------


def test_commit_and_rollback(server: RunningServer) -> None:
    table = unique("tx")
    with psycopg.connect(server.dsn(), autocommit=True) as setup:
        setup.execute(f"CREATE TABLE {table} (id INTEGER)")
    with psycopg.connect(server.dsn()) as c, \
            psycopg.connect(server.dsn(), autocommit=True) as other:
        c.execute(f"INSERT INTO {table} VALUES (1)")
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        # Not visible to another session before COMMIT.
        assert other.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        c.commit()
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert other.execute(f"SELECT count(*) FROM {table}").fetchone() == (1,)
        c.execute(f"INSERT INTO {table} VALUES (2)")
        c.rollback()
        assert c.execute(f"SELECT id FROM {table}").fetchall() == [(1,)]
        c.rollback()


def test_failed_transaction_refuses_commands_until_rollback(server: RunningServer) -> None:
    table = unique("tx_fail")
    with psycopg.connect(server.dsn()) as c:
        c.execute(f"CREATE TABLE {table} (id INTEGER)")
        c.commit()
        c.execute(f"INSERT INTO {table} VALUES (1)")
        with pytest.raises(errors.UndefinedTable):
            c.execute("SELECT * FROM no_such_table_in_tx")
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
        with pytest.raises(errors.InFailedSqlTransaction) as info:
            c.execute("SELECT 1")
        assert info.value.sqlstate == "25P02"
        with pytest.raises(errors.InFailedSqlTransaction):
            c.execute(f"INSERT INTO {table} VALUES (2)")
        c.rollback()
        assert c.execute("SELECT 1").fetchone() == (1,)
        assert c.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        # COMMIT of a failed transaction rolls back as in PostgreSQL.
        c.execute(f"INSERT INTO {table} VALUES (3)")
        with pytest.raises(errors.UndefinedTable):
            c.execute("SELECT * FROM no_such_table_in_tx")
        c.commit()
        assert c.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        c.rollback()


def test_transaction_blocks(server: RunningServer) -> None:
    table = unique("tx_block")
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute(f"CREATE TABLE {table} (id INTEGER)")
        with c.transaction():
            c.execute(f"INSERT INTO {table} VALUES (1)")
            c.execute(f"INSERT INTO {table} VALUES (2)")
        with pytest.raises(ZeroDivisionError), c.transaction():
            c.execute(f"INSERT INTO {table} VALUES (3)")
            raise ZeroDivisionError
        with pytest.raises(errors.UndefinedTable), c.transaction():
            c.execute(f"INSERT INTO {table} VALUES (4)")
            c.execute("SELECT * FROM no_such_table_in_block")
        assert c.execute(f"SELECT id FROM {table} ORDER BY id").fetchall() == [(1,), (2,)]
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


# -- errors ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def err_table(conn: psycopg.Connection[Any]) -> str:
    table = unique("errs")
    conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute(f"INSERT INTO {table} VALUES (1, 'one')")
    return table


@pytest.mark.parametrize(
    ("sql", "error", "sqlstate"),
    [
        ("SELECT * FROM no_such_table_anywhere", errors.UndefinedTable, "42P01"),
        ("SELECT no_such_column FROM {t}", errors.UndefinedColumn, "42703"),
        ("SELECT 1 AS x y", errors.SyntaxError, "42601"),
        ("INSERT INTO {t} VALUES (1, 'again')", errors.UniqueViolation, "23505"),
        ("SELECT 'abc'::integer", errors.InvalidTextRepresentation, "22P02"),
        ("SELECT * FROM {t} WHERE id = 'abc'", errors.InvalidTextRepresentation, "22P02"),
    ],
    ids=["undefined-table", "undefined-column", "syntax", "unique", "bad-input",
         "bad-input-compare"],
)
@pytest.mark.parametrize("prepare", [False, True], ids=["simple", "extended"])
def test_server_errors_carry_sqlstate_and_session_continues(
        conn: psycopg.Connection[Any], err_table: str, sql: str,
        error: type[psycopg.Error], sqlstate: str, prepare: bool) -> None:
    query = sql.format(t=err_table)
    # Without parameters psycopg uses the simple protocol; prepare=True forces the extended one.
    with pytest.raises(error) as info:
        conn.execute(query, prepare=prepare)
    assert info.value.sqlstate == sqlstate
    assert info.value.diag.message_primary
    assert info.value.diag.severity == "ERROR"
    assert conn.execute("SELECT 42").fetchone() == (42,)
    assert conn.execute(f"SELECT name FROM {err_table}").fetchall() == [("one",)]


def test_syntax_error_position_matches_postgres(conn: psycopg.Connection[Any],
                                                pg_conn: psycopg.Connection[Any]) -> None:
    positions = []
    for c in (conn, pg_conn):
        with pytest.raises(errors.SyntaxError) as info:
            c.execute("SELECT 1 AS x y")
        positions.append(info.value.diag.statement_position)
    assert positions == ["15", "15"]
    # The extended protocol reports it against the statement text too.
    with pytest.raises(errors.SyntaxError) as info:
        conn.execute("SELECT 1 AS x y", prepare=True)
    assert info.value.diag.statement_position == "15"
    with pytest.raises(errors.SyntaxError) as info:
        conn.execute("SELECT %s::int4 AS x y", [1], prepare=True)
    assert info.value.diag.statement_position == "22"
    # In a multi-statement query the position counts from the start of the whole string.
    with pytest.raises(errors.SyntaxError) as info:
        psycopg.ClientCursor(conn).execute("SELECT 1;\nSELECT 2 AS x y")
    assert info.value.diag.statement_position == str(len("SELECT 1;\nSELECT 2 AS x ") + 1)


def test_unknown_database_is_refused(server: RunningServer) -> None:
    with pytest.raises(psycopg.OperationalError) as info:
        psycopg.connect(server.dsn(dbname="no_such_db"), connect_timeout=10)
    assert 'database "no_such_db" does not exist' in str(info.value)


# -- simple protocol, several statements -----------------------------------------------------------


def test_several_statements_in_one_simple_query(conn: psycopg.Connection[Any]) -> None:
    table = unique("multi")
    cur = psycopg.ClientCursor(conn)
    cur.execute(f"CREATE TABLE {table} (id INTEGER); INSERT INTO {table} VALUES (1), (2); "
                f"SELECT id FROM {table} ORDER BY id; SELECT 'last' AS tag")
    # psycopg keeps the results of every statement; the cursor starts on the first.
    results = []
    while True:
        results.append((cur.statusmessage, cur.fetchall() if cur.description else None))
        if not cur.nextset():
            break
    assert results == [("CREATE TABLE", None), ("INSERT 0 2", None),
                       ("SELECT 2", [(1,), (2,)]), ("SELECT 1", [("last",)])]


def test_failure_in_third_statement_rolls_back_the_first(conn: psycopg.Connection[Any]) -> None:
    table = unique("multi_fail")
    conn.execute(f"CREATE TABLE {table} (id INTEGER)")
    cur = psycopg.ClientCursor(conn)
    with pytest.raises(errors.UndefinedTable):
        cur.execute(f"INSERT INTO {table} VALUES (1); INSERT INTO {table} VALUES (2); "
                    f"INSERT INTO missing_{table} VALUES (3); INSERT INTO {table} VALUES (4)")
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)


def test_explicit_commit_inside_multi_statement_query(conn: psycopg.Connection[Any]) -> None:
    table = unique("multi_commit")
    conn.execute(f"CREATE TABLE {table} (id INTEGER)")
    cur = psycopg.ClientCursor(conn)
    with pytest.raises(errors.UndefinedTable):
        cur.execute(f"BEGIN; INSERT INTO {table} VALUES (1); COMMIT; "
                    f"INSERT INTO {table} VALUES (2); SELECT * FROM missing_{table}")
    # What COMMIT covered stays; the rest of the string was one more implicit transaction.
    assert conn.execute(f"SELECT id FROM {table}").fetchall() == [(1,)]


def test_empty_query(conn: psycopg.Connection[Any]) -> None:
    cur = psycopg.ClientCursor(conn)
    cur.execute("")
    assert cur.pgresult is not None
    assert cur.pgresult.status == psycopg.pq.ExecStatus.EMPTY_QUERY
    cur.execute("-- only a comment")
    assert cur.pgresult.status == psycopg.pq.ExecStatus.EMPTY_QUERY


# -- session parameters ----------------------------------------------------------------------------


def test_reported_parameters(conn: psycopg.Connection[Any]) -> None:
    info = conn.info
    assert info.server_version >= 150000
    assert info.parameter_status("server_encoding") == "UTF8"
    assert info.parameter_status("client_encoding") == "UTF8"
    assert info.encoding == "utf-8"
    assert info.parameter_status("DateStyle") == "ISO, MDY"
    assert info.parameter_status("integer_datetimes") == "on"
    assert info.parameter_status("standard_conforming_strings") == "on"
    assert info.parameter_status("TimeZone") == "UTC"
    assert info.timezone.utcoffset(datetime(2024, 1, 1)) == timedelta(0)
    assert info.backend_pid > 0
    assert info.dbname == "pixelsql"


def test_set_reports_changed_parameter(server: RunningServer) -> None:
    with psycopg.connect(server.dsn(), autocommit=True, application_name="first") as c:
        assert c.info.parameter_status("application_name") == "first"
        c.execute("SET application_name = 'second'")
        assert c.info.parameter_status("application_name") == "second"
        assert c.execute("SHOW application_name").fetchone() == ("second",)
        c.execute("RESET application_name")  # back to the startup value, as in PostgreSQL
        assert c.info.parameter_status("application_name") == "first"


# -- large results ---------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_large_result_streams_correctly(conn: psycopg.Connection[Any], binary: bool) -> None:
    n = 200_000
    sql = (f"SELECT i, 'row ' || i AS label, i * 0.5 AS half FROM range({n}) AS t(i) "
           "ORDER BY i")
    cur = conn.cursor(binary=binary)
    count = total = 0
    first: tuple[Any, ...] | None = None
    last: tuple[Any, ...] | None = None
    for row in cur.stream(sql):
        if first is None:
            first = row
        last = row
        count += 1
        total += row[0]
        assert row[1] == f"row {row[0]}"
    assert count == n
    assert total == n * (n - 1) // 2
    assert first is not None and first[0] == 0 and float(first[2]) == 0.0
    assert last is not None and last[0] == n - 1 and float(last[2]) == (n - 1) / 2
    rows = conn.cursor(binary=binary).execute(sql).fetchall()
    assert len(rows) == n
    assert rows[12345][:2] == (12345, "row 12345") and float(rows[12345][2]) == 6172.5


@pytest.mark.parametrize("binary", [False, True])
def test_infinite_dates_and_timestamps_as_postgresql(conn: psycopg.Connection[Any],
                                                     pg_conn: psycopg.Connection[Any],
                                                     binary: bool) -> None:
    # A small result comes from DuckDB's Python values, where ±infinity and 9999-12-31 look
    # alike; the bytes must still be PostgreSQL's (raw: Python's datetime has no infinity).
    sql = (b"SELECT 'infinity'::timestamp, '-infinity'::timestamp, '-infinity'::date, "
           b"'infinity'::date, '9999-12-31'::date, '2024-02-29 12:00'::timestamp")
    got = []
    for c in (conn, pg_conn):
        c.execute("SET TimeZone = 'UTC'")
        result = c.pgconn.exec_params(sql, [], result_format=1 if binary else 0)
        assert result.status == psycopg.pq.ExecStatus.TUPLES_OK, result.error_message
        got.append([result.get_value(0, i) for i in range(result.nfields)])
    assert got[0] == got[1]
