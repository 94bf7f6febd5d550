"""psql, the PostgreSQL 15 command-line client, against a running PixelSQL server.

Everything goes through the real ``psql`` program in a subprocess, the way a user types it:
``-c`` and ``-f``, ``\\copy`` in both directions, ``ON_ERROR_STOP`` and Ctrl-C (SIGINT, which
makes psql send a CancelRequest). ``\\copy`` output is compared byte for byte with what
PostgreSQL 15 writes for the same rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.conftest import RunningServer
from tests.pg15 import PostgresCluster, find_pg_bin

pytestmark = pytest.mark.integration

PSQL_TIMEOUT_S = 30

# Text that COPY must escape or quote: tab, newline, carriage return, backslash, quotes,
# delimiters, a lone "\." and non-ASCII; plus NULL next to the empty string.
TRICKY_ROWS_SQL = """
INSERT INTO {table} VALUES
  (1, 'plain', 10),
  (2, 'tab' || chr(9) || 'here', NULL),
  (3, 'line one' || chr(10) || 'line two', 30),
  (4, 'cr' || chr(13) || 'lf', 40),
  (5, 'back\\slash', 50),
  (6, 'say "hi", it''s', 60),
  (7, 'comma,semi;pipe|', 70),
  (8, '\\.', 80),
  (9, 'unicode: héllo wörld ✓ 猫 🐱', 90),
  (10, '', 100),
  (11, NULL, 110),
  (12, 'NULL', NULL),
  (13, '\\N', 130)
"""


def _psql_path() -> str:
    path = find_pg_bin("psql")
    if path is None:
        pytest.fail("psql is not installed; run `make system-deps`")
    return str(path)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGCONNECT_TIMEOUT="10", PGAPPNAME="pixelsql-tests", **extra)
    return env


def psql(dsn: str, *args: str, cwd: Path | None = None,
         timeout: float = PSQL_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    """Run psql (no psqlrc) with the given arguments and return the finished process."""
    return subprocess.run([_psql_path(), "-X", "-d", dsn, *args], capture_output=True,
                          text=True, timeout=timeout, env=_env(), cwd=cwd)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def _fetch_all(dsn: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(sql).fetchall()


# -- -c and -f -------------------------------------------------------------------------------------


def test_command_with_several_statements(server: RunningServer) -> None:
    table = unique("psql_c")
    result = psql(server.dsn(), "-A", "-t", "-c",
                  f"CREATE TABLE {table} (a INTEGER); INSERT INTO {table} VALUES (1), (2), (39);"
                  f" SELECT sum(a) FROM {table}")
    assert result.returncode == 0, result.stderr
    # psql 15 shows the outcome of every statement of a multi-statement -c.
    assert result.stdout.splitlines() == ["CREATE TABLE", "INSERT 0 3", "42"]
    assert result.stderr == ""


def test_repeated_command_options_run_in_order(server: RunningServer) -> None:
    table = unique("psql_cc")
    result = psql(server.dsn(), "-A", "-t",
                  "-c", f"CREATE TABLE {table} (a INTEGER, b TEXT)",
                  "-c", f"INSERT INTO {table} VALUES (1, 'one'), (2, 'two')",
                  "-c", f"SELECT a, b FROM {table} ORDER BY a")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["CREATE TABLE", "INSERT 0 2", "1|one", "2|two"]


def test_failing_statement_in_command_rolls_back_the_whole_command(
        server: RunningServer) -> None:
    table = unique("psql_implicit")
    assert psql(server.dsn(), "-c", f"CREATE TABLE {table} (a INTEGER)").returncode == 0
    result = psql(server.dsn(), "-c",
                  f"INSERT INTO {table} VALUES (1); SELECT * FROM no_such_table_{table}")
    assert result.returncode == 1
    assert "ERROR:" in result.stderr and f"no_such_table_{table}" in result.stderr
    # One -c string is one implicit transaction: the INSERT before the error is gone.
    assert _fetch_all(server.dsn(), f"SELECT count(*) FROM {table}") == [(0,)]


def test_script_file(server: RunningServer, tmp_path: Path) -> None:
    table = unique("psql_f")
    script = tmp_path / "script.sql"
    script.write_text(f"""
-- a comment line
CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT, born DATE);
INSERT INTO {table} VALUES (1, 'Tom', '2020-05-01'),
                           (2, 'Kitty', '2021-07-09');
\\echo between statements
SELECT name, born
  FROM {table}
 WHERE id = 2;
BEGIN;
UPDATE {table} SET name = 'Thomas' WHERE id = 1;
COMMIT;
SELECT name FROM {table} ORDER BY id;
""")
    result = psql(server.dsn(), "-A", "-t", "-f", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "CREATE TABLE", "INSERT 0 2", "between statements", "Kitty|2021-07-09",
        "BEGIN", "UPDATE 1", "COMMIT", "Thomas", "Kitty",
    ]


def test_aligned_output_has_headers_and_row_count(server: RunningServer) -> None:
    result = psql(server.dsn(), "-c", "SELECT 1 AS one, 'two' AS two")
    assert result.returncode == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0].replace(" ", "") == "one|two"
    assert lines[2].replace(" ", "") == "1|two"
    assert lines[3] == "(1 row)"


# -- \copy -----------------------------------------------------------------------------------------


def _make_tricky_table(dsn: str, table: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (id INTEGER, t TEXT, n INTEGER)")
        conn.execute(TRICKY_ROWS_SQL.format(table=table))


@pytest.mark.parametrize(
    ("options", "name"),
    [("", "text"), ("WITH (FORMAT csv, HEADER true)", "csv")],
    ids=["text", "csv-header"],
)
def test_copy_round_trip(server: RunningServer, pg15: PostgresCluster, tmp_path: Path,
                         options: str, name: str) -> None:
    source, target = unique("copy_src"), unique("copy_dst")
    _make_tricky_table(server.dsn(), source)
    _make_tricky_table(pg15.dsn(), source)
    ours, theirs = tmp_path / f"ours.{name}", tmp_path / f"pg15.{name}"

    out = psql(server.dsn(), "-c",
               f"\\copy (SELECT * FROM {source} ORDER BY id) TO '{ours}' {options}")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "COPY 13"
    ref = psql(pg15.dsn(), "-c",
               f"\\copy (SELECT * FROM {source} ORDER BY id) TO '{theirs}' {options}")
    assert ref.returncode == 0, ref.stderr
    # Byte-for-byte what PostgreSQL writes: escaping, quoting, NULL vs '' and the header.
    assert ours.read_bytes() == theirs.read_bytes()

    created = psql(server.dsn(), "-c",
                   f"CREATE TABLE {target} (id INTEGER, t TEXT, n INTEGER)")
    assert created.returncode == 0, created.stderr
    back = psql(server.dsn(), "-c", f"\\copy {target} FROM '{ours}' {options}")
    assert back.returncode == 0, back.stderr
    assert back.stdout.strip() == "COPY 13"
    original = _fetch_all(server.dsn(), f"SELECT * FROM {source} ORDER BY id")
    loaded = _fetch_all(server.dsn(), f"SELECT * FROM {target} ORDER BY id")
    assert loaded == original
    assert (11, None, 110) in loaded and (10, "", 100) in loaded and (12, "NULL", None) in loaded


def test_copy_from_stdin_inline_in_script(server: RunningServer, tmp_path: Path) -> None:
    table = unique("copy_inline")
    script = tmp_path / "load.sql"
    script.write_text(
        f"CREATE TABLE {table} (id INTEGER, t TEXT);\n"
        f"COPY {table} FROM STDIN;\n"
        "1\tfirst\n"
        "2\t\\N\n"
        "3\twith\\ttab and \\\\ backslash\n"
        "\\.\n"
        f"SELECT count(*) FROM {table};\n"
    )
    result = psql(server.dsn(), "-A", "-t", "-f", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["CREATE TABLE", "COPY 3", "3"]
    assert _fetch_all(server.dsn(), f"SELECT * FROM {table} ORDER BY id") == [
        (1, "first"), (2, None), (3, "with\ttab and \\ backslash")]


def test_copy_from_bad_data_reports_error_and_loads_nothing(server: RunningServer,
                                                            tmp_path: Path) -> None:
    table = unique("copy_bad")
    data = tmp_path / "bad.csv"
    data.write_text("1,ok\nnot-a-number,bad\n")
    assert psql(server.dsn(), "-c", f"CREATE TABLE {table} (id INTEGER, t TEXT)").returncode == 0
    result = psql(server.dsn(), "-c", f"\\copy {table} FROM '{data}' WITH (FORMAT csv)")
    assert result.returncode == 1
    assert "ERROR:" in result.stderr and "not-a-number" in result.stderr
    # No caret under the COPY command: the bad value is in the data, not in the SQL.
    assert "LINE 1:" not in result.stderr
    assert _fetch_all(server.dsn(), f"SELECT count(*) FROM {table}") == [(0,)]


# -- errors ----------------------------------------------------------------------------------------


def test_on_error_stop_stops_at_first_error(server: RunningServer, tmp_path: Path) -> None:
    table = unique("psql_stop")
    script = tmp_path / "stop.sql"
    script.write_text(f"""\\set ON_ERROR_STOP 1
\\set VERBOSITY verbose
CREATE TABLE {table} (a INTEGER);
INSERT INTO {table} VALUES (1);
SELECT 'before' AS marker;
SELECT * FROM missing_{table};
INSERT INTO {table} VALUES (2);
SELECT 'after' AS marker;
""")
    result = psql(server.dsn(), "-A", "-t", "-f", str(script))
    assert result.returncode == 3
    assert "before" in result.stdout
    assert "after" not in result.stdout
    # VERBOSITY verbose shows the SQLSTATE right after the severity.
    assert "ERROR:  42P01: " in result.stderr
    assert f"missing_{table}" in result.stderr
    assert _fetch_all(server.dsn(), f"SELECT a FROM {table}") == [(1,)]


def test_without_on_error_stop_script_continues(server: RunningServer, tmp_path: Path) -> None:
    script = tmp_path / "go_on.sql"
    script.write_text("SELECT 1/;\nSELECT 'still here';\n")
    result = psql(server.dsn(), "-A", "-t", "-f", str(script))
    assert result.returncode == 0
    assert "syntax error" in result.stderr
    assert "still here" in result.stdout


def test_error_shows_position_marker(server: RunningServer) -> None:
    result = psql(server.dsn(), "-c", "SELECT 1 AS x y")
    assert result.returncode == 1
    # psql draws the caret from the ErrorResponse position (15, under the "y").
    assert 'ERROR:  syntax error at or near "y"' in result.stderr
    lines = result.stderr.splitlines()
    marker = next(i for i, line in enumerate(lines) if line.startswith("LINE 1: "))
    assert lines[marker + 1].index("^") == len("LINE 1: ") + 14


# -- Ctrl-C ----------------------------------------------------------------------------------------


def test_sigint_cancels_running_query_and_server_keeps_serving(server: RunningServer) -> None:
    proc = subprocess.Popen(
        [_psql_path(), "-X", "-d", server.dsn(), "-c",
         "SELECT sum(i % 7) FROM range(10000000000000) t(i)"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        time.sleep(1.5)
        assert proc.poll() is None, "the long query finished too soon to be cancelled"
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=20)
        cancel_latency = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1, (stdout, stderr)
    assert "canceling statement due to user request" in stderr
    assert cancel_latency < 5
    after = psql(server.dsn(), "-A", "-t", "-c", "SELECT 6 * 7")
    assert after.returncode == 0, after.stderr
    assert after.stdout.strip() == "42"
