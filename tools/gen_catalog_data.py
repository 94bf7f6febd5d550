"""Regenerate ``engine/catalog_data.py`` from a throwaway PostgreSQL 15 cluster.

The catalog emulation (:mod:`engine.catalog`) gives every ``pg_catalog`` and
``information_schema`` relation exactly PostgreSQL's columns, in PostgreSQL's order, and ships
PostgreSQL's own rows for the built-in types, ranges, keywords and access methods. Those facts
are copied from a real PostgreSQL 15 rather than typed by hand; run this after changing the lists
below::

    .venv/bin/python tools/gen_catalog_data.py
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from tests.pg15 import PostgresCluster  # noqa: E402

PG_CATALOG = """
pg_aggregate pg_am pg_attrdef pg_attribute pg_auth_members pg_authid pg_available_extensions
pg_cast pg_class pg_collation pg_constraint pg_conversion pg_cursors pg_database pg_default_acl
pg_depend pg_description pg_enum pg_event_trigger pg_extension pg_foreign_data_wrapper
pg_foreign_server pg_foreign_table pg_group pg_index pg_indexes pg_inherits pg_init_privs
pg_language pg_largeobject_metadata pg_locks pg_matviews pg_namespace pg_opclass pg_operator
pg_opfamily pg_partitioned_table pg_policies pg_policy pg_prepared_statements pg_prepared_xacts
pg_proc pg_publication pg_publication_namespace pg_publication_rel pg_range
pg_replication_slots pg_rewrite pg_roles pg_rules pg_seclabel pg_sequence pg_sequences
pg_settings pg_shadow pg_shdepend pg_shdescription pg_stat_activity pg_stat_all_tables
pg_stat_database pg_stat_progress_vacuum pg_stat_replication pg_stat_user_indexes
pg_stat_user_tables pg_statio_user_tables pg_statistic pg_statistic_ext pg_stats
pg_subscription pg_tables pg_tablespace pg_timezone_names pg_transform pg_trigger
pg_ts_config pg_type pg_user pg_user_mappings pg_views pg_stat_ssl pg_stat_gssapi pg_seclabels
pg_timezone_abbrevs pg_stat_all_indexes pg_statio_all_tables pg_stat_sys_tables
pg_available_extension_versions pg_stat_bgwriter pg_stat_archiver pg_db_role_setting pg_ts_dict
pg_ts_parser pg_ts_template pg_user_mapping pg_statistic_ext_data pg_hba_file_rules
pg_file_settings pg_config pg_stat_wal_receiver pg_stat_subscription pg_replication_origin
pg_largeobject pg_statio_user_indexes pg_stat_xact_user_tables pg_stat_user_functions
""".split()  # noqa: SIM905 (a word list reads better)

INFORMATION_SCHEMA = """
applicable_roles attributes character_sets check_constraints collations column_privileges
column_udt_usage columns constraint_column_usage constraint_table_usage domains element_types
enabled_roles information_schema_catalog_name key_column_usage parameters
referential_constraints role_table_grants routines schemata sequences table_constraints
table_privileges tables triggers usage_privileges user_defined_types view_table_usage views
""".split()  # noqa: SIM905

COLUMNS_SQL = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
WHERE n.nspname = %s AND r.relname = %s AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""

TYPES_SQL = """
SELECT oid::int, typname, typlen, typbyval, typtype, typcategory, typispreferred, typdelim,
       typelem::int, typarray::int, typinput::text, typoutput::text, typreceive::text,
       typsend::text, typmodin::text, typmodout::text, typanalyze::text, typsubscript::text,
       typalign, typstorage, typcollation::int, format_type(oid, NULL)
FROM pg_type
WHERE typnamespace = 11 AND typtype IN ('b', 'p', 'r', 'm') AND typrelid = 0
ORDER BY oid
"""


def _rows(rows: list[tuple[object, ...]]) -> str:
    return "(\n" + "".join(f"    {tuple(r)!r},\n" for r in rows) + ")"


def main() -> None:
    with PostgresCluster() as pg, psycopg.connect(pg.dsn(), autocommit=True) as conn:
        def columns(schema: str, relation: str) -> str:
            rows = conn.execute(COLUMNS_SQL, (schema, relation)).fetchall()
            if not rows:
                raise SystemExit(f"{schema}.{relation} does not exist in PostgreSQL 15")
            return ", ".join(f"{name}:{typ}" for name, typ in rows)

        relations = {f"pg_catalog.{r}": columns("pg_catalog", r) for r in PG_CATALOG}
        relations.update({f"information_schema.{r}": columns("information_schema", r)
                          for r in INFORMATION_SCHEMA})
        types = conn.execute(TYPES_SQL).fetchall()
        ranges = conn.execute("SELECT rngtypid::int, rngsubtype::int, rngmultitypid::int, "
                              "rngcollation::int, rngsubopc::int, rngcanonical::text, "
                              "rngsubdiff::text FROM pg_range ORDER BY 1").fetchall()
        keywords = conn.execute("SELECT word, catcode, barelabel "
                                "FROM pg_get_keywords()").fetchall()
        access_methods = conn.execute("SELECT oid::int, amname, amhandler::text, amtype "
                                      "FROM pg_am ORDER BY 1").fetchall()
        view_rows = conn.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE c.relkind = 'v' "
            "AND n.nspname IN ('pg_catalog', 'information_schema') ORDER BY 1").fetchall()
        views = sorted(r[0] for r in view_rows if r[0] in relations)
        known_oids = conn.execute(
            "SELECT c.relname, c.oid::int FROM pg_class c WHERE c.relnamespace = 11 "
            "AND c.relkind = 'r' AND c.oid < 16384 ORDER BY 1").fetchall()
        known = {name: oid for name, oid in known_oids if f"pg_catalog.{name}" in relations}
        info_oid = conn.execute("SELECT oid::int FROM pg_namespace "
                                "WHERE nspname = 'information_schema'").fetchone()
        assert info_oid is not None
    out = ROOT / "engine" / "catalog_data.py"
    rel_lines = []
    for name, cols in relations.items():
        wrapped = textwrap.wrap(cols, 88, break_long_words=False, break_on_hyphens=False,
                                drop_whitespace=False)
        body = "\n".join(f"        {chunk!r}" for chunk in wrapped)
        rel_lines.append(f"    {name!r}: (\n{body}\n    ),")
    relations_src = "{\n" + "\n".join(rel_lines) + "\n}"
    out.write_text(
        '# ruff: noqa: E501\n'
        '"""PostgreSQL 15 catalog facts that the catalog emulation copies (generated data).\n\n'
        "Written by ``tools/gen_catalog_data.py`` from a real PostgreSQL 15; do not edit by hand.\n"
        "``RELATIONS`` maps each emulated relation to its columns (``name:type``, PostgreSQL's\n"
        "order and type spelling); the other tables are rows of ``pg_type``, ``pg_range``,\n"
        '``pg_get_keywords()`` and ``pg_am``.\n"""\n\n'
        "from __future__ import annotations\n\n"
        f"INFORMATION_SCHEMA_OID = {info_oid[0]}\n\n"
        "# Relations that are views in PostgreSQL (the others are system tables).\n"
        "VIEWS: frozenset[str] = frozenset({\n"
        + "".join(f"    {v!r},\n" for v in views) + "})\n\n"
        "# PostgreSQL's fixed OIDs of its system tables (pg_class.oid).\n"
        "TABLE_OIDS: dict[str, int] = {\n"
        + "".join(f"    {k!r}: {v},\n" for k, v in known.items()) + "}\n\n"
        f"RELATIONS: dict[str, str] = {relations_src}\n\n"
        "# oid, typname, typlen, typbyval, typtype, typcategory, typispreferred, typdelim,\n"
        "# typelem,"
        " typarray, typinput, typoutput, typreceive, typsend, typmodin, typmodout,\n"
        "# typanalyze,"
        " typsubscript, typalign, typstorage, typcollation, format_type(oid, NULL)\n"
        f"TYPES: tuple[tuple[object, ...], ...] = {_rows(types)}\n\n"
        f"RANGES: tuple[tuple[object, ...], ...] = {_rows(ranges)}\n\n"
        f"KEYWORDS: tuple[tuple[str, str, bool], ...] = "
        f"{_rows(keywords)}\n\n"
        f"ACCESS_METHODS: tuple[tuple[int, str, str, str], ...] = "
        f"{_rows(access_methods)}\n"
    )
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
