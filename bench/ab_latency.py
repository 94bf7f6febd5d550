"""Small-statement latency of this checkout against another revision, queries alternating.

    python bench/ab_latency.py --rev REV [--queries 2000] [--rounds 3]

On a shared VM the same code's latency moves by 2x from one run to the next (docs/BENCHMARKS.md,
"Run-to-run spread"), so two back-to-back runs of bench/wire.py cannot show a 10% change. Here
one client sends each query to server A and then to server B, so both meet the same machine
state; each round reports both medians. A is REV (checked out with ``git worktree`` into a
temporary folder and removed afterwards), B this working tree; both run with this Python.

Measured: ``SELECT 1`` (psycopg, simple protocol), ``SELECT 1`` prepared (extended protocol),
and a prepared primary-key lookup returning (BIGINT, TEXT, DOUBLE, TIMESTAMP) from a
100,000-row table. Alternating makes both servers a little colder than a tight loop would, so
the figures are for comparing A with B, not with bench/wire.py's.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(REPO_ROOT))

import psycopg  # noqa: E402

from bench.wire import pixelsql_server  # noqa: E402

TABLE_ROWS = 100_000
SETUP = (
    "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, val DOUBLE PRECISION, ts TIMESTAMP)",
    f"INSERT INTO t SELECT i, 'name' || i, i * 0.5, TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND "
    f"FROM range(1, {TABLE_ROWS + 1}) r(i)",
)
WARM_UP = 200


@contextmanager
def worktree(rev: str) -> Iterator[Path]:
    """``rev`` checked out into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="pixelsql-ab-") as tmp:
        path = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(REPO_ROOT), "worktree", "add", "--detach", "-q",
                        str(path), rev], check=True)
        try:
            yield path
        finally:
            subprocess.run(["git", "-C", str(REPO_ROOT), "worktree", "remove", "--force",
                            str(path)], check=False)


def workloads(cur: psycopg.Cursor[tuple[object, ...]],
              rng: random.Random) -> dict[str, Callable[[], object]]:
    def lookup() -> object:
        key = rng.randint(1, TABLE_ROWS)
        return cur.execute("SELECT * FROM t WHERE id = %s", (key,), prepare=True).fetchall()

    return {
        "SELECT 1 (simple)": lambda: cur.execute("SELECT 1", prepare=False).fetchall(),
        "SELECT 1 (prepared)": lambda: cur.execute("SELECT 1", prepare=True).fetchall(),
        "point lookup (prepared)": lookup,
    }


def measure(urls: list[str], queries: int, rounds: int) -> None:
    with ExitStack() as stack:
        cursors = []
        for url in urls:
            conn = stack.enter_context(psycopg.connect(url, autocommit=True))
            for sql in SETUP:
                conn.execute(sql)
            cursors.append(conn.cursor())
        names = list(workloads(cursors[0], random.Random(0)))
        for round_no in range(1, rounds + 1):
            for name in names:
                # The same keys for both servers: one generator per server, same seed.
                calls = [workloads(cur, random.Random(round_no))[name] for cur in cursors]
                samples: list[list[float]] = [[] for _ in calls]
                for i in range(WARM_UP + queries):
                    for call, times in zip(calls, samples, strict=True):
                        started = time.perf_counter()
                        call()
                        if i >= WARM_UP:
                            times.append(time.perf_counter() - started)
                medians = [statistics.median(times) * 1e6 for times in samples]
                change = (medians[1] / medians[0] - 1) * 100
                print(f"round {round_no}  {name:24s}  A {medians[0]:7.0f} us   "
                      f"B {medians[1]:7.0f} us   B vs A {change:+.1f}%", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", required=True, help="the revision to compare with (A)")
    parser.add_argument("--queries", type=int, default=2000, help="timed queries per server")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pixelsql-ab-data-")))
        other = stack.enter_context(worktree(args.rev))
        urls = []
        for label, root in (("a", other), ("b", REPO_ROOT)):
            (tmp / label).mkdir()
            url, _pid = stack.enter_context(pixelsql_server(tmp / label, root=root))
            urls.append(url)
        print(f"A = {args.rev}, B = working tree of {REPO_ROOT}; {args.queries} queries each, "
              "alternating", flush=True)
        measure(urls, args.queries, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
