"""The server on each event loop it can run on: uvloop (the default where it is installed) and
the standard library's asyncio (``--event-loop asyncio``).

The rest of the suite runs on the default loop; here the paths that lean on the loop's
transports are checked on both with real clients: the session thread writing replies itself
(``StreamTransport.send_now``), a result large enough to meet write back-pressure, COPY both
ways, a CancelRequest, and a SIGTERM that loses nothing. TLS on both loops is in
tests/test_auth_tls_integration.py.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from server import config
from tests.conftest import RunningServer, start_server

LOOPS = ["uvloop", "asyncio"]
SLOW = "SELECT count(*) FROM range(100000000000) a WHERE a % 7 = 3"


def test_factory_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvloop

    assert config.event_loop_factory("asyncio") is None
    assert config.event_loop_factory("uvloop") is uvloop.new_event_loop
    assert config.event_loop_factory("auto") is uvloop.new_event_loop
    with pytest.raises(config.ConfigError, match="one of auto, uvloop, asyncio"):
        config.event_loop_factory("trio")
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import uvloop now fails
    assert config.event_loop_factory("auto") is None
    with pytest.raises(config.ConfigError, match="not installed"):
        config.event_loop_factory("uvloop")


def test_unknown_loop_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="event_loop must be one of"):
        start_server(tmp_path / "data", "--event-loop", "trio", timeout=20)


@pytest.fixture(scope="module", params=LOOPS)
def loop_server(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    srv = start_server(tmp_path_factory.mktemp(f"loop-{request.param}"),
                       "--event-loop", request.param)
    yield srv
    srv.stop()


def _loop_of(server: RunningServer) -> str:
    ready = next(line for line in server.log if "PixelSQL ready on" in line)
    return ready.rsplit("loop=", 1)[1].strip()


@pytest.mark.integration
def test_ready_line_names_the_loop(loop_server: RunningServer,
                                   request: pytest.FixtureRequest) -> None:
    assert _loop_of(loop_server) == request.node.callspec.params["loop_server"]


@pytest.mark.integration
def test_small_statements_and_a_large_result(loop_server: RunningServer) -> None:
    with psycopg.connect(loop_server.dsn(), autocommit=True) as conn:
        for i in range(50):  # replies the session thread sends itself
            assert conn.execute("SELECT %s::int + 1", (i,), prepare=True).fetchone() == (i + 1,)
            assert conn.execute(f"SELECT {i}", prepare=False).fetchone() == (i,)
        # Some megabytes: more than the socket takes at once, so the loop's writes wait.
        rows = conn.execute("SELECT i, repeat('x', 200) FROM range(60000) t(i)").fetchall()
        assert len(rows) == 60000 and rows[-1] == (59999, "x" * 200)
        with conn.cursor(binary=True) as cur:
            cur.execute("SELECT i FROM range(100000) t(i)")
            assert sum(r[0] for r in cur) == 100000 * 99999 // 2


@pytest.mark.integration
def test_copy_both_ways(loop_server: RunningServer) -> None:
    with psycopg.connect(loop_server.dsn(), autocommit=True) as conn:
        conn.execute("CREATE OR REPLACE TABLE copied (id INT, name TEXT)")
        with conn.cursor().copy("COPY copied FROM STDIN") as copy:
            for i in range(5000):
                copy.write_row((i, f"n{i}"))
        out = bytearray()
        with conn.cursor().copy("COPY copied TO STDOUT (FORMAT csv)") as copy:
            for chunk in copy:
                out += chunk
        lines = bytes(out).decode().splitlines()
        assert len(lines) == 5000 and lines[0] == "0,n0"


@pytest.mark.integration
def test_cancel_request(loop_server: RunningServer) -> None:
    with psycopg.connect(loop_server.dsn(), autocommit=True) as conn:
        timer = threading.Timer(0.5, conn.cancel_safe)
        timer.start()
        start = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute(SLOW)
        timer.join()
        assert time.monotonic() - start < 10
        assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.integration
@pytest.mark.parametrize("loop", LOOPS)
def test_sigterm_loses_nothing(tmp_path: Path, loop: str) -> None:
    srv = start_server(tmp_path / "data", "--event-loop", loop)
    with psycopg.connect(srv.dsn(), autocommit=True) as conn:
        conn.execute("CREATE TABLE kept AS SELECT * FROM range(1000) t(i)")
    assert srv.stop() == 0
    assert any("database closed cleanly" in line for line in srv.log)
    again = start_server(tmp_path / "data", "--event-loop", loop)
    try:
        with psycopg.connect(again.dsn()) as conn:
            assert conn.execute("SELECT count(*) FROM kept").fetchone() == (1000,)
    finally:
        again.stop()
