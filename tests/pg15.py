"""A throwaway PostgreSQL 15 cluster for differential tests and benchmarks.

`PostgresCluster` runs initdb into a fresh temporary directory, starts the server on a free
loopback port (trust auth, fsync off, the unix socket inside the temp dir) and, on exit, stops it
and deletes everything. PostgreSQL refuses to run as root, so when we are root the server
binaries run as the unprivileged ``postgres`` system user (created if missing); clients (psql,
psycopg, asyncpg) connect over TCP and run as whoever we are.

The session-scoped pytest fixture `pg15` shares one cluster across a test session.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest

PG15_BIN_DIR = Path("/usr/lib/postgresql/15/bin")
SERVER_USER = "postgres"
SUPERUSER = "postgres"
_SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
_START_TIMEOUT_S = 30

# Settings for speed and isolation, not durability: the data dies with the test run.
_SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "100",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "'128MB'",
    "logging_collector": "off",
    "log_min_messages": "warning",
    "timezone": "'UTC'",
}


def find_pg_bin(name: str) -> Path | None:
    """Path of a PostgreSQL program: the version 15 directory first, then PATH."""
    candidate = PG15_BIN_DIR / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which(name)
    return Path(found) if found else None


def pg15_available() -> bool:
    """True when initdb, pg_ctl, postgres and psql can all be found."""
    return all(find_pg_bin(name) for name in (*_SERVER_PROGRAMS, "psql"))


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _require_bin(name: str) -> str:
    path = find_pg_bin(name)
    if path is None:
        raise RuntimeError(f"PostgreSQL program {name!r} not found; run `make system-deps`")
    return str(path)


def _ensure_server_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
             SERVER_USER],
            check=True, capture_output=True,
        )
        return pwd.getpwnam(SERVER_USER)


class PostgresCluster:
    """A PostgreSQL 15 server in a temporary directory; use as a context manager."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self._root: Path | None = None
        self._as_user: list[str] = []
        self._started = False

    # -- public API ---------------------------------------------------------------------------

    def dsn(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        """A connection URL that psql, psycopg and asyncpg all accept."""
        return f"postgresql://{user}@{self.host}:{self.port}/{dbname}"

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL through the psql program; returns unaligned, tuples-only output."""
        result = subprocess.run(
            [_require_bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-d", self.dsn(dbname), "-c", sql],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    @property
    def log_path(self) -> Path:
        assert self._root is not None, "cluster not started"
        return self._root / "server.log"

    def start(self) -> PostgresCluster:
        for name in _SERVER_PROGRAMS:
            _require_bin(name)
        self._root = Path(tempfile.mkdtemp(prefix="pixelsql-pg15-", dir=self._temp_parent()))
        try:
            self._prepare_user()
            self._initdb()
            self._launch()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._root is None:
            return
        if self._started:
            self._run_as_server(
                [_require_bin("pg_ctl"), "stop", "-D", str(self._datadir),
                 "-m", "immediate", "-w", "-t", "30"],
                check=False,
            )
            self._started = False
        shutil.rmtree(self._root, ignore_errors=True)
        self._root = None

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- steps --------------------------------------------------------------------------------

    @property
    def _datadir(self) -> Path:
        assert self._root is not None
        return self._root / "data"

    @staticmethod
    def _temp_parent() -> str | None:
        # As root, TMPDIR may sit under a 0700 home that the server user cannot traverse.
        return "/tmp" if os.geteuid() == 0 else None

    def _prepare_user(self) -> None:
        assert self._root is not None
        if os.geteuid() != 0:
            return
        user = _ensure_server_user()
        os.chown(self._root, user.pw_uid, user.pw_gid)
        self._as_user = ["runuser", "-u", SERVER_USER, "--"]

    def _initdb(self) -> None:
        self._run_as_server(
            [_require_bin("initdb"), "-D", str(self._datadir), "-U", SUPERUSER,
             "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"],
        )
        assert self._root is not None
        settings = {**_SERVER_SETTINGS, "unix_socket_directories": f"'{self._root}'"}
        lines = "".join(f"{key} = {value}\n" for key, value in settings.items())
        conf = self._datadir / "postgresql.conf"
        # The server user owns the file; appending as root keeps its ownership.
        with conf.open("a") as handle:
            handle.write("\n# pixelsql test harness\n" + lines)

    def _launch(self) -> None:
        # A free port can be taken between our pick and the bind; try a few.
        last_error = ""
        for _ in range(3):
            self.port = free_port(self.host)
            result = self._run_as_server(
                [_require_bin("pg_ctl"), "start", "-D", str(self._datadir), "-l",
                 str(self.log_path), "-w", "-t", str(_START_TIMEOUT_S), "-o", f"-p {self.port}"],
                check=False,
            )
            if result.returncode == 0:
                self._started = True
                return
            last_error = self._log_tail()
            time.sleep(0.2)
        raise RuntimeError(f"PostgreSQL 15 did not start:\n{last_error}")

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def _run_as_server(
        self, argv: list[str], check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*self._as_user, *argv], capture_output=True, text=True, timeout=120,
            cwd=self._root,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{Path(argv[0]).name} failed ({result.returncode}): "
                f"{result.stderr.strip() or result.stdout.strip()}"
            )
        return result


@pytest.fixture(scope="session")
def pg15() -> Iterator[PostgresCluster]:
    """One PostgreSQL 15 cluster for the whole test session (CI installs the server)."""
    if not pg15_available():
        pytest.fail("PostgreSQL 15 is not installed; run `make system-deps`")
    with PostgresCluster() as cluster:
        yield cluster
