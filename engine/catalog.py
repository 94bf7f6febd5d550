"""PostgreSQL's ``pg_catalog`` and ``information_schema``, emulated over the live DuckDB catalog.

psql's meta-commands, drivers (asyncpg's type introspection, pgjdbc's ``DatabaseMetaData``,
SQLAlchemy's reflection) and BI tools learn about a database by querying PostgreSQL's system
catalogs. This module builds those catalogs as DuckDB views and macros, so that such queries —
once :mod:`engine.translate` has pointed their relation and function names here — answer with
the database's real tables, columns, indexes and constraints.

Theory of operation
-------------------
The first time a session needs it (:meth:`engine.session.Database.ensure_catalog`; building it
takes a few hundred milliseconds, which a server that nobody asks about its catalog never
spends), :func:`install` attaches an in-memory DuckDB database named ``pixelsql_catalog`` and
creates in it:

* schema ``pg`` — every emulated ``pg_catalog`` relation as a view, and PostgreSQL's functions
  (``format_type``, ``pg_get_indexdef``, ``version`` …) as macros;
* schema ``info`` — the ``information_schema`` views, defined over the ``pg`` views as
  PostgreSQL defines them over its own catalog.

The views are computed on every query from DuckDB's ``duckdb_tables()``, ``duckdb_columns()``,
``duckdb_constraints()``, ``duckdb_indexes()``, ``duckdb_views()`` … so they are always
consistent with the live objects, including the session's own uncommitted DDL and temporary
tables, exactly as in PostgreSQL. Only the served database is shown; DuckDB's ``main`` schema is
``public``, its temporary objects live in ``pg_temp_3``, and DuckDB's internal schemas are hidden.

Every relation has exactly PostgreSQL 15's columns in PostgreSQL's order
(:data:`engine.catalog_data.RELATIONS`): a view is declared with the columns it can fill from
DuckDB, and the rest get PostgreSQL's neutral values (``false``, ``0``, ``''`` or NULL).

OIDs are stable: PostgreSQL's own OIDs for built-in types, namespaces (``pg_catalog`` 11,
``public`` 2200) and system catalogs, and for user objects a hash (MD5) of the object's kind,
schema and name folded into ``[16384, 2**31)``, so the same table has the same OID in every
session and after a restart. Type OIDs and typmods follow ``server/types.py`` (the wire types);
``tests/test_catalog.py`` checks that the two agree for every DuckDB type.

Per-session facts (the user name, backend PID, the session's parameters for
``current_setting``) come from DuckDB variables that :func:`prepare_cursor` sets on each
session's cursor.

Where DuckDB keeps less than PostgreSQL shows, the emulation reads it back from what
:mod:`engine.translate` stored: a ``varchar(n)`` column is a VARCHAR with a
``CHECK (length(col) <= n)`` (shown as ``character varying(n)``, the CHECK hidden). OID columns
are UINTEGER, which the wire layer reports as ``oid``; ``int2vector``/``oidvector`` columns
(``pg_index.indkey``) hold PostgreSQL's text form ``"1 2"``, which the translator turns into a
list where a query uses them as arrays. Internal helper views and macros start with ``_``;
macros and views are created in dependency order because DuckDB binds them when created.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata

import duckdb
import pyarrow as pa

from engine import catalog_data, settings
from engine.arithmetic import NUMERIC, UNCONSTRAINED_DECIMAL

CATALOG = "pixelsql_catalog"
PG_SCHEMA = "pg"  # holds pg_catalog
INFO_SCHEMA = "info"  # holds information_schema
PG = f"{CATALOG}.{PG_SCHEMA}"
INFO = f"{CATALOG}.{INFO_SCHEMA}"

DATABASE_NAME = "pixelsql"  # what current_database() and pg_database report
FIRST_USER_OID = 16384
BOOTSTRAP_ROLE_OID = 10  # the session user (PostgreSQL's bootstrap superuser OID)
DATABASE_OWNER_ROLE_OID = 6171  # pg_database_owner, the owner of schema public
TEMP_SCHEMA = "pg_temp_3"
NAMESPACE_OIDS = {
    "pg_catalog": 11,
    "pg_toast": 99,
    "public": 2200,
    "information_schema": catalog_data.INFORMATION_SCHEMA_OID,
}


def relation_oid(database: str, schema: str, name: str) -> int:
    """The OID ``pg_class`` gives a user table or view of a DuckDB database and schema: what
    the ``_oid_of`` and ``_nspname_of`` macros compute (md5_number is the MD5 digest read
    little-endian), so a RowDescription names the same table as the catalog."""
    nsp = TEMP_SCHEMA if database == "temp" else "public" if schema == "main" else schema
    digest = hashlib.md5(f"rel|{nsp}|{name}".encode()).digest()
    return FIRST_USER_OID + int.from_bytes(digest, "little") % (2**31 - FIRST_USER_OID)


# The CHECK that stands for a varchar(n) column (engine.translate), as DuckDB spells it back
# (duckdb_constraints): ``(length(col) <= n)``, n its group. A regular expression that DuckDB
# (the _varchar_limit macro) and Python (varchar_limit) read alike.
VARCHAR_CHECK = r'\(length\((?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\) <= (\d+)\)'


def varchar_limit(expression: str) -> int | None:
    """The n of a CHECK that stands for varchar(n), given its expression; None for another."""
    match = re.fullmatch(VARCHAR_CHECK, expression)
    return int(match.group(1)) if match else None


# Relations and the names clients reach them by.
PG_RELATIONS = frozenset(
    name.split(".", 1)[1] for name in catalog_data.RELATIONS if name.startswith("pg_catalog.")
)
INFO_RELATIONS = frozenset(
    name.split(".", 1)[1] for name in catalog_data.RELATIONS
    if name.startswith("information_schema.")
)

# DuckDB type (its ``id`` spelling) → PostgreSQL typname. Mirrors the wire mapping in
# server/types.py (engine cannot import server); tests/test_catalog.py keeps them in step.
DUCK_TO_PG: dict[str, str] = {
    "BOOLEAN": "bool", "TINYINT": "int2", "UTINYINT": "int2", "SMALLINT": "int2",
    "USMALLINT": "int4", "INTEGER": "int4", "UINTEGER": "oid", "BIGINT": "int8",
    "UBIGINT": "numeric", "HUGEINT": "numeric", "UHUGEINT": "numeric", "BIGNUM": "numeric",
    "FLOAT": "float4", "DOUBLE": "float8", "DECIMAL": "numeric", "VARCHAR": "text",
    "JSON": "json", "BLOB": "bytea", "BIT": "bit", "DATE": "date", "TIME": "time",
    "TIME_NS": "time", "TIME WITH TIME ZONE": "timetz", "TIMESTAMP": "timestamp",
    "TIMESTAMP_S": "timestamp", "TIMESTAMP_MS": "timestamp", "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz", "INTERVAL": "interval", "UUID": "uuid",
}

# How a catalog column of a PostgreSQL type is stored in the DuckDB views. OIDs are UINTEGER,
# which the wire layer reports as PostgreSQL's oid (asyncpg decodes oid[] without asking the
# catalog, int4[] it would have to look up); regproc columns hold the function's name, which is
# what PostgreSQL prints for them.
_COLUMN_TYPES: dict[str, str] = {
    "oid": "UINTEGER", "regclass": "UINTEGER", "regtype": "UINTEGER",
    "regnamespace": "UINTEGER", "regrole": "UINTEGER", "regproc": "VARCHAR", "xid": "BIGINT",
    "name": "VARCHAR",
    "text": "VARCHAR", '"char"': "VARCHAR", "pg_node_tree": "VARCHAR", "pg_lsn": "VARCHAR",
    "inet": "VARCHAR", "smallint": "SMALLINT", "integer": "INTEGER", "bigint": "BIGINT",
    "real": "FLOAT", "double precision": "DOUBLE", "boolean": "BOOLEAN", "bytea": "BLOB",
    "interval": "INTERVAL", "timestamp with time zone": "TIMESTAMPTZ",
    # int2vector/oidvector print as "1 2" (psqlODBC, DBeaver and pgAdmin parse that text);
    # engine.translate turns them into lists where a query uses them as arrays
    "int2vector": "VARCHAR", "oidvector": "VARCHAR", "anyarray": "VARCHAR[]",
    "aclitem": "VARCHAR", "numeric": NUMERIC, "pg_mcv_list": "VARCHAR",
    "pg_dependencies": "VARCHAR", "pg_ndistinct": "VARCHAR", "pg_statistic": "VARCHAR",
    "information_schema.sql_identifier": "VARCHAR",
    "information_schema.character_data": "VARCHAR", "information_schema.yes_or_no": "VARCHAR",
    "information_schema.cardinal_number": "INTEGER",
    "information_schema.time_stamp": "TIMESTAMPTZ",
}

# int2vector / oidvector columns (stored as their text) → the DuckDB list type they stand for.
VECTOR_COLUMNS: dict[str, str] = {
    name: "SMALLINT[]" if typ == "int2vector" else "UINTEGER[]"
    for relation, spec in catalog_data.RELATIONS.items()
    for name, _, typ in (item.partition(":") for item in spec.split(", "))
    if typ in ("int2vector", "oidvector")
}

# regproc columns (stored as the function's name) that clients cast to oid.
REGPROC_COLUMNS = frozenset(
    name for spec in catalog_data.RELATIONS.values()
    for name, _, typ in (item.partition(":") for item in spec.split(", ")) if typ == "regproc"
)

# PostgreSQL 15's access method handlers (pg_am.amhandler), listed in pg_proc with their OIDs.
_AM_HANDLERS = ((3, "heap_tableam_handler", 269, "table_am_handler"),
                (330, "bthandler", 325, "index_am_handler"),
                (331, "hashhandler", 325, "index_am_handler"),
                (332, "gisthandler", 325, "index_am_handler"),
                (333, "ginhandler", 325, "index_am_handler"),
                (334, "spghandler", 325, "index_am_handler"),
                (335, "brinhandler", 325, "index_am_handler"))

# information_schema's domains, reported in pg_attribute as their base types.
_DOMAIN_BASES = {
    "information_schema.sql_identifier": "name",
    "information_schema.character_data": "character varying",
    "information_schema.yes_or_no": "character varying",
    "information_schema.cardinal_number": "integer",
    "information_schema.time_stamp": "timestamp with time zone",
}


def duck_column_type(pg_type: str) -> str:
    """The DuckDB type of a catalog column declared with a PostgreSQL type spelling."""
    if pg_type.endswith("[]"):
        return duck_column_type(pg_type[:-2]) + "[]"
    return _COLUMN_TYPES[pg_type]


def _neutral(pg_type: str) -> str:
    """PostgreSQL's value for a catalog column PixelSQL has nothing to say about."""
    duck = duck_column_type(pg_type)
    if duck == "BOOLEAN":
        return "false"
    if duck in ("SMALLINT", "INTEGER", "UINTEGER", "BIGINT", "FLOAT", "DOUBLE"):
        return "0"
    if pg_type == '"char"':
        return "''"
    return "NULL"


def _columns(relation: str) -> list[tuple[str, str]]:
    spec = catalog_data.RELATIONS[relation]
    out = []
    for item in spec.split(", "):
        name, _, typ = item.partition(":")
        out.append((name, typ))
    return out


def _lit(value: object) -> str:
    """A SQL literal for a Python value (static catalog data only)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _values(rows: Iterable[Sequence[object]]) -> str:
    return ",\n".join("(" + ", ".join(_lit(v) for v in row) + ")" for row in rows)


def server_version_string() -> str:
    """``version()``: PostgreSQL's format (SQLAlchemy, Metabase and pgjdbc parse it)."""
    try:
        ours = metadata.version("pixelsql")
    except metadata.PackageNotFoundError:
        ours = "0.1.0"
    machine = platform.machine() or "x86_64"
    return (f"PostgreSQL {settings.SERVER_VERSION} (PixelSQL {ours}, DuckDB "
            f"{duckdb.__version__}) on {machine}-pc-linux-gnu, compiled by gcc, 64-bit")


# --- static tables ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _StaticTable:
    """A table of fixed rows in the catalog database (PostgreSQL's built-in facts)."""

    name: str
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type)
    rows: tuple[tuple[object, ...], ...]


def _static_tables() -> list[_StaticTable]:
    type_oids = {str(row[-1]): int(str(row[0])) for row in catalog_data.TYPES}
    type_oids.update({str(row[1]): int(str(row[0])) for row in catalog_data.TYPES})
    rels: list[tuple[object, ...]] = []
    atts: list[tuple[object, ...]] = []
    for full in catalog_data.RELATIONS:
        schema, name = full.split(".", 1)
        oid = catalog_data.TABLE_OIDS.get(name) if schema == "pg_catalog" else None
        kind = "v" if full in catalog_data.VIEWS else "r"
        rels.append((schema, name, kind, oid))
        for num, (col, typ) in enumerate(_columns(full), start=1):
            base = _DOMAIN_BASES.get(typ, typ)
            atts.append((schema, name, col, num, type_oids[base]))
    v, i, b, s = "VARCHAR", "INTEGER", "BOOLEAN", "SMALLINT"
    return [
        _StaticTable("_types", (
            ("oid", i), ("typname", v), ("typlen", s), ("typbyval", b), ("typtype", v),
            ("typcategory", v), ("typispreferred", b), ("typdelim", v), ("typelem", i),
            ("typarray", i), ("typinput", v), ("typoutput", v), ("typreceive", v),
            ("typsend", v), ("typmodin", v), ("typmodout", v), ("typanalyze", v),
            ("typsubscript", v), ("typalign", v), ("typstorage", v), ("typcollation", i),
            ("fmt", v)), catalog_data.TYPES),
        _StaticTable("_duck_types", (("duck", v), ("oid", i)),
                     tuple((k, type_oids[t]) for k, t in DUCK_TO_PG.items())),
        _StaticTable("_catalog_rels", (("nsp", v), ("name", v), ("relkind", v),
                                       ("known_oid", i)), tuple(rels)),
        _StaticTable("_catalog_att", (("nsp", v), ("relname", v), ("attname", v),
                                      ("attnum", s), ("atttypid", i)), tuple(atts)),
        _StaticTable("_keywords", (("word", v), ("catcode", v), ("barelabel", b),
                                   ("catdesc", v), ("baredesc", v)), tuple(
            (w, c, bare, _KEYWORD_CATEGORIES[c], "can be bare label" if bare else "requires AS")
            for w, c, bare in catalog_data.KEYWORDS)),
        _StaticTable("_settings", (("name", v), ("setting", v), ("vartype", v),
                                   ("context", v), ("source", v), ("boot_val", v)), tuple(
            (name, value, "string", "user", "default", value)
            for name, value in sorted({**SERVER_SETTINGS, **settings.DEFAULTS}.items()))),
    ]


def _load_static_table(con: duckdb.DuckDBPyConnection, table: _StaticTable) -> None:
    """Create and fill one static table through Arrow (a VALUES list binds slowly)."""
    arrow_types = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "SMALLINT": pa.int16(),
                   "BOOLEAN": pa.bool_()}
    arrays = [pa.array([row[n] for row in table.rows], arrow_types[typ])
              for n, (_, typ) in enumerate(table.columns)]
    data = pa.Table.from_arrays(arrays, names=[name for name, _ in table.columns])
    view = f"__pixelsql_static_{table.name}"
    con.register(view, data)
    try:
        con.execute(f"CREATE TABLE {PG}.{table.name} AS SELECT * FROM {view}")
    finally:
        con.unregister(view)


_KEYWORD_CATEGORIES = {
    "U": "unreserved",
    "C": "unreserved (cannot be function or type name)",
    "T": "reserved (can be function or type name)",
    "R": "reserved",
}


def _quoted_keywords_pattern() -> str:
    """Keywords that quote_ident must quote (all but the unreserved ones)."""
    words = sorted(w for w, c, _ in catalog_data.KEYWORDS if c != "U")
    return "|".join(words)


# --- macros ----------------------------------------------------------------------------------

# (name, "(params) AS body" overloads). Bodies refer to other macros fully qualified ({PG}).
# Macros that hold a subquery cannot be used inside DuckDB lambdas; the views avoid that.
def _macros(served: str, start_time: str) -> list[tuple[str, tuple[str, ...]]]:
    version = _lit(server_version_string())
    keywords = _lit("^(" + _quoted_keywords_pattern() + ")$")
    user = "getvariable('pixelsql_user')"
    return [
        # -- helpers for the views ---------------------------------------------------------
        ("_oid_of", (f"(kind, schema, name) AS CAST({FIRST_USER_OID} + md5_number(kind || '|' "
                    f"|| schema || '|' || name) % {2**31 - FIRST_USER_OID} AS UINTEGER)",)),
        ("_nspname_of", (f"""(db, sch) AS CASE WHEN db = 'temp' THEN '{TEMP_SCHEMA}'
            WHEN db = '{CATALOG}' AND sch = '{PG_SCHEMA}' THEN 'pg_catalog'
            WHEN db = '{CATALOG}' AND sch = '{INFO_SCHEMA}' THEN 'information_schema'
            WHEN sch = 'main' THEN 'public' ELSE sch END""",)),
        ("_nsp_oid", ("(n) AS CASE n " + " ".join(
            f"WHEN '{k}' THEN {v}" for k, v in NAMESPACE_OIDS.items())
            + f" ELSE {PG}._oid_of('nsp', '', n) END",)),
        ("_rel_oid", (f"(nsp, name) AS {PG}._oid_of('rel', nsp, name)",)),
        ("_duck_base_oid", (f"""(b) AS coalesce((SELECT oid FROM {PG}._duck_types
            WHERE duck = regexp_replace(b, '\\s*\\(.*$', '')), 25)""",)),
        ("_duck_type_oid", (f"""(t) AS CASE
            WHEN NOT regexp_matches(t, '\\[\\d*\\]$') THEN {PG}._duck_base_oid(t)
            WHEN regexp_matches(t, '(\\[\\d*\\]){{2}}$|^(STRUCT|MAP|UNION)\\(|^(NULL|BIT)\\[')
                THEN 25
            ELSE coalesce((SELECT nullif(typarray, 0) FROM {PG}._types
                WHERE oid = {PG}._duck_base_oid(regexp_replace(t, '\\[\\d*\\]$', ''))), 25)
            END""",)),
        ("_duck_typmod", (f"""(t) AS CASE
            WHEN regexp_matches(t, '^{UNCONSTRAINED_DECIMAL}(\\[\\d*\\])?$')
            THEN -1  -- numeric without a precision (engine.arithmetic.NUMERIC)
            WHEN regexp_matches(t, '^DECIMAL\\(\\d+,\\d+\\)(\\[\\d*\\])?$')
            THEN ((CAST(regexp_extract(t, '^DECIMAL\\((\\d+),', 1) AS INTEGER) << 16)
                  | CAST(regexp_extract(t, ',(\\d+)\\)', 1) AS INTEGER)) + 4
            ELSE -1 END""",)),
        # The limit of a CHECK (length(col) <= n) that stands for varchar(n) (engine.translate).
        ("_varchar_limit", (f"""(expr) AS CASE WHEN regexp_full_match(expr,
            '{VARCHAR_CHECK}') THEN CAST(regexp_extract(expr, '{VARCHAR_CHECK}', 1) AS INTEGER)
            END""",)),
        ("_index_column", ("""(e) AS CASE
            WHEN regexp_full_match(e, '"([^"]|"")*"') THEN replace(e[2:-2], '""', '"')
            WHEN regexp_full_match(e, '[A-Za-z_][A-Za-z0-9_$]*') THEN e
            ELSE NULL END""",)),
        # -- identifiers and names -----------------------------------------------------------
        ("quote_ident", (f"""(x) AS CASE
            WHEN regexp_full_match(x, '[a-z_][a-z0-9_$]*')
                 AND NOT regexp_full_match(x, {keywords}) THEN x
            ELSE '"' || replace(x, '"', '""') || '"' END""",)),
        ("_format_with_typmod", ("""(base_oid, base_fmt, typmod) AS CASE base_oid
            WHEN 1043 THEN 'character varying(' || (typmod - 4) || ')'
            WHEN 1042 THEN 'character(' || (typmod - 4) || ')'
            WHEN 1700 THEN 'numeric(' || ((typmod - 4) >> 16) || ','
                           || ((typmod - 4) & 65535) || ')'
            ELSE base_fmt END""",)),
        ("quote_literal", ("(x) AS '''' || replace(CAST(x AS VARCHAR), '''', '''''') "
                           "|| ''''",)),
        ("quote_nullable", ("(x) AS CASE WHEN x IS NULL THEN 'NULL' ELSE '''' || "
                            "replace(CAST(x AS VARCHAR), '''', '''''') || '''' END",)),
        ("format_type", (f"""(type_oid, typmod) AS CASE
            WHEN type_oid IS NULL THEN NULL
            WHEN type_oid = 0 THEN '-'
            ELSE coalesce((SELECT CASE
                WHEN typmod IS NULL OR typmod < 0 THEN _mt.fmt
                WHEN _mt.typcategory = 'A' AND _me.oid IS NOT NULL
                    THEN {PG}._format_with_typmod(_me.oid, _me.fmt, typmod) || '[]'
                ELSE {PG}._format_with_typmod(_mt.oid, _mt.fmt, typmod) END
                FROM {PG}._types _mt LEFT JOIN {PG}._types _me ON _me.oid = _mt.typelem
                WHERE _mt.oid = type_oid), '???') END""",)),
        ("pg_get_userbyid", (f"""(role_oid) AS CASE role_oid
            WHEN {BOOTSTRAP_ROLE_OID} THEN {user}
            WHEN {DATABASE_OWNER_ROLE_OID} THEN 'pg_database_owner'
            ELSE 'unknown (OID=' || role_oid || ')' END""",)),
        ("_regclass_name", (f"""(rel_oid) AS coalesce((SELECT CASE
                WHEN _mr.nspname IN ('public', 'pg_catalog', '{TEMP_SCHEMA}')
                THEN {PG}.quote_ident(_mr.relname)
                ELSE {PG}.quote_ident(_mr.nspname) || '.' || {PG}.quote_ident(_mr.relname) END
            FROM {PG}._relnames _mr WHERE _mr.oid = rel_oid), CAST(rel_oid AS VARCHAR))""",)),
        ("to_regclass", (f"""(rel_name) AS CASE
            WHEN regexp_full_match(rel_name, '\\s*\\d+\\s*') THEN CAST(rel_name AS UINTEGER)
            ELSE (SELECT min(_mr.oid) FROM {PG}._relnames _mr
                  WHERE _mr.relname = {PG}._ident_part(rel_name, 2)
                  AND (_mr.nspname = {PG}._ident_part(rel_name, 1)
                       OR ({PG}._ident_part(rel_name, 1) IS NULL AND _mr.nspname IN
                           ('{TEMP_SCHEMA}', 'pg_catalog', 'public')))) END""",)),
        ("_regclass_in", (f"""(rel_name) AS coalesce({PG}.to_regclass(rel_name),
            error('relation "' || rel_name || '" does not exist'))""",)),
        # _ident_part('a.b', 1) = 'a', ('a.b', 2) = 'b', ('b', 1) = NULL; quotes honoured.
        ("_ident_part", ("""(qualified, part) AS CASE
            WHEN part = 2 THEN {PG}._unquote(regexp_extract(qualified,
                '("(?:[^"]|"")+"|[^".]+)\\s*$', 1))
            ELSE {PG}._unquote(nullif(regexp_extract(qualified,
                '^\\s*("(?:[^"]|"")+"|[^".]+)\\s*\\.', 1), '')) END""".replace(
            "{PG}", PG),)),
        ("_unquote", ("""(word) AS CASE WHEN word[1] = '"'
            THEN replace(word[2:-2], '""', '"') ELSE lower(word) END""",)),
        ("_regtype_name", (f"(type_oid) AS {PG}.format_type(type_oid, NULL)",)),
        ("to_regtype", (f"""(type_name) AS CASE
            WHEN regexp_full_match(type_name, '\\s*\\d+\\s*') THEN CAST(type_name AS UINTEGER)
            ELSE (SELECT min(_mt.oid) FROM {PG}._types _mt
                  WHERE _mt.typname = lower(trim(regexp_replace(type_name, '^pg_catalog\\.', '')))
                     OR _mt.fmt = lower(trim(regexp_replace(type_name, '^pg_catalog\\.', '')))
                     OR _mt.typname = CASE lower(trim(type_name))
                        WHEN 'int' THEN 'int4' WHEN 'integer' THEN 'int4'
                        WHEN 'smallint' THEN 'int2' WHEN 'bigint' THEN 'int8'
                        WHEN 'real' THEN 'float4' WHEN 'float' THEN 'float8'
                        WHEN 'double precision' THEN 'float8' WHEN 'boolean' THEN 'bool'
                        WHEN 'varchar' THEN 'varchar' WHEN 'decimal' THEN 'numeric'
                        WHEN 'timestamptz' THEN 'timestamptz' ELSE NULL END) END""",)),
        ("_regtype_in", (f"""(type_name) AS coalesce({PG}.to_regtype(type_name),
            error('type "' || type_name || '" does not exist'))""",)),
        ("_regnamespace_name", (f"""(nsp_oid) AS coalesce((SELECT {PG}.quote_ident(_mn.nspname)
            FROM {PG}._nsp _mn WHERE _mn.oid = nsp_oid), CAST(nsp_oid AS VARCHAR))""",)),
        ("_regnamespace_in", (f"""(nsp_name) AS coalesce((SELECT _mn.oid FROM {PG}._nsp _mn
            WHERE _mn.nspname = {PG}._ident_part(nsp_name, 2)),
            error('schema "' || nsp_name || '" does not exist'))""",)),
        ("_regrole_name", (f"(role_oid) AS {PG}.pg_get_userbyid(role_oid)",)),
        ("_regrole_in", (f"""(role_name) AS CASE WHEN role_name = {user} THEN
            {BOOTSTRAP_ROLE_OID} WHEN role_name = 'pg_database_owner'
            THEN {DATABASE_OWNER_ROLE_OID}
            ELSE error('role "' || role_name || '" does not exist') END""",)),
        ("_regproc_in", (f"""(proc_name) AS coalesce((SELECT min(_mp.oid) FROM {PG}._procs _mp
            WHERE _mp.proname = {PG}._ident_part(proc_name, 2)),
            TRY_CAST(proc_name AS UINTEGER),
            error('function "' || proc_name || '" does not exist'))""",)),
        ("_regproc_name", (f"""(proc_oid) AS coalesce((SELECT min(_mp.proname) FROM {PG}._procs _mp
            WHERE _mp.oid = proc_oid), CAST(proc_oid AS VARCHAR))""",)),
        # -- session and server facts ------------------------------------------------------
        ("version", (f"() AS {version}",)),
        ("current_database", (f"() AS '{DATABASE_NAME}'",)),
        ("current_catalog", (f"() AS '{DATABASE_NAME}'",)),
        ("current_schema", ("() AS 'public'",)),
        ("current_schemas", ("(include_implicit) AS CASE WHEN include_implicit "
                             "THEN ['pg_catalog', 'public'] ELSE ['public'] END",)),
        ("current_user", (f"() AS {user}",)),
        ("session_user", (f"() AS {user}",)),
        ("current_role", (f"() AS {user}",)),
        ("pg_backend_pid", ("() AS CAST(getvariable('pixelsql_pid') AS INTEGER)",)),
        ("pg_postmaster_start_time", (f"() AS TIMESTAMPTZ '{start_time}'",)),
        ("pg_conf_load_time", (f"() AS TIMESTAMPTZ '{start_time}'",)),
        ("pg_is_in_recovery", ("() AS false",)),
        ("pg_is_wal_replay_paused", ("() AS false",)),
        ("pg_encoding_to_char", ("(enc) AS CASE enc WHEN 6 THEN 'UTF8' WHEN 0 THEN "
                                 "'SQL_ASCII' ELSE '' END",)),
        ("pg_char_to_encoding", ("(name) AS CASE upper(name) WHEN 'UTF8' THEN 6 "
                                 "WHEN 'SQL_ASCII' THEN 0 ELSE -1 END",)),
        # the session's parameters (SET/SHOW, engine.settings) and a few fixed server ones
        ("current_setting", ("""(setting_name) AS coalesce(map_extract_value(
                getvariable('pixelsql_settings'), lower(setting_name)),
                error('unrecognized configuration parameter "' || setting_name || '"'))""",
            """(setting_name, missing_ok) AS map_extract_value(
                getvariable('pixelsql_settings'), lower(setting_name))""")),
        ("set_config", ("(setting_name, new_value, is_local) AS new_value",)),
        ("pg_jit_available", ("() AS false",)),
        ("pg_client_encoding", ("() AS 'UTF8'",)),
        ("parse_ident", (f"""(qualified) AS list_transform(regexp_extract_all(qualified,
            '"(?:[^"]|"")*"|[^.]+'), lambda part: {PG}._unquote(trim(part)))""",
            f"""(qualified, strict) AS list_transform(regexp_extract_all(qualified,
            '"(?:[^"]|"")*"|[^.]+'), lambda part: {PG}._unquote(trim(part)))""")),
        # information_schema._pg_expandarray: the (x, n) pairs of an array (pgjdbc, Metabase)
        ("_pg_expandarray", ("""(arr) AS list_transform(range(1, len(arr) + 1),
            lambda i: {'x': arr[i], 'n': i})""",)),
        *[(f"pg_stat_get_{what}", ("(x) AS CAST(0 AS BIGINT)",))
          for what in ("numscans", "tuples_returned", "tuples_fetched", "tuples_inserted",
                       "tuples_updated", "tuples_deleted", "tuples_hot_updated",
                       "live_tuples", "dead_tuples", "blocks_fetched", "blocks_hit",
                       "vacuum_count", "autovacuum_count", "analyze_count",
                       "autoanalyze_count", "function_calls", "xact_numscans")],
        *[(f"pg_stat_get_{what}", ("(x) AS CAST(NULL AS TIMESTAMPTZ)",))
          for what in ("last_vacuum_time", "last_autovacuum_time", "last_analyze_time",
                       "last_autoanalyze_time")],
        ("inet_server_addr", ("() AS NULL",)),
        ("inet_server_port", ("() AS NULL",)),
        ("inet_client_addr", ("() AS NULL",)),
        ("inet_client_port", ("() AS NULL",)),
        ("pg_my_temp_schema", (f"() AS {PG}._nsp_oid('{TEMP_SCHEMA}')",)),
        ("pg_is_other_temp_schema", ("(nsp) AS false",)),
        ("pg_cancel_backend", ("(pid) AS false",)),
        ("pg_terminate_backend", ("(pid) AS false", "(pid, timeout) AS false")),
        ("txid_current", ("() AS CAST(current_transaction_id() AS BIGINT)",)),
        ("pg_current_xact_id", ("() AS CAST(current_transaction_id() AS BIGINT)",)),
        # Advisory locks: one server, one process; there is nothing to wait for.
        ("pg_advisory_lock", ("(k) AS NULL", "(k1, k2) AS NULL")),
        ("pg_advisory_unlock", ("(k) AS true", "(k1, k2) AS true")),
        ("pg_advisory_unlock_all", ("() AS NULL",)),
        ("pg_try_advisory_lock", ("(k) AS true", "(k1, k2) AS true")),
        ("pg_advisory_xact_lock", ("(k) AS NULL", "(k1, k2) AS NULL")),
        ("pg_try_advisory_xact_lock", ("(k) AS true", "(k1, k2) AS true")),
        # -- visibility and privileges ------------------------------------------------------
        ("pg_table_is_visible", (f"""(rel_oid) AS coalesce((SELECT _mr.nspname IN
            ('public', 'pg_catalog', '{TEMP_SCHEMA}') FROM {PG}._relnames _mr
            WHERE _mr.oid = rel_oid), false)""",)),
        ("pg_type_is_visible", ("(x) AS true",)),
        ("pg_function_is_visible", ("(x) AS true",)),
        ("pg_collation_is_visible", ("(x) AS true",)),
        ("pg_conversion_is_visible", ("(x) AS true",)),
        ("pg_operator_is_visible", ("(x) AS true",)),
        ("pg_opclass_is_visible", ("(x) AS true",)),
        ("pg_opfamily_is_visible", ("(x) AS true",)),
        ("pg_ts_config_is_visible", ("(x) AS true",)),
        ("pg_statistics_obj_is_visible", ("(x) AS true",)),
        *[(f"has_{what}_privilege", ("(a, b) AS true", "(a, b, c) AS true"))
          for what in ("table", "column", "database", "schema", "sequence", "function",
                       "language", "tablespace", "foreign_data_wrapper", "server", "type",
                       "any_column", "parameter")],
        ("pg_has_role", ("(a, b) AS true", "(a, b, c) AS true")),
        ("row_security_active", ("(x) AS false",)),
        # -- definitions --------------------------------------------------------------------
        ("pg_get_expr", ("(expr, rel) AS expr", "(expr, rel, pretty) AS expr")),
        ("pg_get_indexdef", (f"""(index_oid) AS (SELECT _mi.indexdef FROM {PG}._idx _mi
                WHERE _mi.indexrelid = index_oid)""",
            f"""(index_oid, col, pretty) AS (SELECT CASE WHEN col = 0 THEN _mi.indexdef
                ELSE _mi.keytexts[col] END FROM {PG}._idx _mi
                WHERE _mi.indexrelid = index_oid)""")),
        ("pg_get_constraintdef", (
            f"(con_oid) AS (SELECT _mc.def FROM {PG}._con _mc WHERE _mc.oid = con_oid)",
            f"""(con_oid, pretty) AS (SELECT CASE WHEN pretty AND _mc.contype = 'c'
                THEN 'CHECK ' || _mc.conbin ELSE _mc.def END
                FROM {PG}._con _mc WHERE _mc.oid = con_oid)""")),
        ("pg_get_viewdef", (
            f"(view) AS {PG}._view_definition(view)",
            f"(view, pretty) AS {PG}._view_definition(view)")),
        ("_view_definition", (f"""(view) AS (SELECT regexp_replace(_mr.viewdef,
                '^\\s*CREATE\\s+(OR\\s+REPLACE\\s+)?(TEMP\\w*\\s+)?VIEW\\s+.*?\\s+AS\\s+', '',
                'is') FROM {PG}._rel _mr
            WHERE _mr.oid = {PG}.to_regclass(CAST(view AS VARCHAR)))""",)),
        ("pg_get_ruledef", ("(rule_oid) AS NULL", "(rule_oid, pretty) AS NULL")),
        ("pg_get_triggerdef", ("(trigger_oid) AS NULL", "(trigger_oid, pretty) AS NULL")),
        ("pg_get_functiondef", (f"""(proc_oid) AS (SELECT min('CREATE MACRO ' ||
            {PG}.quote_ident(_mp.nsp) || '.' || {PG}.quote_ident(_mp.proname) || '('
            || array_to_string(_mp.parameters, ', ') || ') AS ' || _mp.macro_definition)
            FROM {PG}._procs _mp WHERE _mp.oid = proc_oid)""",)),
        ("pg_get_function_result", (f"""(proc_oid) AS (SELECT min(_mp.result_text)
            FROM {PG}._procs _mp WHERE _mp.oid = proc_oid)""",)),
        ("pg_get_function_arguments", (f"""(proc_oid) AS (SELECT min(_mp.arguments_text)
            FROM {PG}._procs _mp WHERE _mp.oid = proc_oid)""",)),
        ("pg_get_function_identity_arguments", (
            f"""(proc_oid) AS (SELECT min(_mp.arguments_text)
            FROM {PG}._procs _mp WHERE _mp.oid = proc_oid)""",)),
        ("pg_get_partkeydef", ("(rel) AS NULL",)),
        # no partitioning: a relation is its own only ancestor and root
        ("pg_partition_ancestors", (f"(rel) AS {PG}._regclass_in(CAST(rel AS VARCHAR))",)),
        ("pg_partition_root", (f"(rel) AS {PG}._regclass_in(CAST(rel AS VARCHAR))",)),
        ("pg_get_partition_constraintdef", ("(rel) AS NULL",)),
        ("pg_get_statisticsobjdef_columns", ("(stat) AS NULL",)),
        ("pg_get_statisticsobjdef", ("(stat) AS NULL",)),
        # schema-qualified, as PostgreSQL answers (DuckDB's main is public)
        ("pg_get_serial_sequence", (f"""(tab, col) AS (SELECT min(regexp_replace(regexp_replace(
                regexp_extract(_ma.column_default, 'nextval\\(''([^'']+)''', 1),
                '^main\\.', 'public.'), '^([^.]+)$', 'public.\\1')) FROM {PG}._att _ma
            WHERE _ma.attrelid = {PG}.to_regclass(tab) AND _ma.attname = col)""",)),
        ("pg_relation_is_publishable", ("(rel) AS false",)),
        ("pg_tablespace_location", ("(ts) AS ''",)),
        ("obj_description", (
            f"""(obj) AS (SELECT min(_md.description) FROM {PG}._descr _md
                WHERE _md.objoid = obj AND _md.objsubid = 0)""",
            f"""(obj, catalog_name) AS (SELECT min(_md.description) FROM {PG}._descr _md
                WHERE _md.objoid = obj AND _md.objsubid = 0
                AND _md.classoid = {PG}.to_regclass(catalog_name))""")),
        ("col_description", (f"""(rel, col) AS (SELECT min(_md.description)
            FROM {PG}._descr _md WHERE _md.objoid = rel AND _md.classoid = 1259
            AND _md.objsubid = col)""",)),
        ("shobj_description", ("(obj, catalog_name) AS NULL",)),
        # -- sizes ---------------------------------------------------------------------------
        ("pg_relation_size", (f"""(rel) AS (SELECT CAST(8192 * ceil(_mr.reltuples * greatest(
            _mr.relnatts, 1) * 8 / 8192.0) AS BIGINT) FROM {PG}._rel _mr
            WHERE _mr.oid = {PG}._regclass_in(CAST(rel AS VARCHAR)))""",
            "(rel, fork) AS CAST(0 AS BIGINT)")),
        ("pg_table_size", (f"(rel) AS {PG}.pg_relation_size(rel)",)),
        ("pg_total_relation_size", (f"(rel) AS {PG}.pg_relation_size(rel)",)),
        ("pg_indexes_size", ("(rel) AS CAST(0 AS BIGINT)",)),
        ("pg_database_size", (f"""(db) AS (SELECT CAST(sum(total_blocks * block_size) AS BIGINT)
            FROM pragma_database_size() WHERE database_name = '{served}')""",)),
        # PostgreSQL's rounding: halves round away from zero at each unit
        ("pg_size_pretty", ("""(size) AS CASE
            WHEN abs(CAST(size AS HUGEINT)) < 10240 THEN CAST(size AS BIGINT) || ' bytes'
            WHEN abs(CAST(size AS HUGEINT)) < 10485760
                THEN CAST(round(size / 1024.0) AS BIGINT) || ' kB'
            WHEN abs(CAST(size AS HUGEINT)) < 10737418240
                THEN CAST(round(size / 1048576.0) AS BIGINT) || ' MB'
            WHEN abs(CAST(size AS HUGEINT)) < 10995116277760
                THEN CAST(round(size / 1073741824.0) AS BIGINT) || ' GB'
            ELSE CAST(round(size / 1099511627776.0) AS BIGINT) || ' TB' END""",)),
        # -- arrays and types ------------------------------------------------------------------
        ("array_upper", ("(arr, dim) AS CASE WHEN dim = 1 AND len(arr) > 0 "
                         "THEN CAST(len(arr) AS INTEGER) END",)),
        ("array_lower", ("(arr, dim) AS CASE WHEN dim = 1 AND len(arr) > 0 THEN 1 END",)),
        ("array_ndims", ("(arr) AS CASE WHEN len(arr) > 0 THEN 1 END",)),
        # a regtype in PostgreSQL, which prints without a typmod: numeric, not numeric(2,1)
        ("pg_typeof", (f"""(x) AS {PG}.format_type({PG}._duck_type_oid(typeof(x)), NULL)""",)),
    ]


MACRO_FUNCTIONS = frozenset(
    name for name, _ in _macros("", "2000-01-01 00:00:00+00") if not name.startswith("_")
)
# Functions PostgreSQL has as table functions.
TABLE_FUNCTIONS = frozenset({"pg_get_keywords"})
FUNCTIONS = MACRO_FUNCTIONS | TABLE_FUNCTIONS


# --- views -------------------------------------------------------------------------------------


def _internal_views(served: str) -> list[str]:
    """Views with PostgreSQL's rows plus the extra columns the macros need (names start _)."""
    user_dbs = f"({_lit(served)}, 'temp')"
    nsp = f"{PG}._nspname_of(database_name, schema_name)"
    cols = f"""cols AS (SELECT database_name, schema_name, table_name,
            list(column_name ORDER BY column_index) AS names
        FROM duckdb_columns() WHERE database_name IN {user_dbs} GROUP BY ALL)"""
    keyed = f"""(SELECT *, {nsp} AS nsp, CASE WHEN constraint_type = 'PRIMARY KEY'
            THEN table_name || '_pkey' ELSE constraint_name END AS pgname
        FROM duckdb_constraints() WHERE database_name IN {user_dbs}
        AND constraint_type IN ('PRIMARY KEY', 'UNIQUE'))"""
    quoted_cols = f"list_transform(constraint_column_names, lambda c: {PG}.quote_ident(c))"
    varchar_checks = f"""varchar_checks AS (SELECT database_name, schema_name, table_name,
            constraint_column_names[1] AS column_name, min({PG}._varchar_limit(expression)) AS n
        FROM duckdb_constraints() WHERE database_name IN {user_dbs}
        AND constraint_type = 'CHECK' AND len(constraint_column_names) = 1
        AND {PG}._varchar_limit(expression) IS NOT NULL GROUP BY ALL)"""
    return [
        f"""CREATE VIEW {PG}._nsp AS
        SELECT oid, nspname,
            CASE WHEN nspname = 'public' THEN {DATABASE_OWNER_ROLE_OID}
                 ELSE {BOOTSTRAP_ROLE_OID} END AS nspowner, comment
        FROM (SELECT 11 AS oid, 'pg_catalog' AS nspname, 'system catalog schema' AS comment
            UNION ALL SELECT 99, 'pg_toast', 'reserved schema for TOAST tables'
            UNION ALL SELECT 2200, 'public', 'standard public schema'
            UNION ALL SELECT {catalog_data.INFORMATION_SCHEMA_OID}, 'information_schema', NULL
            UNION ALL SELECT {PG}._nsp_oid('{TEMP_SCHEMA}'), '{TEMP_SCHEMA}', NULL
            UNION ALL SELECT {PG}._nsp_oid(schema_name), schema_name, comment
                FROM duckdb_schemas() WHERE database_name = {_lit(served)}
                AND schema_name NOT IN ('main', 'pg_catalog', 'information_schema'))""",
        f"""CREATE VIEW {PG}._rel AS
        WITH {varchar_checks},
            tabs AS (SELECT {nsp} AS nsp, table_name AS name, * FROM duckdb_tables()
                WHERE database_name IN {user_dbs} AND NOT internal),
            idx AS (SELECT {nsp} AS nsp, index_name AS name, * FROM duckdb_indexes()
                WHERE database_name IN {user_dbs}),
            cons AS {keyed},
            indexed AS (SELECT DISTINCT nsp, table_name FROM idx
                UNION SELECT nsp, table_name FROM cons),
            -- PostgreSQL implements foreign keys with triggers on both tables (psql asks)
            fk_tables AS (SELECT DISTINCT database_name, schema_name, table_name
                FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'
                UNION SELECT database_name, schema_name, referenced_table
                FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY')
        SELECT {PG}._rel_oid(t.nsp, t.name) AS oid, t.name AS relname, t.nsp AS nspname,
            'r' AS relkind, t.column_count AS relnatts,
            t.check_constraint_count - coalesce(v.n, 0) AS relchecks,
            x.table_name IS NOT NULL AS relhasindex,
            CASE WHEN t.temporary THEN 't' ELSE 'p' END AS relpersistence,
            t.estimated_size AS reltuples, 2 AS relam, t.comment, NULL AS viewdef,
            NULL AS tablename, f.table_name IS NOT NULL AS relhastriggers
        FROM tabs t LEFT JOIN indexed x ON x.nsp = t.nsp AND x.table_name = t.name
        LEFT JOIN fk_tables f ON f.database_name = t.database_name
            AND f.schema_name = t.schema_name AND f.table_name = t.name
        LEFT JOIN (SELECT database_name, schema_name, table_name, count(*) AS n
            FROM varchar_checks GROUP BY ALL) v ON v.database_name = t.database_name
            AND v.schema_name = t.schema_name AND v.table_name = t.name
        UNION ALL SELECT {PG}._rel_oid(nsp, view_name), view_name, nsp, 'v', column_count, 0,
            false, CASE WHEN temporary THEN 't' ELSE 'p' END, 0, 0, comment, sql, NULL, false
        FROM (SELECT {nsp} AS nsp, * FROM duckdb_views()
            WHERE database_name IN {user_dbs} AND NOT internal)
        UNION ALL SELECT {PG}._rel_oid(nsp, sequence_name), sequence_name, nsp, 'S', 3, 0,
            false, CASE WHEN temporary THEN 't' ELSE 'p' END, 1, 0, comment, NULL, NULL, false
        FROM (SELECT {nsp} AS nsp, * FROM duckdb_sequences()
            WHERE database_name IN {user_dbs})
        UNION ALL SELECT {PG}._rel_oid(nsp, name), name, nsp, 'i',
            len(CAST(expressions AS VARCHAR[])), 0, false, 'p', 0, 403, comment, NULL,
            table_name, false
        FROM idx
        UNION ALL SELECT {PG}._rel_oid(nsp, pgname), pgname, nsp, 'i',
            len(constraint_column_names), 0, false, 'p', 0, 403, NULL, NULL, table_name, false
        FROM cons
        UNION ALL SELECT coalesce(r.known_oid, {PG}._rel_oid(r.nsp, r.name)), r.name, r.nsp,
            r.relkind, a.n, 0, false, 'p', 0, CASE WHEN r.relkind = 'r' THEN 2 ELSE 0 END,
            NULL, NULL, NULL, false
        FROM {PG}._catalog_rels r JOIN (SELECT nsp, relname, count(*) AS n
            FROM {PG}._catalog_att GROUP BY ALL) a ON a.nsp = r.nsp AND a.relname = r.name""",
        # _rel's OIDs and names only: what name lookups (regclass, visibility) need
        f"""CREATE VIEW {PG}._relnames AS
        SELECT {PG}._rel_oid(nsp, name) AS oid, name AS relname, nsp AS nspname FROM (
            SELECT {nsp} AS nsp, table_name AS name FROM duckdb_tables()
                WHERE database_name IN {user_dbs} AND NOT internal
            UNION ALL SELECT {nsp}, view_name FROM duckdb_views()
                WHERE database_name IN {user_dbs} AND NOT internal
            UNION ALL SELECT {nsp}, sequence_name FROM duckdb_sequences()
                WHERE database_name IN {user_dbs}
            UNION ALL SELECT {nsp}, index_name FROM duckdb_indexes()
                WHERE database_name IN {user_dbs}
            UNION ALL SELECT nsp, pgname FROM {keyed})
        UNION ALL SELECT coalesce(known_oid, {PG}._rel_oid(nsp, name)), name, nsp
        FROM {PG}._catalog_rels""",
        f"""CREATE VIEW {PG}._tatt AS
        WITH {varchar_checks}
        SELECT {PG}._rel_oid(c.nsp, c.table_name) AS attrelid, c.nsp, c.table_name,
            c.column_name AS attname, CAST(c.column_index AS SMALLINT) AS attnum, c.data_type,
            CASE WHEN v.n IS NOT NULL AND c.data_type = 'VARCHAR' THEN 1043
                ELSE {PG}._duck_type_oid(c.data_type) END AS atttypid,
            CASE WHEN v.n IS NOT NULL AND c.data_type = 'VARCHAR' THEN v.n + 4
                ELSE {PG}._duck_typmod(c.data_type) END AS atttypmod,
            NOT c.is_nullable AS attnotnull, c.column_default, c.comment, c.is_generated
        FROM (SELECT {nsp} AS nsp, * FROM duckdb_columns()
            WHERE database_name IN {user_dbs} AND NOT internal) c
        LEFT JOIN varchar_checks v ON v.database_name = c.database_name
            AND v.schema_name = c.schema_name AND v.table_name = c.table_name
            AND v.column_name = c.column_name
        UNION ALL SELECT coalesce(r.known_oid, {PG}._rel_oid(a.nsp, a.relname)), a.nsp,
            a.relname, a.attname, a.attnum, NULL, a.atttypid, -1, false, NULL, NULL, false
        FROM {PG}._catalog_att a JOIN {PG}._catalog_rels r
            ON r.nsp = a.nsp AND r.name = a.relname""",
        f"""CREATE VIEW {PG}._idx AS
        WITH {cols},
        ix AS (SELECT {PG}._nspname_of(i.database_name, i.schema_name) AS nsp,
                i.index_name AS name, i.table_name, i.is_unique, i.is_primary,
                CAST(i.expressions AS VARCHAR[]) AS exprs, c.names
            FROM duckdb_indexes() i JOIN cols c ON c.database_name = i.database_name
                AND c.schema_name = i.schema_name AND c.table_name = i.table_name
            WHERE i.database_name IN {user_dbs}),
        all_ix AS (
            SELECT nsp, name, table_name, is_unique, is_primary,
                list_transform(exprs, lambda e: coalesce(list_position(
                    list_transform(names, lambda n: lower(n)),
                    lower({PG}._index_column(e))), 0)) AS key,
                list_transform(exprs, lambda e: CASE
                    WHEN {PG}._index_column(e) IS NOT NULL
                    THEN {PG}.quote_ident({PG}._index_column(e))
                    ELSE regexp_replace(e, '^\\((.*)\\)$', '\\1') END) AS keytexts
            FROM ix
            UNION ALL SELECT nsp, pgname, table_name, true, constraint_type = 'PRIMARY KEY',
                list_transform(constraint_column_indexes, lambda x: x + 1), {quoted_cols}
            FROM {keyed})
        SELECT {PG}._rel_oid(nsp, name) AS indexrelid, {PG}._rel_oid(nsp, table_name) AS indrelid,
            nsp, name, table_name, is_unique AS indisunique, is_primary AS indisprimary,
            CAST(key AS SMALLINT[]) AS indkey, keytexts,
            'CREATE ' || CASE WHEN is_unique THEN 'UNIQUE ' ELSE '' END || 'INDEX '
                || {PG}.quote_ident(name) || ' ON ' || {PG}.quote_ident(nsp) || '.'
                || {PG}.quote_ident(table_name) || ' USING btree ('
                || array_to_string(keytexts, ', ') || ')' AS indexdef
        FROM all_ix""",
        # table and view columns, and index columns (psqlODBC joins pg_attribute on indexes)
        f"""CREATE VIEW {PG}._att AS
        SELECT * FROM {PG}._tatt
        UNION ALL SELECT i.indexrelid, i.nsp, i.name, coalesce(a.attname, 'expr'),
            CAST(i.pos AS SMALLINT), a.data_type, coalesce(a.atttypid, 25),
            coalesce(a.atttypmod, -1), false, NULL, NULL, false
        FROM (SELECT indexrelid, indrelid, nsp, name, unnest(indkey) AS k,
                generate_subscripts(indkey, 1) AS pos FROM {PG}._idx) i
        LEFT JOIN {PG}._tatt a ON a.attrelid = i.indrelid AND a.attnum = i.k""",
        f"""CREATE VIEW {PG}._con AS
        WITH {cols},
        c AS (SELECT k.*, {PG}._nspname_of(k.database_name, k.schema_name) AS nsp,
                rc.names AS ref_names,
                CASE k.constraint_type WHEN 'PRIMARY KEY' THEN k.table_name || '_pkey'
                    WHEN 'FOREIGN KEY' THEN k.table_name || '_'
                        || array_to_string(k.constraint_column_names, '_') || '_fkey'
                    ELSE k.constraint_name END AS conname,
                array_to_string(list_transform(k.constraint_column_names,
                    lambda x: {PG}.quote_ident(x)), ', ') AS cols_text
            FROM duckdb_constraints() k LEFT JOIN cols rc
                ON rc.database_name = k.database_name AND rc.schema_name = k.schema_name
                AND rc.table_name = k.referenced_table
            WHERE k.database_name IN {user_dbs}
            AND k.constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'CHECK', 'FOREIGN KEY')
            AND NOT (k.constraint_type = 'CHECK' AND len(k.constraint_column_names) = 1
                     AND {PG}._varchar_limit(k.expression) IS NOT NULL))
        SELECT {PG}._oid_of('con', nsp, table_name || '.' || conname) AS oid, conname, nsp,
            table_name,
            CASE constraint_type WHEN 'PRIMARY KEY' THEN 'p' WHEN 'UNIQUE' THEN 'u'
                WHEN 'CHECK' THEN 'c' ELSE 'f' END AS contype,
            {PG}._rel_oid(nsp, table_name) AS conrelid,
            CASE WHEN constraint_type IN ('PRIMARY KEY', 'UNIQUE')
                THEN {PG}._rel_oid(nsp, conname) ELSE 0 END AS conindid,
            CASE WHEN constraint_type = 'FOREIGN KEY'
                THEN {PG}._rel_oid(nsp, referenced_table) ELSE 0 END AS confrelid,
            CAST(list_transform(constraint_column_indexes, lambda x: x + 1) AS SMALLINT[])
                AS conkey,
            CASE WHEN constraint_type = 'FOREIGN KEY' THEN CAST(list_transform(
                referenced_column_names, lambda r: list_position(ref_names, r)) AS SMALLINT[])
                END AS confkey,
            CASE constraint_type
                WHEN 'PRIMARY KEY' THEN 'PRIMARY KEY (' || cols_text || ')'
                WHEN 'UNIQUE' THEN 'UNIQUE (' || cols_text || ')'
                WHEN 'CHECK' THEN 'CHECK (' || expression || ')'
                ELSE 'FOREIGN KEY (' || cols_text || ') REFERENCES '
                    || {PG}.quote_ident(referenced_table) || '('
                    || array_to_string(list_transform(referenced_column_names,
                        lambda x: {PG}.quote_ident(x)), ', ') || ')' END AS def,
            expression AS conbin
        FROM c""",
        f"""CREATE VIEW {PG}._descr AS
        SELECT {PG}._rel_oid(nsp, name) AS objoid, 1259 AS classoid, 0 AS objsubid,
            comment AS description FROM (
            SELECT {nsp} AS nsp, table_name AS name, comment FROM duckdb_tables()
                WHERE database_name IN {user_dbs} AND comment IS NOT NULL
            UNION ALL SELECT {nsp}, view_name, comment FROM duckdb_views()
                WHERE database_name IN {user_dbs} AND comment IS NOT NULL
            UNION ALL SELECT {nsp}, sequence_name, comment FROM duckdb_sequences()
                WHERE database_name IN {user_dbs} AND comment IS NOT NULL
            UNION ALL SELECT {nsp}, index_name, comment FROM duckdb_indexes()
                WHERE database_name IN {user_dbs} AND comment IS NOT NULL)
        UNION ALL SELECT {PG}._rel_oid({nsp}, table_name), 1259, column_index, comment
            FROM duckdb_columns() WHERE database_name IN {user_dbs} AND comment IS NOT NULL
        UNION ALL SELECT oid, 2615, 0, comment FROM {PG}._nsp WHERE comment IS NOT NULL
        UNION ALL SELECT {PG}._oid_of('proc', {nsp}, schema_name || '.' || function_name
                || '(' || array_to_string(parameter_types, ',') || ')'), 1255, 0, comment
            FROM duckdb_functions() WHERE database_name IN {user_dbs}
            AND comment IS NOT NULL""",
        f"""CREATE VIEW {PG}._procs AS
        WITH f AS (SELECT *, CASE WHEN database_name = 'system' THEN 'pg_catalog'
                ELSE {nsp} END AS nsp
            FROM duckdb_functions()
            WHERE database_name IN ('system', {_lit(served)}, 'temp')
            AND function_type <> 'pragma')
        SELECT {PG}._oid_of('proc', nsp, schema_name || '.' || function_name || '('
                || array_to_string(parameter_types, ',') || ')') AS oid,
            function_name AS proname, nsp, function_type, return_type, parameters,
            parameter_types, macro_definition, description, comment, stability,
            CASE WHEN function_type IN ('table', 'table_macro') THEN 2249
                WHEN return_type IS NULL THEN 2283
                ELSE {PG}._duck_type_oid(return_type) END AS prorettype,
            CASE WHEN function_type IN ('table', 'table_macro') THEN 'SETOF record'
                WHEN return_type IS NULL THEN 'anyelement'
                ELSE lower(return_type) END AS result_text,
            array_to_string(list_transform(range(1, len(parameters) + 1),
                lambda i: parameters[i] || ' '
                    || coalesce(lower(parameter_types[i]), 'anyelement')), ', ')
                AS arguments_text
        FROM f
        UNION ALL SELECT CAST(h.oid AS UINTEGER), h.name, 'pg_catalog', 'scalar', NULL,
            ['internal'], ['internal'], NULL, NULL, NULL, 'VOLATILE', h.rettype, h.result,
            'internal'
        FROM (VALUES {_values(_AM_HANDLERS)}) h(oid, name, rettype, result)""",
    ]


_INTERNAL_VIEWS = ("nsp", "rel", "relnames", "tatt", "att", "idx", "con", "descr", "procs")


# relation → (FROM … clause, {column: expression}); columns left out get _neutral values.
def _relation_sources(served: str) -> dict[str, tuple[str, dict[str, str]]]:
    user = "getvariable('pixelsql_user')"
    db_oid = f"{PG}._oid_of('db', '', '{DATABASE_NAME}')"
    roles = f"""FROM (SELECT {BOOTSTRAP_ROLE_OID} AS oid, {user} AS rolname, true AS login
        UNION ALL SELECT {DATABASE_OWNER_ROLE_OID}, 'pg_database_owner', false) r"""
    role_cols = {"oid": "r.oid", "rolname": "r.rolname", "rolsuper": "r.login",
                 "rolinherit": "true", "rolcreaterole": "r.login", "rolcreatedb": "r.login",
                 "rolcanlogin": "r.login", "rolreplication": "r.login",
                 "rolbypassrls": "r.login", "rolconnlimit": "-1"}
    user_row = "FROM (SELECT 1) one"
    user_cols = {"usename": user, "usesysid": str(BOOTSTRAP_ROLE_OID), "usecreatedb": "true",
                 "usesuper": "true", "userepl": "true", "usebypassrls": "true",
                 "passwd": "'********'"}
    tables = f"""FROM {PG}.pg_class c JOIN {PG}.pg_namespace n ON n.oid = c.relnamespace"""
    stat_tables = f"{tables} WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN "\
                  "('pg_catalog', 'information_schema')"
    stat_cols = {"relid": "c.oid", "schemaname": "n.nspname", "relname": "c.relname",
                 "n_live_tup": "CAST(c.reltuples AS BIGINT)"}
    return {
        "pg_class": (f"FROM {PG}._rel r", {
            "oid": "r.oid", "relname": "r.relname", "relnamespace": f"{PG}._nsp_oid(r.nspname)",
            "relowner": str(BOOTSTRAP_ROLE_OID), "relam": "r.relam",
            "relfilenode": "CASE WHEN r.relkind IN ('r', 'i', 'S') THEN r.oid ELSE 0 END",
            "reltuples": "r.reltuples", "relhasindex": "r.relhasindex",
            "relpersistence": "r.relpersistence", "relkind": "r.relkind",
            "relnatts": "r.relnatts", "relchecks": "r.relchecks", "relispopulated": "true",
            "relhastriggers": "r.relhastriggers",
            "relreplident": "CASE WHEN r.relkind = 'r' THEN 'd' ELSE 'n' END"}),
        "pg_namespace": (f"FROM {PG}._nsp n", {
            "oid": "n.oid", "nspname": "n.nspname", "nspowner": "n.nspowner"}),
        "pg_attribute": (f"FROM {PG}._att a LEFT JOIN {PG}._types t ON t.oid = a.atttypid", {
            "attrelid": "a.attrelid", "attname": "a.attname", "atttypid": "a.atttypid",
            "attstattarget": "-1", "attlen": "t.typlen", "attnum": "a.attnum",
            "attndims": "CASE WHEN t.typcategory = 'A' THEN 1 ELSE 0 END",
            "attcacheoff": "-1", "atttypmod": "a.atttypmod", "attbyval": "t.typbyval",
            "attalign": "t.typalign", "attstorage": "t.typstorage",
            "attnotnull": "a.attnotnull", "atthasdef": "a.column_default IS NOT NULL",
            "attgenerated": "CASE WHEN a.is_generated THEN 's' ELSE '' END",
            "attislocal": "true", "attcollation": "t.typcollation"}),
        "pg_attrdef": (f"FROM {PG}._att a WHERE a.column_default IS NOT NULL", {
            "oid": f"{PG}._oid_of('def', a.nsp, a.table_name || '.' || a.attname)",
            "adrelid": "a.attrelid", "adnum": "a.attnum",
            "adbin": "regexp_replace(a.column_default, '^nextval\\(''([^'']*)''\\)$', "
                     "'nextval(''\\1''::regclass)')"}),
        "pg_type": (f"FROM {PG}._types t", {
            "oid": "t.oid", "typname": "t.typname", "typnamespace": "11",
            "typowner": str(BOOTSTRAP_ROLE_OID), "typlen": "t.typlen",
            "typbyval": "t.typbyval", "typtype": "t.typtype", "typcategory": "t.typcategory",
            "typispreferred": "t.typispreferred", "typisdefined": "true",
            "typdelim": "t.typdelim", "typsubscript": "t.typsubscript",
            "typelem": "t.typelem", "typarray": "t.typarray", "typinput": "t.typinput",
            "typoutput": "t.typoutput", "typreceive": "t.typreceive", "typsend": "t.typsend",
            "typmodin": "t.typmodin", "typmodout": "t.typmodout",
            "typanalyze": "t.typanalyze", "typalign": "t.typalign",
            "typstorage": "t.typstorage", "typtypmod": "-1",
            "typcollation": "t.typcollation"}),
        "pg_range": (f"FROM (VALUES {_values(catalog_data.RANGES)}) r(a, b, c, d, e, f, g)", {
            "rngtypid": "r.a", "rngsubtype": "r.b", "rngmultitypid": "r.c",
            "rngcollation": "r.d", "rngsubopc": "r.e", "rngcanonical": "r.f",
            "rngsubdiff": "r.g"}),
        "pg_am": (f"FROM (VALUES {_values(catalog_data.ACCESS_METHODS)}) a(a, b, c, d)", {
            "oid": "a.a", "amname": "a.b", "amhandler": "a.c", "amtype": "a.d"}),
        "pg_index": (f"FROM {PG}._idx i", {
            "indexrelid": "i.indexrelid", "indrelid": "i.indrelid",
            "indnatts": "len(i.indkey)", "indnkeyatts": "len(i.indkey)",
            "indisunique": "i.indisunique", "indisprimary": "i.indisprimary",
            "indimmediate": "true", "indisvalid": "true", "indisready": "true",
            "indislive": "true", "indkey": "array_to_string(i.indkey, ' ')",
            "indcollation": "array_to_string(list_transform(i.indkey, lambda k: 0), ' ')",
            "indclass": "array_to_string(list_transform(i.indkey, lambda k: 0), ' ')",
            "indoption": "array_to_string(list_transform(i.indkey, lambda k: 0), ' ')"}),
        "pg_constraint": (f"FROM {PG}._con c", {
            "oid": "c.oid", "conname": "c.conname", "connamespace": f"{PG}._nsp_oid(c.nsp)",
            "contype": "c.contype", "convalidated": "true", "conrelid": "c.conrelid",
            "conindid": "c.conindid", "confrelid": "c.confrelid",
            "confupdtype": "CASE WHEN c.contype = 'f' THEN 'a' ELSE ' ' END",
            "confdeltype": "CASE WHEN c.contype = 'f' THEN 'a' ELSE ' ' END",
            "confmatchtype": "CASE WHEN c.contype = 'f' THEN 's' ELSE ' ' END",
            "conislocal": "true", "conkey": "c.conkey", "confkey": "c.confkey",
            "conbin": "c.conbin"}),
        "pg_database": ("FROM (SELECT 1) one", {
            "oid": db_oid, "datname": f"'{DATABASE_NAME}'",
            "datdba": str(BOOTSTRAP_ROLE_OID), "encoding": "6", "datlocprovider": "'c'",
            "datallowconn": "true", "datconnlimit": "-1", "datminmxid": "1",
            "dattablespace": "1663", "datcollate": "'C'", "datctype": "'C'"}),
        "pg_roles": (roles, role_cols),
        "pg_authid": (roles, {k: v for k, v in role_cols.items()}),
        "pg_user": (user_row, user_cols),
        "pg_shadow": (user_row, user_cols),
        "pg_settings": (f"FROM {PG}._settings s", {
            "name": "s.name",
            "setting": "coalesce(map_extract_value(getvariable('pixelsql_settings'), s.name), "
                       "s.setting)",
            "category": "'Ungrouped'",
            "short_desc": "''", "context": "s.context", "vartype": "s.vartype",
            "source": "s.source", "boot_val": "s.boot_val", "reset_val": "s.setting"}),
        "pg_description": (f"FROM {PG}._descr d", {
            "objoid": "d.objoid", "classoid": "d.classoid", "objsubid": "d.objsubid",
            "description": "d.description"}),
        "pg_tablespace": ("FROM (VALUES (1663, 'pg_default'), (1664, 'pg_global')) t(a, b)", {
            "oid": "t.a", "spcname": "t.b", "spcowner": str(BOOTSTRAP_ROLE_OID)}),
        "pg_collation": ("FROM (VALUES (100, 'default', 'd', NULL), (950, 'C', 'c', 'C'), "
                         "(951, 'POSIX', 'c', 'POSIX')) c(a, b, p, l)", {
            "oid": "c.a", "collname": "c.b", "collnamespace": "11",
            "collowner": str(BOOTSTRAP_ROLE_OID), "collprovider": "c.p",
            "collisdeterministic": "true", "collencoding": "-1", "collcollate": "c.l",
            "collctype": "c.l"}),
        "pg_extension": ("FROM (SELECT 1) one", {
            "oid": f"{PG}._oid_of('ext', '', 'plpgsql')", "extname": "'plpgsql'",
            "extowner": str(BOOTSTRAP_ROLE_OID), "extnamespace": "11",
            "extversion": "'1.0'"}),
        "pg_language": ("FROM (VALUES (12, 'internal', false, false), (13, 'c', false, false), "
                        "(14, 'sql', false, true)) l(a, b, c, d)", {
            "oid": "l.a", "lanname": "l.b", "lanowner": str(BOOTSTRAP_ROLE_OID),
            "lanispl": "l.c", "lanpltrusted": "l.d", "lanplcallfoid": "0"}),
        "pg_proc": (f"FROM {PG}._procs p", {
            "oid": "p.oid", "proname": "p.proname", "pronamespace": f"{PG}._nsp_oid(p.nsp)",
            "proowner": str(BOOTSTRAP_ROLE_OID),
            "prolang": "CASE WHEN p.function_type IN ('macro', 'table_macro') THEN 14 "
                       "ELSE 12 END",
            "procost": "1", "prorows": "CASE WHEN p.prorettype = 2249 THEN 1000 ELSE 0 END",
            "prosupport": "'-'",
            "prokind": "CASE p.function_type WHEN 'aggregate' THEN 'a' WHEN 'window' "
                       "THEN 'w' ELSE 'f' END",
            "proretset": "p.prorettype = 2249",
            "provolatile": "CASE p.stability WHEN 'CONSISTENT' THEN 'i' WHEN 'VOLATILE' "
                           "THEN 'v' ELSE 's' END",
            "proparallel": "'s'", "pronargs": "len(p.parameters)",
            "prorettype": "p.prorettype",
            "proargtypes": "array_to_string(list_transform(p.parameters, lambda x: 2283), ' ')",
            "proargnames": "p.parameters", "prosrc": "coalesce(p.macro_definition, p.proname)"}),
        "pg_tables": (f"{tables} WHERE c.relkind IN ('r', 'p')", {
            "schemaname": "n.nspname", "tablename": "c.relname", "tableowner": user,
            "hasindexes": "c.relhasindex"}),
        "pg_views": (f"{tables} WHERE c.relkind = 'v'", {
            "schemaname": "n.nspname", "viewname": "c.relname", "viewowner": user,
            "definition": f"{PG}._view_definition(c.oid)"}),
        "pg_indexes": (f"""FROM {PG}._idx i JOIN {PG}._rel r ON r.oid = i.indexrelid""", {
            "schemaname": "i.nsp", "tablename": "i.table_name", "indexname": "i.name",
            "indexdef": "i.indexdef"}),
        "pg_sequences": (f"""FROM (SELECT {PG}._nspname_of(database_name, schema_name) AS nsp, *
                FROM duckdb_sequences() WHERE database_name IN ({_lit(served)}, 'temp')) s""", {
            "schemaname": "s.nsp", "sequencename": "s.sequence_name", "sequenceowner": user,
            "data_type": "20", "start_value": "s.start_value", "min_value": "s.min_value",
            "max_value": "s.max_value", "increment_by": "s.increment_by", "cycle": "s.cycle",
            "cache_size": "1", "last_value": "s.last_value"}),
        "pg_sequence": (f"""FROM (SELECT {PG}._nspname_of(database_name, schema_name) AS nsp, *
                FROM duckdb_sequences() WHERE database_name IN ({_lit(served)}, 'temp')) s""", {
            "seqrelid": f"{PG}._rel_oid(s.nsp, s.sequence_name)", "seqtypid": "20",
            "seqstart": "s.start_value", "seqincrement": "s.increment_by",
            "seqmax": "s.max_value", "seqmin": "s.min_value", "seqcache": "1",
            "seqcycle": "s.cycle"}),
        "pg_stat_activity": ("FROM (SELECT 1) one", {
            "datid": db_oid, "datname": f"'{DATABASE_NAME}'",
            "pid": "CAST(getvariable('pixelsql_pid') AS INTEGER)",
            "usesysid": str(BOOTSTRAP_ROLE_OID), "usename": user,
            "application_name": "getvariable('pixelsql_app')", "client_port": "-1",
            "backend_start": f"{PG}.pg_postmaster_start_time()", "query_start": "now()",
            "state_change": "now()", "state": "'active'", "query": "''",
            "backend_type": "'client backend'"}),
        "pg_stat_user_tables": (stat_tables, stat_cols),
        "pg_stat_all_tables": (stat_tables, stat_cols),
        "pg_statio_user_tables": (stat_tables, {k: v for k, v in stat_cols.items()
                                                if k != "n_live_tup"}),
        "pg_stat_user_indexes": (f"FROM {PG}._idx i", {
            "relid": "i.indrelid", "indexrelid": "i.indexrelid", "schemaname": "i.nsp",
            "relname": "i.table_name", "indexrelname": "i.name"}),
        "pg_stat_ssl": ("FROM (SELECT 1) one", {
            "pid": "CAST(getvariable('pixelsql_pid') AS INTEGER)", "ssl": "false"}),
        "pg_stat_gssapi": ("FROM (SELECT 1) one", {
            "pid": "CAST(getvariable('pixelsql_pid') AS INTEGER)",
            "gss_authenticated": "false", "encrypted": "false"}),
        "pg_stat_database": ("FROM (SELECT 1) one", {
            "datid": db_oid, "datname": f"'{DATABASE_NAME}'", "numbackends": "1"}),
        "pg_timezone_names": ("FROM pg_timezone_names() z", {
            "name": "z.name", "abbrev": "z.abbrev", "utc_offset": "z.utc_offset",
            "is_dst": "z.is_dst"}),
    }


def _information_schema_sources() -> dict[str, tuple[str, dict[str, str]]]:
    db = f"'{DATABASE_NAME}'"
    user = "getvariable('pixelsql_user')"
    rels = f"FROM {PG}.pg_class c JOIN {PG}.pg_namespace n ON n.oid = c.relnamespace"
    con = f"""FROM {PG}.pg_constraint k JOIN {PG}.pg_class c ON c.oid = k.conrelid
        JOIN {PG}.pg_namespace n ON n.oid = k.connamespace"""
    con_names = {"constraint_catalog": db, "constraint_schema": "n.nspname",
                 "constraint_name": "k.conname"}
    table_names = {"table_catalog": db, "table_schema": "n.nspname", "table_name": "c.relname"}
    key_columns = f"""FROM (SELECT k.*, unnest(k.conkey) AS attnum,
            generate_subscripts(k.conkey, 1) AS ord FROM {PG}.pg_constraint k) k
        JOIN {PG}.pg_class c ON c.oid = k.conrelid
        JOIN {PG}.pg_namespace n ON n.oid = k.connamespace
        JOIN {PG}.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.attnum"""
    return {
        "information_schema_catalog_name": ("FROM (SELECT 1) one", {"catalog_name": db}),
        "schemata": (f"FROM {PG}.pg_namespace n", {
            "catalog_name": db, "schema_name": "n.nspname",
            "schema_owner": f"{PG}.pg_get_userbyid(n.nspowner)"}),
        "tables": (f"{rels} WHERE c.relkind IN ('r', 'v', 'p', 'f')", {
            **table_names,
            "table_type": "CASE WHEN n.nspname LIKE 'pg_temp%' THEN 'LOCAL TEMPORARY' "
                          "WHEN c.relkind IN ('r', 'p') THEN 'BASE TABLE' "
                          "WHEN c.relkind = 'v' THEN 'VIEW' ELSE 'FOREIGN' END",
            "is_insertable_into": "CASE WHEN c.relkind IN ('r', 'p') THEN 'YES' ELSE 'NO' END",
            "is_typed": "'NO'"}),
        "views": (f"{rels} WHERE c.relkind = 'v'", {
            **table_names, "view_definition": f"{PG}._view_definition(c.oid)",
            "check_option": "'NONE'", "is_updatable": "'NO'", "is_insertable_into": "'NO'",
            "is_trigger_updatable": "'NO'", "is_trigger_deletable": "'NO'",
            "is_trigger_insertable_into": "'NO'"}),
        "columns": (f"""FROM {PG}.pg_attribute a JOIN {PG}.pg_class c ON c.oid = a.attrelid
                JOIN {PG}.pg_namespace n ON n.oid = c.relnamespace
                JOIN {PG}._types t ON t.oid = a.atttypid
                LEFT JOIN {PG}.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE a.attnum > 0 AND c.relkind IN ('r', 'v', 'p', 'f', 'm')""", {
            **table_names, "column_name": "a.attname", "ordinal_position": "a.attnum",
            "column_default": "d.adbin",
            "is_nullable": "CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END",
            "data_type": "CASE WHEN t.typcategory = 'A' THEN 'ARRAY' ELSE t.fmt END",
            "character_maximum_length": "CASE WHEN a.atttypid IN (1042, 1043) "
                                        "AND a.atttypmod > 0 THEN a.atttypmod - 4 END",
            "character_octet_length": "CASE WHEN a.atttypid IN (1042, 1043) AND "
                                      "a.atttypmod > 0 THEN (a.atttypmod - 4) * 4 WHEN "
                                      "a.atttypid IN (25, 1042, 1043) THEN 1073741824 END",
            "numeric_precision": "CASE a.atttypid WHEN 21 THEN 16 WHEN 23 THEN 32 "
                                 "WHEN 20 THEN 64 WHEN 700 THEN 24 WHEN 701 THEN 53 "
                                 "WHEN 1700 THEN CASE WHEN a.atttypmod > 0 "
                                 "THEN (a.atttypmod - 4) >> 16 END END",
            "numeric_precision_radix": "CASE WHEN a.atttypid IN (20, 21, 23, 700, 701) "
                                       "THEN 2 WHEN a.atttypid = 1700 THEN 10 END",
            "numeric_scale": "CASE WHEN a.atttypid IN (20, 21, 23) THEN 0 "
                             "WHEN a.atttypid = 1700 AND a.atttypmod > 0 "
                             "THEN (a.atttypmod - 4) & 65535 END",
            "datetime_precision": "CASE WHEN a.atttypid = 1082 THEN 0 WHEN a.atttypid IN "
                                  "(1083, 1114, 1184, 1266, 1186) THEN 6 END",
            "udt_catalog": db, "udt_schema": "'pg_catalog'", "udt_name": "t.typname",
            "dtd_identifier": "CAST(a.attnum AS VARCHAR)", "is_self_referencing": "'NO'",
            "is_identity": "'NO'",
            "is_generated": "CASE WHEN a.attgenerated <> '' THEN 'ALWAYS' ELSE 'NEVER' END",
            "is_updatable": "CASE WHEN c.relkind IN ('r', 'p') THEN 'YES' ELSE 'NO' END"}),
        "table_constraints": (f"{con} WHERE k.contype IN ('p', 'u', 'f', 'c')", {
            **con_names, **table_names,
            "constraint_type": "CASE k.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' "
                               "THEN 'UNIQUE' WHEN 'f' THEN 'FOREIGN KEY' ELSE 'CHECK' END",
            "is_deferrable": "'NO'", "initially_deferred": "'NO'", "enforced": "'YES'",
            "nulls_distinct": "CASE WHEN k.contype = 'u' THEN 'YES' END"}),
        "key_column_usage": (f"{key_columns} WHERE k.contype IN ('p', 'u', 'f')", {
            **con_names, **table_names, "column_name": "a.attname",
            "ordinal_position": "k.ord",
            "position_in_unique_constraint": "CASE WHEN k.contype = 'f' THEN k.ord END"}),
        "constraint_column_usage": (f"{key_columns} WHERE k.contype IN ('p', 'u', 'c')", {
            **table_names, "column_name": "a.attname", **con_names}),
        "constraint_table_usage": (f"{con} WHERE k.contype IN ('p', 'u', 'f', 'c')", {
            **table_names, **con_names}),
        "check_constraints": (f"{con} WHERE k.contype = 'c'", {
            **con_names, "check_clause": f"substr({PG}.pg_get_constraintdef(k.oid), 7)"}),
        "referential_constraints": (f"""{con}
                LEFT JOIN {PG}.pg_constraint u ON u.conrelid = k.confrelid
                    AND u.contype IN ('p', 'u') AND u.conkey = k.confkey
                WHERE k.contype = 'f'""", {
            **con_names, "unique_constraint_catalog": db,
            "unique_constraint_schema": "n.nspname", "unique_constraint_name": "u.conname",
            "match_option": "'NONE'", "update_rule": "'NO ACTION'",
            "delete_rule": "'NO ACTION'"}),
        "routines": (f"""FROM {PG}._procs p WHERE p.nsp <> 'pg_catalog'""", {
            "specific_catalog": db, "specific_schema": "p.nsp",
            "specific_name": "p.proname || '_' || p.oid", "routine_catalog": db,
            "routine_schema": "p.nsp", "routine_name": "p.proname",
            "routine_type": "'FUNCTION'", "data_type": "p.result_text",
            "routine_body": "'SQL'", "routine_definition": "p.macro_definition",
            "external_language": "'SQL'", "is_deterministic": "'NO'",
            "sql_data_access": "'READS'", "is_null_call": "'NO'",
            "security_type": "'INVOKER'"}),
        "sequences": (f"""FROM (SELECT {PG}._nspname_of(database_name, schema_name) AS nsp, *
                FROM duckdb_sequences()) s
                WHERE s.database_name NOT IN ('system', '{CATALOG}')""", {
            "sequence_catalog": db, "sequence_schema": "s.nsp",
            "sequence_name": "s.sequence_name", "data_type": "'bigint'",
            "numeric_precision": "64", "numeric_precision_radix": "2",
            "numeric_scale": "0", "start_value": "CAST(s.start_value AS VARCHAR)",
            "minimum_value": "CAST(s.min_value AS VARCHAR)",
            "maximum_value": "CAST(s.max_value AS VARCHAR)",
            "increment": "CAST(s.increment_by AS VARCHAR)",
            "cycle_option": "CASE WHEN s.cycle THEN 'YES' ELSE 'NO' END"}),
        "enabled_roles": ("FROM (SELECT 1) one", {"role_name": user}),
        "character_sets": ("FROM (SELECT 1) one", {
            "character_set_name": "'UTF8'", "character_repertoire": "'UCS'",
            "form_of_use": "'UTF8'", "default_collate_catalog": db,
            "default_collate_schema": "'pg_catalog'", "default_collate_name": "'C'"}),
    }


def _closure(name: str, calls: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(calls[name])
    while todo:
        other = todo.pop()
        if other not in seen:
            seen.add(other)
            todo.extend(calls[other])
    return seen


def _dependency_order(calls: dict[str, set[str]]) -> list[str]:
    """Names ordered so that each comes after everything it calls."""
    order: list[str] = []
    placed: set[str] = set()

    def place(name: str) -> None:
        if name in placed:
            return
        placed.add(name)
        for other in sorted(calls[name]):
            place(other)
        order.append(name)

    for name in calls:
        place(name)
    return order


def _view_sql(qualified: str, relation: str, source: tuple[str, dict[str, str]]) -> str:
    from_clause, provided = source
    unknown = set(provided) - {name for name, _ in _columns(relation)}
    if unknown:  # a typo in the tables above must not pass silently
        raise ValueError(f"{relation} has no columns {sorted(unknown)}")
    select = ",\n    ".join(
        f"CAST({provided.get(name, _neutral(typ))} AS {duck_column_type(typ)}) AS \"{name}\""
        for name, typ in _columns(relation))
    return f"CREATE VIEW {qualified} AS SELECT\n    {select}\n{from_clause}"


def _script(served: str, start_time: str) -> list[str]:
    statements: list[str] = []
    # Macros and views are bound when created, so each must come after what it reads: the
    # macros that read no view, then the internal views (which use them), then the macros that
    # read those views, each after the macros it calls.
    macros = {name: f"CREATE MACRO {PG}.{name}" + ", ".join(overloads)
              for name, overloads in _macros(served, start_time)}
    calls = {name: {other for other in macros if other != name and f"{PG}.{other}(" in sql}
             for name, sql in macros.items()}
    reads_view = {name for name, sql in macros.items()
                  if any(f"{PG}._{view} " in sql for view in _INTERNAL_VIEWS)}
    early = [name for name in _dependency_order(calls)
             if not (_closure(name, calls) | {name}) & reads_view]
    statements.extend(macros[name] for name in early)
    statements.append(f"""CREATE MACRO {PG}.pg_get_keywords() AS TABLE
        SELECT word, catcode, barelabel, catdesc, baredesc FROM {PG}._keywords""")
    statements.extend(_internal_views(served))
    statements.extend(macros[name] for name in _dependency_order(calls) if name not in early)
    pg_sources = _relation_sources(served)
    # Views over other pg_catalog views (pg_tables over pg_class …) come last.
    for relation in sorted(PG_RELATIONS, key=lambda r: (f"{PG}.pg_" in pg_sources.get(
            r, ("", {}))[0], r)):
        source = pg_sources.get(relation, ("WHERE false", {}))
        statements.append(_view_sql(f"{PG}.{relation}", f"pg_catalog.{relation}", source))
    info_sources = _information_schema_sources()
    for relation in sorted(INFO_RELATIONS):
        source = info_sources.get(relation, ("WHERE false", {}))
        statements.append(
            _view_sql(f"{INFO}.{relation}", f"information_schema.{relation}", source))
    return statements


def install(con: duckdb.DuckDBPyConnection, started: dt.datetime | None = None) -> None:
    """Create the catalog emulation for the database ``con`` serves (once per database)."""
    row = con.execute("SELECT current_database()").fetchone()
    assert row is not None
    start = (started or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M:%S.%f+00")
    attach(con)
    con.execute(f"CREATE SCHEMA {PG}; CREATE SCHEMA {INFO}")
    try:
        for table in _static_tables():
            _load_static_table(con, table)
        con.execute(";\n".join(_script(str(row[0]), start)))
    except BaseException:  # a later attempt starts clean
        con.execute(f"DROP SCHEMA IF EXISTS {PG} CASCADE; DROP SCHEMA IF EXISTS {INFO} CASCADE")
        raise


def attach(con: duckdb.DuckDBPyConnection) -> None:
    """Attach the in-memory database the emulation lives in. Done when the database opens,
    before its configuration is locked (file confinement refuses ATTACH afterwards)."""
    con.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {CATALOG}")


# Server settings clients read with current_setting() besides the session's parameters.
SERVER_SETTINGS: dict[str, str] = {
    "default_table_access_method": "heap", "max_connections": "100", "block_size": "8192",
    "wal_level": "replica", "ssl": "off", "default_tablespace": "", "temp_tablespaces": "",
    "data_checksums": "off", "server_version_num": settings.DEFAULTS["server_version_num"],
    "shared_buffers": "128MB", "max_wal_senders": "0", "autovacuum": "off",
}


def prepare_cursor(cur: duckdb.DuckDBPyConnection, user: str, backend_pid: int = 0,
                   params: dict[str, str] | None = None) -> None:
    """Set the per-session facts the catalog reports (current_user, pg_backend_pid,
    current_setting(), …) on a session's cursor; again after the session's parameters change."""
    values = {**SERVER_SETTINGS, **(params or {})}
    pairs = ", ".join(f"{_lit(k.lower())}: {_lit(v)}" for k, v in sorted(values.items()))
    cur.execute(f"SET VARIABLE pixelsql_user = {_lit(user)}; "
                f"SET VARIABLE pixelsql_pid = {int(backend_pid)}; "
                f"SET VARIABLE pixelsql_app = {_lit(values.get('application_name', ''))}; "
                f"SET VARIABLE pixelsql_settings = MAP {{{pairs}}}")
