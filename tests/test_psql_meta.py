"""psql 15's meta-commands against PixelSQL, compared with what PostgreSQL 15 prints.

The same schema is created on a PixelSQL server of this module's own and in a database of the
``pg15`` cluster, both named ``pixelsql``; then each meta-command runs through the real ``psql``
program (``-X -P pager=off``) on both, connected as the same role (``postgres``), and the
outputs must be equal. Only what has to differ is normalised, and each test says so:

* ``\\l`` — PostgreSQL also lists ``postgres``, ``template0`` and ``template1``; only the header
  and the ``pixelsql`` row are compared.
* ``\\d+`` of a view — the view definition is PostgreSQL's deparse of its parse tree, which
  DuckDB cannot reproduce; the text after ``View definition:`` is replaced by a placeholder.
* ``\\timing`` — the measured milliseconds.

The view selects no ``varchar(n)`` column on purpose: DuckDB reports a view's columns with their
DuckDB types, and its VARCHAR has no length, so such a column shows as ``text`` (PostgreSQL
carries ``character varying(n)`` through). Tables keep their declared lengths.

No OIDs, sizes or version strings appear in these commands' output.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator

import pytest

from tests.conftest import RunningServer, start_server
from tests.pg15 import PostgresCluster, find_pg_bin

pytestmark = pytest.mark.integration

ROLE = "postgres"  # the same role name on both servers, so owners print the same
DATABASE = "pixelsql"

SCHEMA = [
    "CREATE TABLE items (id integer PRIMARY KEY, name varchar(20) NOT NULL, "
    "price numeric(10,2) DEFAULT 0, note text, created timestamp)",
    "CREATE UNIQUE INDEX items_name_idx ON items (name)",
    "CREATE INDEX items_price_idx ON items (price)",
    "CREATE TABLE orders (id bigint PRIMARY KEY, item integer REFERENCES items (id), "
    "qty smallint CHECK (qty > 0), code varchar(8) UNIQUE, flags boolean[], "
    "paid double precision, at timestamptz, d date, u uuid, j json, raw bytea)",
    "CREATE VIEW cheap AS SELECT id, price, note FROM items WHERE price < 10",
    "CREATE SCHEMA extra",
    "CREATE TABLE extra.t2 (a bigint, b boolean)",
    "INSERT INTO items VALUES (1, 'pen', 1.50, NULL, '2024-01-02 03:04:05'), "
    "(2, 'book', 12.00, 'paper', NULL)",
]


def _psql(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    psql = find_pg_bin("psql")
    if psql is None:
        pytest.fail("psql is not installed; run `make system-deps`")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGCONNECT_TIMEOUT"] = "10"
    return subprocess.run([str(psql), "-X", "-P", "pager=off", "-d", dsn, *args],
                          capture_output=True, text=True, timeout=30, env=env)


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    srv: RunningServer = start_server(tmp_path_factory.mktemp("psql-meta"))
    try:
        dsn = srv.dsn(user=ROLE, dbname=DATABASE)
        for statement in SCHEMA:
            result = _psql(dsn, "-c", statement)
            assert result.returncode == 0, result.stderr
        yield dsn
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def theirs(pg15: PostgresCluster) -> str:
    pg15.psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    pg15.psql(f"CREATE DATABASE {DATABASE}")
    for statement in SCHEMA:
        pg15.psql(statement, dbname=DATABASE)
    # PixelSQL's model catalog schema exists in every PixelSQL database (engine/ml_exec.py).
    pg15.psql("CREATE SCHEMA pixelsql_ml", dbname=DATABASE)
    return pg15.dsn(DATABASE, ROLE)


def _both(ours: str, theirs: str, *args: str) -> tuple[str, str]:
    mine, reference = _psql(ours, *args), _psql(theirs, *args)
    assert reference.returncode == 0, reference.stderr
    assert mine.returncode == 0, mine.stderr
    assert mine.stderr == reference.stderr
    return mine.stdout, reference.stdout


COMMANDS = [
    r"\dn",
    r"\dt",
    r"\d items",
    r"\d+ items",
    r"\d orders",
    r"\d+ orders",
    r"\dv",
    r"\d cheap",
    r"\di",
    r"\d",
    r"\dt extra.*",
    r"\d extra.t2",
    r"\df",
    r"\du",
    r"\ds",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_meta_command_prints_what_postgresql_prints(ours: str, theirs: str,
                                                     command: str) -> None:
    mine, reference = _both(ours, theirs, "-c", command)
    assert mine == reference


def test_list_databases(ours: str, theirs: str) -> None:
    mine, reference = _both(ours, theirs, "-c", r"\l")

    def header_and_pixelsql(out: str) -> list[str]:
        lines = out.splitlines()
        return lines[:3] + [line for line in lines if line.startswith(f" {DATABASE} ")]

    # PostgreSQL's list also has postgres/template0/template1, whose width changes the layout:
    # compare the rows cell by cell instead.
    def cells(lines: list[str]) -> list[list[str]]:
        return [[c.strip() for c in line.split("|")] for line in lines if "|" in line]

    assert cells(header_and_pixelsql(mine)) == cells(header_and_pixelsql(reference))
    assert "(1 row)" in mine.splitlines()


def test_describe_view_verbose(ours: str, theirs: str) -> None:
    mine, reference = _both(ours, theirs, "-c", r"\d+ cheap")

    def without_definition(out: str) -> str:
        head, _, _ = out.partition("View definition:")
        return head

    assert without_definition(mine) == without_definition(reference)
    assert "View definition:" in mine and "FROM items" in mine


def test_expanded_output_and_timing(ours: str, theirs: str) -> None:
    query = "SELECT id, name, price FROM items ORDER BY id"
    mine, reference = _both(ours, theirs, "-c", r"\x on", "-c", query, "-c", r"\x off",
                            "-c", r"\timing on", "-c", query)

    def normalised(out: str) -> str:
        return re.sub(r"Time: [\d.,]+ ms", "Time: N ms", out)

    assert normalised(mine) == normalised(reference)
    assert "-[ RECORD 1 ]" in mine and "Time: " in mine


def test_tab_completion_queries_run(ours: str) -> None:
    """psql's completion asks the catalog for names; those queries must not fail."""
    result = _psql(ours, "-c", "SELECT pg_catalog.quote_ident(c.relname) FROM "
                   "pg_catalog.pg_class c WHERE c.relkind IN ('r', 'S', 'v', 'm', 'f', 'p') "
                   "AND substring(pg_catalog.quote_ident(c.relname),1,2)='it' AND "
                   "pg_catalog.pg_table_is_visible(c.oid) AND c.relnamespace <> (SELECT oid "
                   "FROM pg_catalog.pg_namespace WHERE nspname = 'pg_catalog')")
    assert result.returncode == 0, result.stderr
    assert "items" in result.stdout

