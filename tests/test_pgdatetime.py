"""engine.pgdatetime: PostgreSQL's date/time input forms as DuckDB expressions."""

from __future__ import annotations

import pytest

from engine.errors import SqlError
from engine.pgdatetime import HINT, datetime_literal, interval_fields, interval_literal


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("Jan 5, 2024", "date", "'2024-01-05'"),
    ("January 5 2024", "date", "'2024-01-05'"),
    ("5 Jan 2024", "date", "'2024-01-05'"),
    ("05-Jan-2024", "date", "'2024-01-05'"),
    ("2024 Sept 30", "date", "'2024-09-30'"),
    ("05/01/2024", "date", "'2024-05-01'"),  # DateStyle MDY: month first
    ("2024/1/5", "date", "'2024-01-05'"),
    ("20240105", "date", "'2024-01-05'"),
    ("01/05/24", "date", "'2024-01-05'"),  # two-digit years: 00-69 → 20xx
    ("1-5-70", "date", "'1970-01-05'"),  # 70-99 → 19xx
    ("Jan 5, 99", "date", "'1999-01-05'"),
    ("5 Jan 24", "date", "'2024-01-05'"),
    ("12/31/69 23:59", "timestamp", "'2069-12-31 23:59:00'"),
    ("2024-01-05 10:11 PM", "timestamp", "'2024-01-05 22:11:00'"),
    ("Sept 30, 2024 12:00 AM", "timestamp", "'2024-09-30 00:00:00'"),
    ("05-Jan-2024 3:04:05.5 pm +02", "timestamptz", "'2024-01-05 15:04:05.5 +02'"),
    ("10:11 PM", "time", "'22:11:00'"),
    ("12:30 a.m.", "time", "'00:30:00'"),
    ("now", "timestamptz", "CAST(current_timestamp AS TIMESTAMPTZ)"),
    ("today", "date", "CAST(current_date AS DATE)"),
    (" Tomorrow ", "timestamp", "CAST(current_date + 1 AS TIMESTAMP)"),
    ("yesterday", "date", "CAST(current_date - 1 AS DATE)"),
    ("allballs", "time", "TIME '00:00:00'"),
])
def test_postgresql_forms(text: str, kind: str, expected: str) -> None:
    assert datetime_literal(text, kind) == expected


@pytest.mark.parametrize(("text", "kind"), [
    ("2024-01-05", "date"),  # ISO: DuckDB reads it
    ("2024-01-05 10:11", "timestamp"),
    ("2024-07-05 10:11:12 Europe/Paris", "timestamptz"),
    ("10:11:12", "time"),
    ("epoch", "timestamp"),
    ("infinity", "date"),
    ("hello", "date"),  # no form known here: DuckDB says what is wrong
    ("Jan 5, 2024 10:11", "date"),
])
def test_left_to_duckdb(text: str, kind: str) -> None:
    assert datetime_literal(text, kind) is None


@pytest.mark.parametrize(("text", "kind"), [
    ("13/40/2024", "date"), ("Feb 32, 2024", "timestamp"), ("13:00 PM", "time"),
    ("24-01-05", "date")])  # MDY: month 24
def test_out_of_range(text: str, kind: str) -> None:
    with pytest.raises(SqlError) as info:
        datetime_literal(text, kind)
    assert info.value.sqlstate == "22008"


def test_hint_finds_the_forms_in_a_statement() -> None:
    assert HINT.search("INSERT INTO t VALUES (1, 'Jan 5, 2024')")
    assert HINT.search("INSERT INTO t VALUES ('now')")
    assert HINT.search("UPDATE t SET at = '10:11 pm'")
    assert HINT.search("SELECT * FROM t WHERE d = '01-05-24'")
    assert not HINT.search("SELECT * FROM t WHERE d = '2024-01-05'")
    assert not HINT.search("INSERT INTO t VALUES (1, 'plain text', '2024-01-05')")


@pytest.mark.parametrize(("text", "fields"), [
    ("-1 days +02:00:00", (0, -1, 7_200_000_000)),  # PostgreSQL's own output
    ("1 year 2 mons 3 days 04:05:06.5", (14, 3, 14_706_500_000)),
    ("-1 year +3 mons", (-9, 0, 0)),
    ("+5 minutes", (0, 0, 300_000_000)),
    ("1-2", (14, 0, 0)), ("-1-2", (-14, 0, 0)),  # SQL standard years-months
    ("3 4:05:06", (0, 3, 14_706_000_000)),  # days before a time
    ("-3 4:05:06", (0, -3, 14_706_000_000)),
    ("P1Y2M3DT4H5M6.5S", (14, 3, 14_706_500_000)), ("PT1.5S", (0, 0, 1_500_000)),
    ("P1.5Y", (18, 0, 0)),
    ("1.5 years", (18, 0, 0)), ("1.5 months", (1, 15, 0)),  # fractions cascade down
    ("1.5 weeks", (0, 10, 43_200_000_000)), ("1.5 days", (0, 1, 43_200_000_000)),
    ("0.000001 seconds", (0, 0, 1)), ("10", (0, 0, 10_000_000)), ("1:30.5", (0, 0, 90_500_000)),
    ("@ 1 hour ago", (0, 0, -3_600_000_000)), ("1 day ago", (0, -1, 0)),
    ("2 weeks 1 day", (0, 15, 0)), ("1 decade", (120, 0, 0)),
])
def test_interval_text_as_postgresql_reads_it(text: str, fields: tuple[int, int, int]) -> None:
    assert interval_fields(text) == fields
    months, days, us = fields  # and the literal DuckDB reads back, field by field
    assert interval_literal(text) == f"'{months} months {days} days {us} microseconds'"


@pytest.mark.parametrize(("text", "sqlstate"), [
    ("garbage", "22007"), ("1 fortnight", "22007"), ("P", "22007"), (" P1D", "22007"),
    ("", "22007"), ("99999999999 years", "22015")])
def test_interval_text_refused_as_postgresql_refuses_it(text: str, sqlstate: str) -> None:
    with pytest.raises(SqlError) as info:
        interval_fields(text)
    assert info.value.sqlstate == sqlstate


def test_only_intervals_duckdb_cannot_read_are_rewritten() -> None:
    assert datetime_literal("1 day 02:00:00", "interval") is None
    assert datetime_literal("-1 days +02:00:00", "interval") is not None
    assert HINT.search("SELECT * FROM t WHERE d = '-1 days +02:00:00'")
    assert HINT.search("INSERT INTO t VALUES (1, '1-2')")
    assert not HINT.search("INSERT INTO t VALUES (1, '2024-01-05 10:00+02')")
