"""Shared fixtures: a real PixelSQL server process on a free port, and PostgreSQL 15.

Integration tests talk to a server started exactly as a user would start it (``python -m
server.cli serve``), never to a mock.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.pg15 import pg15  # noqa: F401  (re-exported fixture)

if TYPE_CHECKING:
    import psycopg

    from engine.session import Session
    from tests.pg15 import PostgresCluster

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class RunningServer:
    process: subprocess.Popen[str]
    host: str
    port: int
    data_dir: Path
    log: list[str] = field(default_factory=list)

    def dsn(self, user: str = "tester", dbname: str = "pixelsql", **extra: str) -> str:
        parts = [f"host={self.host}", f"port={self.port}", f"user={user}", f"dbname={dbname}"]
        parts += [f"{k}={v}" for k, v in extra.items()]
        return " ".join(parts)

    def url(self, user: str = "tester", dbname: str = "pixelsql") -> str:
        return f"postgresql://{user}@{self.host}:{self.port}/{dbname}"

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(data_dir: Path, *extra_args: str, env: dict[str, str] | None = None,
                 timeout: float = 30) -> RunningServer:
    """Start ``pixelsql serve`` on a free port and wait for its ready line."""
    cmd = [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", "0",
           "--data-dir", str(data_dir), *extra_args]
    proc_env = dict(os.environ)
    proc_env.update(env or {})
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=proc_env)
    deadline = time.monotonic() + timeout
    lines: list[str] = []
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        match = re.search(r"PixelSQL ready on ([\d.]+):(\d+)", line)
        if match:
            server = RunningServer(proc, match.group(1), int(match.group(2)), data_dir, lines)
            _drain_in_background(server)
            return server
    proc.kill()
    raise RuntimeError("server did not start:\n" + "".join(lines))


def _drain_in_background(server: RunningServer) -> None:
    import threading

    def pump() -> None:
        assert server.process.stdout is not None
        for line in server.process.stdout:
            server.log.append(line)

    threading.Thread(target=pump, daemon=True).start()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One trust-auth server shared by the read-mostly integration tests."""
    srv = start_server(tmp_path_factory.mktemp("pixelsql-data"))
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[RunningServer]:
    """A server of the test's own (for tests that restart or kill it)."""
    srv = start_server(tmp_path / "data")
    yield srv
    srv.stop()


@pytest.fixture
def session() -> Iterator[Session]:
    """A session on a fresh in-memory database, for in-process engine tests."""
    from engine.session import Database, Session

    db = Database(None)
    s = Session(db, "tester")
    try:
        yield s
    finally:
        s.close()
        db.close()


@pytest.fixture(scope="module")
def ours_and_pg15(server: RunningServer, pg15: PostgresCluster,  # noqa: F811
                  ) -> Iterator[tuple[psycopg.Connection[Any], psycopg.Connection[Any]]]:
    """Autocommit psycopg connections to PixelSQL and to PostgreSQL 15, for differential tests
    (one pair per test module)."""
    import psycopg

    with psycopg.connect(server.dsn(), autocommit=True) as ours, \
            psycopg.connect(pg15.dsn(), autocommit=True) as theirs:
        yield ours, theirs


@pytest.fixture(scope="module")
def both(request: pytest.FixtureRequest,
         ours_and_pg15: tuple[psycopg.Connection[Any], psycopg.Connection[Any]],
         ) -> tuple[psycopg.Connection[Any], psycopg.Connection[Any]]:
    """:func:`ours_and_pg15` after the test module's ``SETUP`` statements ran on each."""
    for conn in ours_and_pg15:
        for sql in getattr(request.module, "SETUP", ()):
            conn.execute(sql)
    return ours_and_pg15
