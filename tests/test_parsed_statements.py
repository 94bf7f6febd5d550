"""engine.session._ParsedStatements: DuckDB's parse of repeated statements, and the plan of
repeated queries, reused.

A session executes the kept ``duckdb.Statement`` (or ``EXECUTE`` of a prepared plan) instead of
the text; these check that doing so gives the same results and errors as the text, follows
schema changes, and that the cache stays bounded.
"""

from __future__ import annotations

import time

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


def _rows(parsed: _ParsedStatements, cur: duckdb.DuckDBPyConnection, text: str,
          values: list[object] | None = None) -> list[tuple[object, ...]]:
    parsed.execute(cur, text, values)
    return cur.fetchall()


def _planned(parsed: _ParsedStatements, text: str) -> bool:
    entry = parsed._entries.get(text)
    return entry is not None and entry.plan is not None


def test_queries_and_dml_are_kept_parsed(cur: duckdb.DuckDBPyConnection) -> None:
    parsed = _ParsedStatements()
    query = "SELECT sum(a) FROM t WHERE a > $1"
    assert _rows(parsed, cur, query, [1]) == [(5,)]
    first = parsed._entries[query].parsed
    assert isinstance(first, duckdb.Statement)
    assert _rows(parsed, cur, query, [2]) == [(3,)]
    assert parsed._entries[query].parsed is first
    assert not _planned(parsed, query)  # parameters: parsed, not planned
    for value in (10, 20):
        parsed.execute(cur, "INSERT INTO t VALUES ($1)", [value])
    assert not _planned(parsed, "INSERT INTO t VALUES ($1)")
    assert _rows(parsed, cur, query, [5]) == [(30,)]


def test_a_repeated_query_is_planned_once_and_follows_changes(
        cur: duckdb.DuckDBPyConnection) -> None:
    parsed = _ParsedStatements()
    query = "SELECT * FROM t ORDER BY 1"
    assert _rows(parsed, cur, query) == [(1,), (2,), (3,)]
    assert not _planned(parsed, query)  # once: parsed only
    assert _rows(parsed, cur, query) == [(1,), (2,), (3,)]
    assert _planned(parsed, query)
    cur.execute("INSERT INTO t VALUES (4)")
    assert _rows(parsed, cur, query) == [(1,), (2,), (3,), (4,)]
    cur.execute("ALTER TABLE t ADD COLUMN b VARCHAR DEFAULT 'x'")
    assert _rows(parsed, cur, query)[0] == (1, "x")
    assert [d[0] for d in cur.description or []] == ["a", "b"]
    cur.execute("DROP TABLE t")
    cur.execute("CREATE TABLE t (z VARCHAR)")
    cur.execute("INSERT INTO t VALUES ('new')")
    assert _rows(parsed, cur, query) == [("new",)]
    cur.execute("CREATE SCHEMA s")
    cur.execute("CREATE TABLE s.t AS SELECT 42 AS other")
    cur.execute("SET search_path = 's'")
    assert _rows(parsed, cur, query) == [(42,)]


def test_a_plan_runs_its_functions_each_time(cur: duckdb.DuckDBPyConnection) -> None:
    parsed = _ParsedStatements()
    cur.execute("CREATE SEQUENCE seq")
    values = [_rows(parsed, cur, "SELECT nextval('seq'), random(), now()::VARCHAR")[0]
              for _ in range(3) if time.sleep(0.002) is None]
    assert [v[0] for v in values] == [1, 2, 3]
    assert len({v[1] for v in values}) == 3
    cur.execute("BEGIN")  # now() is the transaction's start, as in PostgreSQL
    assert _rows(parsed, cur, "SELECT now()::VARCHAR") == _rows(parsed, cur,
                                                                "SELECT now()::VARCHAR")
    cur.execute("COMMIT")


def test_a_plan_that_no_longer_binds_fails_as_the_text_does(
        cur: duckdb.DuckDBPyConnection) -> None:
    parsed = _ParsedStatements()
    query = "SELECT a FROM t"
    for _ in range(2):
        parsed.execute(cur, query, None)
    assert _planned(parsed, query)
    cur.execute("DROP TABLE t")
    with pytest.raises(duckdb.CatalogException) as from_text:
        cur.execute(query)
    with pytest.raises(duckdb.CatalogException) as kept:
        parsed.execute(cur, query, None)
    assert str(kept.value) == str(from_text.value)  # with its position in the text
    cur.execute("CREATE TABLE t (a INTEGER)")
    assert _rows(parsed, cur, query) == []


@pytest.mark.parametrize("text", [
    "SELECT 1; SELECT 2",  # several statements: run as text
    "CREATE TABLE u (b INTEGER)",
    "SET threads = 1",
    "SELECT '" + "x" * 20_000 + "'",  # longer than the parses kept
])
def test_other_statements_run_from_their_text(cur: duckdb.DuckDBPyConnection,
                                              text: str) -> None:
    parsed = _ParsedStatements()
    parsed.execute(cur, text, None)
    entry = parsed._entries.get(text)
    assert entry is None or entry.parsed is None


def test_parser_errors_are_duckdbs(cur: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(duckdb.ParserException) as from_text:
        cur.execute("SELEC 1")
    with pytest.raises(duckdb.ParserException) as parsed:
        _ParsedStatements().execute(cur, "SELEC 1", None)
    assert str(parsed.value) == str(from_text.value)


def test_the_least_recently_used_goes_first_with_its_plan(
        cur: duckdb.DuckDBPyConnection) -> None:
    parsed = _ParsedStatements(limit=2)
    for _ in range(2):
        parsed.execute(cur, "SELECT 1", None)
    one = parsed._entries["SELECT 1"]
    name = one.name
    assert name.startswith(_ParsedStatements.PLAN_PREFIX)
    parsed.execute(cur, "SELECT 2", None)
    parsed.execute(cur, "SELECT 1", None)  # now the most recent
    parsed.execute(cur, "SELECT 3", None)  # "SELECT 2" goes
    assert parsed._entries["SELECT 1"] is one and "SELECT 2" not in parsed._entries
    parsed.execute(cur, "SELECT 4", None)  # "SELECT 1" goes, and its plan with it
    with pytest.raises(duckdb.BinderException, match="does not exist"):
        cur.execute(f"EXECUTE {name}")


def test_plans_belong_to_their_connection(cur: duckdb.DuckDBPyConnection) -> None:
    parsed = _ParsedStatements()
    for _ in range(2):
        parsed.execute(cur, "SELECT a FROM t ORDER BY a", None)
    other = cur.cursor()
    assert _rows(parsed, other, "SELECT a FROM t ORDER BY a") == [(1,), (2,), (3,)]
    assert not _planned(parsed, "SELECT a FROM t ORDER BY a")


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


def test_a_query_that_fails_is_not_planned(cur: duckdb.DuckDBPyConnection) -> None:
    """DuckDB reports an error such as this one at EXECUTE without the text's position."""
    parsed = _ParsedStatements()
    for _ in range(3):
        with pytest.raises(duckdb.ConversionException, match="LINE 1"):
            parsed.execute(cur, "SELECT 'x'::int", None)
    assert not _planned(parsed, "SELECT 'x'::int")


def test_a_planned_query_meeting_bad_data_fails_as_postgresql_does(
        cur: duckdb.DuckDBPyConnection) -> None:
    parsed = _ParsedStatements()
    cur.execute("CREATE TABLE s (v VARCHAR)")
    cur.execute("INSERT INTO s VALUES ('1')")
    for _ in range(2):
        assert _rows(parsed, cur, "SELECT v::int FROM s") == [(1,)]
    assert _planned(parsed, "SELECT v::int FROM s")
    cur.execute("INSERT INTO s VALUES ('x')")
    with pytest.raises(duckdb.ConversionException, match="Could not convert string 'x'") as bad:
        parsed.execute(cur, "SELECT v::int FROM s", None)
    assert "LINE 1" not in str(bad.value)  # no position: PostgreSQL has none for these either


def test_column_type_rewrites_are_made_once_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # sum(int4) → bigint tokenizes the statement; a dashboard's repeated query should pay that
    # once, until the schema changes (or a transaction that changed it ends).
    import engine.session as session_module

    calls: list[str] = []
    real = session_module.with_integer_sums

    def counted(sql: str, columns: object) -> str | None:
        calls.append(sql)
        return real(sql, columns)  # type: ignore[arg-type]

    counted.__name__ = real.__name__
    monkeypatch.setattr(session_module, "with_integer_sums", counted)
    db = Database(None)
    session = Session(db, "tester")

    def total() -> object:
        outcome = session.execute(split("SELECT sum(v) FROM n")[0])
        assert isinstance(outcome, RowsOutcome)
        batch = outcome.rows.next_batch()
        assert isinstance(batch, PyRowBatch)
        return batch.rows[0][0]

    try:
        session.execute(split("CREATE TABLE n (v INTEGER)")[0])
        session.execute(split("INSERT INTO n VALUES (2147483647), (2147483647)")[0])
        assert [total() for _ in range(3)] == [4294967294] * 3
        assert len([c for c in calls if "sum(v)" in c]) == 1
        session.execute(split("ALTER TABLE n ALTER COLUMN v TYPE DOUBLE")[0])
        assert total() == 4294967294.0
        assert len([c for c in calls if "sum(v)" in c]) == 2
    finally:
        session.close()
        db.close()


def test_schema_caches_make_room_and_forget_on_schema_change() -> None:
    from engine.session import _SchemaCache

    db = Database(None)
    try:
        cache: _SchemaCache[str, int] = _SchemaCache(db, 2)
        for key, value in (("a", 1), ("b", 2), ("c", 3)):  # "a", the oldest, makes room
            assert cache.get(key) is None
            cache.put(key, value)
        assert [cache.get(k) for k in "abc"] == [None, 2, 3]
        cache.put("b", 20)  # replacing an entry evicts nothing
        assert [cache.get(k) for k in "bc"] == [20, 3]
        db.bump_schema_version()
        assert [cache.get(k) for k in "bc"] == [None, None]
        assert cache.get("d") is None
        db.bump_schema_version()  # found before this change: not kept
        cache.put("d", 4)
        assert cache.get("d") is None
    finally:
        db.close()
