"""Micro-benchmark: what reading a statement's query levels costs the first time its text is seen.

Each statement text goes once through everything that reads it by column types before DuckDB
runs it (engine.aggregates' rewrites, engine.literals' compared literals) and through
``Scopes.result_columns`` (the RowDescription origins, for a query with a FROM), with column
types from a dict, as the session does for a text it has not cached (it caches the outcome per
text, the origins per text with its literals left out, until the schema changes). Every text
is new: ``--texts`` variants of each shape, told apart by trailing spaces, so the tokenizer's
and the levels' caches miss too. Prints microseconds per text.

Then the whole of ``Session.execute`` in process (an embedded DuckDB, no wire) for statements
whose texts differ in their literals only — a lookup with the key written in, as a client that
does not use parameters sends it — median microseconds per statement.

    .venv/bin/python bench/rewrite_micro.py [--texts N] [--rev-dir DIR]

``--rev-dir`` reads the engine from another checkout (``git worktree add /tmp/old <rev>``),
to compare revisions on the same machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

SHAPES = {
    "SELECT 1": "SELECT 1",
    "psql \\d (catalog)": (
        "SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN "
        "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname "
        "OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default AND "
        "pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3"),
    "point lookup": "SELECT id, qty, total FROM orders WHERE id = $1",
    "dashboard aggregate": "SELECT id, sum(qty), avg(total) - 1 FROM orders GROUP BY id",
    "BI wrapper": (
        "SELECT date_trunc('day', created) AS __timestamp, avg(total) AS \"AVG(total)\", "
        "sum(qty) / count(*) AS r FROM (SELECT * FROM orders WHERE total > 0) AS "
        "virtual_table GROUP BY date_trunc('day', created) ORDER BY \"AVG(total)\" DESC "
        "LIMIT 10000"),
    "CTE and subquery": (
        "WITH s AS (SELECT id, sum(qty) AS n, avg(total) - 1 AS m FROM orders GROUP BY id) "
        "SELECT n / 2, m FROM s WHERE n > (SELECT avg(qty) FROM orders)"),
}
TYPES = {"orders": {"id": "BIGINT", "qty": "INTEGER", "total": "DECIMAL(12,2)",
                    "created": "DATE"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=400, help="new texts per shape")
    parser.add_argument("--rev-dir", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    sys.path.insert(0, str(args.rev_dir))
    from engine import aggregates, literals

    readers: list[Callable[..., object]] = [
        getattr(aggregates, name) for name in sorted(dir(aggregates))
        if name.startswith("with_")]
    readers.append(literals.with_column_literals)
    scopes = getattr(literals, "Scopes", None)

    def column_types(table: str) -> dict[str, str]:
        return TYPES.get(table, {})

    print(f"engine from {args.rev_dir}; {args.texts} new texts per shape")
    for name, sql in SHAPES.items():
        texts = [sql + " " * k for k in range(args.texts)]
        start = time.perf_counter()
        for text in texts:
            for read in readers:
                read(text, column_types)
            if scopes is not None and hasattr(scopes, "result_columns") \
                    and " from " in text.lower():  # as Session._origins asks
                scopes(text, column_types).result_columns()
        micros = (time.perf_counter() - start) / len(texts) * 1e6
        print(f"{name:22s} {micros:7.0f} µs per new text")
    _session(args.texts)


def _session(count: int) -> None:
    from engine.session import Database, Session
    from engine.statements import split

    db = Database(None)
    session = Session(db, "bench")
    for sql in ("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INTEGER, "
                "total DECIMAL(12,2), name VARCHAR)",
                "INSERT INTO orders SELECT range, range % 7, range * 1.5, 'n' || range "
                "FROM range(100000)"):
        session.execute(split(sql)[0])

    def median_micros(template: str, offset: int) -> float:
        times = []
        for k in range(count):
            stmt = split(template.format(k=k + offset))[0]
            start = time.perf_counter()
            rows = getattr(session.execute(stmt), "rows", None)
            while rows is not None and rows.next_batch() is not None:
                pass
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1e6

    median_micros("SELECT id FROM orders WHERE id = {k}", 50_000)  # warm up
    for name, template in (("4-column lookup", "SELECT id, qty, total, name FROM orders "
                                                "WHERE id = {k}"),
                           ("SELECT * lookup", "SELECT * FROM orders WHERE id = {k}"),
                           ("SELECT 1 + k", "SELECT 1 + {k}")):
        runs = [median_micros(template, r * count) for r in range(3)]
        print(f"session, new texts: {name:16s} " + ", ".join(f"{m:.0f}" for m in runs)
              + " µs (median of each round)")
    session.close()
    db.close()


if __name__ == "__main__":
    main()
