"""Password authentication and TLS with real clients (psycopg/libpq, asyncpg, psql).

Servers are started with ``--auth scram-sha-256 | md5 | cleartext`` and a password from the
environment, and with a self-signed certificate made by the ``openssl`` program. The checks are
what a user sees: the right password gets in, a wrong one or an unknown user is refused with
28P01, ``sslmode=require`` really encrypts, and the password never shows up in the server log.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import psycopg
import pytest

from tests.conftest import RunningServer, start_server
from tests.pg15 import find_pg_bin

pytestmark = pytest.mark.integration

USER = "alice"
PASSWORD = "c0rrect-Horse_battery~staple"
WRONG = "Tr0ub4dor&3-wrong"
METHODS = ["scram-sha-256", "md5", "cleartext"]


def _auth_env() -> dict[str, str]:
    return {"PIXELSQL_USER": USER, "PIXELSQL_PASSWORD": PASSWORD}


def _assert_no_secrets_logged(server: RunningServer) -> None:
    log = "".join(server.log)
    assert PASSWORD not in log
    assert WRONG not in log


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate and key for localhost, made with the openssl CLI."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is not installed; run `make system-deps`")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "server.crt", folder / "server.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True, timeout=60)
    key.chmod(0o600)
    return cert, key


@pytest.fixture(scope="module", params=METHODS)
def auth_server(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    srv = start_server(tmp_path_factory.mktemp("auth-data"), "--auth", request.param,
                       env=_auth_env())
    yield srv
    srv.stop()
    _assert_no_secrets_logged(srv)


@pytest.fixture(scope="module", params=["uvloop", "asyncio"])
def tls_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
               certificate: tuple[Path, Path]) -> Iterator[RunningServer]:
    """TLS on each event loop the server can run on (their TLS transports differ)."""
    cert, key = certificate
    srv = start_server(tmp_path_factory.mktemp("tls-data"), "--auth", "scram-sha-256",
                       "--tls-cert", str(cert), "--tls-key", str(key),
                       "--event-loop", request.param, env=_auth_env())
    yield srv
    srv.stop()
    _assert_no_secrets_logged(srv)


# -- password methods ------------------------------------------------------------------------------


def test_psycopg_right_password(auth_server: RunningServer) -> None:
    with psycopg.connect(auth_server.dsn(user=USER, password=PASSWORD),
                         connect_timeout=10) as c:
        assert c.execute("SELECT 40 + 2").fetchone() == (42,)
        assert c.info.user == USER


@pytest.mark.parametrize(("user", "password"), [(USER, WRONG), ("mallory", PASSWORD),
                                                (USER, "")],
                         ids=["wrong-password", "unknown-user", "empty-password"])
def test_psycopg_refused(auth_server: RunningServer, user: str, password: str) -> None:
    with pytest.raises(psycopg.OperationalError) as info:
        psycopg.connect(auth_server.dsn(user=user, password=password), connect_timeout=10)
    message = str(info.value)
    if password:
        assert f'password authentication failed for user "{user}"' in message
    # Either libpq refuses to send an empty password or the server refuses it.
    assert "authentication failed" in message or "password" in message


def test_psycopg_no_password_given(auth_server: RunningServer) -> None:
    env_password = os.environ.pop("PGPASSWORD", None)
    try:
        with pytest.raises(psycopg.OperationalError) as info:
            psycopg.connect(auth_server.dsn(user=USER, passfile="/nonexistent"),
                            connect_timeout=10)
        assert "password" in str(info.value)
    finally:
        if env_password is not None:
            os.environ["PGPASSWORD"] = env_password


def test_asyncpg_right_and_wrong_password(auth_server: RunningServer) -> None:
    async def main() -> None:
        conn = await asyncpg.connect(host=auth_server.host, port=auth_server.port, user=USER,
                                     password=PASSWORD, database="pixelsql", timeout=10)
        try:
            assert await conn.fetchval("SELECT $1::int4 * 2", 21) == 42
        finally:
            await conn.close()
        for user, password in ((USER, WRONG), ("mallory", PASSWORD)):
            with pytest.raises(asyncpg.InvalidPasswordError) as info:
                await asyncpg.connect(host=auth_server.host, port=auth_server.port, user=user,
                                      password=password, database="pixelsql", timeout=10)
            assert info.value.sqlstate == "28P01"

    asyncio.run(main())


def _psql(server: RunningServer, password: str, *args: str,
          **dsn_extra: str) -> subprocess.CompletedProcess[str]:
    psql = find_pg_bin("psql")
    if psql is None:
        pytest.fail("psql is not installed; run `make system-deps`")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGPASSWORD=password, PGCONNECT_TIMEOUT="10")
    return subprocess.run([str(psql), "-X", "-A", "-t", "-d", server.dsn(user=USER, **dsn_extra),
                           *args], capture_output=True, text=True, timeout=30, env=env)


def test_psql_with_pgpassword(auth_server: RunningServer) -> None:
    ok = _psql(auth_server, PASSWORD, "-c", "SELECT 'in'")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "in"
    refused = _psql(auth_server, WRONG, "-c", "SELECT 'in'")
    assert refused.returncode == 2
    assert f'password authentication failed for user "{USER}"' in refused.stderr


def test_password_is_never_logged(auth_server: RunningServer) -> None:
    # Run last in the module for each server; the fixture also checks after shutdown.
    for password in (PASSWORD, WRONG):
        with contextlib.suppress(psycopg.OperationalError):
            psycopg.connect(auth_server.dsn(user=USER, password=password),
                            connect_timeout=10).close()
    _assert_no_secrets_logged(auth_server)


def test_users_file_and_verifier(tmp_path: Path) -> None:
    verifier = subprocess.run(
        [sys.executable, "-m", "server.cli", "scram-verifier"],
        input="file-password\n", capture_output=True, text=True, timeout=30,
        cwd=Path(__file__).resolve().parent.parent)
    assert verifier.returncode == 0, verifier.stderr
    secret = verifier.stdout.strip()
    assert secret.startswith("SCRAM-SHA-256$") and "file-password" not in secret
    users = tmp_path / "users"
    users.write_text(f"bob:{secret}\ncarol:plain:carol-pw\n")
    srv = start_server(tmp_path / "data", "--auth", "scram-sha-256", "--users-file", str(users))
    try:
        with psycopg.connect(srv.dsn(user="bob", password="file-password"),
                             connect_timeout=10) as c:
            assert c.execute("SELECT 1").fetchone() == (1,)
        with psycopg.connect(srv.dsn(user="carol", password="carol-pw"),
                             connect_timeout=10) as c:
            assert c.execute("SELECT 2").fetchone() == (2,)
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(srv.dsn(user="bob", password="carol-pw"), connect_timeout=10)
    finally:
        srv.stop()
    log = "".join(srv.log)
    assert "file-password" not in log and "carol-pw" not in log


# -- TLS -------------------------------------------------------------------------------------------


def test_tls_required_is_encrypted(tls_server: RunningServer) -> None:
    with psycopg.connect(tls_server.dsn(user=USER, password=PASSWORD, sslmode="require"),
                         connect_timeout=10) as c:
        assert c.pgconn.ssl_in_use
        assert c.execute("SELECT 'secret stuff'").fetchone() == ("secret stuff",)


def test_tls_verify_full_with_our_certificate(tls_server: RunningServer,
                                              certificate: tuple[Path, Path]) -> None:
    cert, _ = certificate
    with psycopg.connect(tls_server.dsn(user=USER, password=PASSWORD, sslmode="verify-full",
                                        sslrootcert=str(cert)), connect_timeout=10) as c:
        assert c.pgconn.ssl_in_use


def test_tls_server_also_accepts_plain_connections(tls_server: RunningServer) -> None:
    with psycopg.connect(tls_server.dsn(user=USER, password=PASSWORD, sslmode="disable"),
                         connect_timeout=10) as c:
        assert not c.pgconn.ssl_in_use
        assert c.execute("SELECT 1").fetchone() == (1,)


def test_tls_wrong_password_refused(tls_server: RunningServer) -> None:
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(tls_server.dsn(user=USER, password=WRONG, sslmode="require"),
                        connect_timeout=10)


def test_tls_with_asyncpg(tls_server: RunningServer) -> None:
    async def main() -> None:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        conn = await asyncpg.connect(host=tls_server.host, port=tls_server.port, user=USER,
                                     password=PASSWORD, database="pixelsql", ssl=ctx,
                                     timeout=10)
        try:
            assert conn.get_server_pid() > 0
            transport = conn._transport  # asyncpg exposes no public "is encrypted" flag
            assert transport.get_extra_info("ssl_object") is not None
            assert await conn.fetchval("SELECT $1::text", "over tls") == "over tls"
        finally:
            await conn.close()

    asyncio.run(main())


def test_tls_with_psql(tls_server: RunningServer) -> None:
    result = _psql(tls_server, PASSWORD, "-c", "\\conninfo", sslmode="require")
    assert result.returncode == 0, result.stderr
    assert "SSL connection (protocol: TLSv1." in result.stdout


def test_cleartext_over_tls(tmp_path: Path, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    srv = start_server(tmp_path / "data", "--auth", "cleartext", "--tls-cert", str(cert),
                       "--tls-key", str(key), env=_auth_env())
    try:
        with psycopg.connect(srv.dsn(user=USER, password=PASSWORD, sslmode="require"),
                             connect_timeout=10) as c:
            assert c.pgconn.ssl_in_use
            assert c.execute("SELECT 3").fetchone() == (3,)
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(srv.dsn(user=USER, password=WRONG, sslmode="require"),
                            connect_timeout=10)
    finally:
        srv.stop()
    _assert_no_secrets_logged(srv)


def test_without_tls_require_fails_and_prefer_is_plain(server: RunningServer) -> None:
    with pytest.raises(psycopg.OperationalError, match="does not support SSL"):
        psycopg.connect(server.dsn(sslmode="require"), connect_timeout=10)
    with psycopg.connect(server.dsn(sslmode="prefer"), connect_timeout=10) as c:
        assert not c.pgconn.ssl_in_use
        assert c.execute("SELECT 1").fetchone() == (1,)
