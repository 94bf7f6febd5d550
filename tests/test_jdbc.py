"""pgjdbc, the PostgreSQL JDBC driver, against a running PixelSQL server.

The driver is Debian's ``libpostgresql-jdbc-java`` (``/usr/share/java/postgresql.jar``, installed
by ``make system-deps`` together with a JDK). ``tests/java/JdbcCheck.java`` is compiled with javac
into a temporary directory and run once per test module; each of its checks becomes one test
here: connecting, ``DatabaseMetaData`` (getSchemas, getTables, getColumns with types, sizes and
nullability, getPrimaryKeys, getIndexInfo) as DBeaver, DataGrip and Metabase call it, a
PreparedStatement with int, varchar, numeric, timestamp, boolean and NULL parameters (and a batch,
and reuse past pgjdbc's switch to a named server-side statement), fetch-size paging inside a
transaction (Execute with a row limit answered by PortalSuspended, two portals open at once), and
errors with their SQLSTATEs.
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

PGJDBC_JAR = Path("/usr/share/java/postgresql.jar")
JAVA_SOURCE = Path(__file__).resolve().parent / "java" / "JdbcCheck.java"
COMPILE_TIMEOUT_S = 180
RUN_TIMEOUT_S = 240

# In the order JdbcCheck runs them; a check that depends on an earlier one says so in its reason.
CHECKS = [
    "connect",
    "create_table",
    "metadata_schemas",
    "metadata_tables",
    "metadata_tables_all",
    "metadata_columns",
    "metadata_primary_keys",
    "metadata_index_info",
    "prepared_insert",
    "prepared_select",
    "prepared_null_and_compare",
    "prepared_reuse_named_statement",
    "fetch_size_paging",
    "fetch_size_two_open_portals",
    "error_undefined_table",
    "error_unique_violation",
    "error_in_failed_transaction",
    "cleanup",
]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; run `make system-deps`")
    return path


@pytest.fixture(scope="module")
def jdbc_run(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> CheckRun:
    if not PGJDBC_JAR.is_file():
        pytest.fail(f"{PGJDBC_JAR} is missing; run `make system-deps`")
    classes = tmp_path_factory.mktemp("jdbc-classes")
    compiled = subprocess.run(
        [_tool("javac"), "-encoding", "UTF-8", "-d", str(classes), "-cp", str(PGJDBC_JAR),
         str(JAVA_SOURCE)],
        capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S)
    assert compiled.returncode == 0, f"javac failed:\n{compiled.stdout}{compiled.stderr}"

    url = f"jdbc:postgresql://{server.host}:{server.port}/pixelsql"
    table = f"jdbc_items_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TZ": "UTC"}
    ran = subprocess.run(
        [_tool("java"), "-Duser.timezone=UTC", "-Dfile.encoding=UTF-8",
         "-cp", f"{PGJDBC_JAR}{os.pathsep}{classes}", "JdbcCheck", url, "tester", table],
        capture_output=True, text=True, timeout=RUN_TIMEOUT_S, env=env)
    _drop_tables(server, table, f"{table}_big")  # whatever JdbcCheck's own cleanup managed
    run = parse_check_output(ran.stdout, ran.stderr)
    if ran.returncode not in (0, 2):
        pytest.fail(f"JdbcCheck crashed (exit {ran.returncode}):\n{run.output}")
    return run


def _drop_tables(server: RunningServer, *tables: str) -> None:
    """Leave the shared server as we found it, for the tests that list its tables."""
    with psycopg.connect(server.dsn(), autocommit=True, connect_timeout=10) as conn:
        for name in tables:
            conn.execute(f"DROP TABLE IF EXISTS {name}")


@pytest.mark.parametrize("check", CHECKS)
def test_jdbc(jdbc_run: CheckRun, check: str) -> None:
    jdbc_run.assert_ok(check)


def test_jdbc_program_reports_every_check(jdbc_run: CheckRun) -> None:
    assert jdbc_run.finished, f"JdbcCheck did not run to the end:\n{jdbc_run.output}"
    assert list(jdbc_run.results) == CHECKS
