"""The time zone (``TimeZone``), compared with PostgreSQL 15.

PostgreSQL reads a ``timestamptz`` without an offset in the session's zone, computes
``extract``, ``date_trunc`` and casts to ``date``/``timestamp`` there, and prints a
``timestamptz`` as local time with its offset (``2024-07-01 08:00:00-04``). PixelSQL has one
zone per server (``pixelsql serve --timezone``): DuckDB's TimeZone setting is locked after
start-up with the rest of its configuration, so a session may SET only that zone, and asking
for another is an error rather than wrong values.

The cases run on a PixelSQL server started with ``--timezone America/New_York`` and on
PostgreSQL 15 with that TimeZone, through psycopg, timestamptz values read as raw text.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest
from psycopg.types.string import TextLoader

from server import types as T
from tests.conftest import RunningServer, start_server
from tests.pg15 import PostgresCluster
from tests.test_codec import startup_packet
from tests.test_types import cells, fetch

ZONE = "America/New_York"
SETUP = ("DROP TABLE IF EXISTS tz_events", "CREATE TABLE tz_events (id int, ts timestamptz)")

QUERIES = [
    "SHOW timezone",
    "SELECT timestamptz '2024-07-01 12:00', timestamptz '2024-07-01 12:00+00', "
    "timestamptz '2024-01-15 12:00+00', '2024-07-01 12:00'::timestamptz",
    "SELECT extract(hour FROM timestamptz '2024-07-01 12:00+00'), "
    "date_trunc('day', timestamptz '2024-07-01 02:00+00'), "
    "(timestamptz '2024-07-01 02:00+00')::date, (timestamptz '2024-07-01 02:00+00')::timestamp",
    "SELECT timestamp '2024-07-01 12:00' AT TIME ZONE 'UTC', "
    "timestamptz '2024-07-01 12:00+00' AT TIME ZONE 'Asia/Kolkata'",
    # across the change to daylight saving time, more rows than a small result
    "SELECT g FROM generate_series(timestamptz '2024-03-09 00:00+00', "
    "timestamptz '2024-03-11 00:00+00', interval '20 minutes') g",
    "SELECT ARRAY[timestamptz '2024-01-01 00:00+00', timestamptz '2024-07-01 00:00+00']",
    "SELECT timestamptz 'infinity', timestamptz '1850-01-01 00:00+00'",
    "INSERT INTO tz_events VALUES (1, '2024-07-01 12:00'); "
    "SELECT id, ts, extract(epoch FROM ts) FROM tz_events",
]


@pytest.fixture(scope="module")
def zoned_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    srv = start_server(tmp_path_factory.mktemp("pixelsql-tz"), "--timezone", ZONE)
    yield srv
    srv.stop()


def _connect(dsn: str, **kwargs: Any) -> psycopg.Connection[Any]:
    conn = psycopg.connect(dsn, autocommit=True, **kwargs)
    conn.adapters.register_loader("timestamptz", TextLoader)
    return conn


@pytest.fixture(scope="module")
def both(zoned_server: RunningServer, pg15: PostgresCluster,
         ) -> Iterator[tuple[psycopg.Connection[Any], ...]]:
    with _connect(zoned_server.dsn()) as ours, \
            _connect(pg15.dsn(), options=f"-c TimeZone={ZONE}") as theirs:
        yield ours, theirs


def _outcome(conn: psycopg.Connection[Any], sql: str) -> object:
    for statement in SETUP:
        conn.execute(statement)
    try:
        cur = conn.execute(sql)
        while cur.nextset():
            pass
        return cur.fetchall()
    except psycopg.Error as exc:
        return "error", exc.sqlstate


@pytest.mark.parametrize("sql", QUERIES)
def test_server_time_zone_as_in_postgresql(both: tuple[psycopg.Connection[Any], ...],
                                           sql: str) -> None:
    ours, theirs = (_outcome(conn, sql) for conn in both)
    assert ours == theirs


def test_parameters_copy_and_binary_results_use_the_zone(
        both: tuple[psycopg.Connection[Any], ...]) -> None:
    """A timestamptz parameter or COPY value without an offset is local time; binary results
    are the same instants."""
    results = []
    for conn in both:
        for statement in SETUP:
            conn.execute(statement)
        text = conn.execute("SELECT %s::timestamptz", ["2024-07-01 12:00"]).fetchone()
        with conn.cursor().copy("COPY tz_events FROM STDIN") as copy:
            copy.write("2\t2024-07-01 12:00\n")
        copied = conn.execute("SELECT ts FROM tz_events").fetchall()
        binary = conn.cursor(binary=True).execute(
            "SELECT timestamptz '2024-07-01 12:00'").fetchone()
        results.append((text, copied, binary, conn.info.parameter_status("TimeZone")))
    assert results[0] == results[1]
    assert results[0][2] == (dt.datetime(2024, 7, 1, 16, 0, tzinfo=dt.UTC),)


def _sqlstate(conn: psycopg.Connection[Any], sql: str) -> str | None:
    try:
        conn.execute(sql)
    except psycopg.Error as exc:
        return exc.sqlstate
    return None


def test_a_session_may_set_only_the_servers_zone(server: RunningServer) -> None:
    """The shared server runs in UTC: another zone is refused (0A000), not ignored."""
    with _connect(server.dsn()) as conn:
        assert _sqlstate(conn, "SET TIME ZONE 'America/New_York'") == "0A000"
        assert _sqlstate(conn, "SET timezone = 'no/such_zone'") == "22023"
        assert _sqlstate(conn, "SET TIME ZONE 'utc'") is None
        assert conn.execute("SHOW timezone").fetchone() == ("UTC",)
        assert _sqlstate(conn, "SET TIME ZONE 'Etc/UTC'") is None
        assert conn.info.parameter_status("TimeZone") == "Etc/UTC"
        assert _sqlstate(conn, "SET TIME ZONE DEFAULT") is None
        assert conn.execute("SELECT timestamptz '2024-07-01 12:00'").fetchone() == (
            "2024-07-01 12:00:00+00",)


def test_another_startup_zone_is_a_warning(server: RunningServer) -> None:
    """pgjdbc sends the JVM's zone at startup: the connection is kept, in the server's zone,
    with a WARNING that says so (a NoticeResponse before ReadyForQuery)."""
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(startup_packet({"user": "tester", "database": "pixelsql",
                                     "TimeZone": "Asia/Tokyo"}))
        received = b""
        while not received.endswith(b"Z\x00\x00\x00\x05I"):
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
    assert b"SWARNING\x00" in received and b"Asia/Tokyo" in received
    assert b"TimeZone\x00UTC\x00" in received  # the ParameterStatus: the server's zone


def test_an_unknown_server_zone_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="unknown time zone"):
        start_server(tmp_path / "data", "--timezone", "No/Such_Zone", timeout=20)


# 2024-07-01, 1850-06-01 (local mean time in most zones) and 0044-03-15 BC, 12:00 UTC, as epoch
# seconds (the two systems spell a BC literal differently), infinity and NULL.
OFFSET_QUERY = ("SELECT to_timestamp(e) AS t FROM (VALUES (1719835200), (-3773736000), "
                "(-63517780800)) v(e) UNION ALL SELECT 'infinity'::timestamptz "
                "UNION ALL SELECT NULL")


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/New_York", "Etc/GMT+7"])
@pytest.mark.parametrize("rows", [1, 40], ids=["few", "vectorised"])
def test_offsets_are_printed_as_postgresql_prints_them(pg15: PostgresCluster, zone: str,
                                                       rows: int) -> None:
    """Half-hour offsets, local mean time before 1883, BC dates, infinity and NULL, through the
    per-value and the vectorised encoders."""
    query = f"SELECT t FROM ({OFFSET_QUERY}) s, range({rows}) ORDER BY t"
    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{zone}'")
    types, batch = fetch(con, query)
    ours = [row[0] for row in cells(T.encode_data_rows(batch, types, [0]))]
    with _connect(pg15.dsn(), options=f"-c TimeZone={zone}") as conn:
        theirs = [r[0] for r in conn.execute(query.replace(", range(", ", generate_series(1, "))]
    assert len(theirs) == 5 * rows
    assert [None if v is None else v.decode() for v in ours] == theirs
