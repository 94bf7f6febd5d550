"""Authentication and TLS under attack, through a real server: what tests/test_auth.py (bytes)
and tests/test_auth_tls_integration.py (real clients, right and wrong passwords) leave open.

* SQLSTATEs on the wire (raw protocol and asyncpg): an unknown user is refused exactly like a
  wrong password (28P01, same step, same message shape); no user name is 28000; a plain
  connection to a TLS-only server is 28000 *before* any password is asked for.
* md5/SCRAM mixes: an md5 server asks a SCRAM-only user for SCRAM (as PostgreSQL), so a client
  that speaks only md5 cannot log in as that user; a SCRAM server refuses an md5-only user
  (28P01) and a client that insists on SCRAM is never downgraded.
* Secrets: no password, wrong password or md5 hash (password-equivalent) appears in the server
  log at DEBUG level or in an error sent to a client; SQL cannot read the server's environment.
* Before authentication: TLS negotiation misuse, stalled handshakes and silent connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import ssl
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import psycopg
import pytest

from server import messages as m
from server.auth import _md5_secret, scram_verifier
from tests.conftest import RunningServer, start_server
from tests.test_auth import ScramClient, md5_response
from tests.test_auth_tls_integration import certificate  # noqa: F401  (fixture)
from tests.test_fuzz_protocol import special_request, startup
from tests.test_server_lifecycle import RawClient, error_fields, errors_in

pytestmark = pytest.mark.integration

ALICE, ALICE_PW = "alice", "Alice-env-pw-7f3a"  # from PIXELSQL_PASSWORD: SCRAM and md5 secrets
SAM, SAM_PW = "sam", "Sam-scram-only-91c2"  # users file: a SCRAM verifier only
MO, MO_PW = "mo", "Mo-md5-only-55d0"  # users file: an md5 hash only
WRONG = "Wr0ng-guess-e41b"
SECRETS = [ALICE_PW, SAM_PW, MO_PW, WRONG]


def _users_file(folder: Path) -> Path:
    path = folder / "users"
    path.write_text(f"{SAM}:{scram_verifier(SAM_PW)}\n{MO}:{_md5_secret(MO_PW.encode(), MO)}\n")
    return path


def _start(folder: Path, method: str, *extra: str) -> RunningServer:
    return start_server(folder / "data", "--auth", method, "--users-file",
                        str(_users_file(folder)), "--log-level", "DEBUG", *extra,
                        env={"PIXELSQL_USER": ALICE, "PIXELSQL_PASSWORD": ALICE_PW})


def _assert_no_secret_in(text: str, what: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"a password appears in {what}"
        for user in (ALICE, SAM, MO):  # the md5 hash is as good as the password
            assert _md5_secret(secret.encode(), user)[3:] not in text, f"an md5 hash in {what}"


@pytest.fixture(scope="module")
def md5_server(tmp_path_factory: pytest.TempPathFactory,
               certificate: tuple[Path, Path]) -> Iterator[RunningServer]:  # noqa: F811
    cert, key = certificate
    srv = _start(tmp_path_factory.mktemp("md5"), "md5", "--tls-cert", str(cert),
                 "--tls-key", str(key))
    yield srv
    srv.stop()
    _assert_no_secret_in("".join(srv.log), "the md5 server's log")


@pytest.fixture(scope="module")
def tls_only_server(tmp_path_factory: pytest.TempPathFactory,
                    certificate: tuple[Path, Path]) -> Iterator[RunningServer]:  # noqa: F811
    cert, key = certificate
    srv = _start(tmp_path_factory.mktemp("tls-only"), "scram-sha-256", "--tls-cert", str(cert),
                 "--tls-key", str(key), "--require-tls", "true")
    yield srv
    srv.stop()
    _assert_no_secret_in("".join(srv.log), "the TLS-only server's log")


def _no_verify() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _tls(raw: RawClient) -> None:
    """SSLRequest, then TLS on the raw client's socket."""
    raw.sock.sendall(special_request(m.SSL_REQUEST_CODE))
    assert raw.sock.recv(1) == b"S"
    raw.sock = _no_verify().wrap_socket(raw.sock, server_hostname="localhost")


def _auth_request(message: tuple[bytes, bytes]) -> tuple[int, bytes]:
    kind, body = message
    assert kind == b"R", (kind, body)
    return struct.unpack("!i", body[:4])[0], body[4:]


def _md5_attempt(srv: RunningServer, user: str, password: str) -> list[tuple[bytes, bytes]]:
    """A client that speaks only md5: answers whatever it is asked with an md5 response."""
    raw = RawClient(srv)
    try:
        raw.send_startup(user=user)
        code, salt = _auth_request(raw.read_message())
        raw.send(b"p", md5_response(password, user, salt[:4] if code == 5 else b"\0" * 4))
        return [(b"R", struct.pack("!i", code) + salt), *_read_to_end(raw)]
    finally:
        raw.close()


def _read_to_end(raw: RawClient) -> list[tuple[bytes, bytes]]:
    """Messages until the server closes the connection or is ready for a query."""
    out: list[tuple[bytes, bytes]] = []
    with contextlib.suppress(ConnectionError, OSError):
        while not out or out[-1][0] != b"Z":
            out.append(raw.read_message())
    return out


async def _asyncpg_sqlstate(srv: RunningServer, user: str, password: str,
                            tls: bool | ssl.SSLContext = False) -> str | None:
    try:
        conn = await asyncpg.connect(host=srv.host, port=srv.port, user=user,
                                     password=password, database="pixelsql", ssl=tls,
                                     timeout=10)
    except asyncpg.PostgresError as exc:
        return str(exc.sqlstate)
    await conn.close()
    return None


# -- refusals and their SQLSTATEs ------------------------------------------------------------------


def test_unknown_user_is_refused_like_a_wrong_password(md5_server: RunningServer) -> None:
    """Both get an md5 challenge with a 4-byte salt and then the same FATAL 28P01: the replies
    do not tell an attacker which user names exist."""
    replies = {user: _md5_attempt(md5_server, user, WRONG) for user in (ALICE, "nobody")}
    for user, reply in replies.items():
        code, salt = _auth_request(reply[0])
        assert (code, len(salt)) == (5, 4)
        [error] = errors_in(reply[1:])
        assert (error["S"], error["C"]) == ("FATAL", "28P01")
        assert error["M"] == f'password authentication failed for user "{user}"'
        assert [kind for kind, _ in reply] == [b"R", b"E"]
    ok = _md5_attempt(md5_server, ALICE, ALICE_PW)
    assert _auth_request(ok[1]) == (0, b"")  # AuthenticationOk: the raw md5 client is right


def test_no_user_name_is_28000(md5_server: RunningServer) -> None:
    raw = RawClient(md5_server)
    try:
        raw.sock.sendall(startup({"database": "pixelsql"}))
        [error] = errors_in(raw.read_until_closed())
    finally:
        raw.close()
    assert (error["S"], error["C"]) == ("FATAL", "28000")


def test_md5_server_asks_a_scram_only_user_for_scram(md5_server: RunningServer) -> None:
    with psycopg.connect(md5_server.dsn(user=SAM, password=SAM_PW, sslmode="disable"),
                         connect_timeout=10) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (SAM,)
    # libpq told to accept only md5 sees the SASL request and refuses to go on.
    with pytest.raises(psycopg.OperationalError, match="server requested SASL"):
        psycopg.connect(md5_server.dsn(user=SAM, password=SAM_PW, require_auth="md5"),
                        connect_timeout=10)
    # A client that can only do md5 answers the SASL request with a hash: refused, 08P01.
    reply = _md5_attempt(md5_server, SAM, SAM_PW)
    assert _auth_request(reply[0])[0] == 10  # AuthenticationSASL
    [error] = errors_in(reply[1:])
    assert (error["S"], error["C"]) == ("FATAL", "08P01")
    assert not any(kind == b"R" and body[:4] == b"\0\0\0\0" for kind, body in reply)


def test_scram_server_refuses_an_md5_only_user(tls_only_server: RunningServer) -> None:
    """PostgreSQL does the same: a user without a SCRAM secret cannot pass SCRAM (28P01)."""
    ctx = _no_verify()
    assert asyncio.run(_asyncpg_sqlstate(tls_only_server, MO, MO_PW, ctx)) == "28P01"
    assert asyncio.run(_asyncpg_sqlstate(tls_only_server, SAM, SAM_PW, ctx)) is None
    assert asyncio.run(_asyncpg_sqlstate(tls_only_server, SAM, WRONG, ctx)) == "28P01"


def test_a_client_that_insists_on_scram_is_never_downgraded(md5_server: RunningServer) -> None:
    with pytest.raises(psycopg.OperationalError, match="server requested a hashed password"):
        psycopg.connect(md5_server.dsn(user=MO, password=MO_PW,
                                       require_auth="scram-sha-256"), connect_timeout=10)
    with psycopg.connect(md5_server.dsn(user=ALICE, password=ALICE_PW,
                                        require_auth="scram-sha-256,md5"),
                         connect_timeout=10) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


# -- TLS required ----------------------------------------------------------------------------------


def test_plain_connection_to_tls_only_server_is_28000_before_any_password(
        tls_only_server: RunningServer) -> None:
    for preamble in (b"", special_request(m.GSSENC_REQUEST_CODE)):
        raw = RawClient(tls_only_server)
        try:
            if preamble:
                raw.sock.sendall(preamble)
                assert raw.sock.recv(1) == b"N"
            raw.send_startup(user=ALICE)
            reply = raw.read_until_closed()
        finally:
            raw.close()
        assert [kind for kind, _ in reply] == [b"E"]  # no AuthenticationRequest first
        error = error_fields(reply[0][1])
        assert (error["S"], error["C"]) == ("FATAL", "28000")
        assert "TLS" in error["M"]
    assert asyncio.run(_asyncpg_sqlstate(tls_only_server, ALICE, ALICE_PW, False)) == "28000"
    with psycopg.connect(tls_only_server.dsn(user=ALICE, password=ALICE_PW, sslmode="require"),
                         connect_timeout=10) as conn:
        assert conn.pgconn.ssl_in_use


def test_plaintext_pipelined_after_ssl_request_is_refused(
        tls_only_server: RunningServer) -> None:
    """Bytes sent in the clear behind an SSLRequest would otherwise be read as if they had
    come over TLS (CVE-2021-23214 in PostgreSQL)."""
    raw = RawClient(tls_only_server)
    try:
        raw.sock.sendall(special_request(m.SSL_REQUEST_CODE) + startup({"user": ALICE}))
        reply = raw.read_until_closed()
    finally:
        raw.close()
    [error] = errors_in(reply)
    assert (error["S"], error["C"]) == ("FATAL", "08P01")


def test_scram_over_tls_with_a_raw_client(tls_only_server: RunningServer) -> None:
    """The exchange works over TLS, and a wrong proof fails at the final step with 28P01."""
    for password, expected in ((SAM_PW, None), (WRONG, "28P01")):
        raw = RawClient(tls_only_server)
        try:
            _tls(raw)
            raw.send_startup(user=SAM)
            assert _auth_request(raw.read_message())[0] == 10
            client = ScramClient(password)
            raw.send(b"p", client.initial_response())
            code, server_first = _auth_request(raw.read_message())
            assert code == 11
            raw.send(b"p", client.client_final(server_first))
            reply = raw.read_until(b"Z") if expected is None else raw.read_until_closed()
        finally:
            raw.close()
        errors = errors_in(reply)
        assert [e["C"] for e in errors] == ([] if expected is None else [expected])


# -- secrets ---------------------------------------------------------------------------------------


def test_errors_sent_to_clients_never_echo_secrets(md5_server: RunningServer) -> None:
    """Whatever a client sends where a password goes, the error does not repeat it."""
    replies: list[tuple[bytes, bytes]] = []
    for user, password in ((ALICE, WRONG), ("nobody", ALICE_PW), (SAM, SAM_PW), (MO, WRONG)):
        replies += _md5_attempt(md5_server, user, password)
    for body in (ALICE_PW.encode() + b"\0", b"SCRAM-SHA-256\0" + ALICE_PW.encode(),
                 b"md5" + _md5_secret(ALICE_PW.encode(), ALICE).encode()[3:]):
        raw = RawClient(md5_server)
        try:
            raw.send_startup(user=SAM)  # a SASL request comes; answer it with junk
            replies.append(raw.read_message())
            raw.send(b"p", body)
            replies += raw.read_until_closed()
        finally:
            raw.close()
    text = " ".join(str(error_fields(body)) for kind, body in replies if kind == b"E")
    assert "08P01" in text and "28P01" in text
    _assert_no_secret_in(text, "an error sent to the client")


def test_secrets_never_reach_the_log_or_the_command_line(md5_server: RunningServer,
                                                    tls_only_server: RunningServer) -> None:
    for password in (ALICE_PW, WRONG):
        with contextlib.suppress(psycopg.OperationalError):
            psycopg.connect(md5_server.dsn(user=ALICE, password=password),
                            connect_timeout=10).close()
        with contextlib.suppress(psycopg.OperationalError):
            psycopg.connect(tls_only_server.dsn(user=SAM, password=password, sslmode="require"),
                            connect_timeout=10).close()
    time.sleep(0.2)  # the log pump runs in a thread
    assert any("DEBUG" in line for line in md5_server.log)  # the level really is DEBUG
    _assert_no_secret_in("".join(md5_server.log), "the md5 server's log")
    _assert_no_secret_in("".join(tls_only_server.log), "the TLS-only server's log")
    for srv in (md5_server, tls_only_server):  # nor the process listing (ps)
        cmdline = Path(f"/proc/{srv.process.pid}/cmdline").read_bytes()
        _assert_no_secret_in(cmdline.decode(errors="replace"), "the command line")


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_text('/proc/self/environ')",
    "SELECT * FROM read_csv('/proc/self/environ')",
    "SELECT * FROM read_blob('/proc/1/environ')",
    "COPY stolen FROM '/proc/self/environ'",
    "COPY stolen OPTIONS (if_exists='replace') FROM '/proc/self/environ'",
    "PRINT IMAGE AS SELECT '/proc/self/environ' AS image",
    "PRINT IMAGE AS SELECT 'images/../../../../../../proc/self/environ' AS image",
])
def test_sql_cannot_read_the_servers_environment(md5_server: RunningServer, sql: str) -> None:
    """PIXELSQL_PASSWORD lives in the server's environment; no file function reaches it."""
    with psycopg.connect(md5_server.dsn(user=ALICE, password=ALICE_PW),
                         autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS stolen (line TEXT)")
        with pytest.raises(psycopg.Error) as refused:
            conn.execute(sql).fetchall()
        assert refused.value.sqlstate == "42501", refused.value
        _assert_no_secret_in(str(refused.value), "an error")
        with pytest.raises(psycopg.errors.UndefinedFunction):
            conn.execute("SELECT getenv('PIXELSQL_PASSWORD')")


# -- before authentication -------------------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path: Path,
               certificate: tuple[Path, Path]) -> Iterator[RunningServer]:  # noqa: F811
    cert, key = certificate
    srv = _start(tmp_path, "scram-sha-256", "--tls-cert", str(cert), "--tls-key", str(key),
                 "--startup-timeout", "2")
    yield srv
    srv.stop(signal.SIGKILL)


@pytest.mark.slow
def test_stalled_authentication_is_dropped_and_silent_peers_lock_nobody_out(
        tls_server: RunningServer) -> None:
    """A client that stops in the middle of SCRAM is dropped at the startup timeout, and a
    hundred silent connections do not keep a real client from logging in."""
    silent = [socket.create_connection((tls_server.host, tls_server.port), timeout=10)
              for _ in range(100)]
    stalled = RawClient(tls_server)
    try:
        stalled.send_startup(user=SAM)
        assert _auth_request(stalled.read_message())[0] == 10
        stalled.send(b"p", ScramClient(SAM_PW).initial_response())
        assert _auth_request(stalled.read_message())[0] == 11
        started = time.monotonic()
        with psycopg.connect(tls_server.dsn(user=SAM, password=SAM_PW, sslmode="require"),
                             connect_timeout=10) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        stalled.read_until_closed()  # ... and no client-final ever comes
        assert time.monotonic() - started < 6
    finally:
        stalled.close()
        for sock in silent:
            sock.close()


def test_second_ssl_request_inside_tls_is_a_protocol_violation(
        tls_server: RunningServer) -> None:
    raw = RawClient(tls_server)
    try:
        _tls(raw)
        raw.sock.sendall(special_request(m.SSL_REQUEST_CODE))
        raw.sock.settimeout(1.5)
        first = raw.sock.recv(1)
    except TimeoutError:
        first = b""
    finally:
        raw.close()
    assert first == b"E"


@pytest.mark.slow
def test_failed_tls_handshake_is_not_an_internal_error(tls_server: RunningServer) -> None:
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        psycopg.connect(tls_server.dsn(user=SAM, password=SAM_PW, sslmode="verify-full",
                                       sslrootcert="system"), connect_timeout=10)
    raw = RawClient(tls_server)  # a peer that sends junk instead of a TLS ClientHello
    try:
        raw.sock.sendall(special_request(m.SSL_REQUEST_CODE))
        assert raw.sock.recv(1) == b"S"
        raw.sock.sendall(b"\x16\x03\x01 not a handshake" * 4)
        raw.read_until_closed()
    finally:
        raw.close()
    time.sleep(0.3)
    log = "".join(tls_server.log)
    assert "internal error" not in log and "Traceback" not in log, log[-2000:]


@pytest.mark.slow
def test_a_silent_client_does_not_delay_shutdown(tmp_path: Path) -> None:
    srv = start_server(tmp_path / "data")
    silent = socket.create_connection((srv.host, srv.port), timeout=10)
    try:
        time.sleep(0.3)
        started = time.monotonic()
        code = srv.stop(signal.SIGTERM, timeout=4)  # killed (-9) if it takes longer
        took = time.monotonic() - started
    finally:
        silent.close()
        srv.stop(signal.SIGKILL)
    assert code == 0, f"shutdown took {took:.1f} s"
    assert "Traceback" not in "".join(srv.log)


@pytest.mark.slow
def test_connections_still_logging_in_are_bounded(tmp_path: Path) -> None:
    """At most 2 x max_connections + 64 peers may sit in startup; the next is told 53300 at
    once (not left holding a file descriptor), and the server serves again when they go."""
    srv = start_server(tmp_path / "data", "--max-connections", "2")
    silent = []
    try:
        silent = [socket.create_connection((srv.host, srv.port), timeout=10)
                  for _ in range(2 * 2 + 64)]
        time.sleep(0.5)
        with pytest.raises(psycopg.OperationalError, match="too many clients"):
            psycopg.connect(srv.dsn(), connect_timeout=10, sslmode="disable")
        # (A client that asks for TLS first sees libpq's "error response during SSL exchange".)
        for sock in silent:
            sock.close()
        deadline = time.monotonic() + 10
        while True:
            try:
                with psycopg.connect(srv.dsn(), connect_timeout=10) as conn:
                    assert conn.execute("SELECT 1").fetchone() == (1,)
                break
            except psycopg.OperationalError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        for sock in silent:
            sock.close()
        srv.stop()


def test_the_password_variable_leaves_the_environment_before_workers_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """ML workers are started later by the server and inherit its environment."""
    from server import cli, config

    monkeypatch.setenv("PIXELSQL_PASSWORD", ALICE_PW)
    settings = config.resolve(cli.build_parser().parse_args(["serve", "--auth", "password"]),
                              {"PIXELSQL_USER": ALICE})
    users = cli._users(settings)
    assert "PIXELSQL_PASSWORD" not in os.environ
    assert ALICE in users
