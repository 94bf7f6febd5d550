"""SQL cursors: ``DECLARE`` / ``FETCH`` / ``MOVE`` / ``CLOSE``, parsed from tokens, run over DuckDB.

psycopg's named cursors, psql's ``FETCH_COUNT`` and ODBC-based BI tools (Tableau) read large
results through these statements, a batch of rows at a time.

Theory of operation
-------------------
*Where the rows come from.* ``DECLARE`` runs the cursor's query on the session's own DuckDB
connection (``Session.stream_query``), so the query sees the open transaction's uncommitted work
and the session's temporary tables. Its rows then stream from DuckDB's Arrow reader as ``FETCH``
asks for them: reading forward never holds more than one Arrow batch.

*Sharing the connection.* A DuckDB connection has one open result at a time. While a cursor
streams, the connection is lent to it (:attr:`CursorManager.live`); as soon as the session needs
the connection for anything else — another statement, a Describe probe, ``COMMIT`` — the session
calls :meth:`CursorManager.detach`, which spills the rest of that cursor's rows
(``RowSource.detach``: in memory up to ``results.SPILL_MEMORY_BYTES``, beyond that into an
unlinked Arrow IPC temporary file) and the cursor goes on reading from the spill. PostgreSQL does
the same to a ``WITH HOLD`` cursor at ``COMMIT`` (it materialises what is left into a
tuplestore); here it also happens when statements interleave with a cursor that is still being
read, and costs nothing when they do not. A protocol portal's rows share the connection the
same way (``Session.cursor``).

*Positions.* Every direction is carried out exactly as PostgreSQL's portal code does it
(``DoPortalRunFetch`` / ``PortalRunSelect`` / ``DoPortalRewind`` in ``pquery.c``): a position,
at-start and at-end flags, and forward or backward runs of rows. The row counts of ``FETCH n`` and
``MOVE n`` tags, the ``FETCH 0`` / ``MOVE 0`` re-fetch rules and the errors therefore match
PostgreSQL statement for statement.

*Scrolling.* A ``SCROLL`` cursor keeps the rows it has read so it can go back; that is bounded by
``SCROLL_KEEP_BYTES`` (a FETCH that would keep more fails with 54000). A cursor declared without
``SCROLL`` is ``NO SCROLL``: reading backward fails with 55000 "cursor can only scan forward", as
PostgreSQL answers for plans that cannot run backward. (PostgreSQL makes a plain ``DECLARE``
scrollable when its plan happens to allow it; keeping every row of every cursor just in case
would defeat streaming, so here scrolling is asked for with ``SCROLL``, which psycopg's
``scrollable=True`` does.)

*Lifetime.* A cursor without ``WITH HOLD`` ends with its transaction. A ``WITH HOLD`` cursor
survives ``COMMIT`` (its remaining rows spilled as above) but not the rollback of the transaction
that declared it. An error while a cursor runs marks it failed: later use answers 55000, as
PostgreSQL does.

Not supported: ``BINARY`` cursors (0A000; binary rows are asked for through the extended
protocol's result formats instead), and reaching a SQL cursor with the protocol's Execute message
(Describe works: psycopg uses it to learn a cursor's columns).
"""

from __future__ import annotations

import bisect
import enum
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

import pyarrow as pa

from engine.errors import SqlError, SqlState
from engine.lexer import Tok, TokenReader
from engine.results import (
    Batch,
    Column,
    CommandOutcome,
    Outcome,
    PyRowBatch,
    RowSource,
    RowsOutcome,
    batch_bytes,
)
from engine.statements import Kind, StatementInfo, split

FETCH_ALL: Final = 2**63 - 1  # PostgreSQL's FETCH_ALL (LONG_MAX): "every remaining row"
_INT4_MAX: Final = 2**31 - 1  # FETCH counts are int4 literals in PostgreSQL's grammar

SCROLL_KEEP_BYTES = 256 * 1024 * 1024  # rows a SCROLL cursor may keep for moving backward

# --- grammar -----------------------------------------------------------------------------------


class Direction(enum.Enum):
    FORWARD = "forward"
    BACKWARD = "backward"
    ABSOLUTE = "absolute"
    RELATIVE = "relative"


@dataclass(frozen=True, slots=True)
class Declare:
    """``DECLARE name [options] CURSOR [WITH|WITHOUT HOLD] FOR query``."""

    name: str
    query: str  # the cursor's query as written
    query_offset: int  # where ``query`` starts in the DECLARE statement's text
    scroll: bool | None = None  # SCROLL / NO SCROLL / neither said
    hold: bool = False
    binary: bool = False


@dataclass(frozen=True, slots=True)
class Fetch:
    """``FETCH`` or ``MOVE`` with its direction normalised as PostgreSQL's grammar does."""

    name: str
    direction: Direction
    count: int  # FETCH_ALL for ALL
    move: bool = False


@dataclass(frozen=True, slots=True)
class Close:
    """``CLOSE name``, or ``CLOSE ALL`` (name None)."""

    name: str | None


CursorStatement = Declare | Fetch | Close

# Queries a cursor may run (PostgreSQL: a SelectStmt). FROM is DuckDB's FROM-first SELECT.
_QUERY_WORDS = frozenset({"SELECT", "VALUES", "TABLE", "WITH", "FROM"})
# Words that follow FETCH as a direction; a lone one is taken as a cursor's name instead.
_SIMPLE_DIRECTIONS: dict[str, tuple[Direction, int]] = {
    "NEXT": (Direction.FORWARD, 1),
    "PRIOR": (Direction.BACKWARD, 1),
    "FIRST": (Direction.ABSOLUTE, 1),
    "LAST": (Direction.ABSOLUTE, -1),
    "ALL": (Direction.FORWARD, FETCH_ALL),
}
_NOT_NAMES = frozenset({"FROM", "IN", "ALL", "FOR", "CURSOR"})


class _Parser(TokenReader):
    """The cursor statements' reader: names exclude the grammar's own keywords."""

    def name(self) -> str:
        """An identifier: lower-cased unless it was double-quoted."""
        return self.identifier(_NOT_NAMES)

    def signed_int(self) -> int | None:
        """``[+|-] digits`` within int4, or None (nothing consumed) when no number is here."""
        sign = 1
        tok = self.peek()
        j = 0
        if tok is not None and tok.kind is Tok.OP and tok.text in "+-":
            sign = -1 if tok.text == "-" else 1
            j = 1
        num = self.peek(j)
        if num is None or num.kind is not Tok.NUMBER:
            if j:
                self.i += j
                raise self.error()
            return None
        if not num.text.isdigit() or int(num.text) > _INT4_MAX:
            self.i += j
            raise self.error()
        self.i += j + 1
        return sign * int(num.text)



def parse(text: str) -> CursorStatement:
    """Parse a DECLARE, FETCH, MOVE or CLOSE statement (42601 with a position if malformed)."""
    p = _Parser(text)
    verb = p.accept("DECLARE", "FETCH", "MOVE", "CLOSE")
    if verb == "DECLARE":
        return _declare(p)
    if verb in ("FETCH", "MOVE"):
        return _fetch(p, move=verb == "MOVE")
    if verb == "CLOSE":
        if p.accept("ALL"):
            p.end()
            return Close(None)
        name = p.name()
        p.end()
        return Close(name)
    raise p.error()


def _declare(p: _Parser) -> Declare:
    name = p.name()
    scroll: set[bool] = set()
    sensitivity: set[str] = set()
    binary = False
    while True:
        option = p.accept("BINARY", "INSENSITIVE", "ASENSITIVE", "SCROLL", "NO")
        if option is None:
            break
        if option == "NO":
            p.expect("SCROLL")
            scroll.add(False)
        elif option == "SCROLL":
            scroll.add(True)
        elif option == "BINARY":
            binary = True
        else:
            sensitivity.add(option)
    p.expect("CURSOR")
    hold = False
    if p.accept("WITH"):
        p.expect("HOLD")
        hold = True
    elif p.accept("WITHOUT"):
        p.expect("HOLD")
    p.expect("FOR")
    first = p.peek()
    if first is None or not (first.upper in _QUERY_WORDS or
                             (first.kind is Tok.OP and first.text == "(")):
        raise p.error()
    if len(scroll) > 1:
        raise SqlError(SqlState.INVALID_CURSOR_DEFINITION,
                       "cannot specify both SCROLL and NO SCROLL")
    if len(sensitivity) > 1:
        raise SqlError(SqlState.INVALID_CURSOR_DEFINITION,
                       "cannot specify both INSENSITIVE and ASENSITIVE")
    return Declare(name, p.text[first.start:p.tokens[-1].end], first.start,
                   next(iter(scroll)) if scroll else None, hold, binary)


def _fetch(p: _Parser, move: bool) -> Fetch:
    direction, count = Direction.FORWARD, 1
    word = p.word()
    more = p.peek(1) is not None  # a direction word alone is a cursor's name
    if word in _SIMPLE_DIRECTIONS and more:
        p.i += 1
        direction, count = _SIMPLE_DIRECTIONS[word]
    elif word in ("ABSOLUTE", "RELATIVE") and more:
        p.i += 1
        direction = Direction.ABSOLUTE if word == "ABSOLUTE" else Direction.RELATIVE
        value = p.signed_int()
        if value is None:
            raise p.error()
        count = value
    elif word in ("FORWARD", "BACKWARD") and more:
        p.i += 1
        direction = Direction.FORWARD if word == "FORWARD" else Direction.BACKWARD
        if p.accept("ALL"):
            count = FETCH_ALL
        else:
            value = p.signed_int()
            count = 1 if value is None else value
    else:
        value = p.signed_int()
        if value is not None:
            count = value
    p.accept("FROM", "IN")
    name = p.name()
    p.end()
    return Fetch(name, direction, count, move)


# --- rows -------------------------------------------------------------------------------------


def _reversed(batch: Batch) -> Batch:
    if isinstance(batch, PyRowBatch):
        return PyRowBatch(batch.rows[::-1])
    return batch.take(pa.array(range(batch.num_rows - 1, -1, -1), pa.int64()))


class _RowStore:
    """A cursor's rows: the unread stream, and — for SCROLL cursors — every row read so far.

    Rows are numbered from 1 as PostgreSQL's portal positions are.
    """

    def __init__(self, name: str, source: RowSource, keep: bool) -> None:
        self.name = name
        self.source = source
        self.keep = keep
        self.read = 0  # rows taken from the stream so far
        self.done = False  # the stream is exhausted: ``read`` is the row count
        self.spilled = False
        self._front: Batch | None = None  # the unread tail of a batch that was cut
        self._kept: list[Batch] = []
        self._starts: list[int] = []  # number of the first row of each kept batch
        self._kept_bytes = 0

    def _next_unread(self, limit: int) -> Batch | None:
        batch = self._front
        self._front = None
        while batch is None or batch.num_rows == 0:
            if self.done:
                return None
            batch = self.source.next_batch()
            if batch is None:
                self.done = True
                return None
        if batch.num_rows > limit:
            self._front = batch.slice(limit)
            batch = batch.slice(0, limit)
        if self.keep:
            self._keep(batch)
        self.read += batch.num_rows
        return batch

    def _keep(self, batch: Batch) -> None:
        self._kept_bytes += batch_bytes(batch)
        if self._kept_bytes > SCROLL_KEEP_BYTES:
            raise SqlError(
                SqlState.PROGRAM_LIMIT_EXCEEDED,
                f'SCROLL cursor "{self.name}" would keep more than '
                f"{SCROLL_KEEP_BYTES // (1024 * 1024)} MiB of rows",
                hint="Declare the cursor NO SCROLL to read a large result forward only.")
        self._starts.append(self.read + 1)
        self._kept.append(batch)

    def _kept_rows(self, lo: int, hi: int) -> list[Batch]:
        """Kept rows ``lo..hi`` (inclusive), in order."""
        out: list[Batch] = []
        i = max(bisect.bisect_right(self._starts, lo) - 1, 0)
        while lo <= hi and i < len(self._kept):
            batch, start = self._kept[i], self._starts[i]
            offset = lo - start
            n = min(batch.num_rows - offset, hi - lo + 1)
            if n > 0:
                out.append(batch.slice(offset, n))
                lo += n
            i += 1
        return out

    def forward(self, first: int, count: int) -> Iterator[Batch]:
        """Rows ``first``, ``first + 1``, … (at most ``count``), read as the caller goes."""
        want = count
        if first <= self.read:
            assert self.keep, "a NO SCROLL cursor never revisits rows"
            hi = self.read if want >= self.read - first + 1 else first + want - 1
            for batch in self._kept_rows(first, hi):
                want -= batch.num_rows
                yield batch
        while want > 0:
            batch = self._next_unread(want)
            if batch is None:
                return
            want -= batch.num_rows
            yield batch

    def backward(self, last: int, count: int) -> list[Batch]:
        """Rows ``last``, ``last - 1``, … (at most ``count``), in that order."""
        if last < 1:
            return []
        lo = max(1, last - count + 1) if count < FETCH_ALL else 1
        return [_reversed(b) for b in reversed(self._kept_rows(lo, last))]

    def spill(self) -> None:
        """Free the DuckDB connection: read the rest of the stream into a spill of our own."""
        if self.done or self.spilled:
            return
        self.source.detach()  # the unread tail of a cut batch (_front) is in memory already
        self.spilled = True

    def close(self) -> None:
        self.source.close()
        self._front = None
        self._kept.clear()
        self._starts.clear()


class _ForwardFetch:
    """The rows of one forward FETCH, read from the cursor while the client takes them.

    The cursor's position is settled when the rows run out. If the cursor is needed again
    before that (only possible with a row-limited protocol Execute of a FETCH), the rest of
    this FETCH is read into memory first, as PostgreSQL would have stored it.
    """

    def __init__(self, cursor: SqlCursor, rows: Iterator[Batch], count: int) -> None:
        self._cursor = cursor
        self._rows = rows
        self._count = count
        self._seen = 0
        self.finished = False
        self._buffer: deque[Batch] | None = None

    def batches(self) -> Iterator[Batch]:
        while True:
            if self._buffer is not None:
                while self._buffer:
                    yield self._buffer.popleft()
                return
            batch = self._pull()
            if batch is None:
                return
            yield batch

    def _pull(self) -> Batch | None:
        if self.finished:
            return None
        try:
            batch = next(self._rows, None)
        except BaseException:
            self.finished = True
            self._cursor.failed = True
            self._cursor.pending = None
            raise
        if batch is None:
            self._finish(self._count)
            return None
        self._seen += batch.num_rows
        return batch

    def _finish(self, count: int) -> None:
        self.finished = True
        self._cursor.pending = None
        self._cursor.moved_forward(self._seen, count)

    def settle(self) -> None:
        if self.finished:
            return
        rest: list[Batch] = []
        while True:
            batch = self._pull()
            if batch is None:
                break
            rest.append(batch)
        self._buffer = deque(rest)

    def abandon(self) -> None:
        """The client closed the result early: the cursor stays after the last row sent."""
        if not self.finished:
            self._finish(self._seen)


def _empty(columns: tuple[Column, ...]) -> RowSource:
    return RowSource(columns, iter(()))


class SqlCursor:
    """One open cursor: its rows and PostgreSQL's portal position (pos, at_start, at_end)."""

    def __init__(self, decl: Declare, columns: tuple[Column, ...], store: _RowStore,
                 in_transaction: bool) -> None:
        self.name = decl.name
        self.statement = decl
        self.columns = columns
        self.store = store
        self.scroll = bool(decl.scroll)
        self.hold = decl.hold
        self.in_transaction = in_transaction  # ends with the transaction unless persisted
        self.pos = 0
        self.at_start = True
        self.at_end = False
        self.failed = False
        self.deferred_error: SqlError | None = None  # an error met while spilling
        self.pending: _ForwardFetch | None = None

    # -- what FETCH and MOVE do (pquery.c: DoPortalRunFetch) -------------------------------

    def run(self, fetch: Fetch) -> RowSource | int:
        """Rows for FETCH, a row count for MOVE."""
        if self.deferred_error is not None:
            error, self.deferred_error = self.deferred_error, None
            self.failed = True
            raise error
        if self.failed:
            raise SqlError(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                           f'portal "{self.name}" cannot be run')
        if self.pending is not None:
            self.pending.settle()
        try:
            return self._run(fetch.direction, fetch.count, not fetch.move)
        except BaseException:
            self.failed = True
            raise

    def _run(self, direction: Direction, count: int, dest: bool) -> RowSource | int:
        final = self._emit if dest else self._skip
        if direction is Direction.FORWARD and count < 0:
            direction, count = Direction.BACKWARD, -count
        elif direction is Direction.BACKWARD and count < 0:
            direction, count = Direction.FORWARD, -count
        elif direction is Direction.ABSOLUTE:
            if count > 0:
                if count - 1 <= self.pos // 2:
                    self._rewind()
                    if count > 1:
                        self._skip(True, count - 1)
                else:
                    pos = self.pos + 1 if self.at_end else self.pos
                    if count <= pos:
                        self._skip(False, pos - count + 1)
                    elif count > pos + 1:
                        self._skip(True, count - pos - 1)
                return final(True, 1)
            if count < 0:
                self._skip(True, FETCH_ALL)
                if count < -1:
                    self._skip(False, -count - 1)
                return final(False, 1)
            self._rewind()
            return final(True, 0)
        elif direction is Direction.RELATIVE:
            if count > 0:
                if count > 1:
                    self._skip(True, count - 1)
                return final(True, 1)
            if count < 0:
                if count < -1:
                    self._skip(False, -count - 1)
                return final(False, 1)
            direction = Direction.FORWARD
        forward = direction is Direction.FORWARD
        if count == 0:  # re-fetch the current row, if the cursor is on one
            on_row = not self.at_start and not self.at_end
            if not dest:
                return 1 if on_row else 0
            if on_row:
                self._skip(False, 1)
                count, forward = 1, True
        if not forward and count == FETCH_ALL and not dest:  # MOVE BACKWARD ALL: a rewind
            result = self.pos - 1 if self.pos > 0 and not self.at_end else self.pos
            self._rewind()
            return result
        return final(forward, count)

    @property
    def _current(self) -> int:
        """The row the scan stands on: 0 before the first, row count + 1 after the last."""
        return self.pos + 1 if self.at_end else self.pos

    def _check_backward(self) -> None:
        if not self.scroll:
            raise SqlError(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                           "cursor can only scan forward",
                           hint="Declare it with SCROLL option to enable backward scan.")

    def _rewind(self) -> None:
        if self.at_start and not self.at_end:
            return
        self._check_backward()
        self.pos, self.at_start, self.at_end = 0, True, False

    def moved_forward(self, n: int, count: int) -> None:
        if n > 0:
            self.at_start = False
        if count == FETCH_ALL or n < count:
            self.at_end = True
        self.pos += n

    def _moved_backward(self, n: int, count: int) -> None:
        if n > 0 and self.at_end:
            self.at_end = False
            self.pos += 1
        if count == FETCH_ALL or n < count:
            self.at_start, self.pos = True, 0
        else:
            self.pos -= n

    def _skip(self, forward: bool, count: int) -> int:
        """A run whose rows go nowhere (MOVE, and the positioning steps of FETCH)."""
        if forward:
            if self.at_end or count <= 0:
                return 0
            n = sum(b.num_rows for b in self.store.forward(self._current + 1, count))
            self.moved_forward(n, count)
            return n
        self._check_backward()
        if self.at_start or count <= 0:
            return 0
        n = min(count, self._current - 1)
        self._moved_backward(n, count)
        return n

    def _emit(self, forward: bool, count: int) -> RowSource:
        """The run whose rows FETCH returns."""
        if forward:
            if self.at_end or count <= 0:
                return _empty(self.columns)
            fetch = _ForwardFetch(self, self.store.forward(self._current + 1, count), count)
            self.pending = fetch
            return RowSource(self.columns, fetch.batches(), on_close=fetch.abandon)
        self._check_backward()
        if self.at_start or count <= 0:
            return _empty(self.columns)
        batches = self.store.backward(self._current - 1, count)
        self._moved_backward(sum(b.num_rows for b in batches), count)
        return RowSource(self.columns, iter(batches))

    # -- lifetime --------------------------------------------------------------------------

    def detach(self, *, raise_errors: bool) -> None:
        """Stop using the session's DuckDB connection (see the module docstring)."""
        try:
            self.store.spill()
        except SqlError as exc:
            self.store.close()
            if raise_errors or exc.sqlstate == SqlState.QUERY_CANCELED:
                self.failed = True
                raise
            # The cursor's query failed while the session needed the connection for something
            # else: that statement goes ahead; the cursor reports the error on its next FETCH.
            self.deferred_error = exc

    def close(self) -> None:
        self.pending = None
        self.store.close()


@dataclass(frozen=True, slots=True)
class CursorInfo:
    """What ``pg_cursors`` shows about an open cursor."""

    name: str
    statement: str
    is_holdable: bool
    is_binary: bool
    is_scrollable: bool


RunQuery = Callable[[StatementInfo, Sequence[object]], RowSource]


class CursorManager:
    """The open cursors of one session.

    ``run_query`` starts a cursor's query on the session's connection and streams its rows
    (``Session.stream_query``).
    """

    def __init__(self, run_query: RunQuery) -> None:
        self._run_query = run_query
        self._cursors: dict[str, SqlCursor] = {}
        self.live: SqlCursor | None = None  # the cursor streaming on the session's connection

    def __contains__(self, name: object) -> bool:
        return name in self._cursors

    def __len__(self) -> int:
        return len(self._cursors)

    def _get(self, name: str) -> SqlCursor:
        cursor = self._cursors.get(name)
        if cursor is None:
            raise SqlError(SqlState.INVALID_CURSOR_NAME, f'cursor "{name}" does not exist')
        return cursor

    def any_in_transaction(self) -> bool:
        """Is a cursor open that ends with the current transaction?"""
        return any(c.in_transaction for c in self._cursors.values())

    def columns(self, name: str) -> tuple[Column, ...] | None:
        cursor = self._cursors.get(name)
        return cursor.columns if cursor is not None else None

    def infos(self) -> list[CursorInfo]:
        return [CursorInfo(c.name, c.statement.query, c.hold, c.statement.binary, c.scroll)
                for c in self._cursors.values()]

    # -- statements ------------------------------------------------------------------------

    def execute(self, text: str, params: Sequence[object], in_block: bool) -> Outcome:
        """Run one DECLARE / FETCH / MOVE / CLOSE statement."""
        statement = parse(text)
        if isinstance(statement, Declare):
            return self.declare(statement, params, in_block)
        if isinstance(statement, Fetch):
            result = self._get(statement.name).run(statement)
            if isinstance(result, int):
                return CommandOutcome(f"MOVE {result}")
            return RowsOutcome("FETCH", result)
        if statement.name is None:
            self.close_all()
            return CommandOutcome("CLOSE CURSOR ALL")
        self.close(statement.name)
        return CommandOutcome("CLOSE CURSOR")

    def declare(self, decl: Declare, params: Sequence[object], in_block: bool) -> Outcome:
        if decl.name in self._cursors:
            raise SqlError(SqlState.DUPLICATE_CURSOR, f'cursor "{decl.name}" already exists')
        if not decl.hold and not in_block:
            raise SqlError(SqlState.NO_ACTIVE_SQL_TRANSACTION,
                           "DECLARE CURSOR can only be used in transaction blocks")
        if decl.binary:
            raise SqlError(SqlState.FEATURE_NOT_SUPPORTED, "BINARY cursors are not supported",
                           hint="Ask for binary results with the extended protocol's result "
                                "formats (e.g. psycopg's binary=True) instead.")
        query = query_statement(decl)
        if len(params) < query.param_count:
            raise SqlError(SqlState.UNDEFINED_PARAMETER,
                           f"there is no parameter ${len(params) + 1}")
        try:
            rows = self._run_query(query, params)
        except SqlError as exc:
            raise exc.shifted(decl.query_offset) from exc
        store = _RowStore(decl.name, rows, keep=bool(decl.scroll))
        self._cursors[decl.name] = cursor = SqlCursor(decl, rows.columns, store, in_block)
        self.live = cursor
        return CommandOutcome("DECLARE CURSOR")

    def close(self, name: str) -> None:
        cursor = self._get(name)
        del self._cursors[name]
        if self.live is cursor:
            self.live = None
        cursor.close()

    def close_all(self) -> None:
        cursors = list(self._cursors.values())
        self._cursors.clear()
        self.live = None
        for cursor in cursors:
            cursor.close()

    # -- the session's connection and transactions -----------------------------------------

    def detach(self) -> None:
        """The session needs its DuckDB connection: the streaming cursor lets go of it."""
        live, self.live = self.live, None
        if live is not None:
            live.detach(raise_errors=False)

    def transaction_ending(self, commit: bool) -> None:
        """Before the session's transaction commits or rolls back.

        Cursors without WITH HOLD close; WITH HOLD cursors declared in this transaction are
        kept on COMMIT (their remaining rows read now, which can fail the COMMIT, as in
        PostgreSQL) and closed on ROLLBACK.
        """
        try:
            for name, cursor in list(self._cursors.items()):
                if cursor.hold and (not cursor.in_transaction or commit):
                    if cursor.in_transaction:
                        if cursor.pending is not None:
                            cursor.pending.settle()
                        if self.live is cursor:
                            self.live = None
                        cursor.detach(raise_errors=True)
                        cursor.in_transaction = False
                    continue
                del self._cursors[name]
                if self.live is cursor:
                    self.live = None
                cursor.close()
            self.detach()
        except BaseException:
            self.transaction_ending(commit=False)
            raise


def query_statement(decl: Declare) -> StatementInfo:
    """The cursor's query as a classified statement (it must return rows)."""
    statements = split(decl.query)
    query = statements[0]
    if len(statements) != 1 or query.kind is not Kind.QUERY:
        raise SqlError(SqlState.SYNTAX_ERROR,
                       f'syntax error at or near "{decl.query.split(None, 1)[0]}"',
                       position=decl.query_offset + 1)
    return query
