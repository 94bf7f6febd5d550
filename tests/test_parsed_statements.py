"""engine.session._ParsedStatements: DuckDB's parse of repeated statements, reused.

A session executes the kept ``duckdb.Statement`` instead of the text; these check that doing
so gives the same results and errors as the text, and that the cache stays bounded.
"""

from __future__ import annotations

import duckdb
import pytest

from engine.results import PyRowBatch, RowsOutcome
from engine.session import Database, Session, _ParsedStatements
from engine.statements import split


@pytest.fixture
def cur() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (a INTEGER)")
    con.execute("INSERT INTO t VALUES (1), (2), (3)")
    return con.cursor()


def test_queries_and_dml_are_kept_parsed(cur: duckdb.DuckDBPyConnection) -> None:
    parsed = _ParsedStatements()
    query = "SELECT sum(a) FROM t WHERE a > $1"
    first = parsed.get(cur, query)
    assert isinstance(first, duckdb.Statement)
    assert parsed.get(cur, query) is first
    assert cur.execute(first, [1]).fetchall() == [(5,)]
    assert cur.execute(first, [2]).fetchall() == [(3,)]
    insert = parsed.get(cur, "INSERT INTO t VALUES ($1)")
    cur.execute(insert, [10])
    cur.execute(insert, [20])
    assert cur.execute(first, [5]).fetchall() == [(30,)]


def test_a_parse_stays_valid_when_the_schema_changes(cur: duckdb.DuckDBPyConnection) -> None:
    parsed = _ParsedStatements()
    query = parsed.get(cur, "SELECT * FROM t ORDER BY 1")
    cur.execute("DROP TABLE t")
    cur.execute("CREATE TABLE t (a VARCHAR)")
    cur.execute("INSERT INTO t VALUES ('x')")
    assert cur.execute(query).fetchall() == [("x",)]


@pytest.mark.parametrize("text", [
    "SELECT 1; SELECT 2",  # several statements: run as text
    "CREATE TABLE u (b INTEGER)",
    "SET threads = 1",
    "SELECT " + "1 + " * 5000 + "1",  # longer than the parses kept
])
def test_other_statements_run_from_their_text(cur: duckdb.DuckDBPyConnection,
                                              text: str) -> None:
    assert _ParsedStatements().get(cur, text) == text


def test_parser_errors_are_duckdbs(cur: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(duckdb.ParserException) as from_text:
        cur.execute("SELEC 1")
    with pytest.raises(duckdb.ParserException) as parsed:
        _ParsedStatements().get(cur, "SELEC 1")
    assert str(parsed.value) == str(from_text.value)


def test_the_least_recently_used_parse_goes_first(cur: duckdb.DuckDBPyConnection) -> None:
    parsed = _ParsedStatements(limit=2)
    one = parsed.get(cur, "SELECT 1")
    two = parsed.get(cur, "SELECT 2")
    assert parsed.get(cur, "SELECT 1") is one  # now the most recent
    parsed.get(cur, "SELECT 3")  # "SELECT 2" goes
    assert parsed.get(cur, "SELECT 1") is one
    assert parsed.get(cur, "SELECT 2") is not two


def test_a_session_answers_the_same_through_a_kept_parse() -> None:
    db = Database(None)
    session = Session(db, "tester")
    try:
        for sql in ("CREATE TABLE k (id INTEGER PRIMARY KEY, v VARCHAR)",
                    "INSERT INTO k VALUES (1, 'a'), (2, 'b')"):
            session.execute(split(sql)[0])
        stmt = split("SELECT v FROM k WHERE id = $1")[0]
        for key, expected in ((1, "a"), (2, "b"), (1, "a"), (3, None)):
            outcome = session.execute(stmt, [key])
            assert isinstance(outcome, RowsOutcome)
            batch = outcome.rows.next_batch()
            assert batch is None or isinstance(batch, PyRowBatch)
            assert (batch.rows if batch is not None else []) == \
                ([(expected,)] if expected else [])
    finally:
        session.close()
        db.close()
