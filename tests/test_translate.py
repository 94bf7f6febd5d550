"""PostgreSQL → DuckDB translation tables (engine/translate.py), in sqlglot's one-line style.

Three tables: statements and the exact DuckDB text they become; statements that must pass
through untouched (the same string object, no parse at all); and statements run in-process on a
DuckDB database with the catalog emulation, compared by result.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from engine.results import PyRowBatch, RowsOutcome
from engine.session import Database, Session
from engine.statements import split
from engine.translate import needs_translation, translate

C = "pixelsql_catalog.pg"  # where pg_catalog lives
T = "pixelsql_catalog.main"  # the text macros (engine.pgfunctions)
I = "pixelsql_catalog.info"  # where information_schema lives  # noqa: E741

# (PostgreSQL, DuckDB)
TRANSLATIONS = [
    # relations
    ("SELECT relname FROM pg_catalog.pg_class", f"SELECT relname FROM {C}.pg_class AS pg_class"),
    ("SELECT relname FROM pg_class c", f"SELECT relname FROM {C}.pg_class AS c"),
    ("SELECT * FROM information_schema.tables",
     f"SELECT * FROM {I}.tables AS tables"),
    ("WITH pg_type AS (SELECT 1 AS x) SELECT x FROM pg_type",
     "WITH pg_type AS (SELECT 1 AS x) SELECT x FROM pg_type"),
    ("SELECT * FROM public.items", "SELECT * FROM main.items"),
    ('SELECT * FROM "public"."items"', 'SELECT * FROM main."items"'),
    ("INSERT INTO public.items VALUES (1)", "INSERT INTO main.items VALUES (1)"),
    # functions, qualified or not, with PostgreSQL's output column names
    ("SELECT version()", f'SELECT {C}.version() AS "version"'),
    ("SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_attribute a",
     f'SELECT {C}.format_type(a.atttypid, a.atttypmod) AS "format_type" '
     f"FROM {C}.pg_attribute AS a"),
    ("SELECT pg_catalog.pg_class.relname FROM pg_catalog.pg_class",
     f"SELECT pg_class.relname FROM {C}.pg_class AS pg_class"),
    ("SELECT current_user, session_user, user",
     f'SELECT {C}.current_user() AS "current_user", {C}.session_user() AS "session_user", '
     f'{C}.current_user() AS "user"'),
    ("SELECT current_schema(), current_database()",
     f'SELECT {C}.current_schema() AS "current_schema", '
     f'{C}.current_database() AS "current_database"'),
    ("SELECT pg_catalog.upper('a')", 'SELECT UPPER(\'a\') AS "upper"'),
    ("SELECT * FROM pg_catalog.pg_get_keywords()", f"SELECT * FROM {C}.PG_GET_KEYWORDS()"),
    ("SELECT pg_catalog.pg_advisory_unlock_all()",
     f'SELECT {C}.pg_advisory_unlock_all() AS "pg_advisory_unlock_all"'),
    # reg* casts: a name in the select list, an OID elsewhere
    ("SELECT 'items'::regclass", f'SELECT {C}._regclass_name({C}._regclass_in(\'items\')) '
     'AS "regclass"'),
    ("SELECT * FROM pg_attribute WHERE attrelid = 'public.items'::regclass",
     f"SELECT * FROM {C}.pg_attribute AS pg_attribute "
     f"WHERE attrelid = {C}._regclass_in('public.items')"),
    ("SELECT c.oid::pg_catalog.regclass FROM pg_class c",
     f'SELECT {C}._regclass_name(c.oid) AS "oid" FROM {C}.pg_class AS c'),
    ("SELECT t.oid FROM pg_type t ORDER BY t.oid::regtype::text",
     f"SELECT t.oid FROM {C}.pg_type AS t ORDER BY "
     f"CAST({T}.pixelsql_text({C}._regtype_name(t.oid)) AS TEXT)"),
    ("SELECT 'int4'::regtype::oid", f'SELECT CAST({C}._regtype_in(\'int4\') AS UINTEGER) '
     'AS "oid"'),
    ("SELECT x::oid FROM t", 'SELECT CAST(x AS UINTEGER) AS "x" FROM t'),
    ("SELECT $1::oid[] FROM pg_type",
     f'SELECT CAST($1 AS UINTEGER[]) AS "oid" FROM {C}.pg_type AS pg_type'),
    # operators and collations psql writes
    ("SELECT 1 FROM pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^(t)$' "
     "COLLATE pg_catalog.default",
     f"SELECT 1 AS \"?column?\" FROM {C}.pg_class AS c WHERE REGEXP_MATCHES(c.relname, '^(t)$')"),
    ("SELECT n FROM t WHERE n !~ '^pg_'", "SELECT n FROM t WHERE NOT REGEXP_MATCHES(n, '^pg_')"),
    ("SELECT n FROM t ORDER BY n COLLATE \"C\"", "SELECT n FROM t ORDER BY n"),
    # PostgreSQL array literals
    ("SELECT 1 FROM pg_type WHERE typname = ANY('{int4,text}')",
     f"SELECT 1 AS \"?column?\" FROM {C}.pg_type AS pg_type WHERE typname IN ('int4', 'text')"),
    ("SELECT 1 FROM pg_type WHERE oid = ANY('{23,25}')",
     f'SELECT 1 AS "?column?" FROM {C}.pg_type AS pg_type WHERE oid IN (23, 25)'),
    ("SELECT '{a,\"b c\",NULL}'::text[]",
     "SELECT CAST('[''a'', ''b c'', NULL]' AS TEXT[]) AS \"text\""),
    # set-returning functions in the select list return rows; of int4 literals, int4 ones
    ("SELECT generate_series(1, 3)",
     'SELECT CAST(UNNEST(GENERATE_SERIES(1, 3)) AS INT) AS "generate_series"'),
    ("SELECT generate_series(1, n) FROM t",
     'SELECT UNNEST(GENERATE_SERIES(1, n)) AS "generate_series" FROM t'),
    # DDL: serial gets a sequence, varchar(n) keeps its limit as a CHECK
    ("CREATE TABLE t (id serial PRIMARY KEY, name varchar(20))",
     "CREATE SEQUENCE IF NOT EXISTS t_id_seq; CREATE TABLE t (id INT DEFAULT "
     "NEXTVAL('t_id_seq') NOT NULL PRIMARY KEY, name TEXT CHECK (LENGTH(name) <= 20)); "
     "ALTER SEQUENCE t_id_seq OWNED BY t"),
    ("CREATE TEMP TABLE t (id bigserial)",
     "CREATE TEMP SEQUENCE IF NOT EXISTS t_id_seq; CREATE TEMPORARY TABLE t (id BIGINT DEFAULT "
     "NEXTVAL('t_id_seq') NOT NULL)"),
    ("CREATE TABLE t (j jsonb)", "CREATE TABLE t (j JSON)"),
    # PostgreSQL's LIKE escape, format(), JSON builders
    ("SELECT 1 FROM pg_class WHERE relname LIKE 'a\\_b'",
     f"SELECT 1 AS \"?column?\" FROM {C}.pg_class AS pg_class "
     "WHERE relname LIKE 'a\\_b' ESCAPE '\\'"),
    ("SELECT format('%I.%s', s, t) FROM x",
     f"SELECT (CASE WHEN {T}.pixelsql_output(s) IS NULL THEN ERROR('null values cannot be "
     f"formatted as an SQL identifier') ELSE {C}.quote_ident({T}.pixelsql_output(s)) END || "
     f"'.' || COALESCE({T}.pixelsql_output(t), '')) AS \"format\" FROM x"),
    # floats as text: PostgreSQL's output function (a macro dispatching on the type)
    ("SELECT 'v=' || x || 'y', concat(x, true), x::text FROM t",
     f"SELECT 'v=' || {T}.pixelsql_concat_text(x) || 'y' AS \"?column?\", "
     f"CONCAT({T}.pixelsql_output(x), {T}.pixelsql_output(TRUE)) AS \"concat\", "
     f"CAST({T}.pixelsql_text(x) AS TEXT) AS \"x\" FROM t"),
    ("SELECT a || b FROM t", "SELECT a || b FROM t"),  # no text beside: as DuckDB reads it
    ("SELECT json_build_object('a', 1)", "SELECT JSON_OBJECT('a', 1) AS \"json_build_object\""),
    # int2vector columns: text on output, 0-based arrays in expressions
    ("SELECT i.indkey, i.indkey[0] FROM pg_index i",
     "SELECT i.indkey, CAST(STRING_SPLIT(i.indkey, ' ') AS SMALLINT[])[1] AS \"indkey\" "
     f"FROM {C}.pg_index AS i"),
    # what sqlglot cannot parse gets the lexical rewrites
    ('CREATE LOCAL TEMPORARY TABLE "#t" (c INT)', 'CREATE TEMPORARY TABLE "#t" (c INT)'),
    # pg_dump's DDL (engine/pgddl.py) and its = ANY (ARRAY[…]) CHECK constraints
    ("CREATE SEQUENCE public.s\n    AS integer\n    START WITH 1\n    CACHE 1;",
     "CREATE SEQUENCE main.s START WITH 1"),
    ("ALTER SEQUENCE public.s OWNED BY public.t.id", "ALTER SEQUENCE main.s OWNED BY main.t"),
    ("ALTER SEQUENCE s OWNED BY t.id", "ALTER SEQUENCE s OWNED BY t"),
    ("ALTER TABLE ONLY public.t ALTER COLUMN id SET DEFAULT nextval('public.s'::regclass)",
     "ALTER TABLE main.t ALTER COLUMN id SET DEFAULT NEXTVAL('main.s')"),
    ("ALTER TABLE IF EXISTS ONLY t ADD CONSTRAINT t_pkey PRIMARY KEY (id)",
     "ALTER TABLE IF EXISTS t ADD CONSTRAINT t_pkey PRIMARY KEY (id)"),
    ("CREATE UNIQUE INDEX i ON t USING btree (a, b)", "CREATE UNIQUE INDEX i ON t (a, b)"),
    ("CREATE TABLE t (k text CHECK ((k = ANY (ARRAY['a'::text, 'b'::text]))))",
     "CREATE TABLE t (k TEXT CHECK ((k IN (CAST('a' AS TEXT), CAST('b' AS TEXT)))))"),
    ("SELECT 1 <> ALL (ARRAY[2, NULL])", 'SELECT NOT 1 IN (2, NULL) AS "?column?"'),
    ("SELECT setval('public.s', 2, true)", "SELECT SETVAL('main.s', 2, TRUE) AS \"setval\""),
    # identity columns: a sequence named as PostgreSQL names it, and a default
    ("CREATE TABLE t (id bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, a int)",
     "CREATE SEQUENCE IF NOT EXISTS t_id_seq; CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY "
     "DEFAULT NEXTVAL('t_id_seq'), a INT); ALTER SEQUENCE t_id_seq OWNED BY t"),
    ('CREATE TABLE public."T" ("Id" int GENERATED ALWAYS AS IDENTITY (START WITH 10 CACHE 5), '
     'b int NOT NULL)',
     'CREATE SEQUENCE IF NOT EXISTS main."T_Id_seq" START WITH 10; CREATE TABLE main."T" '
     '("Id" INT DEFAULT NEXTVAL(\'main."T_Id_seq"\') NOT NULL, b INT NOT NULL); '
     'ALTER SEQUENCE main."T_Id_seq" OWNED BY main."T"'),
    ("ALTER TABLE ONLY public.logs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n"
     "    SEQUENCE NAME public.logs_id_seq\n    START WITH 1\n    CACHE 1\n)",
     "CREATE SEQUENCE IF NOT EXISTS main.logs_id_seq START WITH 1; "
     "ALTER SEQUENCE main.logs_id_seq OWNED BY main.logs; "
     "ALTER TABLE main.logs ALTER COLUMN id SET DEFAULT NEXTVAL('main.logs_id_seq')"),
    ("INSERT INTO public.logs (id) OVERRIDING SYSTEM VALUE VALUES (1)",
     "INSERT INTO main.logs (id) VALUES (1)"),
    # LANGUAGE sql functions: DuckDB macros
    ("CREATE FUNCTION public.add1(i integer) RETURNS integer LANGUAGE sql AS $$SELECT i + 1$$",
     "CREATE MACRO main.add1(i) AS CAST((SELECT * FROM (SELECT i + 1) AS pixelsql_body LIMIT 1) "
     "AS integer)"),
    ("CREATE FUNCTION evens(int) RETURNS SETOF int LANGUAGE sql AS 'SELECT * FROM range($1)'",
     "CREATE MACRO evens(arg1) AS TABLE SELECT * FROM range(arg1)"),
    ("DROP FUNCTION IF EXISTS public.add1(integer)", "DROP FUNCTION IF EXISTS main.add1"),
    # numeric without a precision: DECIMAL(38,10), not DuckDB's DECIMAL(18,3)
    ("CREATE TABLE t (v numeric, w decimal, x numeric(5, 2), y numeric[])",
     "CREATE TABLE t (v DECIMAL(38, 10), w DECIMAL(38, 10), x DECIMAL(5, 2), "
     "y DECIMAL(38, 10)[])"),
    ("SELECT 0.0001::numeric", 'SELECT CAST(0.0001 AS DECIMAL(38, 10)) AS "numeric"'),
    # an explicit cast to varchar(n) / char(n) cuts the text; char is char(1)
    ("SELECT 'abcdef'::varchar(3), CAST(s AS char) FROM t",
     'SELECT LEFT(CAST(\'abcdef\' AS TEXT(3)), 3) AS "varchar", '
     'LEFT(CAST(pixelsql_catalog.main.pixelsql_text(s) AS TEXT), 1) AS "s" FROM t'),
]


@pytest.mark.parametrize(("postgres", "duckdb"), TRANSLATIONS)
def test_translates(postgres: str, duckdb: str) -> None:
    assert translate(postgres).text == duckdb


# Ordinary statements: no trigger among their tokens, so no parse and the same text.
UNTOUCHED = [
    "SELECT 1",
    "select a, b from items where id = $1",
    "INSERT INTO items (id, name) VALUES ($1, $2) RETURNING id",
    "UPDATE items SET name = 'x' WHERE id = 3",
    "SELECT count(*) FROM range(1000) t(i) WHERE i % 7 = 0",
    "CREATE TABLE t (a INTEGER, b TEXT, c NUMERIC(10, 2))",
    "SELECT * FROM read_csv('data.csv')",
    "SELECT 'pg_catalog.pg_class' AS just_a_string",  # a string is not a name
    'SELECT "users".id FROM users',
    "SELECT x::int, y::bigint, z::numeric(5,2) FROM t",  # (::text is: floats as PostgreSQL's)
    "SELECT numeric_col, decimal_total FROM t",  # names, not types
    "COPY items TO STDOUT",
    "SET search_path = public",
    "SHOW server_version",
    "BEGIN",
    "INSERT INTO releases (version, format, age) VALUES (1, 'a', 2)",  # names, not calls
    "SELECT version, name FROM releases",
]


@pytest.mark.parametrize("sql", UNTOUCHED)
def test_ordinary_statements_are_not_translated(sql: str) -> None:
    assert not needs_translation(sql)
    translation = translate(sql)
    assert translation.text == sql and not translation.changed
    assert not translation.uses_catalog


def test_unparseable_statements_are_left_to_duckdb() -> None:
    sql = "SELECT FROM WHERE pg_class"
    assert needs_translation(sql)
    assert translate(sql).text is sql


def test_translations_are_cached() -> None:
    sql = "SELECT relname FROM pg_class WHERE oid = 16385 -- cache probe"
    first = translate(sql)
    assert translate(sql) is first


# -- results through a session on an in-memory database ----------------------------------------


@pytest.fixture(scope="module")
def session() -> Iterator[Session]:
    db = Database(None)
    s = Session(db, "alice")
    for statement in ("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(20), "
                      "price NUMERIC(10, 2))",
                      "INSERT INTO items VALUES (1, 'pen', 1.5), (2, 'book', 12)"):
        run(s, statement)
    yield s
    s.close()
    db.close()


def run(session: Session, sql: str) -> list[tuple[Any, ...]]:
    [stmt] = split(sql)
    outcome = session.execute(stmt)
    if not isinstance(outcome, RowsOutcome):
        return []
    rows: list[tuple[Any, ...]] = []
    for batch in outcome.rows.take():
        if isinstance(batch, PyRowBatch):
            rows.extend(batch.rows)
        else:
            rows.extend(tuple(r.values()) for r in pa.Table.from_batches([batch]).to_pylist())
    return rows


RESULTS = [
    ("SELECT current_user, session_user, current_database(), current_schema()",
     [("alice", "alice", "pixelsql", "public")]),
    ("SELECT 'pg_catalog' ~ '^pg_', 'xpg_' ~ '^pg_', 'A' ~* 'a'", [(True, False, True)]),
    ("SELECT generate_series(1, 3)", [(1,), (2,), (3,)]),
    ("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
     "AND relkind = 'r'", [("items",)]),
    ("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
     "WHERE attrelid = 'items'::regclass AND attnum > 0 ORDER BY attnum",
     [("integer",), ("character varying(20)",), ("numeric(10,2)",)]),
    ("SELECT 'items'::regclass, 'items'::regclass::oid = (SELECT oid FROM pg_class "
     "WHERE relname = 'items')", [("items", True)]),
    ("SELECT typname FROM pg_type WHERE oid = ANY('{23,25}') ORDER BY 1",
     [("int4",), ("text",)]),
    ("SELECT name FROM public.items WHERE id = 2", [("book",)]),
    ("SELECT quote_ident('Items'), quote_ident('items'), quote_ident('select')",
     [('"Items"', "items", '"select"')]),
    ("SELECT 1 WHERE 'x' COLLATE \"C\" = 'x'", [(1,)]),
    ("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'items'::regclass",
     [("PRIMARY KEY (id)",)]),
    # bytea's hex input format: two bytes, not '\x00' followed by the letters "ff"
    ("SELECT '\\x00ff'::bytea, CAST('\\xDEADbeef' AS bytea), '\\x'::bytea",
     [(b"\x00\xff", b"\xde\xad\xbe\xef", b"")]),
]


@pytest.mark.parametrize(("sql", "rows"), RESULTS)
def test_translated_statement_results(session: Session, sql: str,
                                      rows: list[tuple[Any, ...]]) -> None:
    assert run(session, sql) == rows


def test_error_positions_point_into_the_clients_text(session: Session) -> None:
    from engine.errors import SqlError

    sql = "SELECT relname FROM pg_class WHERE no_such_column = 1"
    [stmt] = split(sql)
    with pytest.raises(SqlError) as info:
        session.execute(stmt)
    position = info.value.position
    assert position is None or sql[position - 1:].startswith("no_such_column")
