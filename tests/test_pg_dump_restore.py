"""A PostgreSQL 15 database dumped with pg_dump and restored into PixelSQL with psql.

The dump's DDL is PostgreSQL's own spelling (``ALTER TABLE ONLY``, ``CREATE SEQUENCE … AS
integer … CACHE 1``, ``nextval('public.s'::regclass)`` defaults, ``CHECK (x = ANY
(ARRAY[…]))``, ``USING btree``, ``ALTER TABLE … ADD CONSTRAINT``); its data comes as COPY text
(plain format) or as INSERT literals (``--inserts``: bytea, array and boolean literals). After
the restore, the same queries must give the same rows on both servers and the constraints must
hold. The one statement DuckDB cannot run — adding a foreign key to an existing table — must be
refused with a clear error (README, Known limits).
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.conftest import RunningServer
from tests.pg15 import PostgresCluster, find_pg_bin
from tests.test_psql import psql

SCHEMA = """
CREATE TABLE owners_{t} (id serial PRIMARY KEY, name text NOT NULL UNIQUE,
                         joined timestamptz DEFAULT now());
CREATE TABLE pets_{t} (id bigserial PRIMARY KEY, owner_id int REFERENCES owners_{t}(id),
    name varchar(40), kind text CHECK (kind IN ('cat', 'dog')), weight numeric(6,2),
    vaccinated boolean, tags text[], photo bytea, meta jsonb, born date, uid uuid);
CREATE INDEX pets_{t}_kind ON pets_{t} (kind);
CREATE VIEW cats_{t} AS SELECT id, name FROM pets_{t} WHERE kind = 'cat';
INSERT INTO owners_{t} (name, joined) VALUES ('ann', '2024-01-02 03:04:05+00'),
                                              ('bob', '2024-02-03 04:05:06+00');
INSERT INTO pets_{t} (owner_id, name, kind, weight, vaccinated, tags, photo, meta, born, uid)
VALUES (1, 'tom', 'cat', 4.5, true, '{{small,"black cat"}}', '\\x89504e470d0a', '{{"a": [1]}}',
        '2020-05-01', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
       (2, 'rex', 'dog', 30.25, false, '{{}}', NULL, NULL, NULL, NULL),
       (2, 'it''s', 'dog', NULL, NULL, '{{"a\\\\b",NULL}}', '\\x00ff5c27', '"s"', '2021-12-31',
        NULL);
"""

QUERIES = [
    "SELECT id, name, joined FROM owners_{t} ORDER BY id",
    "SELECT id, owner_id, name, kind, weight, vaccinated, tags, photo, meta::text, born, uid "
    "FROM pets_{t} ORDER BY id",
    "SELECT * FROM cats_{t} ORDER BY id",
    # the defaults go on from the restored sequences
    "INSERT INTO owners_{t} (name) VALUES ('cy') RETURNING id",
    "INSERT INTO pets_{t} (name, kind) VALUES ('kit', 'cat') RETURNING id",
    "SELECT count(*) FROM pets_{t} WHERE kind = 'dog'",
]

# Statements that must fail, with PostgreSQL's SQLSTATE: the restored constraints hold.
VIOLATIONS = [
    "INSERT INTO pets_{t} (name, kind) VALUES ('x', 'cow')",  # CHECK
    "INSERT INTO owners_{t} (name) VALUES ('ann')",  # UNIQUE, added by ALTER TABLE
    "INSERT INTO owners_{t} (id, name) VALUES (1, 'dup')",  # PRIMARY KEY, added by ALTER TABLE
]


def _run(dsn: str, sql: str) -> object:
    with psycopg.connect(dsn, autocommit=True) as conn:
        try:
            cur = conn.execute(sql)
            return cur.fetchall()
        except psycopg.Error as exc:
            return exc.sqlstate


@pytest.fixture
def source(pg15: PostgresCluster) -> tuple[str, str]:
    """(a new PostgreSQL database holding SCHEMA, its table suffix)."""
    tag = uuid.uuid4().hex[:8]
    dbname = f"dumpsrc_{tag}"
    with psycopg.connect(pg15.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {dbname}")
    with psycopg.connect(pg15.dsn(dbname), autocommit=True) as conn:
        conn.execute(SCHEMA.format(t=tag))
    return pg15.dsn(dbname), tag


@pytest.mark.parametrize("style", [[], ["--inserts"]], ids=["copy", "inserts"])
def test_pg_dump_restores(server: RunningServer, source: tuple[str, str], style: list[str],
                          tmp_path: Path) -> None:
    pg_dump = find_pg_bin("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump not found; run `make system-deps`")
    dsn, tag = source
    dump = subprocess.run([str(pg_dump), "--no-owner", "--no-privileges", *style, dsn],
                          capture_output=True, text=True, check=True, timeout=60).stdout
    ours = server.dsn()
    script = tmp_path / "dump.sql"
    script.write_text(dump)
    restored = psql(ours, "-q", "-f", str(script))
    errors = [line for line in restored.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1, restored.stderr
    assert "FOREIGN_KEY" in errors[0] and f"pets_{tag}" in dump

    for sql in QUERIES + VIOLATIONS:
        assert _run(ours, sql.format(t=tag)) == _run(dsn, sql.format(t=tag)), sql


@pytest.mark.parametrize("sql", [
    "ALTER TABLE refused_{t} ADD CONSTRAINT f FOREIGN KEY (id) REFERENCES refused_{t}(id)",
    "ALTER TABLE ONLY refused_{t} ADD CONSTRAINT c CHECK (id > 0)",
    "CREATE INDEX refused_{t}_k ON refused_{t} USING gin (k)",
])
def test_what_duckdb_cannot_add_is_refused(server: RunningServer, sql: str) -> None:
    tag = uuid.uuid4().hex[:8]
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE TABLE refused_{tag} (id int PRIMARY KEY, k text)")
        with pytest.raises(psycopg.errors.FeatureNotSupported):
            conn.execute(sql.format(t=tag))
