"""The small-result fast path gives exactly the bytes of the Arrow path it bypasses."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from server import types

COLUMNS = {
    "BOOLEAN": st.booleans(),
    "TINYINT": st.integers(-(2**7), 2**7 - 1),
    "SMALLINT": st.integers(-(2**15), 2**15 - 1),
    "INTEGER": st.integers(-(2**31), 2**31 - 1),
    "BIGINT": st.integers(-(2**63), 2**63 - 1),
    "VARCHAR": st.text(max_size=20),
    "VARCHAR(5)": st.text(max_size=5),
}


@st.composite
def results(draw: st.DrawFn) -> tuple[list[str], list[int], list[tuple[object, ...]]]:
    kinds = draw(st.lists(st.sampled_from(sorted(COLUMNS)), min_size=1, max_size=6))
    formats = draw(st.lists(st.sampled_from([0, 1]), min_size=len(kinds), max_size=len(kinds)))
    row = st.tuples(*(st.none() | COLUMNS[k] for k in kinds))
    rows = draw(st.lists(row, min_size=1, max_size=15))
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
    for kind in ("DOUBLE", "DATE", "DECIMAL(10,2)", "INTEGER[]", "UBIGINT", "HUGEINT", "BLOB"):
        assert types.encode_py_rows([(None,)], [types.column_type(kind)], [0]) is None
