"""Typed results that the engine hands to the server: rows, command tags, COPY requests.

The server never sees DuckDB objects. A row-returning statement yields a :class:`RowSource`: the
column names and DuckDB types, plus a way to take the next rows as Arrow record batches. Small
results arrive already fetched (DuckDB's row fetch is much cheaper than its Arrow export for a
handful of rows); large ones stream from DuckDB's Arrow reader batch by batch (see
``Session._row_source`` for when memory stays bounded by one batch). A result still streaming
when its session needs the DuckDB connection for something else is read out first
(:meth:`RowSource.detach`). All ``take`` calls must run on the session's own thread.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import pyarrow as pa

from engine.errors import SqlError
from engine.statements import CopySpec

SPILL_MEMORY_BYTES = 32 * 1024 * 1024  # a detached result's rows kept in memory before disk
_PY_ROW_BYTES = 64  # rough size of one value of a Python row, for the bounds on kept rows


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    duck_type: str  # DuckDB's type text, e.g. 'INTEGER', 'DECIMAL(10,2)'
    # The table (its pg_class OID) and column (its attnum) whose value the column passes on,
    # as a RowDescription gives them; 0 for a computed column.
    table_oid: int = 0
    column_number: int = 0


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


def batch_bytes(batch: Batch) -> int:
    """About how much memory ``batch`` holds."""
    if isinstance(batch, PyRowBatch):
        width = len(batch.rows[0]) if batch.rows else 1
        return batch.num_rows * width * _PY_ROW_BYTES
    return int(batch.nbytes)


def spill(batches: Iterator[Batch]) -> Iterator[Batch]:
    """Read everything left in ``batches`` now; give the rows back from a store of our own.

    Batches stay in memory up to SPILL_MEMORY_BYTES; the rest go to an Arrow IPC stream in a
    temporary file that is unlinked as soon as it is reopened for reading, so nothing outlives
    the process. Errors met while reading raise here.
    """
    memory: list[Batch] = []
    size = 0
    path: str | None = None
    sink: pa.NativeFile | None = None
    writer: pa.ipc.RecordBatchStreamWriter | None = None
    try:
        for batch in batches:
            nbytes = batch_bytes(batch)
            if writer is None and (isinstance(batch, PyRowBatch) or
                                   size + nbytes <= SPILL_MEMORY_BYTES):
                memory.append(batch)
                size += nbytes
                continue
            # Past the first rows everything streams as Arrow batches: a PyRowBatch (the
            # small-result fetch) only ever comes first, and so stays in memory.
            assert not isinstance(batch, PyRowBatch)
            if writer is None:
                fd, path = tempfile.mkstemp(prefix="pixelsql-rows-", suffix=".arrows")
                os.close(fd)
                sink = pa.OSFile(path, "wb")
                writer = pa.ipc.new_stream(sink, batch.schema)
            writer.write_batch(batch)
        if writer is not None and sink is not None:
            writer.close()
            sink.close()
    except BaseException:
        if sink is not None:
            with contextlib.suppress(OSError, pa.ArrowException):
                sink.close()
        if path is not None:
            with contextlib.suppress(OSError):
                os.unlink(path)
        raise
    mapped: pa.MemoryMappedFile | None = None
    if path is not None:
        mapped = pa.memory_map(path)
        os.unlink(path)

    def spilled() -> Iterator[Batch]:
        yield from memory
        if mapped is None:
            return
        try:
            yield from pa.ipc.open_stream(mapped)
        finally:
            mapped.close()

    return spilled()


class _Failed(Iterator[Batch]):
    """The rows of a result whose query failed: reading them raises its error, every time."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __next__(self) -> Batch:
        raise self.error


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

    def detach(self) -> None:
        """Read every row left now (see :func:`spill`), so that the DuckDB connection the rows
        stream from is free for another statement; taking rows then reads the spill.

        An error of the query raises here, and again whenever the rows are read after it.
        """
        if self.exhausted:
            return
        source = self._batches
        try:
            self._batches = spill(source)
        except BaseException as exc:
            self._batches = _Failed(exc)
            raise
        finally:
            if isinstance(source, Generator):
                source.close()

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
