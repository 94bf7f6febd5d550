"""pgbench, PostgreSQL's load generator, running a custom script against PixelSQL.

pgbench drives the server hard with several concurrent clients in each query mode (simple,
extended with unnamed statements, prepared with named ones). The script updates a row per
client inside BEGIN/END, so the final table contents prove that every transaction pgbench
counted really happened.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.conftest import RunningServer
from tests.pg15 import find_pg_bin

pytestmark = pytest.mark.integration

CLIENTS = 2
TRANSACTIONS = 50  # per client

SCRIPT = """\\set delta random(1, 9)
BEGIN;
UPDATE {table} SET hits = hits + 1, total = total + :delta WHERE client = :client_id;
SELECT hits, total FROM {table} WHERE client = :client_id;
INSERT INTO {table}_log VALUES (:client_id, :delta);
END;
"""


def _pgbench() -> str:
    path = find_pg_bin("pgbench")
    if path is None:
        pytest.fail("pgbench is not installed; run `make system-deps`")
    return str(path)


@pytest.mark.parametrize("mode", ["simple", "extended", "prepared"])
def test_pgbench_custom_script(server: RunningServer, tmp_path: Path, mode: str) -> None:
    table = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute(f"CREATE TABLE {table} (client INTEGER PRIMARY KEY, hits INTEGER, "
                  "total INTEGER)")
        c.execute(f"CREATE TABLE {table}_log (client INTEGER, delta INTEGER)")
        c.execute(f"INSERT INTO {table} SELECT i, 0, 0 FROM range({CLIENTS}) AS t(i)")
    script = tmp_path / "bench.sql"
    script.write_text(SCRIPT.format(table=table))

    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGCONNECT_TIMEOUT"] = "10"
    result = subprocess.run(
        [_pgbench(), "-n", "-f", str(script), "-t", str(TRANSACTIONS), "-c", str(CLIENTS),
         "-M", mode, "-h", server.host, "-p", str(server.port), "-U", "bench", "pixelsql"],
        capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    total = CLIENTS * TRANSACTIONS
    assert f"query mode: {mode}" in result.stdout
    assert f"number of transactions actually processed: {total}/{total}" in result.stdout
    failed = re.search(r"number of failed transactions: (\d+)", result.stdout)
    assert failed is None or failed.group(1) == "0"
    assert "tps = " in result.stdout

    with psycopg.connect(server.dsn(), autocommit=True) as c:
        rows = c.execute(f"SELECT client, hits, total FROM {table} ORDER BY client").fetchall()
        logged = c.execute(f"SELECT client, count(*), sum(delta) FROM {table}_log "
                           "GROUP BY client ORDER BY client").fetchall()
    assert [(client, hits) for client, hits, _ in rows] == [
        (n, TRANSACTIONS) for n in range(CLIENTS)]
    # The row totals agree with the log written in the same transactions.
    assert [(client, total) for client, _, total in rows] == [
        (client, delta_sum) for client, _, delta_sum in logged]
    assert all(count == TRANSACTIONS for _, count, _ in logged)
