"""The small-result fast path gives exactly the bytes of the Arrow path it bypasses."""

from __future__ import annotations

import datetime as dt
import struct
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from server import types

# DuckDB's Python values for dates outside years 1-9999 are text.
FAR_DATES = st.sampled_from(["0044-03-15 (BC)", "10000-01-01", "0001-01-01 (BC)"])
FAR_TIMESTAMPS = st.sampled_from(["0044-03-15 (BC) 10:00:00.5", "10000-01-01 00:00:00",
                                  "0001-12-31 (BC) 23:59:59.999999"])

COLUMNS = {
    "BOOLEAN": st.booleans(),
    "TINYINT": st.integers(-(2**7), 2**7 - 1),
    "SMALLINT": st.integers(-(2**15), 2**15 - 1),
    "INTEGER": st.integers(-(2**31), 2**31 - 1),
    "BIGINT": st.integers(-(2**63), 2**63 - 1),
    "VARCHAR": st.text(max_size=20),
    "VARCHAR(5)": st.text(max_size=5),
    "JSON": st.sampled_from(['{"a": 1}', "[]", "null"]),
    "DOUBLE": st.floats(),
    "FLOAT": st.floats(width=32),
    "DATE": st.dates() | FAR_DATES,
    "TIMESTAMP": st.datetimes() | FAR_TIMESTAMPS,
    "UUID": st.builds(uuid.UUID, st.uuids().map(str)),
}


@st.composite
def results(draw: st.DrawFn) -> tuple[list[str], list[int], list[tuple[object, ...]]]:
    kinds = draw(st.lists(st.sampled_from(sorted(COLUMNS)), min_size=1, max_size=6))
    formats = draw(st.lists(st.sampled_from([0, 1]), min_size=len(kinds), max_size=len(kinds)))
    row = st.tuples(*(st.none() | COLUMNS[k] for k in kinds))
    rows = draw(st.lists(row, min_size=1, max_size=types._PY_FEW_ROWS))
    return kinds, formats, rows


@settings(max_examples=300, deadline=None)
@given(results())
def test_fast_rows_match_the_arrow_path(case: tuple[list[str], list[int],
                                                    list[tuple[object, ...]]]) -> None:
    kinds, formats, rows = case
    col_types = [types.column_type(k) for k in kinds]
    names = [f"c{i}" for i in range(len(kinds))]
    fast = types.encode_py_rows(rows, col_types, formats)
    slow = types.encode_data_rows(types.batch_from_rows(rows, col_types, names), col_types,
                                  formats)
    assert fast == slow


def test_other_types_take_the_arrow_path() -> None:
    for kind in ("DECIMAL(10,2)", "INTEGER[]", "UBIGINT", "HUGEINT", "BLOB", "INTERVAL",
                 "TIMESTAMP WITH TIME ZONE", "TIME"):
        assert types.encode_py_rows([(None,)], [types.column_type(kind)], [0]) is None


def test_many_rows_take_the_arrow_path_unless_every_column_is_cheap() -> None:
    many = types._PY_FEW_ROWS + 1
    ints = [types.column_type("BIGINT"), types.column_type("VARCHAR")]
    assert types.encode_py_rows([(1, "a")] * many, ints, [0, 0]) is not None
    dated = [*ints, types.column_type("DATE")]
    assert types.encode_py_rows([(1, "a", dt.date(2024, 1, 5))] * many, dated, [0, 0, 0]) is None
    assert types.encode_py_rows([(1, "a", dt.date(2024, 1, 5))], dated, [0, 0, 0]) == \
        types.encode_data_rows(types.batch_from_rows([(1, "a", dt.date(2024, 1, 5))], dated,
                                                     ["a", "b", "c"]), dated, [0, 0, 0])


def test_dates_past_year_9999_are_printed_as_postgresql_does() -> None:
    # DuckDB hands these to Python as text; both paths used to refuse them (22000).
    col_types = [types.column_type("DATE"), types.column_type("TIMESTAMP")]
    rows = [("10000-01-01", "10000-01-01 00:00:00.25"),
            ("0044-03-15 (BC)", "0001-01-01 (BC) 00:00:00")]
    expected = [[b"10000-01-01", b"10000-01-01 00:00:00.25"],
                [b"0044-03-15 BC", b"0001-01-01 00:00:00 BC"]]
    for encoded in (types.encode_py_rows(rows, col_types, [0, 0]),
                    types.encode_data_rows(types.batch_from_rows(rows, col_types, ["d", "t"]),
                                           col_types, [0, 0])):
        assert encoded is not None
        assert _cells(encoded) == expected


def _cells(data: bytes) -> list[list[bytes | None]]:
    """The values of each DataRow message in ``data``."""
    out, i = [], 0
    while i < len(data):
        (length,) = struct.unpack_from("!i", data, i + 1)
        body, i = data[i + 5:i + 1 + length], i + 1 + length
        (count,), j = struct.unpack_from("!h", body), 2
        row: list[bytes | None] = []
        for _ in range(count):
            (n,) = struct.unpack_from("!i", body, j)
            row.append(None if n < 0 else body[j + 4:j + 4 + n])
            j += 4 + max(n, 0)
        out.append(row)
    return out
