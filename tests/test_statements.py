"""Statement splitting and classification tables (engine/statements.py, engine/lexer.py)."""

from __future__ import annotations

import pytest

from engine.errors import SqlError
from engine.params import infer_param_types, parse_set
from engine.statements import CopyFormat, Kind, select_into_as_create, split

# (query string, [(statement text, kind, tag, param count)])
SPLITS = [
    ("select 1", [("select 1", Kind.QUERY, "SELECT", 0)]),
    ("select 1; select 2;", [("select 1", Kind.QUERY, "SELECT", 0),
                             ("select 2", Kind.QUERY, "SELECT", 0)]),
    ("select ';' as a; -- c;\nselect 2", [("select ';' as a", Kind.QUERY, "SELECT", 0),
                                         ("select 2", Kind.QUERY, "SELECT", 0)]),
    ("select $$a;b$$, $t$;$t$", [("select $$a;b$$, $t$;$t$", Kind.QUERY, "SELECT", 0)]),
    ("select E'\\';' /* ; /* nested ; */ */", [("select E'\\';'", Kind.QUERY, "SELECT", 0)]),
    ('select 1 as ";"', [('select 1 as ";"', Kind.QUERY, "SELECT", 0)]),
    ("insert into t values ($1,$2,$3)", [("insert into t values ($1,$2,$3)", Kind.DML,
                                          "INSERT", 3)]),
    ("UPDATE t SET a = $2 WHERE b = $1", [("UPDATE t SET a = $2 WHERE b = $1", Kind.DML,
                                           "UPDATE", 2)]),
    ("delete from t", [("delete from t", Kind.DML, "DELETE", 0)]),
    ("create table t (a int)", [("create table t (a int)", Kind.UTILITY, "CREATE TABLE", 0)]),
    ("create or replace temp view v as select 1",
     [("create or replace temp view v as select 1", Kind.UTILITY, "CREATE VIEW", 0)]),
    ("create table t2 as select 1", [("create table t2 as select 1", Kind.UTILITY, "SELECT",
                                      0)]),
    ("create unique index i on t (a)", [("create unique index i on t (a)", Kind.UTILITY,
                                         "CREATE INDEX", 0)]),
    ("drop table if exists t", [("drop table if exists t", Kind.UTILITY, "DROP TABLE", 0)]),
    ("BEGIN; commit; ROLLBACK; start transaction; end", [
        ("BEGIN", Kind.BEGIN, "BEGIN", 0), ("commit", Kind.COMMIT, "COMMIT", 0),
        ("ROLLBACK", Kind.ROLLBACK, "ROLLBACK", 0),
        ("start transaction", Kind.BEGIN, "START TRANSACTION", 0),
        ("end", Kind.COMMIT, "COMMIT", 0)]),
    ("with x as (select 1) select * from x",
     [("with x as (select 1) select * from x", Kind.QUERY, "SELECT", 0)]),
    ("with x as (select 1) insert into t select * from x",
     [("with x as (select 1) insert into t select * from x", Kind.DML, "INSERT", 0)]),
    ("create table t2 as select 1 with no data",
     [("create table t2 as select 1 with no data", Kind.UTILITY, "CREATE TABLE AS", 0)]),
    ("select a into t3 from t where a > $1",
     [("select a into t3 from t where a > $1", Kind.UTILITY, "SELECT", 1)]),
    ("with x as (select 1) select * into t4 from x",
     [("with x as (select 1) select * into t4 from x", Kind.UTILITY, "SELECT", 0)]),
    ("show tables", [("show tables", Kind.QUERY, "SHOW", 0)]),
    ("  ", [("", Kind.EMPTY, "", 0)]),
    ("-- only a comment", [("", Kind.EMPTY, "", 0)]),
    (";;", [("", Kind.EMPTY, "", 0)]),
]


@pytest.mark.parametrize(("sql", "expected"), SPLITS)
def test_split_and_classify(sql: str, expected: list[tuple[str, Kind, str, int]]) -> None:
    got = [(s.text, s.kind, s.tag, s.param_count) for s in split(sql)]
    assert got == expected


# PostgreSQL's SELECT … INTO as the CREATE TABLE … AS DuckDB runs (None: not a SELECT INTO).
SELECT_INTO = [
    ("SELECT a, b INTO t2 FROM t WHERE a > 0", "CREATE TABLE t2 AS SELECT a, b FROM t WHERE a > 0"),
    ("select * into temp table t4 from t", "CREATE TEMPORARY TABLE t4 AS select * from t"),
    ("SELECT * INTO TEMPORARY t4 FROM t", "CREATE TEMPORARY TABLE t4 AS SELECT * FROM t"),
    ("SELECT a INTO UNLOGGED t5 FROM t", "CREATE TABLE t5 AS SELECT a FROM t"),
    ('SELECT 1 INTO public."Odd Name"', 'CREATE TABLE public."Odd Name" AS SELECT 1'),
    ("WITH x AS (SELECT 1 AS a) SELECT a INTO t6 FROM x",
     "CREATE TABLE t6 AS WITH x AS (SELECT 1 AS a) SELECT a FROM x"),
    ("SELECT (SELECT 1) INTO t7 FROM t", "CREATE TABLE t7 AS SELECT (SELECT 1) FROM t"),
    ("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", None),
    ("SELECT * FROM t WHERE a IN (SELECT 1)", None),
    ("INSERT INTO t SELECT 1", None),
    ("SELECT 1 INTO", None),
]


@pytest.mark.parametrize(("sql", "expected"), SELECT_INTO)
def test_select_into_as_create(sql: str, expected: str | None) -> None:
    assert select_into_as_create(sql) == expected
    assert split(sql)[0].select_into is (expected is not None)


def test_statement_offsets_point_into_the_query() -> None:
    sql = "select 1;\n  select 2"
    assert [sql[s.offset:s.offset + len(s.text)] for s in split(sql)] == ["select 1", "select 2"]


def test_returning_makes_dml_return_rows() -> None:
    [stmt] = split("insert into t values (1) returning *")
    assert stmt.returns_rows
    [stmt] = split("insert into t values (1)")
    assert not stmt.returns_rows


@pytest.mark.parametrize("sql", ["select 'abc", 'select "abc', "select $$x", "/* open"])
def test_unterminated_tokens_are_syntax_errors_with_position(sql: str) -> None:
    with pytest.raises(SqlError) as info:
        split(sql)
    assert info.value.sqlstate == "42601"
    assert info.value.position is not None


COPIES = [
    ("copy t from stdin", ("in", "t", (), None, CopyFormat.TEXT, "\t", "\\N", False)),
    ("COPY t (a, \"B\") FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')",
     ("in", "t", ("a", '"B"'), None, CopyFormat.CSV, ";", "", True)),
    ("copy public.t to stdout with csv header",
     ("out", "public.t", (), None, CopyFormat.CSV, ",", "", True)),
    ("copy (select 1, 'a') to stdout", ("out", None, (), "select 1, 'a'", CopyFormat.TEXT,
                                        "\t", "\\N", False)),
    ("copy t from stdin with null as 'NUL' delimiter as '|'",
     ("in", "t", (), None, CopyFormat.TEXT, "|", "NUL", False)),
    ("copy t from stdin (format binary)", ("in", "t", (), None, CopyFormat.BINARY, "\t", "\\N",
                                           False)),
]


@pytest.mark.parametrize(("sql", "expected"), COPIES)
def test_copy_specs(sql: str, expected: tuple[object, ...]) -> None:
    [stmt] = split(sql)
    assert stmt.kind is (Kind.COPY_IN if expected[0] == "in" else Kind.COPY_OUT)
    c = stmt.copy
    assert c is not None
    assert (c.direction, c.table, c.columns, c.query, c.format, c.delimiter, c.null,
            c.header) == expected


def test_copy_to_a_file_is_left_to_duckdb() -> None:
    [stmt] = split("copy t to 'out.csv'")
    assert stmt.kind is Kind.UTILITY and stmt.copy is None


TABLES = {"t": {"id": "INTEGER", "name": "VARCHAR", "price": "DECIMAL(10,2)"}}

PARAMS = [
    ("select * from t where id = $1", ("INTEGER",)),
    ("select * from t where name = any($1) and id <> all(($2))", ("VARCHAR[]", "INTEGER[]")),
    ("select * from t x where x.name = $1 and x.id in ($2, $3)",
     ("VARCHAR", "INTEGER", "INTEGER")),
    ("select * from t where id between $1 and $2 limit $3 offset $4",
     ("INTEGER", "INTEGER", "BIGINT", "BIGINT")),
    ("select $1::int8, cast($2 as date), $3", ("BIGINT", "DATE", "VARCHAR")),
    ("insert into t (price, id) values ($1,$2)", ("DECIMAL(10,2)", "INTEGER")),
    ("insert into t values ($1, $2, $3)", ("INTEGER", "VARCHAR", "DECIMAL(10,2)")),
    ("update t set price = $1 where name = $2", ("DECIMAL(10,2)", "VARCHAR")),
    # the other arguments' common type, as PostgreSQL resolves it
    ("select coalesce(id, $1), greatest($2, price), least(name, $3), nullif(id, $4) from t",
     ("INTEGER", "DECIMAL(10,2)", "VARCHAR", "INTEGER")),
    ("select case when id > 0 then $1 else price end, case when true then name else $2 end "
     "from t", ("DECIMAL(10,2)", "VARCHAR")),
    ("insert into t (price, id) select $1, $2", ("DECIMAL(10,2)", "INTEGER")),
    ("select case when $1 then 1 end from t where $2 and not $3", ("BOOLEAN",) * 3),
    # a literal on the other side: int4 / int8 by size, numeric, as PostgreSQL
    ("select $1 + 1, $2 + 3000000000, $3 * 1.5", ("INTEGER", "BIGINT", "DECIMAL(38,10)")),
]


@pytest.mark.parametrize(("sql", "expected"), PARAMS)
def test_param_type_inference(sql: str, expected: tuple[str, ...]) -> None:
    [stmt] = split(sql)
    assert infer_param_types(stmt, (), lambda table: TABLES.get(table, {})) == expected


def test_declared_param_types_win() -> None:
    [stmt] = split("select * from t where id = $1")
    assert infer_param_types(stmt, ("BIGINT",), lambda table: TABLES[table]) == ("BIGINT",)


@pytest.mark.parametrize(("sql", "expected"), [
    ("SET application_name = 'psql'", ("application_name", "psql")),
    ("set TIME ZONE 'UTC'", ("timezone", "UTC")),
    ("SET extra_float_digits TO 3", ("extra_float_digits", "3")),
    ("set session search_path = a, b", ("search_path", "a, b")),
    ("SET datestyle TO DEFAULT", ("datestyle", None)),
    ("SET NAMES 'UTF8'", ("client_encoding", "UTF8")),
])
def test_parse_set(sql: str, expected: tuple[str, str | None]) -> None:
    assert parse_set(sql) == expected
