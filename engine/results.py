"""Typed results that the engine hands to the server: rows, command tags, COPY requests.

The server never sees DuckDB objects. A row-returning statement yields a :class:`RowSource`: the
column names and DuckDB types, plus a way to take the next rows as Arrow record batches. Small
results arrive already fetched (DuckDB's row fetch is much cheaper than its Arrow export for a
handful of rows); large ones stream from DuckDB's Arrow reader batch by batch, so memory stays
bounded by one batch. All ``take`` calls must run on the session's own thread.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import pyarrow as pa

from engine.errors import SqlError
from engine.statements import CopySpec


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    duck_type: str  # DuckDB's type text, e.g. 'INTEGER', 'DECIMAL(10,2)'


@dataclass(frozen=True, slots=True)
class PyRowBatch:
    """A few rows fetched as Python values, in place of an Arrow batch (the small-result path).

    The server converts them to an Arrow batch of exactly the types DuckDB's own Arrow export
    gives, so both paths encode to the same bytes.
    """

    rows: list[tuple[Any, ...]]

    @property
    def num_rows(self) -> int:
        return len(self.rows)

    def slice(self, offset: int, length: int | None = None) -> PyRowBatch:
        end = None if length is None else offset + length
        return PyRowBatch(self.rows[offset:end])


Batch: TypeAlias = "pa.RecordBatch | PyRowBatch"


class RowSource:
    """Rows of one result, taken in pieces of at most ``n`` rows (Execute's row limit)."""

    def __init__(
        self,
        columns: tuple[Column, ...],
        batches: Iterator[Batch],
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.columns = columns
        self._batches = batches
        self._pending: Batch | None = None
        self._on_close = on_close
        self.rows_sent = 0
        self.exhausted = False

    def take(self, limit: int = 0) -> list[Batch]:
        """Up to ``limit`` rows (0 = all that remain) as a list of batches."""
        out: list[Batch] = []
        want = limit if limit > 0 else -1
        while want != 0:
            batch = self._pending
            self._pending = None
            if batch is None:
                batch = next(self._batches, None)
                if batch is None:
                    self.close()
                    break
            if batch.num_rows == 0:
                continue
            if 0 < want < batch.num_rows:
                out.append(batch.slice(0, want))
                self._pending = batch.slice(want)
                want = 0
            else:
                out.append(batch)
                if want > 0:
                    want -= batch.num_rows
        self.rows_sent += sum(b.num_rows for b in out)
        return out

    def next_batch(self) -> Batch | None:
        """The next batch as it comes (streaming with no row limit)."""
        if self._pending is not None:
            batch, self._pending = self._pending, None
        else:
            batch = next(self._batches, None)
        if batch is None:
            self.close()
            return None
        self.rows_sent += batch.num_rows
        return batch

    def close(self) -> None:
        if not self.exhausted:
            self.exhausted = True
            if isinstance(self._batches, Generator):
                self._batches.close()  # releases what it holds (e.g. DuckDB's Arrow reader)
            if self._on_close is not None:
                self._on_close()


@dataclass(frozen=True, slots=True)
class RowsOutcome:
    """A statement that returns rows; the tag is completed with the number of rows sent."""

    tag: str
    rows: RowSource
    notices: tuple[SqlError, ...] = ()


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    """A statement that completes with a tag only (``INSERT 0 3``, ``CREATE TABLE``, ``SET``)."""

    tag: str
    notices: tuple[SqlError, ...] = ()
    parameter_changes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CopyInOutcome:
    """COPY … FROM STDIN: the server must collect CopyData and hand it to ``sink``."""

    spec: CopySpec
    column_count: int
    sink: CopyInSink


@dataclass(frozen=True, slots=True)
class CopyOutOutcome:
    """COPY … TO STDOUT: the server streams ``rows`` as CopyData in ``spec.format``."""

    spec: CopySpec
    rows: RowSource


@dataclass(frozen=True, slots=True)
class EmptyOutcome:
    """An empty query string: EmptyQueryResponse."""


Outcome = RowsOutcome | CommandOutcome | CopyInOutcome | CopyOutOutcome | EmptyOutcome


@dataclass
class CopyInSink:
    """Receives COPY data on the session thread; implemented by the session."""

    feed: Callable[[bytes], None]
    feed_rows: Callable[[list[tuple[Any, ...]]], None]
    finish: Callable[[], int]
    abort: Callable[[], None]
    columns: tuple[Column, ...] = field(default=())
