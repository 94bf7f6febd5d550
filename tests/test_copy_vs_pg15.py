"""COPY … TO STDOUT and FROM STDIN in text and CSV with their options, against PostgreSQL 15.

Each case runs the same statement through psycopg's ``copy()`` on PixelSQL and on PostgreSQL
15, each on its own fresh copy of one small table (text with tabs, quotes and commas, NULLs,
an empty string, numerics, booleans, timestamps, arrays), and compares the bytes out — or,
for COPY FROM, the row count and the table's contents afterwards (as COPY text) — or the
SQLSTATE when PostgreSQL refuses the statement.
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest

SETUP = (
    "CREATE TABLE {t} (id int, t text, d numeric(8,2), b boolean, ts timestamp, arr int[])",
    "INSERT INTO {t} VALUES (1, 'plain', 1.5, true, '2024-01-02 03:04:05', ARRAY[1,2]), "
    "(2, E'tab\\there \"q\" ,comma', NULL, false, NULL, NULL), "
    "(3, '', -0.25, NULL, '1999-12-31 23:59:59.5', ARRAY[]::int[]), "
    "(4, NULL, 0, true, '2024-01-01', ARRAY[NULL,3])",
)

COPY_OUT = [
    "COPY {t} TO STDOUT",
    "COPY {t} TO STDOUT (FORMAT text, HEADER)",
    "COPY {t} TO STDOUT (NULL 'x', DELIMITER '|')",
    "COPY {t} (t, id) TO STDOUT",
    "COPY {t} TO STDOUT (FORMAT csv)",
    "COPY {t} TO STDOUT (FORMAT csv, HEADER)",
    "COPY {t} TO STDOUT WITH CSV HEADER",
    "COPY {t} TO STDOUT (FORMAT csv, DELIMITER ';', NULL 'NULL')",
    "COPY {t} TO STDOUT (FORMAT csv, QUOTE '''', ESCAPE '\\')",
    "COPY {t} TO STDOUT (FORMAT csv, FORCE_QUOTE *)",
    "COPY {t} TO STDOUT (FORMAT csv, FORCE_QUOTE (t, ID))",
    "COPY {t} TO STDOUT CSV FORCE QUOTE t, id",
    "COPY (SELECT id, t FROM {t} WHERE id > 1 ORDER BY id DESC) TO STDOUT (FORMAT csv)",
    "COPY (SELECT id, t FROM {t} ORDER BY id) TO STDOUT (FORMAT csv, FORCE_QUOTE (t))",
    # refused: the SQLSTATEs must match
    "COPY {t} TO STDOUT (FORMAT csv, FORCE_QUOTE (nope))",
    "COPY {t} TO STDOUT (FOO 1)",
    "COPY {t} TO STDOUT (FORMAT binary, HEADER)",
    "COPY {t} TO STDOUT (FORCE_QUOTE *)",
    "COPY {t} TO STDOUT (FORMAT csv, FORCE_NOT_NULL (t))",
]

COPY_IN = [
    ("COPY {t} FROM STDIN", b"5\thello\t2.50\tt\t2020-01-01 00:00:00\t{4,5}\n"
                            b"6\t\\N\t\\N\t\\N\t\\N\t\\N\n"),
    ("COPY {t} FROM STDIN", b"16\tescaped\\ttab\\nnl\\\\bs\t1\tt\t\\N\t\\N\n"),
    ("COPY {t} FROM STDIN (FORMAT text, HEADER)",
     b"id\tt\td\tb\tts\tarr\n22\th\t1\tt\t\\N\t\\N\n"),
    ("COPY {t} (id, t) FROM STDIN", b"11\tonly two\n"),
    ("COPY {t} FROM STDIN (FORMAT csv)", b'7,"a,b",3,true,2020-01-01,"{1}"\n8,,,,,\n9,"",1,f,,\n'),
    ("COPY {t} FROM STDIN (FORMAT csv, HEADER)", b"id,t,d,b,ts,arr\n10,x,1,t,,\n"),
    ("COPY {t} FROM STDIN (FORMAT csv, NULL 'NA')", b"15,NA,NA,NA,NA,NA\n"),
    ("COPY {t} FROM STDIN (FORMAT csv, FORCE_NOT_NULL (t), FORCE_NULL (d))",
     b'17,,"",t,,\n18,"",,t,,\n'),
    ("COPY {t} FROM STDIN CSV FORCE NOT NULL t", b"21,,1,t,,\n"),
    # refused
    ("COPY {t} FROM STDIN", b"12\tbad\tnot-a-number\tt\t\\N\t\\N\n"),
    ("COPY {t} FROM STDIN (FORMAT csv)", b"13,too,many,columns,here,x,y\n"),
    ("COPY {t} FROM STDIN", b"14\tmissing\n"),
    ("COPY {t} FROM STDIN (FORMAT csv, FORCE_QUOTE *)", b"19,x,1,t,,\n"),
    ("COPY {t} FROM STDIN (FORMAT csv, FORCE_NULL (nope))", b"20,x,1,t,,\n"),
]


def _fresh_table(conn: psycopg.Connection[Any]) -> str:
    table = f"copy_{uuid.uuid4().hex[:8]}"
    for sql in SETUP:
        conn.execute(sql.format(t=table))
    return table


def _copy_out(conn: psycopg.Connection[Any], sql: str) -> object:
    try:
        with conn.cursor() as cur, cur.copy(sql) as copy:
            return b"".join(bytes(data) for data in copy)
    except psycopg.Error as exc:
        return f"error {exc.sqlstate}"


def _copy_in(conn: psycopg.Connection[Any], sql: str, data: bytes, table: str) -> object:
    try:
        with conn.cursor() as cur:
            with cur.copy(sql) as copy:
                copy.write(data)
            outcome: object = f"rows {cur.rowcount}"
    except psycopg.Error as exc:
        outcome = f"error {exc.sqlstate}"
    after = _copy_out(conn, f"COPY (SELECT * FROM {table} ORDER BY id) TO STDOUT")
    return outcome, after


@pytest.fixture(scope="module")
def both(ours_and_pg15: tuple[psycopg.Connection[Any], ...],
         ) -> tuple[psycopg.Connection[Any], ...]:
    return ours_and_pg15


@pytest.mark.parametrize("sql", COPY_OUT)
def test_copy_out_matches_postgresql(both: Any, sql: str) -> None:
    results = []
    for conn in both:
        results.append(_copy_out(conn, sql.format(t=_fresh_table(conn))))
    assert results[0] == results[1]


@pytest.mark.parametrize(("sql", "data"), COPY_IN)
def test_copy_in_matches_postgresql(both: Any, sql: str, data: bytes) -> None:
    results = []
    for conn in both:
        table = _fresh_table(conn)
        results.append(_copy_in(conn, sql.format(t=table), data, table))
    assert results[0] == results[1]


# bytea in COPY text and CSV: PostgreSQL's hex format (whitespace between pairs allowed) and
# escape format (\nnn octal, \\ a backslash, other text as its UTF-8 bytes).
BYTEA_IN = [
    ("COPY {t} (id, bin) FROM STDIN",
     b"30\t\\\\x00ff\n31\tabc\\\\000\\\\\\\\d\n32\t\\\\x01 02\n33\t\xc3\xa9\n34\t\\N\n35\t\n"),
    ("COPY {t} (id, bin) FROM STDIN (FORMAT csv)", b"36,\\x0a0b\n37,abc\\000\n38,\n39,\"\"\n"),
    ("COPY {t} (id, bin) FROM STDIN", b"40\t\\\\xZZ\n"),
    ("COPY {t} (id, bin) FROM STDIN (FORMAT csv)", b"41,a\\q\n"),
]


@pytest.mark.parametrize(("sql", "data"), BYTEA_IN)
def test_bytea_copy_in_matches_postgresql(both: Any, sql: str, data: bytes) -> None:
    results = []
    for conn in both:
        table = _fresh_table(conn)
        conn.execute(f"ALTER TABLE {table} ADD COLUMN bin bytea")
        conn.execute(f"UPDATE {table} SET bin = decode('00ff5c', 'hex') WHERE id = 1")
        results.append(_copy_in(conn, sql.format(t=table), data, table))
    assert results[0] == results[1]


# Dates and times in COPY as PostgreSQL reads them with DateStyle ISO, MDY: month first,
# month names, a 12-hour clock (a US spreadsheet's CSV export).
DATETIME_IN = [
    ("COPY {t} FROM STDIN (FORMAT csv, HEADER)",
     b"id,d,ts,tm,tz\n1,05/01/2024,05/01/2024 10:11 PM,10:11 PM,2024-05-01 10:11:00+02\n"
     b"2,2024-02-03,2024-02-03 04:05:06,04:05:06,\n"
     b'3,"Jan 5, 2024",Jan 5 2024 1:02 am,12:00 AM,Jan 5 2024 1:02 pm UTC\n'),
    ("COPY {t} FROM STDIN", b"4\t20240229\t2024-02-29T23:59:59\t11:59:59 pm\t\\N\n"),
    # Two-digit years (00-69 → 20xx, 70-99 → 19xx); DuckDB alone reads 01/05/24 as 0001-05-24.
    ("COPY {t} FROM STDIN (FORMAT csv)",
     b"6,01/05/24,12-31-69 23:59,,\n7,1.5.70,\"Jan 5, 99 10:11 PM\",,\n"),
    ("COPY {t} FROM STDIN (FORMAT csv)", b"5,13/40/2024,,,\n"),
]


@pytest.mark.parametrize(("sql", "data"), DATETIME_IN)
def test_datetime_copy_in_matches_postgresql(both: Any, sql: str, data: bytes) -> None:
    results = []
    for conn in both:
        table = f"copy_dt_{uuid.uuid4().hex[:8]}"
        conn.execute(f"CREATE TABLE {table} (id int, d date, ts timestamp, tm time, "
                     "tz timestamptz)")
        results.append(_copy_in(conn, sql.format(t=table), data, table))
    assert results[0] == results[1]


def test_intervals_written_out_read_back_in_as_postgresql(both: Any) -> None:
    """PostgreSQL's interval output (``-1 days +02:00:00``) and its other input forms come in
    through COPY, and what COPY TO writes comes back in unchanged."""
    data = (b"1\t-1 days +02:00:00\n2\t1-2\n3\tP1DT2H\n4\t-1 years -2 mons +3 days -04:05:06\n"
            b"5\t1 day\n6\t\\N\n")
    results = []
    for conn in both:
        table = f"copy_iv_{uuid.uuid4().hex[:8]}"
        conn.execute(f"CREATE TABLE {table} (id int, d interval)")
        first = _copy_in(conn, f"COPY {table} FROM STDIN", data, table)
        written = _copy_out(conn, f"COPY {table} TO STDOUT")
        conn.execute(f"DELETE FROM {table}")
        assert isinstance(written, bytes)
        again = _copy_in(conn, f"COPY {table} FROM STDIN", written, table)
        results.append((first, again, conn.execute(
            f"SELECT id FROM {table} WHERE d = '-1 days +02:00:00' OR d IN ('1-2', "
            "'+1 day') ORDER BY id").fetchall()))
    assert results[0] == results[1]
    assert results[0][1][0] == "rows 6"


def test_two_dimensional_array_copy_in_matches_postgresql(both: Any) -> None:
    results = []
    for conn in both:
        table = f"copy_grid_{uuid.uuid4().hex[:8]}"
        conn.execute(f"CREATE TABLE {table} (id int, m int[][])")
        results.append(_copy_in(conn, f"COPY {table} FROM STDIN",
                                b"1\t{{1,2},{3,4}}\n2\t{}\n3\t\\N\n", table))
    assert results[0] == results[1]
