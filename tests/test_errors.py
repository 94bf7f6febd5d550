"""DuckDB errors → SQLSTATE, PostgreSQL-style message and position (engine/errors.py)."""

from __future__ import annotations

import duckdb
import pytest

from engine.errors import from_duckdb

CASES = [
    ("select * from nosuch", "42P01", 'relation "nosuch" does not exist', 15),
    ("select b from t", "42703", 'column "b" does not exist', 8),
    ("create table t (a int)", "42P07", 'relation "t" already exists', None),
    ("select foo(1)", "42883", "function foo does not exist", 8),
    ("selec 1", "42601", 'syntax error at or near "selec"', 1),
    ("select 'x'::int", "22P02", None, 11),  # DuckDB marks the cast
    ("select 2147483647::int + 1", "22003", None, None),
    ("insert into t values (1), (1)", "23505", None, None),
    ("insert into t values (null)", "23502", None, None),
    ("select 1,\n  nosuchcol from t", "42703", 'column "nosuchcol" does not exist', 13),
]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("create table t (a int primary key)")
    return c


@pytest.mark.parametrize(("sql", "state", "message", "position"), CASES)
def test_duckdb_error_mapping(con: duckdb.DuckDBPyConnection, sql: str, state: str,
                              message: str | None, position: int | None) -> None:
    with pytest.raises(duckdb.Error) as info:
        con.execute(sql)
    err = from_duckdb(info.value, sql)
    assert err.sqlstate == state
    if message is not None:
        assert err.message == message
    assert err.position == position
    assert "LINE 1" not in err.message


def test_interrupt_is_query_canceled() -> None:
    err = from_duckdb(duckdb.InterruptException("INTERRUPT Error: Interrupted!"))
    assert (err.sqlstate, err.message) == ("57014", "canceling statement due to user request")
