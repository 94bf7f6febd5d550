"""Server limits and roles: statement and idle timeouts, TLS-only, read-only users, the ML
row limit — each answered with PostgreSQL's SQLSTATE while the server goes on serving."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import RunningServer, start_server
from tests.test_auth_tls_integration import certificate  # noqa: F401  (fixture)

pytestmark = pytest.mark.integration

SLOW = "SELECT count(*) FROM range(100000000000) a WHERE a % 7 = 3"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    srv = start_server(tmp_path_factory.mktemp("limits"), "--statement-timeout", "1s",
                       "--read-only-user", "viewer", "--max-predict-rows", "3")
    yield srv
    srv.stop()


def test_statement_timeout_cancels_with_57014(limited: RunningServer) -> None:
    with psycopg.connect(limited.dsn(), autocommit=True) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone() == ("1s",)
        start = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled, match="statement timeout"):
            conn.execute(SLOW)
        assert time.monotonic() - start < 10
        conn.execute("SET statement_timeout = '200ms'")
        with pytest.raises(psycopg.errors.QueryCanceled, match="statement timeout"):
            conn.execute(SLOW)
        conn.execute("SET statement_timeout = 0")
        assert conn.execute("SELECT 1").fetchone() == (1,)
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            conn.execute("SET statement_timeout = 'soon'")


def test_read_only_user_reads_but_cannot_write(limited: RunningServer) -> None:
    with psycopg.connect(limited.dsn(), autocommit=True) as conn:
        conn.execute("CREATE OR REPLACE TABLE shared_t AS SELECT 1 AS a")
    with psycopg.connect(limited.dsn(user="viewer"), autocommit=True) as conn:
        assert conn.execute("SELECT a FROM shared_t").fetchall() == [(1,)]
        assert conn.execute("WITH x AS (SELECT 2 AS b) SELECT b FROM x").fetchall() == [(2,)]
        for statement in ("INSERT INTO shared_t VALUES (2)", "CREATE TABLE mine (a int)",
                          "DROP TABLE shared_t", "UPDATE shared_t SET a = 3",
                          "COPY shared_t TO 'out.csv'", "CHECKPOINT",
                          "BUILD MODEL m USING ConvNeXt_Tiny AS SELECT 1",
                          "DELETE MODEL m", "CANCEL JOB 1",
                          "EXPLAIN ANALYZE INSERT INTO shared_t VALUES (4)",
                          "SELECT a INTO mine FROM shared_t"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="read-only"):
                conn.execute(statement)
        conn.execute("PREPARE w AS INSERT INTO shared_t VALUES (5)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("EXECUTE w")
        assert conn.execute("SELECT count(*) FROM shared_t").fetchone() == (1,)
        assert conn.execute("LIST MODEL").fetchall() == []


def test_ml_statements_refuse_too_many_rows(limited: RunningServer) -> None:
    with psycopg.connect(limited.dsn(), autocommit=True) as conn, \
            pytest.raises(psycopg.errors.ProgramLimitExceeded, match="at most 3"):
        conn.execute("BUILD MODEL big USING ConvNeXt_Tiny AS SELECT 'x' AS image_path, "
                         "'a' AS label FROM range(10)")


def test_idle_session_timeouts_end_the_session(tmp_path: Path) -> None:
    srv = start_server(tmp_path / "data", "--idle-session-timeout", "500ms")
    try:
        with psycopg.connect(srv.dsn(), autocommit=True) as conn:
            conn.execute("SELECT 1")
            time.sleep(1.2)
            with pytest.raises(psycopg.Error, match="idle-session timeout") as idle:
                conn.execute("SELECT 1")
            assert idle.value.sqlstate in ("57P05", None)  # None: libpq saw the socket close
        with psycopg.connect(srv.dsn()) as conn:
            conn.execute("SET idle_session_timeout = 0")
            conn.execute("SET idle_in_transaction_session_timeout = '400ms'")
            conn.execute("SELECT 1")  # psycopg opened a transaction
            time.sleep(1.0)
            with pytest.raises(psycopg.errors.IdleInTransactionSessionTimeout):
                conn.execute("SELECT 1")
        with psycopg.connect(srv.dsn(), autocommit=True) as conn:  # the server goes on
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        srv.stop()


def test_require_tls_refuses_plain_connections(tmp_path: Path,
                                               certificate: tuple[Path, Path]) -> None:  # noqa: F811
    cert, key = certificate
    srv = start_server(tmp_path / "data", "--tls-cert", str(cert), "--tls-key", str(key),
                       "--require-tls", "true")
    try:
        with pytest.raises(psycopg.OperationalError, match="only TLS connections"):
            psycopg.connect(srv.dsn(sslmode="disable"))
        with psycopg.connect(srv.dsn(sslmode="require")) as conn:
            assert conn.pgconn.ssl_in_use
    finally:
        srv.stop()
