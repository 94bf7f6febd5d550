"""The PostgreSQL catalog emulation (engine/catalog.py) through real clients and a real server.

Stable OIDs across a restart, DuckDB's ``main`` shown as ``public``, typmods, catalog types that
agree with the wire types, asyncpg's type introspection and ``get_attributes()``, and the
PostgreSQL functions clients call, with PostgreSQL's values and column names.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import psycopg
import pytest

from engine import catalog
from server import types as wire_types
from tests.conftest import RunningServer, start_server

pytestmark = pytest.mark.integration


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def fetch(dsn: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


# -- OIDs ---------------------------------------------------------------------------------------

OBJECTS = """
SELECT 'class', n.nspname || '.' || c.relname, c.oid FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'stable')
UNION ALL SELECT 'namespace', nspname, oid FROM pg_namespace
UNION ALL SELECT 'constraint', conname, oid FROM pg_constraint
UNION ALL SELECT 'type', typname, oid FROM pg_type WHERE typname IN ('int4', '_numeric', 'text')
UNION ALL SELECT 'database', datname, oid FROM pg_database
ORDER BY 1, 2
"""


def test_oids_are_stable_across_sessions_and_a_restart(tmp_path: Path) -> None:
    srv = start_server(tmp_path / "data")
    try:
        with psycopg.connect(srv.dsn(), autocommit=True) as conn:
            for sql in ("CREATE SCHEMA stable",
                        "CREATE TABLE stable.t (id INTEGER PRIMARY KEY, v VARCHAR(5) UNIQUE)",
                        "CREATE TABLE stable.child (id INTEGER REFERENCES t (id) CHECK (id > 0))",
                        "CREATE INDEX child_id ON stable.child (id)",
                        "CREATE VIEW v AS SELECT 1 AS one",
                        "CREATE SEQUENCE seq"):
                conn.execute(sql)
            first = conn.execute(OBJECTS).fetchall()
        assert fetch(srv.dsn(user="someone_else"), OBJECTS) == first
    finally:
        srv.stop()
    again = start_server(tmp_path / "data")
    try:
        assert fetch(again.dsn(), OBJECTS) == first
    finally:
        again.stop()
    names = {(kind, name) for kind, name, _ in first}
    assert {("class", "stable.t"), ("class", "stable.child"), ("class", "stable.child_id"),
            ("class", "stable.t_pkey"), ("class", "public.v"), ("class", "public.seq"),
            ("namespace", "stable"), ("constraint", "child_id_fkey")} <= names
    oids = {name: oid for kind, name, oid in first}
    # PostgreSQL's own OIDs for built-in objects; user objects above them, below 2**31
    assert (oids["pg_catalog"], oids["public"], oids["int4"], oids["_numeric"]) == \
        (11, 2200, 23, 1231)
    assert all(16384 <= oid < 2**31 for kind, name, oid in first
               if kind in ("class", "constraint") or name == "stable")
    assert len({oid for kind, _, oid in first if kind == "class"}) == \
        len([1 for kind, _, _ in first if kind == "class"])


# -- schemas --------------------------------------------------------------------------------------


def test_main_is_shown_as_public_and_duckdb_internals_are_hidden(server: RunningServer) -> None:
    table = unique("cat_pub")
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (a INTEGER)")
        conn.execute(f"CREATE TEMP TABLE {table}_tmp (b INTEGER)")
        schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace")}
        assert {"public", "pg_catalog", "information_schema"} <= schemas
        assert not schemas & {"main", "system", "temp", catalog.PG_SCHEMA, catalog.INFO_SCHEMA}
        assert conn.execute("SELECT oid FROM pg_namespace WHERE nspname = 'public'").fetchone() \
            == (2200,)
        assert conn.execute("SELECT schemaname FROM pg_tables WHERE tablename = %s",
                            (table,)).fetchall() == [("public",)]
        assert conn.execute("SELECT table_schema, table_type FROM information_schema.tables "
                            "WHERE table_name = %s", (table,)).fetchall() == \
            [("public", "BASE TABLE")]
        assert conn.execute("SELECT n.nspname FROM pg_class c JOIN pg_namespace n "
                            "ON n.oid = c.relnamespace WHERE c.relname = %s",
                            (f"{table}_tmp",)).fetchall() == [(catalog.TEMP_SCHEMA,)]
        # the emulation's own schemas are PostgreSQL's names for themselves
        assert conn.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON "
                            "n.oid = c.relnamespace WHERE n.nspname = 'pg_catalog' "
                            "AND c.relname = 'pg_class'").fetchone() == (1,)
        assert conn.execute("SELECT 'pg_catalog.pg_class'::regclass::oid").fetchone() == (1259,)
        # and public.x reaches DuckDB's main.x
        assert conn.execute(f"SELECT count(*) FROM public.{table}").fetchone() == (0,)


# -- types and typmods ---------------------------------------------------------------------------

# DuckDB column types: one of every kind the wire layer maps (server/types.py).
DUCK_COLUMNS = [
    "BOOLEAN", "TINYINT", "UTINYINT", "SMALLINT", "USMALLINT", "INTEGER", "UINTEGER", "BIGINT",
    "UBIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL(10,2)", "DECIMAL(38,0)", "VARCHAR",
    "JSON", "BLOB", "BIT", "DATE", "TIME", "TIMESTAMP", "TIMESTAMP_NS",
    "TIMESTAMP WITH TIME ZONE", "TIME WITH TIME ZONE", "INTERVAL", "UUID", "INTEGER[]",
    "VARCHAR[]", "DECIMAL(6,2)[]", "DATE[]", "INTEGER[3]", "INTEGER[][]",
    "STRUCT(a INTEGER)", "MAP(VARCHAR, INTEGER)",
]


def test_catalog_types_are_the_wire_types(server: RunningServer) -> None:
    table = unique("cat_types")
    columns = ", ".join(f"c{i} {t}" for i, t in enumerate(DUCK_COLUMNS))
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} ({columns})")
        described = conn.execute(f"SELECT * FROM {table}").description
        assert described is not None
        catalog_rows = conn.execute(
            "SELECT attname, atttypid, atttypmod FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 ORDER BY attnum", (table,)).fetchall()
        # what DuckDB made of each column (PostgreSQL's FLOAT is a DOUBLE, for one)
        duck_types = [r[0] for r in conn.execute(
            "SELECT data_type FROM duckdb_columns() WHERE table_name = %s "
            "ORDER BY column_index", (table,))]
    for (_, oid, typmod), duck, column in zip(catalog_rows, duck_types, described,
                                              strict=True):
        wire = wire_types.column_type(duck)
        assert (oid, typmod) == (wire.pg.oid, wire.typmod), duck
        assert column.type_code == oid, duck


def test_catalog_type_table_mirrors_the_wire_type_table() -> None:
    for duck, pg_name in catalog.DUCK_TO_PG.items():
        spelled = "DECIMAL(10,2)" if duck == "DECIMAL" else duck
        assert wire_types.column_type(spelled).pg.name == pg_name, duck


def test_numeric_and_varchar_typmods(server: RunningServer) -> None:
    table = unique("cat_mods")
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (n NUMERIC(10,2), v VARCHAR(20), t TEXT, "
                     "na NUMERIC(6,3)[])")
        rows = conn.execute(
            "SELECT attname, atttypmod, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 ORDER BY attnum", (table,)).fetchall()
        assert rows == [("n", (10 << 16 | 2) + 4, "numeric(10,2)"),
                        ("v", 20 + 4, "character varying(20)"), ("t", -1, "text"),
                        ("na", (6 << 16 | 3) + 4, "numeric(6,3)[]")]
        info = conn.execute(
            "SELECT column_name, data_type, character_maximum_length, numeric_precision, "
            "numeric_scale FROM information_schema.columns WHERE table_name = %s "
            "ORDER BY ordinal_position", (table,)).fetchall()
        assert info == [("n", "numeric", None, 10, 2), ("v", "character varying", 20, None,
                                                         None),
                        ("t", "text", None, None, None), ("na", "ARRAY", None, None, None)]
        # the wire reports numeric's typmod too
        cur = conn.execute(f"SELECT n FROM {table}")
        assert cur.description is not None
        assert (cur.description[0].precision, cur.description[0].scale) == (10, 2)
        # a varchar(n) keeps its limit, with PostgreSQL's error
        with pytest.raises(psycopg.errors.StringDataRightTruncation,
                           match=r"character varying\(20\)"):
            conn.execute(f"INSERT INTO {table} (v) VALUES (%s)", ("x" * 21,))


# -- asyncpg ------------------------------------------------------------------------------------

EVERY_TYPE = """SELECT 1::int2 AS i2, 2::int4 AS i4, 3::int8 AS i8, 1.5::float4 AS f4,
    2.5::float8 AS f8, 1.25::numeric(6,2) AS n, true AS b, 'x'::text AS t, '\\x01'::bytea AS by,
    DATE '2024-01-02' AS d, TIME '03:04:05' AS tm, TIMESTAMP '2024-01-02 03:04:05' AS ts,
    TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tz, INTERVAL '1 day' AS iv,
    '00000000-0000-0000-0000-000000000003'::uuid AS u,
    [1::int2] AS ai2, [2, NULL] AS ai4, [3::int8] AS ai8, [1.5::float4] AS af4,
    [2.5::float8] AS af8, [1.25::numeric(6,2)] AS an, [true, false] AS ab, ['a', 'b'] AS at,
    [DATE '2024-01-02'] AS ad, [TIME '03:04:05'] AS atm, [TIMESTAMP '2024-01-02 03:04:05'] AS ats,
    [TIMESTAMPTZ '2024-01-02 03:04:05+00'] AS atz, [INTERVAL '1 day'] AS aiv,
    ['00000000-0000-0000-0000-000000000003'::uuid] AS au, ['\\x01'::bytea] AS aby"""

EVERY_VALUE = (
    1, 2, 3, 1.5, 2.5, Decimal("1.25"), True, "x", b"\x01", date(2024, 1, 2), time(3, 4, 5),
    datetime(2024, 1, 2, 3, 4, 5), datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), timedelta(days=1),
    uuid.UUID(int=3), [1], [2, None], [3], [1.5], [2.5], [Decimal("1.25")], [True, False],
    ["a", "b"], [date(2024, 1, 2)], [time(3, 4, 5)], [datetime(2024, 1, 2, 3, 4, 5)],
    [datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)], [timedelta(days=1)], [uuid.UUID(int=3)],
    [b"\x01"])

EVERY_TYPE_NAMES = [
    ("i2", "int2"), ("i4", "int4"), ("i8", "int8"), ("f4", "float4"), ("f8", "float8"),
    ("n", "numeric"), ("b", "bool"), ("t", "text"), ("by", "bytea"), ("d", "date"),
    ("tm", "time"), ("ts", "timestamp"), ("tz", "timestamptz"), ("iv", "interval"), ("u", "uuid"),
    ("ai2", "int2[]"), ("ai4", "int4[]"), ("ai8", "int8[]"), ("af4", "float4[]"),
    ("af8", "float8[]"), ("an", "numeric[]"), ("ab", "bool[]"), ("at", "text[]"),
    ("ad", "date[]"), ("atm", "time[]"), ("ats", "timestamp[]"), ("atz", "timestamptz[]"),
    ("aiv", "interval[]"), ("au", "uuid[]"), ("aby", "bytea[]")]


def test_asyncpg_fetches_every_mapped_type_and_describes_it(server: RunningServer) -> None:
    async def main() -> None:
        conn = await asyncpg.connect(server.url(), timeout=10)
        try:
            row = await conn.fetchrow(EVERY_TYPE)
            assert row is not None
            assert tuple(row) == EVERY_VALUE
            stmt = await conn.prepare(EVERY_TYPE)
            got = [(a.name, a.type.name) for a in stmt.get_attributes()]
            assert got == EVERY_TYPE_NAMES
            kinds = {a.name: (a.type.kind, a.type.schema) for a in stmt.get_attributes()}
            assert kinds["i4"] == ("scalar", "pg_catalog")
            assert kinds["ai4"] == ("array", "pg_catalog")
            # parameters typed through the catalog as well
            assert await conn.fetchval("SELECT $1::int8[]", [1, 2]) == [1, 2]
            assert await conn.fetchval("SELECT $1::date[]", [date(2024, 1, 2)]) == \
                [date(2024, 1, 2)]
            # asyncpg's own catalog lookup of a type by name
            assert await conn.fetchval(
                "SELECT t.oid FROM pg_catalog.pg_type AS t INNER JOIN pg_catalog.pg_namespace ns"
                " ON (ns.oid = t.typnamespace) WHERE t.typname = $1 AND ns.nspname = $2",
                "int4", "pg_catalog") == 23
        finally:
            await conn.close()

    asyncio.run(asyncio.wait_for(main(), 60))


# -- functions ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def described(server: RunningServer) -> Iterator[str]:
    table = unique("cat_fn")
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name VARCHAR(10), "
                     "note TEXT CHECK (length(note) > 1))")
        conn.execute(f"CREATE INDEX {table}_name ON {table} (name)")
        conn.execute(f"CREATE VIEW {table}_v AS SELECT id FROM {table}")
        conn.execute(f"COMMENT ON TABLE {table} IS 'described table'")
        conn.execute(f"COMMENT ON COLUMN {table}.name IS 'its name'")
    yield table


def test_session_functions(server: RunningServer) -> None:
    with psycopg.connect(server.dsn(user="fn_user"), autocommit=True) as conn:
        cur = conn.execute("SELECT version(), current_schema(), current_schemas(true), "
                           "current_database(), current_user, session_user, user, "
                           "pg_backend_pid(), pg_get_userbyid(10), pg_encoding_to_char(6), "
                           "pg_is_in_recovery(), pg_postmaster_start_time() <= now()")
        row = cur.fetchone()
        assert cur.description is not None
        assert [c.name for c in cur.description] == [
            "version", "current_schema", "current_schemas", "current_database",
            "current_user", "session_user", "user", "pg_backend_pid", "pg_get_userbyid",
            "pg_encoding_to_char", "pg_is_in_recovery", "?column?"]
        assert row is not None
        version = row[0]
        # what SQLAlchemy's PostgreSQL dialect parses
        match = re.match(r".*(?:PostgreSQL|EnterpriseDB) (\d+)\.?(\d+)?(?:\.(\d+))?", version)
        assert match and match.group(1) == "16"
        assert "PixelSQL" in version and "DuckDB" in version
        assert row[1:] == ("public", ["pg_catalog", "public"], "pixelsql", "fn_user",
                           "fn_user", "fn_user", conn.info.backend_pid, "fn_user", "UTF8",
                           False, True)
        assert conn.execute("SELECT pg_advisory_unlock_all(), txid_current() > 0, "
                            "has_table_privilege('pg_class', 'SELECT'), "
                            "has_schema_privilege('public', 'USAGE'), "
                            "pg_size_pretty(123456789::bigint), quote_ident('A b'), "
                            "current_setting('server_version_num')").fetchone() == \
            (None, True, True, True, "118 MB", '"A b"', "160000")
        keywords = conn.execute("SELECT count(*), count(*) FILTER (WHERE catcode = 'R') "
                                "FROM pg_get_keywords()").fetchone()
        assert keywords is not None and keywords[0] > 400 and keywords[1] > 70


def test_definition_functions(server: RunningServer, described: str) -> None:
    t = described
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        row = conn.execute(
            "SELECT pg_get_indexdef(%s::regclass), obj_description(%s::regclass, 'pg_class'), "
            "col_description(%s::regclass, 2), pg_get_viewdef(%s::regclass), "
            "pg_table_is_visible(%s::regclass), %s::regclass, to_regclass('no_such_table')",
            (f"{t}_name", t, t, f"{t}_v", t, t)).fetchone()
        assert row == (f"CREATE INDEX {t}_name ON public.{t} USING btree (name)",
                       "described table", "its name", f"SELECT id FROM {t};", True, t, None)
        defs = conn.execute("SELECT conname, contype, pg_get_constraintdef(oid) FROM "
                            "pg_constraint WHERE conrelid = %s::regclass ORDER BY contype",
                            (t,)).fetchall()
        assert defs == [(f"{t}_note_check", "c", "CHECK ((length(note) > 1))"),
                        (f"{t}_pkey", "p", "PRIMARY KEY (id)")]
        # int2vector: PostgreSQL's text "2" on the wire, an array (from 0) in SQL
        assert conn.execute("SELECT indisprimary, indkey, indkey[0], 2 = ANY(indkey) "
                            "FROM pg_index WHERE indrelid = %s::regclass ORDER BY indisprimary",
                            (t,)).fetchall() == [(False, "2", 2, True), (True, "1", 1, False)]
        size = conn.execute("SELECT pg_total_relation_size(%s)", (t,)).fetchone()
        assert size is not None and size[0] >= 0
        with pytest.raises(psycopg.errors.UndefinedTable,
                           match='relation "no_such_table" does not exist'):
            conn.execute("SELECT 'no_such_table'::regclass")


def test_settings_follow_the_session(server: RunningServer) -> None:
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute("SET application_name = 'catalog-test'")
        assert conn.execute("SELECT current_setting('application_name'), "
                            "current_setting('default_table_access_method'), "
                            "current_setting('no_such_setting', true)").fetchone() == \
            ("catalog-test", "heap", None)
        assert conn.execute("SELECT setting FROM pg_settings WHERE name = 'application_name'"
                            ).fetchone() == ("catalog-test",)
        assert conn.execute("SELECT application_name FROM pg_stat_activity "
                            "WHERE pid = pg_backend_pid()").fetchone() == ("catalog-test",)
        with pytest.raises(psycopg.errors.UndefinedObject,
                           match="unrecognized configuration parameter"):
            conn.execute("SELECT current_setting('no_such_setting')")
