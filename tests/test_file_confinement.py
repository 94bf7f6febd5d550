"""SQL reaches files only under the data directory (and --allow-dir), through a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import RunningServer, start_server


@pytest.fixture
def confined(tmp_path: Path) -> Iterator[tuple[RunningServer, Path]]:
    extra = tmp_path / "shared"
    extra.mkdir()
    (extra / "shared.csv").write_text("a,b\n1,x\n")
    srv = start_server(tmp_path / "data", "--allow-dir", str(extra))
    (tmp_path / "data" / "files" / "inside.csv").write_text("a,b\n1,x\n2,y\n")
    (tmp_path / "outside.csv").write_text("a,b\n1,x\n")
    yield srv, tmp_path
    srv.stop()


def sqlstate_of(srv: RunningServer, sql: str) -> str | None:
    with psycopg.connect(srv.dsn(), autocommit=True) as conn:
        try:
            conn.execute(sql).fetchall()
        except psycopg.Error as exc:
            return exc.sqlstate
    return None


def test_files_outside_the_roots_are_refused(confined: tuple[RunningServer, Path]) -> None:
    srv, tmp = confined
    refused = [
        "SELECT * FROM read_csv('/etc/passwd')",
        f"SELECT * FROM read_csv('{tmp / 'outside.csv'}')",
        "SELECT * FROM read_csv('../outside.csv')",
        f"COPY (SELECT 1) TO '{tmp / 'written.csv'}'",
        f"ATTACH '{tmp / 'other.duckdb'}' AS other",
        "INSTALL httpfs",
    ]
    for sql in refused:
        assert sqlstate_of(srv, sql) == "42501", sql
    assert not (tmp / "written.csv").exists()
    assert not (tmp / "other.duckdb").exists()


def test_the_switches_cannot_be_turned_back(confined: tuple[RunningServer, Path]) -> None:
    srv, _ = confined
    for sql in ("SET enable_external_access = true", "SET allowed_directories = ['/']",
                "SET lock_configuration = false"):
        assert sqlstate_of(srv, sql) is not None, sql
    assert sqlstate_of(srv, "SELECT * FROM read_csv('/etc/passwd')") == "42501"


def test_files_inside_the_roots_work(confined: tuple[RunningServer, Path]) -> None:
    srv, tmp = confined
    with psycopg.connect(srv.dsn(), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM read_csv('inside.csv')").fetchone() == (2,)
        path = tmp / "shared" / "shared.csv"
        assert conn.execute(f"SELECT count(*) FROM read_csv('{path}')").fetchone() == (1,)
        conn.execute("COPY (SELECT 42 AS x) TO 'exported.csv'")
    assert (tmp / "data" / "files" / "exported.csv").read_text().splitlines() == ["x", "42"]
