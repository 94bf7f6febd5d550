"""Micro-benchmark: DataRow encoding of DuckDB result batches (server.types.encode_data_rows).

Encodes 1M rows (BIGINT, VARCHAR of 5-10 characters, DOUBLE, TIMESTAMP) in text and in binary
format and prints rows/s, next to DuckDB producing the Arrow batches alone for reference. Then
one timestamptz column as text in UTC and in another zone (``--zone``: local time and its
offset, per value, as ``pixelsql serve --timezone`` prints it), and the ratio of the two.

    .venv/bin/python bench/encode_micro.py [--rows N] [--batch N] [--repeat N] [--zone Z]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server import types

QUERY = (
    "select range as i, 'row ' || range::varchar as s, (range * 1.5)::double as d, "
    "timestamp '2024-01-01' + range * interval 1 second as ts from range({rows})"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000, help="rows per Arrow batch")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--zone", default="America/New_York",
                        help="the time zone timestamptz text is compared in, against UTC")
    args = parser.parse_args()

    con = duckdb.connect()
    con.execute("SET threads = 1")
    sql = QUERY.format(rows=args.rows)

    def fetch() -> list[object]:
        return list(con.sql(sql).to_arrow_reader(args.batch))

    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        batches = fetch()
        best = min(best, time.perf_counter() - start)
    print(f"duckdb -> arrow batches      {args.rows / best / 1e6:7.2f} M rows/s  ({best:.3f} s)")

    described = con.execute(sql + " limit 0").description
    col_types = [types.column_type(d[1]) for d in described]
    for label, fmt in (("text", 0), ("binary", 1)):
        formats = [fmt] * len(col_types)
        best, size = float("inf"), 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            size = sum(len(types.encode_data_rows(b, col_types, formats)) for b in batches)
            best = min(best, time.perf_counter() - start)
        print(
            f"encode_data_rows ({label:6})    {args.rows / best / 1e6:7.2f} M rows/s  "
            f"({best:.3f} s, {size / 1e6:.1f} MB)"
        )
    _timestamptz_text(con, args)


def _timestamptz_text(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> None:
    """timestamptz as text: UTC (a fixed +00) against a zone (an offset per value)."""
    sql = (f"select timestamptz '2024-01-01 00:00+00' + range * interval 37 second as t "
           f"from range({args.rows})")
    seconds = {}
    for zone in ("UTC", args.zone):
        con.execute(f"SET TimeZone = '{zone}'")
        batches = list(con.sql(sql).to_arrow_reader(args.batch))
        col_types = [types.column_type(d[1]) for d in con.execute(sql + " limit 0").description]
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            for b in batches:
                types.encode_data_rows(b, col_types, [0])
            best = min(best, time.perf_counter() - start)
        seconds[zone] = best
        print(f"timestamptz text, {zone:16} {args.rows / best / 1e6:7.2f} M rows/s  ({best:.3f} s)")
    print(f"timestamptz text, {args.zone} / UTC time: {seconds[args.zone] / seconds['UTC']:.2f}x")


if __name__ == "__main__":
    main()
