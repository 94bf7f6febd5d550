"""node-postgres (``pg`` from npm) against a running PixelSQL server.

``tests/node`` holds a package.json and its lock; ``make node-deps`` (part of ``make test``) runs
``npm ci`` there. ``tests/node/check.js`` runs once per test module and each of its checks becomes
one test: a parameterised query, a named prepared statement, values of int, int8, numeric, text,
bool, timestamp, json, text[]/int[] and bytea going in as parameters and coming back as the
JavaScript values node-postgres makes from the type OIDs the server reports, the table and
column each result column comes from (``fields[].tableID`` / ``columnID``), NULLs, array row
mode, errors with their SQLSTATE in ``err.code``, and a rolled-back transaction.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.check_lines import CheckRun, parse_check_output
from tests.conftest import RunningServer

pytestmark = pytest.mark.integration

NODE_DIR = Path(__file__).resolve().parent / "node"
RUN_TIMEOUT_S = 120

CHECKS = [
    "connect",
    "parameterised_query",
    "named_prepared_statement",
    "create_table",
    "insert_typed_parameters",
    "select_types",
    "result_type_oids",
    "result_table_ids",
    "null_values",
    "row_mode_array",
    "error_undefined_table",
    "error_syntax",
    "error_unique_violation",
    "usable_after_error",
    "transaction_rollback",
    "cleanup",
]


@pytest.fixture(scope="module")
def node_run(server: RunningServer) -> CheckRun:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; run `make system-deps`")
    if not (NODE_DIR / "node_modules" / "pg").is_dir():
        pytest.fail("node-postgres is not installed in tests/node; run `make node-deps`")
    table = f"node_items_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TZ": "UTC"}
    env.pop("PGPASSWORD", None)
    ran = subprocess.run([node, "check.js", server.url(), table], cwd=NODE_DIR,
                         capture_output=True, text=True, timeout=RUN_TIMEOUT_S, env=env)
    with psycopg.connect(server.dsn(), autocommit=True, connect_timeout=10) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")  # whatever check.js's cleanup managed
    run = parse_check_output(ran.stdout, ran.stderr)
    if ran.returncode != 0:
        pytest.fail(f"check.js crashed (exit {ran.returncode}):\n{run.output}")
    return run


@pytest.mark.parametrize("check", CHECKS)
def test_node_pg(node_run: CheckRun, check: str) -> None:
    node_run.assert_ok(check)


def test_node_program_reports_every_check(node_run: CheckRun) -> None:
    assert node_run.finished, f"check.js did not run to the end:\n{node_run.output}"
    assert list(node_run.results) == CHECKS
