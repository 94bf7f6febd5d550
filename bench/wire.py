"""Wire benchmark: PixelSQL against PostgreSQL 15 and in-process DuckDB, in one run.

    python bench/wire.py [--rows 1000000] [--quick] [--out docs/BENCHMARKS.md-fragment]

Theory of operation. Each *target* gets the same table ``t`` (BIGINT id primary key, a
15-character TEXT, a DOUBLE, a TIMESTAMP; ``--rows`` rows) and the same workload:

- fetch all rows with psycopg 3 in text format (simple protocol) and in binary format
  (extended protocol), and with asyncpg (binary); rows/s, best of ``--repeats``;
- COPY t TO STDOUT (read everything) and COPY t2 FROM STDIN (the same rows as text, written in
  1 MiB chunks); rows/s, best of ``--repeats``;
- the server's memory while it sends a binary fetch of every row: how far its resident set rose
  above where it stood (Linux ``VmHWM``, reset through ``/proc/PID/clear_refs``; the PixelSQL
  server this script starts, PostgreSQL's backend process);
- ``SELECT 1`` round trips (autocommit; simple protocol, and prepared extended protocol):
  median and p99; and the same median with the caller idle for PAUSE_S before each call
  ("paced"), for every target: DuckDB's in-process reference runs in a tight loop on a hot
  core, while a server's statement always follows an idle wait for the client (see
  docs/BENCHMARKS.md, "Where SELECT 1 time goes");
- a prepared point lookup ``SELECT * FROM t WHERE id = %s``: median;
- 8 clients (threads, one connection each) running a fixed mix at once, against one client
  running one client's share; ``speed-up = 8 * t(1 client) / t(8 clients)`` is 1 when the
  server serialises its clients and approaches min(8, cores) when it does not.

Targets: a PixelSQL server that this script starts (``python -m server.cli serve``) or one given
with ``--pixelsql-url``; a throwaway PostgreSQL 15 cluster (tests/pg15.py); DuckDB in the
benchmark process, which has no wire and so is the floor for latency. A target that cannot start,
or a metric that fails, is reported as n/a and the run goes on.

Everything shares one machine, so the client's own work (row conversion in psycopg) is part of
every wire number; the ratios against PostgreSQL are the fair comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script: make `tests.pg15` importable
    sys.path.insert(0, str(REPO_ROOT))

import asyncpg  # noqa: E402
import duckdb  # noqa: E402
import psycopg  # noqa: E402
import pyarrow  # noqa: E402

from tests.pg15 import PostgresCluster, free_port, pg15_available  # noqa: E402

PIXELSQL = "PixelSQL"
POSTGRES = "PostgreSQL 15"
DUCKDB = "DuckDB in-process"
TARGET_ORDER = (PIXELSQL, POSTGRES, DUCKDB)
TARGET_KEYS = {"pixelsql": PIXELSQL, "postgres": POSTGRES, "duckdb": DUCKDB}

COPY_CHUNK = 1 << 20
SERVER_START_TIMEOUT_S = 30.0


# -- workload and results ------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    rows: int
    repeats: int = 3
    latency_iterations: int = 2000
    lookup_iterations: int = 1000
    clients: int = 8
    lookups_per_client: int = 200
    fetch_rows_per_client: int = 10_000

    @classmethod
    def quick(cls, rows: int | None = None) -> Workload:
        return cls(rows=rows or 100_000, latency_iterations=500, lookup_iterations=300,
                   lookups_per_client=100)


@dataclass(frozen=True)
class Throughput:
    rows: int
    best_s: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.best_s


@dataclass(frozen=True)
class Latency:
    median_ms: float
    p99_ms: float

    @classmethod
    def of(cls, samples_ns: list[int]) -> Latency:
        ms = sorted(s / 1e6 for s in samples_ns)
        return cls(statistics.median(ms), statistics.quantiles(ms, n=100)[98])


@dataclass(frozen=True)
class Concurrency:
    one_client_s: float
    all_clients_s: float
    clients: int

    @property
    def speedup(self) -> float:
        return self.clients * self.one_client_s / self.all_clients_s


@dataclass(frozen=True)
class Target:
    """Where a metric applies and what PixelSQL should reach against a reference."""

    reference: str  # a target name
    factor: float
    higher_is_better: bool

    def describe(self) -> str:
        ref = "PG" if self.reference == POSTGRES else "DuckDB"
        return f"{'≥' if self.higher_is_better else '≤'} {self.factor:g}x {ref}"

    def met(self, ratio: float) -> bool:
        return ratio >= self.factor if self.higher_is_better else ratio <= self.factor


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # "rows/s", "ms" or "x"
    higher_is_better: bool
    target: Target | None = None
    versus: str = POSTGRES  # the ratio's reference when there is no target


def _vs_pg(factor: float, higher: bool = True) -> Target:
    return Target(POSTGRES, factor, higher)


METRICS: tuple[Metric, ...] = (
    # DuckDB's figure in this row is fetchall() to Python tuples, what the wire clients produce.
    Metric("fetch_text", "fetch, psycopg text", "rows/s", True, _vs_pg(0.7)),
    Metric("fetch_binary", "fetch, psycopg binary", "rows/s", True, _vs_pg(0.7)),
    Metric("fetch_asyncpg", "fetch, asyncpg binary", "rows/s", True, _vs_pg(0.7)),
    Metric("fetch_peak_mib", "server memory growth, binary fetch", "MiB", False),
    Metric("copy_out", "COPY TO STDOUT", "rows/s", True),
    Metric("copy_in", "COPY FROM STDIN", "rows/s", True, _vs_pg(0.5)),
    Metric("select1_median", "SELECT 1 median (simple)", "ms", False,
           Target(DUCKDB, 2.0, higher_is_better=False)),
    Metric("select1_p99", "SELECT 1 p99 (simple)", "ms", False),
    Metric("select1_prepared_median", "SELECT 1 median (prepared)", "ms", False),
    # Not the target (that is the tight loop above): how far the wire and the server
    # add to DuckDB's own cost when both are called as a server is, after an idle wait.
    Metric("select1_paced_median", "SELECT 1 median, 0.5 ms idle first", "ms", False,
           versus=DUCKDB),
    Metric("lookup_median", "point lookup median (prepared)", "ms", False),
    Metric("lookup_p99", "point lookup p99 (prepared)", "ms", False),
    Metric("clients_1_s", "1 client, 1/8 of the mix", "s", False),
    Metric("clients_8_s", "8 clients, whole mix", "s", False),
    Metric("clients_speedup", "8-client speed-up", "x", True, _vs_pg(0.7)),
)


@dataclass
class TargetResults:
    name: str
    values: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    server_version: str = ""

    def record(self, keys: tuple[str, ...], measure: Callable[[], tuple[float, ...]]) -> None:
        """Run one measurement; a failure marks its metrics n/a instead of ending the run."""
        print(f"  {self.name}: {', '.join(keys)} ...", file=sys.stderr, flush=True)
        try:
            values = measure()
        except Exception as exc:  # one broken metric must not hide the others
            message = f"{type(exc).__name__}: {exc}".splitlines()[0][:120]
            print(f"    failed: {message}", file=sys.stderr)
            if os.environ.get("BENCH_TRACEBACK"):
                traceback.print_exc()
            self.errors.update(dict.fromkeys(keys, message))
            return
        self.values.update(zip(keys, values, strict=True))


# -- data -------------------------------------------------------------------------------------

TABLE_DDL = "CREATE TABLE {name} (id BIGINT{pk}, name TEXT, val DOUBLE PRECISION, ts TIMESTAMP)"
# Portable between PostgreSQL and DuckDB; name is 'name-' + 10 digits = 15 characters.
TABLE_FILL = (
    "INSERT INTO t SELECT CAST(i AS BIGINT), 'name-' || lpad(CAST(i AS VARCHAR), 10, '0'), "
    "CAST(i AS DOUBLE PRECISION) * 0.5, TIMESTAMP '2024-01-01 00:00:00' + i * INTERVAL '1 second' "
    "FROM generate_series(1, {rows}) AS g(i)"
)
SETUP_SQL = (
    "DROP TABLE IF EXISTS t",
    "DROP TABLE IF EXISTS t2",
    TABLE_DDL.format(name="t", pk=" PRIMARY KEY"),
)


def copy_text(rows: int) -> bytes:
    """The same rows as TABLE_FILL, in COPY text format."""
    base = datetime(2024, 1, 1)
    return "".join(
        f"{i}\tname-{i:010d}\t{i * 0.5!r}\t{base + timedelta(seconds=i)}\n"
        for i in range(1, rows + 1)
    ).encode()


def best_of(repeats: int, run: Callable[[], int]) -> Throughput:
    """Best wall time of `repeats` runs; `run` returns the number of rows it handled."""
    best = float("inf")
    rows = 0
    for _ in range(repeats):
        start = time.perf_counter()
        rows = run()
        best = min(best, time.perf_counter() - start)
    return Throughput(rows, best)


def peak_growth_mib(pid: int, run: Callable[[], None]) -> float:
    """How far process ``pid``'s resident set rose above its level before ``run`` (Linux)."""

    def kib(field: str) -> int:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise RuntimeError(f"no {field} for process {pid}")

    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = kib("VmRSS")
    run()
    return (kib("VmHWM") - before) / 1024


# The idle time before each call of a paced latency run: about one client round trip.
PAUSE_S = 0.0005


def time_each(iterations: int, call: Callable[[], object], warmup: int = 50,
              pause_s: float = 0.0) -> Latency:
    """Latency of ``call``; with ``pause_s``, the caller sleeps that long before each call
    (outside the timing), as a server's thread does between a client's statements."""
    for _ in range(warmup):
        call()
    samples: list[int] = []
    for _ in range(iterations):
        if pause_s:
            time.sleep(pause_s)
        start = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - start)
    return Latency.of(samples)


def run_clients(clients: int, connect: Callable[[], Any], mix: Callable[[Any, int], None]) -> float:
    """Wall time for `clients` threads, each on its own connection, to run `mix` once."""
    connections = [connect() for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)
    failures: list[BaseException] = []

    def worker(conn: Any, seed: int) -> None:
        barrier.wait()
        try:
            mix(conn, seed)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(c, i)) for i, c in enumerate(connections)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    for conn in connections:
        conn.close()
    if failures:
        raise failures[0]
    return elapsed


def concurrency(workload: Workload, connect: Callable[[], Any],
                mix: Callable[[Any, int], None]) -> Concurrency:
    """Best of `repeats` for one client and for all clients (short runs are noisy)."""
    one = min(run_clients(1, connect, mix) for _ in range(workload.repeats))
    many = min(run_clients(workload.clients, connect, mix) for _ in range(workload.repeats))
    return Concurrency(one, many, workload.clients)


# -- wire targets (PixelSQL, PostgreSQL) ------------------------------------------------------


class WireBench:
    """The workload against one server, through psycopg 3 and asyncpg."""

    def __init__(self, name: str, url: str, workload: Workload, copy_data: bytes,
                 server_pid: int | None = None) -> None:
        self.url = url
        self.server_pid = server_pid  # None: the backend of the connection (PostgreSQL)
        self.workload = workload
        self.copy_data = copy_data
        self.results = TargetResults(name)

    def run(self) -> TargetResults:
        r = self.results
        r.record(("setup",), self.setup)
        r.values.pop("setup", None)
        r.record(("fetch_text",), lambda: (self.fetch(binary=False).rows_per_s,))
        r.record(("fetch_binary",), lambda: (self.fetch(binary=True).rows_per_s,))
        r.record(("fetch_asyncpg",), lambda: (asyncio.run(self.fetch_asyncpg()).rows_per_s,))
        r.record(("fetch_peak_mib",), lambda: (self.fetch_memory(),))
        r.record(("copy_out",), lambda: (self.copy_out().rows_per_s,))
        r.record(("copy_in",), lambda: (self.copy_in().rows_per_s,))
        r.record(("select1_median", "select1_p99"), lambda: self.select1(prepared=False))
        r.record(("select1_prepared_median",), lambda: self.select1(prepared=True)[:1])
        r.record(("select1_paced_median",),
                 lambda: self.select1(prepared=False, pause_s=PAUSE_S)[:1])
        r.record(("lookup_median", "lookup_p99"), self.lookup)
        r.record(("clients_1_s", "clients_8_s", "clients_speedup"), self.clients)
        return r

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url, autocommit=True, connect_timeout=10)

    def setup(self) -> tuple[float, ...]:
        with self.connect() as conn:
            for sql in SETUP_SQL:
                conn.execute(sql)
            conn.execute(TABLE_FILL.format(rows=self.workload.rows))
            if self.results.name == POSTGRES:
                conn.execute("VACUUM ANALYZE t")
            version = conn.execute("SHOW server_version").fetchone()
            self.results.server_version = str(version[0]) if version else "?"
        return (0.0,)

    def fetch(self, binary: bool) -> Throughput:
        with self.connect() as conn:
            cur = conn.cursor(binary=binary)

            def run() -> int:
                cur.execute("SELECT * FROM t", prepare=False)
                return len(cur.fetchall())

            return self._checked(best_of(self.workload.repeats, run))

    def fetch_memory(self) -> float:
        """MiB the server's resident set rose while it sent every row (binary)."""
        with self.connect() as conn:
            pid = self.server_pid
            if pid is None and self.results.name != POSTGRES:
                raise RuntimeError("only for a server this script started")
            if pid is None:
                row = conn.execute("SELECT pg_backend_pid()").fetchone()
                pid = int(row[0]) if row else 0
            cur = conn.cursor(binary=True)
            cur.execute("SELECT 1", prepare=False).fetchall()  # the session is set up
            rows = 0

            def run() -> None:
                nonlocal rows
                cur.execute("SELECT * FROM t", prepare=False)
                rows = len(cur.fetchall())

            grown = peak_growth_mib(pid, run)
            self._checked(Throughput(rows, 1.0))
            return grown

    async def fetch_asyncpg(self) -> Throughput:
        conn = await asyncpg.connect(self.url, timeout=10)
        try:
            best = float("inf")
            rows = 0
            for _ in range(self.workload.repeats):
                start = time.perf_counter()
                rows = len(await conn.fetch("SELECT * FROM t"))
                best = min(best, time.perf_counter() - start)
            return self._checked(Throughput(rows, best))
        finally:
            await conn.close()

    def copy_out(self) -> Throughput:
        with self.connect() as conn:
            cur = conn.cursor()

            def run() -> int:
                lines = 0
                with cur.copy("COPY t TO STDOUT") as copy:
                    for data in copy:
                        lines += bytes(data).count(b"\n")
                return lines

            return self._checked(best_of(self.workload.repeats, run))

    def copy_in(self) -> Throughput:
        view = memoryview(self.copy_data)
        with self.connect() as conn:
            cur = conn.cursor()

            def run() -> int:
                with cur.copy("COPY t2 FROM STDIN") as copy:
                    for offset in range(0, len(view), COPY_CHUNK):
                        copy.write(view[offset:offset + COPY_CHUNK])
                return cur.rowcount

            best = float("inf")
            rows = 0
            for _ in range(self.workload.repeats):
                cur.execute("DROP TABLE IF EXISTS t2")
                cur.execute(TABLE_DDL.format(name="t2", pk=""))
                start = time.perf_counter()
                rows = run()
                best = min(best, time.perf_counter() - start)
            return self._checked(Throughput(rows, best))

    def select1(self, prepared: bool, pause_s: float = 0.0) -> tuple[float, float]:
        with self.connect() as conn:
            cur = conn.cursor()

            def call() -> object:
                return cur.execute("SELECT 1", prepare=prepared).fetchall()

            latency = time_each(self.workload.latency_iterations, call, pause_s=pause_s)
        return latency.median_ms, latency.p99_ms

    def lookup(self) -> tuple[float, float]:
        rng = random.Random(1)
        with self.connect() as conn:
            cur = conn.cursor()

            def call() -> object:
                key = rng.randint(1, self.workload.rows)
                return cur.execute(
                    "SELECT * FROM t WHERE id = %s", (key,), prepare=True
                ).fetchall()

            latency = time_each(self.workload.lookup_iterations, call)
        return latency.median_ms, latency.p99_ms

    def mix(self, conn: psycopg.Connection[Any], seed: int) -> None:
        w = self.workload
        rng = random.Random(seed)
        cur = conn.cursor()
        for _ in range(w.lookups_per_client):
            key = rng.randint(1, w.rows)
            cur.execute("SELECT * FROM t WHERE id = %s", (key,), prepare=True).fetchall()
        low = rng.randint(1, max(1, w.rows - w.fetch_rows_per_client))
        cur.execute("SELECT * FROM t WHERE id BETWEEN %s AND %s",
                    (low, low + w.fetch_rows_per_client - 1)).fetchall()

    def clients(self) -> tuple[float, float, float]:
        result = concurrency(self.workload, self.connect, self.mix)
        return result.one_client_s, result.all_clients_s, result.speedup

    def _checked(self, throughput: Throughput) -> Throughput:
        if throughput.rows != self.workload.rows:
            raise RuntimeError(f"expected {self.workload.rows} rows, got {throughput.rows}")
        return throughput


# -- DuckDB in the benchmark process ----------------------------------------------------------


class DuckDBBench:
    """The reference without a wire: the same queries through DuckDB's Python API."""

    def __init__(self, workload: Workload) -> None:
        self.workload = workload
        self.con = duckdb.connect()
        self.results = TargetResults(DUCKDB, server_version=duckdb.__version__)

    def run(self) -> TargetResults:
        r, w = self.results, self.workload
        for sql in SETUP_SQL:
            self.con.execute(sql)
        self.con.execute(TABLE_FILL.format(rows=w.rows))
        r.record(("fetch_text",), lambda: (self.fetch().rows_per_s,))
        r.record(("select1_median", "select1_p99"), self.select1)
        r.record(("select1_paced_median",), lambda: self.select1(PAUSE_S)[:1])
        r.record(("lookup_median", "lookup_p99"), self.lookup)
        r.record(("clients_1_s", "clients_8_s", "clients_speedup"), self.clients)
        return r

    def fetch(self) -> Throughput:
        cur = self.con.cursor()
        return best_of(self.workload.repeats,
                       lambda: len(cur.execute("SELECT * FROM t").fetchall()))

    def select1(self, pause_s: float = 0.0) -> tuple[float, float]:
        cur = self.con.cursor()
        latency = time_each(self.workload.latency_iterations,
                            lambda: cur.execute("SELECT 1").fetchall(), pause_s=pause_s)
        return latency.median_ms, latency.p99_ms

    def lookup(self) -> tuple[float, float]:
        rng = random.Random(1)
        cur = self.con.cursor()

        def call() -> object:
            return cur.execute("SELECT * FROM t WHERE id = ?",
                               [rng.randint(1, self.workload.rows)]).fetchall()

        latency = time_each(self.workload.lookup_iterations, call)
        return latency.median_ms, latency.p99_ms

    def mix(self, cur: duckdb.DuckDBPyConnection, seed: int) -> None:
        w = self.workload
        rng = random.Random(seed)
        for _ in range(w.lookups_per_client):
            cur.execute("SELECT * FROM t WHERE id = ?", [rng.randint(1, w.rows)]).fetchall()
        low = rng.randint(1, max(1, w.rows - w.fetch_rows_per_client))
        cur.execute("SELECT * FROM t WHERE id BETWEEN ? AND ?",
                    [low, low + w.fetch_rows_per_client - 1]).fetchall()

    def clients(self) -> tuple[float, float, float]:
        result = concurrency(self.workload, self.con.cursor, self.mix)
        return result.one_client_s, result.all_clients_s, result.speedup


# -- servers ----------------------------------------------------------------------------------


def wait_for_port(host: str, port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"server did not accept connections on {host}:{port} in {timeout:.0f}s")


@contextmanager
def pixelsql_server(tmp: Path, root: Path = REPO_ROOT) -> Iterator[tuple[str, int]]:
    """Start `python -m server.cli serve` from the checkout at ``root`` on a free port; yields
    its URL and process id."""
    host, port = "127.0.0.1", free_port()
    log_path = tmp / "pixelsql.log"
    command = [sys.executable, "-m", "server.cli", "serve", "--host", host, "--port", str(port),
               "--data-dir", str(tmp / "pixelsql-data"), "--auth", "trust"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            wait_for_port(host, port, process, SERVER_START_TIMEOUT_S)
        except (RuntimeError, TimeoutError) as exc:
            tail = log_path.read_text(errors="replace").strip().splitlines()[-15:]
            last = tail[-1] if tail else "(empty log)"
            raise RuntimeError(
                f"PixelSQL did not start ({exc}): {last}\n" + "\n".join(tail)
            ) from exc
        yield f"postgresql://bench@{host}:{port}/pixelsql", process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def open_targets(stack: ExitStack, wanted: list[str], pixelsql_url: str | None,
                 tmp: Path, skipped: dict[str, str]) -> dict[str, tuple[str, int | None]]:
    """URL of each wire target that is wanted and could be started, with the server's process
    id where this script started it; `skipped` gets the rest."""
    urls: dict[str, tuple[str, int | None]] = {}
    if PIXELSQL in wanted:
        if pixelsql_url:
            urls[PIXELSQL] = pixelsql_url, None
        else:
            try:
                urls[PIXELSQL] = stack.enter_context(pixelsql_server(tmp))
            except RuntimeError as exc:
                skipped[PIXELSQL] = str(exc)
    if POSTGRES in wanted:
        if pg15_available():
            urls[POSTGRES] = stack.enter_context(PostgresCluster()).dsn(), None
        else:
            skipped[POSTGRES] = "PostgreSQL 15 is not installed (make system-deps)"
    for name, reason in skipped.items():
        print(f"skipping {name}: {reason}", file=sys.stderr)
    return urls


# -- report -----------------------------------------------------------------------------------


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "rows/s":
        return f"{value / 1e3:,.0f}k" if value < 1e6 else f"{value / 1e6:,.2f}M"
    if unit == "ms":
        return f"{value:.3f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    return f"{value:.2f}x"


def ratio_cell(metric: Metric, results: dict[str, TargetResults]) -> tuple[str, str]:
    """('1.23x PG', '≥ 0.7x PG ok') for a metric, or blanks when it cannot be computed."""
    ours = results.get(PIXELSQL)
    reference = metric.target.reference if metric.target else metric.versus
    theirs = results.get(reference)
    target = metric.target.describe() if metric.target else ""
    if not ours or not theirs:
        return "", target
    a, b = ours.values.get(metric.key), theirs.values.get(metric.key)
    if a is None or b is None or b == 0:
        return "", target
    ratio = a / b
    ref = "PG" if reference == POSTGRES else "DuckDB"
    verdict = ("  ok" if metric.target.met(ratio) else "  MISS") if metric.target else ""
    return f"{ratio:.2f}x {ref}", target + verdict


def table_rows(results: dict[str, TargetResults]) -> list[list[str]]:
    header = ["metric", *TARGET_ORDER, "PixelSQL ratio", "target"]
    rows = [header]
    for metric in METRICS:
        cells = [f"{metric.label}"]
        for name in TARGET_ORDER:
            target = results.get(name)
            value = target.values.get(metric.key) if target else None
            cells.append(format_value(value, metric.unit) if target else "—")
        cells.extend(ratio_cell(metric, results))
        rows.append(cells)
    return rows


def render_text(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_markdown(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment(results: dict[str, TargetResults], workload: Workload) -> list[str]:
    servers = ", ".join(f"{r.name} {r.server_version}" for r in results.values()
                        if r.server_version)
    return [
        f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}",
        f"python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"pyarrow {pyarrow.__version__}, psycopg {psycopg.__version__} "
        f"(libpq {psycopg.pq.version()}), asyncpg {asyncpg.__version__}",
        f"servers: {servers}",
        f"workload: {workload.rows:,} rows, best of {workload.repeats}; "
        f"{workload.latency_iterations} SELECT 1, {workload.lookup_iterations} lookups; "
        f"{workload.clients} clients x ({workload.lookups_per_client} lookups + "
        f"{workload.fetch_rows_per_client:,}-row fetch)",
    ]


def report(results: dict[str, TargetResults], workload: Workload, out: Path | None,
           skipped: dict[str, str]) -> None:
    rows = table_rows(results)
    env = environment(results, workload)
    env += [f"not run: {name}: {reason.splitlines()[0]}" for name, reason in skipped.items()]
    print()
    print(render_text(rows))
    print()
    print("\n".join(env))
    errors = [f"{r.name} {key}: {msg}" for r in results.values() for key, msg in r.errors.items()]
    if errors:
        print("\nfailures:\n  " + "\n  ".join(errors))
    if out:
        text = render_markdown(rows) + "\n\n" + "\n".join(f"- {line}" for line in env) + "\n"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        print(f"\nwrote {out}")


# -- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=None, help="table size (default 1,000,000)")
    parser.add_argument("--quick", action="store_true",
                        help="100k rows and fewer iterations")
    parser.add_argument("--repeats", type=int, default=3, help="best of N for throughput")
    parser.add_argument("--out", type=Path, default=None, help="also write a Markdown table")
    parser.add_argument("--targets", default="pixelsql,postgres,duckdb",
                        help="comma-separated subset of pixelsql,postgres,duckdb")
    parser.add_argument("--pixelsql-url", default=None,
                        help="benchmark a running PixelSQL server instead of starting one")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workload = Workload.quick(args.rows) if args.quick else Workload(rows=args.rows or 1_000_000)
    workload = dataclasses.replace(workload, repeats=args.repeats)
    wanted = [TARGET_KEYS[key.strip()] for key in args.targets.split(",") if key.strip()]

    results: dict[str, TargetResults] = {}
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="pixelsql-bench-") as tmp, ExitStack() as stack:
        urls = open_targets(stack, wanted, args.pixelsql_url, Path(tmp), skipped)
        copy_data = copy_text(workload.rows) if urls else b""
        for name, (url, pid) in urls.items():
            print(f"benchmarking {name} at {url}", file=sys.stderr)
            results[name] = WireBench(name, url, workload, copy_data, pid).run()
        if DUCKDB in wanted:
            print(f"benchmarking {DUCKDB}", file=sys.stderr)
            results[DUCKDB] = DuckDBBench(workload).run()
    report(results, workload, args.out, skipped)
    return 0


if __name__ == "__main__":
    sys.exit(main())
