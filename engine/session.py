"""DuckDB sessions: one database per server, one cursor and one thread per client session.

Theory of operation
-------------------
:class:`Database` owns the DuckDB connection to the database file. Each client gets a
:class:`Session` holding its own DuckDB cursor (DuckDB's unit of concurrency). Its methods are
blocking; the server calls them all on one thread per session (``server.session_thread``), so
the cursor is always used from one thread and the event loop never blocks on DuckDB.

``Session.execute`` takes one classified statement (:mod:`engine.statements`) and returns an
:class:`~engine.results.Outcome`. It owns PostgreSQL's transaction semantics on top of DuckDB's
real transactions: status ``I``/``T``/``E``, the 25P02 refusal inside a failed transaction,
``COMMIT`` of a failed transaction answering ``ROLLBACK``, and the implicit transaction that
wraps a multi-statement simple query. ``interrupt`` may be called from any thread (CancelRequest).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import io
import re
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from engine import catalog, colnames, pgdatetime, pgfunctions, pgnumber, settings, thanosql
from engine.aggregates import (
    with_dates_as_timestamptz,
    with_double_percentiles,
    with_integer_sums,
    with_interval_aggregates,
    with_interval_division,
    with_numeric_averages,
    with_numeric_division,
    with_time_differences,
)
from engine.arithmetic import with_integer_types, with_typed_params
from engine.cursors import CursorManager
from engine.errors import SqlError, SqlState, from_arrow_stream, from_duckdb
from engine.layout import FILES_DIR
from engine.lexer import Tok, sql_string, tokenize
from engine.literals import Scopes, bytea_from_text, with_column_literals
from engine.ml_exec import MLService, arrow_schema
from engine.params import infer_param_types
from engine.results import (
    Batch,
    Column,
    CommandOutcome,
    CopyInOutcome,
    CopyInSink,
    CopyOutOutcome,
    EmptyOutcome,
    Outcome,
    PyRowBatch,
    RowSource,
    RowsOutcome,
)
from engine.session_commands import SessionCommands, TransactionModes, begin_modes
from engine.statements import (
    CopyFormat,
    CopySpec,
    Kind,
    StatementInfo,
    copy_columns,
    name_end,
    split,
)
from engine.thanosql import Command
from engine.translate import Translation, translate

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

# DuckDB warns that a DB-API result's Arrow export copies the rows; _row_source knows, and takes
# that path only for results it cannot stream otherwise.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)

# Statements whose string literals may take their type from a column they are stored into or
# compared with (engine.literals).
_LITERAL_TYPED_BY_COLUMN = frozenset({"INSERT", "UPDATE", "DELETE", "SELECT", "WITH"})
SMALL_RESULT_ROWS = 256  # fetched as Python rows first; larger results stream as Arrow batches
ARROW_BATCH_ROWS = 65_536
# A query with more rows than the first fetch is run again as a streaming relation (bounded
# memory) when its first run took less than this; past it, running it twice would cost more.
RESTREAM_BUDGET_S = 0.05
# Text that makes a query unsafe or costly to run twice: sequences, the ML scalar function.
_RUN_ONCE_WORDS = ("nextval", "pixelsql_predict")
_LOSSY_PY_TYPES = ("INTERVAL", "TIME WITH TIME ZONE")  # type names whose Python values lose data
# Names of UTC (a session may SET any of them when the server's zone is another of them).
_UTC_ZONES = frozenset({"UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT", "Universal",
                        "Etc/Universal", "Zulu", "Etc/Zulu", "Greenwich", "Etc/Greenwich",
                        "GMT0", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT+0", "GMT-0"})
COPY_CHUNK_BYTES = 8 * 1024 * 1024  # COPY FROM STDIN data is parsed and inserted in chunks
DATABASE_NAME = "pixelsql"

# DuckDB threads per statement. With more than one, every statement — even ``SELECT 1`` — wakes
# DuckDB's worker pool, which measured 3x slower for small statements here (106 vs 358 µs);
# concurrent clients still use every core, each on its own session thread. Raise it
# (``--duckdb-threads``) for a server that mostly runs large scans for few users.
DEFAULT_QUERY_THREADS = 1
# ML result tables kept registered per session (a portal may still be reading one).
MAX_REGISTERED_RESULTS = 8
# Statement texts whose column-type rewrites a session remembers, and the longest one it does.
REWRITES_REMEMBERED = 512
REWRITE_CACHE_MAX_TEXT = 8192


class _SchemaCache(Generic[K, V]):
    """A bounded cache of facts about the database's objects, forgotten whenever its schema
    changes (``Database.current_schema_version``). When full, the oldest entry makes room (a
    stream of one-off statement texts must not keep the repeated ones out)."""

    def __init__(self, db: Database, limit: int) -> None:
        self._db = db
        self._limit = limit
        self._entries: dict[K, V] = {}
        self._version = -1

    def get(self, key: K) -> V | None:
        version = self._db.current_schema_version
        if version != self._version:
            self._entries.clear()
            self._version = version
        return self._entries.get(key)

    def put(self, key: K, value: V) -> None:
        """Keep ``value``, found after a ``get`` missed it; unless the schema changed since
        that ``get`` (another session's DDL): then it may describe the old schema."""
        if self._db.current_schema_version != self._version:
            return
        if len(self._entries) >= self._limit and key not in self._entries:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = value

    def clear(self) -> None:
        self._entries.clear()


class _ParsedStatements:
    """DuckDB's parse — and for repeated queries, its plan — of the statements a session runs
    again and again, by their text.

    Executing a parsed ``duckdb.Statement`` skips DuckDB's parser, a good part of a small
    statement's cost (measured in-process, calls alternating: ``SELECT 1`` 449 → 311 µs, a
    primary-key lookup 881 → 749 µs). A parse tree holds no names resolved against the schema
    (that is binding, done at each execution), so it stays valid whatever changes. Only single
    queries and DML are kept; others are run from their text. Least recently used first out.

    A query without parameters that comes again after running once without error is also
    planned once: ``PREPARE``d on the session's cursor under a name of ours and run as
    ``EXECUTE name`` (in-process, tight loop: ``SELECT 1`` 153 → 59 µs). DuckDB binds a
    prepared statement again by itself when the catalog or the search path changed since it
    was planned, and ``now()``, ``random()`` and ``nextval`` still run at each execution.
    Should binding fail (a table dropped), the statement is forgotten and run from its text,
    so the error is the one the text gives, with its position. (A query that fails at once —
    ``SELECT 'x'::int`` — is never planned: DuckDB reports such errors at ``EXECUTE``
    without the position the text's error has. An error that depends on the data, met by a
    planned query, comes without a position, as PostgreSQL reports those.)
    """

    KINDS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.INSERT,
                       duckdb.StatementType.UPDATE, duckdb.StatementType.DELETE})
    PLAN_PREFIX = "__pixelsql_plan_"

    def __init__(self, limit: int = 256, longest: int = 16_384) -> None:
        self._limit = limit
        self._longest = longest  # longer texts (bulk INSERTs) are rarely run twice
        self._entries: OrderedDict[str, _Parsed] = OrderedDict()
        self._cursor: duckdb.DuckDBPyConnection | None = None  # the one the plans live on
        self._serial = 0

    def execute(self, cur: duckdb.DuckDBPyConnection, text: str,
                values: list[object] | None) -> None:
        """Execute ``text`` with ``values`` on ``cur`` (DuckDB's errors as executing the text
        would raise them)."""
        entry = self._entry(cur, text)
        if entry is None or entry.parsed is None:
            cur.execute(text, values)
            return
        if entry.plan is None and entry.succeeded and values is None and entry.plannable:
            self._prepare(cur, entry)
        if entry.plan is None:
            cur.execute(entry.parsed, values)
        else:
            try:
                cur.execute(entry.plan, None)
            except (duckdb.BinderException, duckdb.CatalogException):
                self._forget(cur, text)  # nothing ran: the text says what is wrong
                cur.execute(text, values)
        entry.succeeded = True

    def _entry(self, cur: duckdb.DuckDBPyConnection, text: str) -> _Parsed | None:
        if cur is not self._cursor:  # plans live on one connection
            self._entries.clear()
            self._cursor = cur
        found = self._entries.get(text)
        if found is not None:
            self._entries.move_to_end(text)
            return found
        if len(text) > self._longest:
            return None
        statements = cur.extract_statements(text)  # may raise DuckDB's parser error
        if len(statements) == 1 and statements[0].type in self.KINDS:
            entry = _Parsed(statements[0], statements[0].type is duckdb.StatementType.SELECT)
        else:
            entry = _Parsed(None, False)  # run from its text
        self._entries[text] = entry
        if len(self._entries) > self._limit:
            _, dropped = self._entries.popitem(last=False)
            self._deallocate(cur, dropped)
        return entry

    def _prepare(self, cur: duckdb.DuckDBPyConnection, entry: _Parsed) -> None:
        assert entry.parsed is not None
        self._serial += 1
        name = f"{self.PLAN_PREFIX}{self._serial}"
        try:
            cur.execute(f"PREPARE {name} AS {entry.parsed.query}")
        except duckdb.Error:
            entry.plannable = False  # e.g. not a statement DuckDB prepares
            return
        entry.plan = cur.extract_statements(f"EXECUTE {name}")[0]
        entry.name = name

    def _forget(self, cur: duckdb.DuckDBPyConnection, text: str) -> None:
        entry = self._entries.pop(text, None)
        if entry is not None:
            self._deallocate(cur, entry)

    @staticmethod
    def _deallocate(cur: duckdb.DuckDBPyConnection, entry: _Parsed) -> None:
        if entry.name:
            with contextlib.suppress(duckdb.Error):
                cur.execute(f"DEALLOCATE {entry.name}")


@dataclass(slots=True)
class _Parsed:
    """One statement text's parse, and its plan once it has one."""

    parsed: duckdb.Statement | None  # None: not one query or DML, run from the text
    plannable: bool  # a query DuckDB may prepare
    succeeded: bool = False  # it ran once without error (only then is it planned)
    plan: duckdb.Statement | None = None  # EXECUTE name
    name: str = ""


class Database:
    """The one embedded DuckDB database a server serves, stored in ``data_dir``.

    SQL reaches files only in ``data_dir/files`` and ``allowed_dirs``: the database file, its
    WAL and the model store beside it stay out of reach of ``COPY … TO`` and ``read_*``.
    """

    def __init__(self, data_dir: Path | None, *, filename: str = "pixelsql.duckdb",
                 threads: int = DEFAULT_QUERY_THREADS, confine_files: bool = True,
                 allowed_dirs: Sequence[Path] = (), timezone: str = "UTC") -> None:
        if data_dir is None:
            self.path: Path | None = None
            self._con = duckdb.connect(":memory:")
        else:
            (data_dir / FILES_DIR).mkdir(parents=True, exist_ok=True)
            self.path = data_dir / filename
            self._con = duckdb.connect(str(self.path))
        if threads > 0:
            self._con.execute(f"SET threads = {int(threads)}")
        # PostgreSQL's `/` on two integers truncates (5/2 = 2); DuckDB's default gives 2.5.
        self._con.execute("SET GLOBAL integer_division = true")
        # PostgreSQL raises 22012 for a float divided by zero and 2201F / 2201E for the square
        # root / logarithm of a negative or zero; DuckDB's IEEE default gives Infinity or NaN.
        self._con.execute("SET GLOBAL ieee_floating_point_ops = false")
        # PostgreSQL sorts NULL as larger than any value: last ascending, first descending.
        self._con.execute("SET GLOBAL default_null_order = 'nulls_last_on_asc_first_on_desc'")
        self.timezone = _server_zone(self._con, timezone)
        catalog.attach(self._con)
        pgnumber.register(self._con)  # to_char of numbers (engine.translate calls it)
        pgfunctions.register(self._con, f"{catalog.CATALOG}.main")  # clock_timestamp() …
        if confine_files:
            _confine(self._con, data_dir, allowed_dirs)
        self._lock = threading.Lock()
        self._schema_version = 0
        self._closed = False
        self._catalog_installed = False
        self._zone_names: dict[str, str] | None = None  # zone_name()
        self.ml: MLService | None = None  # set by the server when ML statements are enabled

    def zone_name(self, zone: str) -> str | None:
        """The canonical name of time zone ``zone`` (any case), None for no such zone. Read
        once (pgjdbc names a zone at every connect)."""
        if self._zone_names is None:
            with self._lock:
                rows = self._con.cursor().execute("SELECT name FROM pg_timezone_names()")
                self._zone_names = {str(r[0]).lower(): str(r[0]) for r in rows.fetchall()}
        return self._zone_names.get(zone.lower())

    @property
    def current_schema_version(self) -> int:
        return self._schema_version

    def bump_schema_version(self) -> None:
        with self._lock:
            self._schema_version += 1

    def ensure_catalog(self) -> None:
        """Create the PostgreSQL catalog emulation on first use (it takes a few hundred ms)."""
        with self._lock:
            if not self._catalog_installed and not self._closed:
                catalog.install(self._con)
                self._catalog_installed = True

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._closed:
                raise SqlError(SqlState.ADMIN_SHUTDOWN, "the server is shutting down", "FATAL")
            return self._con.cursor()

    def close(self) -> None:
        """Checkpoint (so the WAL is folded into the file) and close."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self.ml is not None:
                self.ml.close()
            with contextlib.suppress(duckdb.Error):
                self._con.execute("CHECKPOINT")
            self._con.close()


def _server_zone(con: duckdb.DuckDBPyConnection, timezone: str) -> str:
    """Set every connection's TimeZone (how ``timestamptz`` is read, computed and shown) to
    ``timezone``; its canonical name. A name DuckDB does not know raises ValueError."""
    zone = settings.duckdb_time_zone(timezone)
    if zone is not None:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"SET GLOBAL TimeZone = {sql_string(zone)}")
            row = con.execute("SELECT current_setting('TimeZone')").fetchone()
            return str(row[0]) if row else zone
    raise ValueError(f"unknown time zone {timezone!r} (use a name such as 'Europe/Berlin' or "
                     "'UTC', or a whole-hour offset)")


def _confine(con: duckdb.DuckDBPyConnection, data_dir: Path | None,
             allowed_dirs: Sequence[Path]) -> None:
    """Clients may read and write files only under ``data_dir/files`` (and ``allowed_dirs``).

    DuckDB's own switches, in the order that makes them stick: the allowed directories, then no
    other file system access (also no ATTACH of files, no INSTALL), then the configuration locked
    so that no client can switch it back. (The server also makes ``data_dir/files`` its
    working directory, so that relative paths in SQL resolve there.)
    """
    roots = [(data_dir / FILES_DIR).resolve()] if data_dir is not None else []
    roots += [p.resolve() for p in allowed_dirs]
    listed = ", ".join(sql_string(str(r) + "/") for r in roots)
    con.execute(f"SET allowed_directories = [{listed}]")
    if data_dir is not None:
        con.execute(f"SET temp_directory = {sql_string(str(data_dir.resolve() / '.tmp'))}")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


@dataclass(frozen=True, slots=True)
class Description:
    """What Describe reports: parameter types and result columns (None: no rows)."""

    param_types: tuple[str, ...]  # DuckDB type names
    columns: tuple[Column, ...] | None


class Session:
    """One client's session: a DuckDB cursor used from one dedicated thread."""

    def __init__(self, db: Database, user: str, application_name: str = "",
                 read_only: bool = False) -> None:
        self.db = db
        self.user = user
        self.read_only = read_only  # a read-only user: queries and PREDICT, no writes
        self._cursor: duckdb.DuckDBPyConnection | None = None
        self.tx_status = "I"
        self._implicit = False
        self._running = False
        self._cancel_lock = threading.Lock()
        self.params: dict[str, str] = dict(settings.DEFAULTS)
        self.params["session_authorization"] = user
        self.params["application_name"] = application_name
        self.params["timezone"] = db.timezone
        self._describe_cache: _SchemaCache[tuple[str, tuple[str, ...]], Description] = \
            _SchemaCache(db, 4096)
        self.backend_pid = 0  # the BackendKeyData process id (pg_backend_pid())
        self._catalog_cursor: duckdb.DuckDBPyConnection | None = None  # has catalog variables
        self._catalog_params: dict[str, str] = {}  # the parameters it was given
        self.cursors = CursorManager(self.stream_query)
        self.commands = SessionCommands(self)
        # What RESET returns a parameter to: the defaults, as the client's startup packet set them.
        self.reset_values: dict[str, str] = dict(self.params)
        # ML statements: live progress NOTICEs (the server sets this), cancel, result tables.
        self.notify: Callable[[SqlError], None] = lambda notice: None
        self.cancel_requested = False
        self._registered: list[str] = []
        self._ml_serial = 0
        self._timed_out = False
        # A protocol result still reading from the connection (a suspended portal, a result
        # being sent): it is read out into a spill before the connection runs anything else.
        self._lent: RowSource | None = None
        # Column name → type of the tables INSERT/UPDATE statements write
        # (_with_insert_columns, _with_column_literals).
        self._table_columns: _SchemaCache[str, tuple[_Relation | None, dict[str, str]]] = \
            _SchemaCache(db, 1024)
        # The open transaction changed the schema: its end (commit or rollback) changes it again
        # for every session's caches (_SchemaCache), which saw it change at the statement.
        self._schema_changed_in_transaction = False
        # What those column-type rewrites made of a statement's text (each tokenizes it: ~100
        # µs for a dashboard query with a sum), for texts that come again.
        self._rewrites: _SchemaCache[tuple[str, str], tuple[str | None]] = \
            _SchemaCache(db, REWRITES_REMEMBERED)
        # What table column each result column of a query passes on (_origins).
        self._origin_cache: _SchemaCache[str, tuple[tuple[_Origin, ...] | None]] = \
            _SchemaCache(db, REWRITES_REMEMBERED)
        self._parsed = _ParsedStatements()

    def set_startup_parameter(self, name: str, value: str) -> None:
        """A parameter from the startup packet (or ``options=-c …``): also its RESET value.
        An invalid ``TimeZone`` raises 22023 (PostgreSQL refuses the connection)."""
        if name == "timezone":
            value = self._checked_zone(value)
        self.params[name] = self.reset_values[name] = value
        self.commands.transaction_ended()  # transaction_* follow default_transaction_*

    # -- thread plumbing ---------------------------------------------------------------------

    @property
    def cursor(self) -> duckdb.DuckDBPyConnection:
        if self._cursor is None:
            self._cursor = self.db.cursor()
        if self.cursors.live is not None:
            # A SQL cursor is streaming on this connection; it must let go of it first.
            self.cursors.detach()
        if self._lent is not None:
            self._take_back()
        return self._cursor

    def _take_back(self) -> None:
        """Portals are independent in PostgreSQL: a client may run other statements while one
        is suspended (JDBC's fetch size, asyncpg's cursors). The connection runs one result at a
        time, so the suspended one's rows are read out first, and its portal goes on from them.
        """
        lent, self._lent = self._lent, None
        assert lent is not None
        try:
            lent.detach()
        except SqlError as exc:
            # The portal's query failed: its next Execute reports that (RowSource.detach); the
            # statement that needed the connection goes ahead — unless it was cancelled.
            if exc.sqlstate == SqlState.QUERY_CANCELED:
                raise

    def interrupt(self) -> None:
        """Stop the running statement (called from another thread on CancelRequest)."""
        self.cancel_requested = True  # an ML job polls this
        with self._cancel_lock:
            if self._running and self._cursor is not None:
                self._cursor.interrupt()

    def _guarded(self, fn: Callable[[], T], statement: str | None) -> T:
        with self._cancel_lock:
            self._running = True
        try:
            return fn()
        except duckdb.Error as exc:
            raise from_duckdb(exc, statement) from exc
        finally:
            with self._cancel_lock:
                self._running = False

    def close(self) -> None:
        """Roll back what is open and release the cursor (on the session thread)."""
        self.cursors.close_all()
        self._lent = None  # its portal's owner closes it
        if self._cursor is not None:
            if self.tx_status != "I":
                with contextlib.suppress(duckdb.Error):
                    self._cursor.rollback()
            with contextlib.suppress(duckdb.Error):
                self._cursor.close()
            self._cursor = None
        self._schema_settled()
        self.tx_status = "I"

    # -- transactions --------------------------------------------------------------------------

    @property
    def implicit(self) -> bool:
        """Is an implicit transaction open (see ``begin_implicit``)?"""
        return self._implicit

    def begin_implicit(self) -> None:
        """Open the implicit transaction of a multi-statement simple query, or of an extended
        protocol pipeline up to Sync (if idle)."""
        if self.tx_status == "I":
            self._guarded(self.cursor.begin, None)
            self._implicit = True
            self.tx_status = "T"
            self.commands.transaction_started(TransactionModes())

    def end_implicit(self, success: bool) -> None:
        """Close the implicit transaction: commit on success, roll back otherwise."""
        if not self._implicit:
            if not success and self.tx_status == "T":
                self.tx_status = "E"
            return
        self._implicit = False
        try:
            self._end_transaction(success and self.tx_status == "T", None)
        finally:
            self.tx_status = "I"

    def fail(self) -> None:
        """An error happened in the current statement: an explicit transaction is now failed."""
        if self.tx_status == "T" and not self._implicit:
            self.tx_status = "E"

    def _end_transaction(self, commit: bool, text: str | None) -> None:
        """Close what ends with the transaction (cursors, its SET TRANSACTION modes), then
        commit or roll back DuckDB's; a transaction that fails to commit is rolled back."""
        try:
            self.cursors.transaction_ending(commit)
            if commit:
                self._guarded(self.cursor.commit, text)
        except BaseException:
            commit = False
            raise
        finally:
            self.commands.transaction_ended()
            if not commit:
                with contextlib.suppress(duckdb.Error):
                    self.cursor.rollback()
            self._schema_settled()

    def _schema_settled(self) -> None:
        """The transaction ended: if it changed the schema, what sessions remember of the
        schema is stale again (a rollback undid the change; a commit showed it to the others)."""
        if self._schema_changed_in_transaction:
            self._schema_changed_in_transaction = False
            self.db.bump_schema_version()

    def restart_transaction(self) -> None:
        """Replace DuckDB's transaction with a new one (ROLLBACK TO SAVEPOINT, when nothing was
        written before the savepoint, is exactly that)."""
        with contextlib.suppress(duckdb.Error):
            self.cursor.rollback()
        self._schema_settled()
        self._guarded(self.cursor.begin, None)
        self.tx_status = "T"

    def _transaction(self, stmt: StatementInfo) -> CommandOutcome:
        if stmt.kind is Kind.BEGIN:
            modes = begin_modes(stmt)
            if self.tx_status != "I" and not self._implicit:
                warning = _warning(SqlState.ACTIVE_SQL_TRANSACTION,
                                   "there is already a transaction in progress")
                return CommandOutcome(stmt.tag, (warning,))
            if self._implicit:  # BEGIN inside a multi-statement query: the block becomes explicit
                self._implicit = False
            else:
                self._guarded(self.cursor.begin, stmt.text)
            self.tx_status = "T"
            self.commands.transaction_started(modes)
            return CommandOutcome(stmt.tag)
        if self.tx_status == "I" or (self._implicit and self.tx_status == "T"):
            if self._implicit:
                self._implicit = False
                self.tx_status = "I"
                self._end_transaction(True, stmt.text)
            tag = "COMMIT" if stmt.kind is Kind.COMMIT else "ROLLBACK"
            return CommandOutcome(tag, (_warning(
                SqlState.NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress"),))
        failed = self.tx_status == "E"
        self.tx_status = "I"
        commit = stmt.kind is Kind.COMMIT and not failed
        self._end_transaction(commit, stmt.text)
        return CommandOutcome("COMMIT" if commit else "ROLLBACK")

    # -- statements ----------------------------------------------------------------------------

    def execute(self, stmt: StatementInfo, params: Sequence[object] = (),
                param_types: Sequence[str] = ()) -> Outcome:
        """Run one statement; must be called on the session thread. ``param_types`` are the
        DuckDB types the parameters were described with (Bind decoded them by these), which
        they keep when the statement runs (:func:`engine.arithmetic.with_typed_params`)."""
        if stmt.kind is Kind.EMPTY:
            return EmptyOutcome()
        if stmt.kind in (Kind.BEGIN, Kind.COMMIT, Kind.ROLLBACK):
            return self._transaction(stmt)
        if self.tx_status == "E" and not self.commands.allowed_when_failed(stmt):
            raise SqlError(
                SqlState.IN_FAILED_SQL_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block",
            )
        if self.read_only and not _read_only_allowed(stmt):
            raise SqlError(SqlState.INSUFFICIENT_PRIVILEGE,
                           f'permission denied: user "{self.user}" is read-only',
                           hint="read-only users may query, PREDICT, EVALUATE, LIST MODEL "
                                "and PRINT IMAGE")
        timeout = settings.milliseconds(self.params.get("statement_timeout", "0")) or 0.0
        if timeout <= 0:
            return self._execute(stmt, params, param_types)
        timer = threading.Timer(timeout / 1000, self._statement_timed_out)
        timer.daemon = True
        timer.start()
        try:
            return self._execute(stmt, params, param_types)
        except SqlError as exc:
            if exc.sqlstate == SqlState.QUERY_CANCELED and self._timed_out:
                raise SqlError(SqlState.QUERY_CANCELED,
                               "canceling statement due to statement timeout") from exc
            raise
        finally:
            timer.cancel()
            self._timed_out = False

    def _statement_timed_out(self) -> None:
        self._timed_out = True
        self.interrupt()

    def _execute(self, stmt: StatementInfo, params: Sequence[object],
                 param_types: Sequence[str]) -> Outcome:
        handled = self.commands.execute(stmt, params)  # cursors, DISCARD, PREPARE, …
        if handled is not None:
            return handled
        command = self._thanosql(stmt)
        if command is not None:
            return self._run_ml(command, params)
        stmt = self._with_embedded_ml(stmt, params)
        handled = self._session_command(stmt)
        if handled is not None:
            return handled
        if stmt.kind is Kind.COPY_IN:
            assert stmt.copy is not None
            return self._copy_in(stmt.copy, stmt.text)
        if stmt.kind is Kind.COPY_OUT:
            assert stmt.copy is not None
            return CopyOutOutcome(stmt.copy, self._copy_out_rows(stmt.copy, stmt.text))
        if stmt.param_count and len(params) < stmt.param_count:
            raise SqlError(
                SqlState.PROTOCOL_VIOLATION,
                f"bind message supplies {len(params)} parameters, but prepared statement "
                f"requires {stmt.param_count}",
            )
        cur = self.cursor
        duck = self._in_duckdb_dialect(stmt.text)
        if stmt.first_word == "INSERT":
            duck = self._with_insert_columns(duck)
        if stmt.first_word in _LITERAL_TYPED_BY_COLUMN:
            duck = self._with_column_literals(duck)
        if params and param_types:
            typed = with_typed_params(duck.text, param_types)
            if typed != duck.text:
                duck = dataclasses.replace(duck, text=typed, changed=True)
        values = list(params) or None
        origins = self._origins(stmt)
        started = time.perf_counter()
        try:
            self._guarded(lambda: self._parsed.execute(cur, duck.text, values), duck.text)
        except SqlError as exc:
            raise _untranslated(exc, duck, stmt.text) from exc
        if stmt.changes_schema:
            self.db.bump_schema_version()
            if self.tx_status != "I":
                self._schema_changed_in_transaction = True
        if stmt.returns_rows:
            again = None
            if stmt.kind is Kind.QUERY and _may_run_twice(duck.text):
                def again() -> RowSource:
                    return self._relation_rows(duck, values, stmt.text)
            rows = self._row_source(cur, stmt.text, started, again)
            rows.columns = self._result_columns(stmt, rows.columns, origins)
            return RowsOutcome(stmt.tag, rows)
        return CommandOutcome(self._completion_tag(stmt, cur))

    def _in_duckdb_dialect(self, text: str) -> Translation:
        """The statement as DuckDB runs it (:mod:`engine.translate`): the one place where the
        SQL DuckDB sees for execute and describe is decided. Readies the catalog it reads."""
        duck = translate(text)
        for typed_calls in (with_integer_sums, with_numeric_averages, with_double_percentiles,
                            with_dates_as_timestamptz):
            rewritten = self._rewritten(typed_calls, duck.text)
            if rewritten is not None:  # sum(int4) is int8, avg(int) numeric, … (engine.aggregates)
                duck = dataclasses.replace(duck, text=rewritten, changed=True)
        spans = self._rewritten(with_interval_aggregates, duck.text)
        if spans is not None:  # sum / avg of intervals (engine.aggregates)
            duck = dataclasses.replace(duck, text=spans, changed=True)
        for rewrite in (with_interval_division, with_time_differences, with_numeric_division):
            rewritten = self._rewritten(rewrite, duck.text)
            if rewritten is not None:  # interval / n, time - time, numeric / numeric
                duck = dataclasses.replace(duck, text=rewritten, changed=True)
        typed = with_integer_types(duck.text)
        if typed is not None:  # smallint * 2, length(s): integers (engine.arithmetic)
            duck = dataclasses.replace(duck, text=typed, changed=True)
        if duck.uses_catalog and (self._catalog_cursor is not self._cursor
                                  or self._catalog_params != self.params):
            self.db.ensure_catalog()
            catalog.prepare_cursor(self.cursor, self.user, self.backend_pid, self.params)
            self._catalog_cursor = self._cursor
            self._catalog_params = dict(self.params)
        return duck

    def _checked_zone(self, value: str) -> str:
        """A ``TimeZone`` value naming the server's zone, spelled canonically (``UTC`` for
        ``utc``); 0A000 for any other zone, 22023 for what is no zone.

        DuckDB computes ``timestamptz`` in its TimeZone setting, which is locked after start-up
        with the rest of its configuration (:func:`_confine`, a security boundary): every
        session has the server's zone (``pixelsql serve --timezone``). Accepting another one
        would give wrong values silently."""
        zone = settings.duckdb_time_zone(value)
        name = self.db.zone_name(zone) if zone is not None else None
        if name is None:
            raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                           f'invalid value for parameter "TimeZone": "{value}"',
                           hint="Use a time zone name such as 'Europe/Berlin' or 'UTC'.")
        if name == self.db.timezone or {name, self.db.timezone} <= _UTC_ZONES:
            return name
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                       f'time zone "{value}" is not supported: every session uses the '
                       f'server\'s time zone, "{self.db.timezone}"',
                       hint=f"Convert with AT TIME ZONE '{name}', or start the server with "
                            f"--timezone {name}.")

    def _completion_tag(self, stmt: StatementInfo, cur: duckdb.DuckDBPyConnection) -> str:
        count: int | None = None
        if stmt.kind is Kind.DML or stmt.tag == "SELECT":
            rows = self._guarded(cur.fetchall, stmt.text)
            count = int(rows[0][0]) if rows and rows[0] and isinstance(rows[0][0], int) else 0
        else:
            with contextlib.suppress(duckdb.Error):
                cur.fetchall()
        if stmt.tag == "INSERT":
            return f"INSERT 0 {count}"
        if count is not None:
            return f"{stmt.tag} {count}"
        return stmt.tag

    def _row_source(self, cur: duckdb.DuckDBPyConnection, text: str | None,
                    started: float = 0.0,
                    again: Callable[[], RowSource] | None = None) -> RowSource:
        """Rows of the statement just executed on ``cur`` (at ``started``, perf_counter).

        The first rows come from a small ``fetchmany`` (DuckDB's row fetch costs far less than
        setting up its Arrow export, which decides ``SELECT 1`` latency). When more follow, the
        rest comes from DuckDB's Arrow export of the same result — which DuckDB 2.0 builds by
        copying the whole result first (memory grows with it) — unless ``again`` may run the
        query a second time as a relation that streams batch by batch: a query that is safe to
        run twice and whose first rows came within RESTREAM_BUDGET_S, so the repeat costs little
        next to sending the rows. All rows then come from that second run.
        """
        description = cur.description or []
        columns = tuple(Column(str(d[0]), str(d[1])) for d in description)
        # DuckDB's Python values lose INTERVAL months (a timedelta counts 30 days) and TIMETZ
        # offsets; such results take the Arrow path from the first row.
        exact = not any(lossy in c.duck_type for c in columns for lossy in _LOSSY_PY_TYPES)
        if exact and self.db.timezone not in _UTC_ZONES and any(
                "WITH TIME ZONE" in c.duck_type for c in columns):
            exact = False  # Python's values would not say the zone (server.types prints it)
        first = self._guarded(lambda: cur.fetchmany(SMALL_RESULT_ROWS), text) if exact else []
        if exact and len(first) < SMALL_RESULT_ROWS:
            if again is None or not _clamped_values(first, columns):
                return RowSource(columns, iter((PyRowBatch(first),) if first else ()))
            # DuckDB's Python values turn ±infinity dates and timestamps into the largest and
            # smallest Python ones, which real data has too (9999-12-31); its Arrow export
            # keeps them apart, so the query is run again that way (rare, and small).
            source = again()
            self._lent = source
            return source
        if again is not None and time.perf_counter() - started < RESTREAM_BUDGET_S:
            self._guarded(cur.abort, text)  # a query: nothing it did is undone
            source = again()
        else:
            source = RowSource(columns, self._export_batches(cur, first, text))
        self._lent = source
        return source

    def _export_batches(self, cur: duckdb.DuckDBPyConnection, first: list[tuple[Any, ...]],
                        text: str | None) -> Iterator[Batch]:
        """``first`` and then the rest of ``cur``'s result through DuckDB's Arrow export."""
        if first:
            yield PyRowBatch(first)
        reader = self._guarded(lambda: cur.to_arrow_reader(ARROW_BATCH_ROWS), text)
        if reader is None:
            return
        while True:
            try:
                batch = self._guarded(reader.read_next_batch, text)
            except StopIteration:
                return
            yield batch

    def stream_query(self, stmt: StatementInfo, params: Sequence[object] = ()) -> RowSource:
        """A query's rows streamed batch by batch through DuckDB's relation API (SQL cursors)."""
        origins = self._origins(stmt)
        rows = self._relation_rows(self._in_duckdb_dialect(stmt.text), list(params) or None,
                                   stmt.text)
        rows.columns = self._result_columns(stmt, rows.columns, origins)
        return rows

    def _relation_rows(self, duck: Translation, values: list[object] | None,
                       text: str) -> RowSource:
        """Run ``duck`` as a relation whose Arrow reader streams: one batch in memory at a time
        (a DB-API result's Arrow export copies the whole result first). The reader holds the
        connection until it is read out or closed. Errors are placed on the client's ``text``.
        """
        cur = self.cursor
        try:
            rel = self._guarded(lambda: cur.sql(duck.text, params=values), duck.text)
            if rel is None:
                raise SqlError(SqlState.SYNTAX_ERROR, "the statement returns no rows")
            reader = self._guarded(lambda: rel.to_arrow_reader(ARROW_BATCH_ROWS), duck.text)
        except SqlError as exc:
            raise _untranslated(exc, duck, text) from exc
        columns = tuple(Column(str(n), str(t)) for n, t in zip(rel.columns, rel.types,
                                                                  strict=True))

        def batches() -> Iterator[Batch]:
            try:
                while True:
                    try:
                        batch = self._guarded(reader.read_next_batch, duck.text)
                    except StopIteration:
                        return
                    except (OSError, pa.ArrowException) as exc:  # DuckDB's error, via Arrow
                        raise _untranslated(from_arrow_stream(exc, duck.text), duck,
                                            text) from exc
                    yield batch
            finally:
                reader.close()  # gives the connection back

        return RowSource(columns, batches())

    def run_internal(self, sql: str) -> list[tuple[Any, ...]]:
        """Run a statement of the server's own on the session's connection; all its rows."""
        cur = self.cursor
        return self._guarded(lambda: cur.execute(sql).fetchall(), None)

    def discard_plans(self) -> None:
        """DISCARD PLANS: forget cached statement descriptions."""
        self._describe_cache.clear()

    # -- describe ------------------------------------------------------------------------------

    def describe(self, stmt: StatementInfo, given: Sequence[str | None] = (),
                 params: Sequence[object] | None = None) -> Description:
        """Parameter types and result columns of a statement, without executing it."""
        described = self.commands.describe(stmt, given)  # FETCH, DECLARE, EXECUTE, …
        if described is not None:
            return described
        command = self._thanosql(stmt)
        if command is not None:
            return self._describe_ml(command, given)
        stmt = self._with_embedded_ml(stmt, None)
        key = (stmt.text, tuple(g or "" for g in given))
        cached = self._describe_cache.get(key)
        if cached is not None and params is None:
            return cached
        duck = self._in_duckdb_dialect(stmt.text)
        target = dataclasses.replace(stmt, text=duck.text) if duck.changed else stmt
        param_types = infer_param_types(target, given, self._column_types,
                                        stmt.text if duck.changed else None)
        columns: tuple[Column, ...] | None = None
        if stmt.returns_rows:
            origins = self._origins(stmt)
            try:
                columns = self._describe_columns(target, param_types, params)
            except SqlError as exc:
                raise _untranslated(exc, duck, stmt.text) from exc
            columns = self._result_columns(stmt, columns, origins)
        elif stmt.kind is Kind.COPY_OUT or stmt.kind is Kind.COPY_IN:
            columns = None
        desc = Description(param_types, columns)
        if params is None:
            self._describe_cache.put(key, desc)
        return desc

    def _describe_columns(self, stmt: StatementInfo, param_types: Sequence[str],
                          params: Sequence[object] | None) -> tuple[Column, ...]:
        cur = self.cursor
        if stmt.kind is Kind.DML:
            return self._describe_returning(stmt)
        if stmt.first_word == "SHOW":
            # SHOW of a PostgreSQL parameter is answered by the session itself (no side effects).
            shown = self._session_command(stmt)
            if isinstance(shown, RowsOutcome):
                return shown.rows.columns
        if stmt.first_word in ("SHOW", "PRAGMA", "CALL", "EXPLAIN", "DESCRIBE", "SUMMARIZE"):
            probe = f"DESCRIBE SELECT * FROM ({stmt.text})" if stmt.first_word == "SHOW" else None
            if probe is None:
                return ()
            sql = probe
        else:
            sql = f"DESCRIBE {stmt.text}"
        values: list[object] = (
            list(params) if params is not None else [None] * stmt.param_count
        )
        if params is None and stmt.param_count:
            # Typed NULLs keep the result types right where a parameter flows into the output.
            sql = _typed_nulls(sql, param_types)
            values = []
        prefix = sql[: sql.index("(") + 1] if stmt.first_word == "SHOW" else "DESCRIBE "
        try:
            rows = self._guarded(lambda: cur.execute(sql, values or None).fetchall(), sql)
        except SqlError as exc:
            raise _from_probe(exc, sql, prefix, stmt.text) from exc
        return tuple(Column(str(r[0]), str(r[1])) for r in rows)

    def _describe_returning(self, stmt: StatementInfo) -> tuple[Column, ...]:
        from engine.params import returning_probe

        probe = returning_probe(stmt.text)
        if probe is None:
            return ()
        sql = f"DESCRIBE {probe}"
        try:
            rows = self._guarded(lambda: self.cursor.execute(sql).fetchall(), sql)
        except SqlError as exc:
            raise _from_probe(exc, sql, "DESCRIBE ", stmt.text) from exc
        return tuple(Column(str(r[0]), str(r[1])) for r in rows)

    def _with_insert_columns(self, duck: Translation) -> Translation:
        """``INSERT INTO t VALUES (…)`` with fewer values than ``t`` has columns: PostgreSQL
        fills the rest with their defaults, DuckDB refuses; name the leading columns for it."""
        found = _insert_without_columns(duck.text)
        if found is None:
            return duck
        table, width, at = found
        names = list(self._written_columns(table))
        if not width < len(names):
            return duck
        listed = ", ".join('"' + n.replace('"', '""') + '"' for n in names[:width])
        text = f"{duck.text[:at]} ({listed}){duck.text[at:]}"
        return dataclasses.replace(duck, text=text, changed=True)

    def _with_column_literals(self, duck: Translation) -> Translation:
        """String literals stored into or compared with bytea, array, boolean and date/time
        columns, as PostgreSQL reads them (:mod:`engine.literals`)."""
        text = self._rewritten(with_column_literals, duck.text)
        return duck if text is None else dataclasses.replace(duck, text=text, changed=True)

    def _rewritten(self, rewrite: Callable[[str, Callable[[str], dict[str, str]]], str | None],
                   text: str) -> str | None:
        """``rewrite(text, self._written_columns)``: a rewrite that reads nothing but ``text``
        and column types, so its result holds until the schema changes (``_SchemaCache``)."""
        if len(text) > REWRITE_CACHE_MAX_TEXT:
            return rewrite(text, self._written_columns)
        key = (rewrite.__name__, text)
        cached = self._rewrites.get(key)
        if cached is None:
            cached = (rewrite(text, self._written_columns),)
            self._rewrites.put(key, cached)
        return cached[0]

    def _origins(self, stmt: StatementInfo) -> tuple[_Origin, ...] | None:
        """For a query, the table column each result column passes on unchanged, or
        ``_Origin()`` (:meth:`_find_origins`); None for another statement or when none does.
        Called before the statement runs: finding them may ask DuckDB about tables, which a
        result still open on the connection would not allow."""
        if stmt.kind is not Kind.QUERY or _FROM.search(stmt.text) is None \
                or len(stmt.text) > REWRITE_CACHE_MAX_TEXT:
            return None
        # By the statement's shape: texts that differ in their literals only (a lookup with
        # the key written in) have the same origins, found once.
        shape = " ".join("?" if t.kind in (Tok.STRING, Tok.NUMBER) else t.text
                         for t in tokenize(stmt.text))
        found = self._origin_cache.get(shape)
        if found is None:
            found = (self._find_origins(stmt.text),)
            self._origin_cache.put(shape, found)
        return found[0]

    @staticmethod
    def _result_columns(stmt: StatementInfo, columns: tuple[Column, ...],
                        origins: tuple[_Origin, ...] | None) -> tuple[Column, ...]:
        """A statement's result columns as its RowDescription gives them: named as PostgreSQL
        names them (engine.colnames), with the table and column each one passes on unchanged
        (``Column.table_oid`` / ``column_number``: :meth:`_origins`), and that column's
        declared ``varchar(n)`` (DuckDB's VARCHAR keeps no length)."""
        if stmt.kind not in _NAMED_AS_POSTGRESQL:
            return columns
        columns = postgres_columns(stmt.text, columns)
        if origins is None or len(origins) != len(columns):
            return columns  # (DuckDB's * of a JOIN … USING lists a column once, say)
        return tuple(c if not origin.table_oid else Column(
            c.name, f"VARCHAR({origin.varchar_limit})"
            if origin.varchar_limit and c.duck_type == "VARCHAR" else c.duck_type,
            origin.table_oid, origin.column_number)
            for c, origin in zip(columns, origins, strict=True))

    def _find_origins(self, text: str) -> tuple[_Origin, ...] | None:
        """For each result column of query ``text``, the table column it passes on
        (``_Origin()`` for another); None when none does, or the select list cannot be read
        (engine.literals.Scopes)."""
        result = Scopes(text, self._written_columns).result_columns()
        if result is None or all(origin is None for *_, origin in result):
            return None
        origins = []
        limits: dict[tuple[str, str, str], dict[str, int]] = {}  # per table: asked once
        for *_, origin in result:
            relation = None if origin is None else self._known_relation(origin[0])[0]
            column = None if relation is None or origin is None else next(
                (c for c in relation.columns if c[0].lower() == origin[1]), None)
            if relation is None or column is None:
                origins.append(_Origin())
                continue
            name, duck_type, number = column
            limit = 0
            if duck_type == "VARCHAR":
                key = (relation.database, relation.schema, relation.name)
                if key not in limits:
                    limits[key] = self._varchar_limits(relation)
                limit = limits[key].get(name, 0)
            origins.append(_Origin(catalog.relation_oid(relation.database, relation.schema,
                                                        relation.name), number, limit))
        return tuple(origins)

    def _varchar_limits(self, relation: _Relation) -> dict[str, int]:
        """Column name → n, for the columns of ``relation`` declared ``varchar(n)`` (a CHECK
        stands for the length: engine.translate, catalog.VARCHAR_CHECK)."""
        sql = ("SELECT constraint_column_names[1], expression FROM duckdb_constraints() "
               "WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 "
               "AND constraint_type = 'CHECK' AND len(constraint_column_names) = 1")
        rows = self._guarded(lambda: self.cursor.execute(
            sql, [relation.database, relation.schema, relation.name]).fetchall(), None) or []
        limits: dict[str, int] = {}
        for column, expression in rows:
            n = catalog.varchar_limit(str(expression))
            if n is not None:
                limits[str(column)] = min(n, limits.get(str(column), n))
        return limits

    def _written_columns(self, table: str) -> dict[str, str]:
        """:meth:`_column_types`, remembered until the schema changes."""
        return self._known_relation(table)[1]

    def _known_relation(self, table: str) -> tuple[_Relation | None, dict[str, str]]:
        """:meth:`_relation` and its column types, remembered until the schema changes."""
        known = self._table_columns.get(table)
        if known is None:
            relation = self._relation(table)
            known = (relation, {} if relation is None else relation.types())
            self._table_columns.put(table, known)
        return known

    def _column_types(self, table: str) -> dict[str, str]:
        """Column name → DuckDB type of a table or view visible to this session."""
        found = self._relation(table)
        return {} if found is None else found.types()

    def _relation(self, table: str) -> _Relation | None:
        """A table or view visible to this session, named as a statement writes it: its
        DuckDB database, schema and name, and its columns (name, DuckDB type, position from
        1); None when there is none."""
        qualifier, _, name = table.rpartition(".")
        schema = qualifier.strip('"') or None
        if schema == "public":
            schema = "main"
        name = name.strip('"')
        # Unqualified, the name is looked up as PostgreSQL's search path would: a temporary
        # table first, then the current schema (a table of the same name in another schema,
        # pixelsql_ml.jobs say, is not this one). Only the first table found counts.
        # DuckDB matches names without regard to case (it keeps a table's as created: a
        # CREATE TABLE Sales is "Sales" there, where PostgreSQL folds it to sales).
        where = ("lower(schema_name) = lower($2)" if schema else "(database_name = 'temp' OR "
                 "(database_name = current_database() AND schema_name = current_schema()))")
        sql = ("SELECT database_name, schema_name, column_name, data_type, column_index, "
               f"table_name FROM duckdb_columns() WHERE lower(table_name) = lower($1) AND {where} "
               "ORDER BY database_name = 'temp' DESC, database_name, schema_name, column_index")
        args: list[object] = [name, schema] if schema else [name]
        rows = self._guarded(lambda: self.cursor.execute(sql, args).fetchall(), None)
        if not rows:
            return None
        first = rows[0][:2]
        return _Relation(str(first[0]), str(first[1]), str(rows[0][5]),
                         [(str(r[2]), str(r[3]), int(r[4])) for r in rows if r[:2] == first])

    # -- ThanoSQL statements (engine.thanosql, engine.ml_exec) ----------------------------------

    def _thanosql(self, stmt: StatementInfo) -> Command | None:
        if stmt.first_word not in thanosql.LEADING_WORDS:
            return None
        command = thanosql.parse(stmt.text)
        if command is None:
            return None
        ml = self._ml()
        if (isinstance(command, thanosql.CopyFrom) and not command.options.values
                and not ml.is_image_folder(command.path)):
            return None  # PostgreSQL's COPY t FROM 'file': DuckDB runs it (confined)
        return command

    def _ml(self) -> MLService:
        if self.db.ml is None:
            raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                           "ML statements are not enabled on this server")
        return self.db.ml

    def _run_ml(self, command: Command, params: Sequence[object]) -> Outcome:
        tag, table, notices = self._ml().execute(self, command, params)
        if table is None:
            return CommandOutcome(tag, tuple(notices))
        return RowsOutcome("SELECT", self._rows_of_table(table), tuple(notices))

    def _rows_of_table(self, table: pa.Table) -> RowSource:
        """A result table read back through DuckDB, so it encodes like any query's rows."""
        return self._query_rows(f"SELECT * FROM {self.register_table(table)}", None)

    def _query_rows(self, sql: str, text: str | None) -> RowSource:
        """Rows of a query of the server's own making (``text``: the client's statement)."""
        cur = self.cursor
        started = time.perf_counter()
        self._guarded(lambda: cur.execute(sql), text)
        again = None
        if _may_run_twice(sql) and split(sql)[0].kind is Kind.QUERY:
            def again() -> RowSource:
                return self._relation_rows(Translation(sql), None, sql)
        return self._row_source(cur, text, started, again)

    def register_table(self, table: pa.Table) -> str:
        """Register ``table`` on this session's connection under a fresh private name.

        The last few stay registered (a portal may still be reading one); older ones go.
        """
        self._ml_serial += 1
        name = f"__pixelsql_result_{self._ml_serial}"
        self.cursor.register(name, table)
        self._registered.append(name)
        while len(self._registered) > MAX_REGISTERED_RESULTS:
            with contextlib.suppress(duckdb.Error):
                self.cursor.unregister(self._registered.pop(0))
        return name

    def _with_embedded_ml(self, stmt: StatementInfo,
                          params: Sequence[object] | None) -> StatementInfo:
        """``… (PREDICT …) …`` with each ML subquery replaced by the name of its result table;
        for Describe (``params`` None) by an empty table of the same columns."""
        upper = stmt.text.upper()
        if "PREDICT" not in upper and "EVALUATE" not in upper:
            return stmt
        spans = thanosql.find_embedded(stmt.text)
        if not spans:
            return stmt
        ml = self._ml()
        text = stmt.text
        for start, end, command in reversed(spans):
            if params is None:
                columns = ml.result_columns(self, command) or ()
                table = arrow_schema(columns).empty_table()
            else:
                _tag, result, notices = ml.execute(self, command, params)
                assert result is not None
                table = result
                for notice in notices:
                    self.notify(notice)
            text = text[:start] + self.register_table(table) + text[end:]
        return dataclasses.replace(stmt, text=text)

    def _describe_ml(self, command: Command, given: Sequence[str | None]) -> Description:
        columns = self._ml().result_columns(self, command)
        query = getattr(command, "query", None)
        param_types: Sequence[str] = ()
        if query is not None:
            param_types = self.describe(_statement(query), given).param_types
        return Description(tuple(param_types), columns)

    def describe_query(self, query: str) -> tuple[Column, ...]:
        """Result columns of ``query`` (an ML statement's AS query) without running it."""
        return self.describe(_statement(query)).columns or ()

    def query_arrow(self, query: str, params: Sequence[object] = ()) -> pa.Table:
        """Run ``query`` on this session's connection and return all its rows."""
        stmt = _statement(query)
        if not stmt.returns_rows:
            raise SqlError(SqlState.SYNTAX_ERROR, "the AS part must be a query (SELECT …)",
                           position=1)
        stmt = self._with_embedded_ml(stmt, params)
        duck = self._in_duckdb_dialect(stmt.text)
        cur = self.cursor
        args = list(params)[: stmt.param_count] or None
        try:
            return self._guarded(lambda: _relation(cur, duck.text, args).to_arrow_table(),
                                 duck.text)
        except SqlError as exc:
            raise _untranslated(exc, duck, stmt.text) from exc

    def table_exists(self, name: str) -> bool:
        return bool(self._column_types(name))

    def run_guarded(self, sql: str) -> list[tuple[Any, ...]]:
        """Run internal SQL on this session's connection (its transaction); all rows."""
        cur = self.cursor
        return self._guarded(lambda: cur.execute(sql).fetchall(), sql)

    # -- session commands (SET / SHOW / RESET of PostgreSQL parameters) -------------------------

    def _session_command(self, stmt: StatementInfo) -> Outcome | None:
        words = stmt.words
        if stmt.first_word == "SET" and len(words) > 1:
            return self._set(stmt)
        custom = _custom_parameter(stmt.text)
        if stmt.first_word == "RESET" and len(words) > 1:
            name = custom or words[1].lower()
            if name == "ALL".lower():
                changes = self._reset_all()
                self.commands.parameters_reset()
                return CommandOutcome("RESET", parameter_changes=changes)
            if name in settings.DEFAULTS:
                return CommandOutcome("RESET", parameter_changes=self._assign(
                    name, self.reset_values[name]))
            if "." in name:  # a custom option: back to empty, as PostgreSQL's placeholders
                self.params[name] = ""
                return CommandOutcome("RESET")
            return None
        if stmt.first_word == "SHOW" and len(words) > 1:
            name = " ".join(w.lower() for w in words[1:3]).strip()
            name = custom or settings.ALIASES.get(name, words[1].lower())
            if name == "all":
                return RowsOutcome("SHOW", _static_rows(
                    ("name", "setting", "description"),
                    [(k, v, "") for k, v in sorted(self.params.items())]))
            if name in self.params:
                return RowsOutcome("SHOW", _static_rows((name,), [(self.params[name],)]))
            if "." in name or (name not in _DUCKDB_SHOW_WORDS and not self.table_exists(name)):
                raise _unrecognized_parameter(name)
        return None

    def _set(self, stmt: StatementInfo) -> Outcome | None:
        from engine.params import parse_set

        parsed = parse_set(stmt.text)
        if parsed is None:
            return None
        name, value = parsed
        if name not in settings.DEFAULTS:
            if "." in name:  # a custom option ("myapp.tenant"), as PostgreSQL's placeholders
                self.params[name] = "" if value is None else value
                return CommandOutcome("SET")
            known = self.run_internal(f"SELECT count(*) FROM duckdb_settings() "
                                      f"WHERE name = {sql_string(name)}")
            if not known or not known[0][0]:
                raise _unrecognized_parameter(name)
            return None  # a DuckDB setting: let DuckDB run it (or refuse: they are locked)
        if name in settings.READ_ONLY:
            raise SqlError(SqlState.FEATURE_NOT_SUPPORTED if name != "server_version" else
                           "55P02", f'parameter "{name}" cannot be changed')
        if value is None:
            value = self.reset_values[name]
        elif name == "timezone":
            value = self._checked_zone(value)
        if not settings.allowed_value(name, value) or (
            name == "datestyle" and "ISO" not in value.upper()
        ):
            raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                           f'invalid value for parameter "{name}": "{value}"',
                           hint="PixelSQL supports UTF8 and ISO dates only.")
        return CommandOutcome("SET", parameter_changes=self._assign(name, value))

    def _assign(self, name: str, value: str) -> tuple[tuple[str, str], ...]:
        value = settings.canonical_value(name, value)
        self.params[name] = value
        reported = settings.REPORTED.get(name)
        return ((reported, value),) if reported else ()

    def _reset_all(self) -> tuple[tuple[str, str], ...]:
        changes: list[tuple[str, str]] = []
        for name, default in self.reset_values.items():
            if name in settings.READ_ONLY or name == "session_authorization" or \
                    name.startswith("transaction_"):  # RESET ALL leaves the transaction be
                continue
            if self.params.get(name) != default:
                changes.extend(self._assign(name, default))
        return tuple(changes)

    # -- COPY ----------------------------------------------------------------------------------

    def _copy_out_rows(self, spec: CopySpec, text: str) -> RowSource:
        if spec.query is not None:
            sql = spec.query
        else:
            assert spec.table is not None
            cols = ", ".join(spec.columns) if spec.columns else "*"
            sql = f"SELECT {cols} FROM {_duck_table(spec.table)}"
        return self._query_rows(sql, text)

    def _copy_in(self, spec: CopySpec, text: str) -> CopyInOutcome:
        assert spec.table is not None
        table = _duck_table(spec.table)
        all_types = self._column_types(table)
        if not all_types:
            raise SqlError(SqlState.UNDEFINED_TABLE, f'relation "{spec.table}" does not exist')
        names = [c.strip('"') for c in spec.columns] if spec.columns else list(all_types)
        missing = [n for n in names if n not in all_types]
        if missing:
            raise SqlError(SqlState.UNDEFINED_COLUMN,
                           f'column "{missing[0]}" of relation "{spec.table}" does not exist')
        columns = tuple(Column(n, all_types[n]) for n in names)
        loader = _CopyLoader(self, spec, table, columns, text)
        sink = CopyInSink(loader.feed, loader.feed_rows, loader.finish, loader.abort, columns)
        return CopyInOutcome(spec, len(columns), sink)


class _CopyLoader:
    """Parses COPY FROM STDIN data in chunks (text/csv via pyarrow) and inserts into DuckDB.

    The whole COPY is one transaction (its own, unless the client has one open), so a bad row
    leaves the table as it was.
    """

    def __init__(self, session: Session, spec: CopySpec, table: str,
                 columns: tuple[Column, ...], text: str) -> None:
        self.session = session
        self.spec = spec
        self.table = table
        self.columns = columns
        self.text = text
        self.buffer = bytearray()
        self.rows = 0
        self.header_pending = spec.header
        self.own_transaction = session.tx_status == "I"
        self.view = f"__pixelsql_copy_{id(self)}"
        if self.own_transaction:
            session._guarded(session.cursor.begin, text)

    def feed(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) >= COPY_CHUNK_BYTES:
            cut = self._row_boundary()
            if cut > 0:
                chunk = bytes(self.buffer[:cut])
                del self.buffer[:cut]
                self._load_text(chunk)

    def _row_boundary(self) -> int:
        """Offset just past the last complete row in the buffer (0 if none)."""
        end = self.buffer.rfind(b"\n")
        if self.spec.format is not CopyFormat.CSV:
            return end + 1
        quote = self.spec.quote.encode()
        while end >= 0:
            if self.buffer.count(quote, 0, end) % 2 == 0:
                return end + 1
            end = self.buffer.rfind(b"\n", 0, end)
        return 0

    def _load_text(self, chunk: bytes) -> None:
        if self.header_pending:
            newline = chunk.find(b"\n")
            chunk = chunk[newline + 1 :] if newline >= 0 else b""
            self.header_pending = False
        if self.spec.format is CopyFormat.TEXT and chunk.endswith(b"\\.\n"):
            chunk = chunk[:-3]
        if not chunk.strip(b"\r\n"):
            return
        table = _parse_delimited(chunk, self.spec, self.columns)
        table = _datetime_columns(_bytea_columns(table, self.columns), self.columns)
        self._insert(table)

    def _insert(self, table: pa.Table) -> None:
        cur = self.session.cursor
        names = ", ".join(_quote(c.name) for c in self.columns)
        casts = ", ".join(_cast_expr(c, pa.types.is_string(table.schema.field(i).type))
                          for i, c in enumerate(self.columns))
        cur.register(self.view, table)
        try:
            self.session._guarded(
                lambda: cur.execute(
                    f"INSERT INTO {self.table} ({names}) SELECT {casts} FROM {self.view}"
                ).fetchall(),
                None,  # DuckDB's error position points into this INSERT, not the COPY text
            )
        finally:
            # After a failed INSERT the transaction is aborted and unregister raises; the
            # rollback in abort() drops the view anyway.
            with contextlib.suppress(duckdb.Error):
                cur.unregister(self.view)
        self.rows += table.num_rows

    def finish(self) -> int:
        try:
            if self.buffer and self.spec.format is not CopyFormat.BINARY:
                self._load_text(bytes(self.buffer))
            self.buffer.clear()
            if self.own_transaction:
                self.session._guarded(self.session.cursor.commit, self.text)
        except BaseException:
            self.abort()
            raise
        return self.rows

    def feed_rows(self, rows: list[tuple[Any, ...]]) -> None:
        """Rows already decoded by the server (COPY BINARY), inserted as one Arrow table."""
        if rows:
            self._insert(_rows_table(rows, self.columns))

    def abort(self) -> None:
        self.buffer.clear()
        if self.own_transaction:
            with contextlib.suppress(duckdb.Error):
                self.session.cursor.rollback()
            self.own_transaction = False
        else:
            self.session.fail()


def _parse_delimited(chunk: bytes, spec: CopySpec, columns: Sequence[Column]) -> pa.Table:
    """Parse a chunk of COPY text or CSV rows into an all-string Arrow table."""
    csv = spec.format is CopyFormat.CSV
    names = [c.name for c in columns]
    try:
        table = pacsv.read_csv(
            io.BytesIO(chunk),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False,
                                           block_size=max(len(chunk) + 1, 1 << 20)),
            parse_options=pacsv.ParseOptions(
                delimiter=spec.delimiter,
                quote_char=spec.quote if csv else False,
                double_quote=csv and spec.escape == spec.quote,
                escape_char=(spec.escape if csv and spec.escape != spec.quote else False),
                newlines_in_values=csv,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                null_values=[spec.null],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise SqlError(SqlState.BAD_COPY_FILE_FORMAT, f"malformed COPY data: {exc}") from exc
    if not csv:
        return _unescape_text_columns(table)
    # Only an unquoted null string reads as NULL; FORCE_NOT_NULL keeps it as that string,
    # FORCE_NULL makes a quoted one NULL too (PostgreSQL's CSV rules).
    not_null = copy_columns(spec.force_not_null, names, spec.table) if spec.force_not_null \
        else ()
    nullable = copy_columns(spec.force_null, names, spec.table) if spec.force_null else ()
    for i, name in enumerate(names):
        column = table.column(i)
        if i < len(not_null) and not_null[i]:
            column = column.fill_null(spec.null)
        if i < len(nullable) and nullable[i]:
            column = pc.if_else(pc.equal(column, spec.null), pa.scalar(None, pa.string()),
                                column)
        if column is not table.column(i):
            table = table.set_column(i, name, column)
    return table


_TEXT_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _unescape_value(value: str) -> str:
    out: list[str] = []
    i = 0
    n = len(value)
    while i < n:
        ch = value[i]
        if ch != "\\" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        nxt = value[i + 1]
        if nxt in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[nxt])
            i += 2
        elif nxt in "01234567":
            j = i + 1
            while j < min(i + 4, n) and value[j] in "01234567":
                j += 1
            out.append(chr(int(value[i + 1 : j], 8)))
            i = j
        elif nxt == "x" and i + 2 < n and value[i + 2] in "0123456789abcdefABCDEF":
            j = i + 2
            while j < min(i + 4, n) and value[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(chr(int(value[i + 2 : j], 16)))
            i = j
        else:
            out.append(nxt)
            i += 2
    return "".join(out)


def _unescape_text_columns(table: pa.Table) -> pa.Table:
    """Undo COPY text-format backslash escapes; only columns that contain a backslash pay."""
    import pyarrow.compute as pc

    for i, name in enumerate(table.column_names):
        col = table.column(i)
        if not pc.any(pc.match_substring(col, "\\")).as_py():
            continue
        values = [None if v is None else _unescape_value(v) for v in col.to_pylist()]
        table = table.set_column(i, name, pa.array(values, pa.string()))
    return table


def _bytea_columns(table: pa.Table, columns: Sequence[Column]) -> pa.Table:
    """COPY text of bytea columns (hex or escape format) read as PostgreSQL reads it."""
    for i, col in enumerate(columns):
        if col.duck_type == "BLOB":
            values = [None if v is None else bytea_from_text(v)
                      for v in table.column(i).to_pylist()]
            table = table.set_column(i, col.name, pa.array(values, pa.binary()))
    return table


def _datetime_columns(table: pa.Table, columns: Sequence[Column]) -> pa.Table:
    """COPY text of date/time columns in PostgreSQL's other input forms (``05/01/2024``,
    ``Jan 5, 2024``, ``10:11 PM``) as the ISO text DuckDB casts; only columns holding such a
    value pay (engine.pgdatetime)."""
    for i, col in enumerate(columns):
        kind = pgdatetime.KINDS.get(col.duck_type)
        column = table.column(i)
        if kind is None or not pa.types.is_string(column.type) or not pc.any(
                pc.match_substring_regex(column, _PG_DATETIME, ignore_case=True)).as_py():
            continue
        values = []
        for value in column.to_pylist():
            written = None if value is None else pgdatetime.datetime_literal(value, kind)
            values.append(written[1:-1] if written and written.startswith("'") else value)
        table = table.set_column(i, col.name, pa.array(values, pa.string()))
    return table


_PG_DATETIME = "^(?:" + pgdatetime.LOOKS_PG_ONLY.pattern + ")"


def _cast_expr(col: Column, from_text: bool = True) -> str:
    """A SELECT expression converting a COPY column to the target type (PG array → list;
    ``from_text`` False: values decoded already, as in COPY BINARY)."""
    name = _quote(col.name)
    if col.duck_type.endswith("[][]") and from_text:  # {{1,2},{3,4}}: every brace
        return f"CAST(translate({name}, '{{}}', '[]') AS {col.duck_type})"
    if col.duck_type.endswith("[]") and from_text:
        return (f"CAST(regexp_replace(regexp_replace({name}, '^\\{{', '['), '\\}}$', ']') "
                f"AS {col.duck_type})")
    return f"CAST({name} AS {col.duck_type})"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _duck_table(name: str) -> str:
    """PostgreSQL's ``public`` schema is DuckDB's ``main``."""
    if name.lower().startswith("public."):
        return "main." + name[len("public."):]
    if name.lower().startswith('"public".'):
        return "main." + name[len('"public".'):]
    return name


def _typed_nulls(sql: str, param_types: Sequence[str]) -> str:
    """Replace $n with CAST(NULL AS type) using the statement's tokens (not text search)."""
    from engine.params import replace_params

    return replace_params(sql, lambda n: f"CAST(NULL AS {param_types[n - 1] or 'VARCHAR'})")


def _from_probe(error: SqlError, probe: str, prefix: str, text: str) -> SqlError:
    """An error of a Describe probe (``prefix`` + ``text`` rewritten), positioned on ``text``.

    A position inside the unchanged start or end of the text maps back exactly, and so does
    one inside an unchanged stretch between rewrites (``2::INTEGER`` inserted before and after
    it: a long enough block matched by difflib); one inside a rewritten part (typed NULLs for
    parameters) is dropped rather than pointing somewhere wrong.
    """
    if error.position is None:
        return error
    body = probe[len(prefix):]
    at = error.position - 1 - len(prefix)
    head = 0
    limit = min(len(body), len(text))
    while head < limit and body[head] == text[head]:
        head += 1
    tail = 0
    while tail < limit - head and body[-1 - tail] == text[-1 - tail]:
        tail += 1
    position: int | None = None
    if 0 <= at < head:
        position = at + 1
    elif at >= max(0, len(body) - tail):
        position = len(text) - (len(body) - at) + 1
    elif len(body) + len(text) <= _POSITION_MATCH_LIMIT:
        matcher = difflib.SequenceMatcher(None, body, text, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            if a <= at < a + size and size >= _POSITION_MATCH_MIN:
                position = b + (at - a) + 1
                break
    return SqlError(error.sqlstate, error.message, error.severity, error.detail, error.hint,
                    position)


_POSITION_MATCH_LIMIT = 20_000  # characters of statement text worth a difflib match
_POSITION_MATCH_MIN = 6  # an unchanged stretch this long is the same text, not a coincidence


# SHOW forms that are DuckDB's own commands rather than a parameter's name.
_DUCKDB_SHOW_WORDS = frozenset({"tables", "databases", "all", "schemas"})


_CUSTOM_PARAMETER = re.compile(r"^\s*\w+\s+([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)+)\s*;?\s*$")


def _custom_parameter(text: str) -> str | None:
    """The name in ``SHOW a.b`` / ``RESET a.b`` (a custom option), lower-cased; else None."""
    match = _CUSTOM_PARAMETER.match(text)
    return match.group(1).lower() if match else None


def _unrecognized_parameter(name: str) -> SqlError:
    return SqlError(SqlState.UNDEFINED_OBJECT, f'unrecognized configuration parameter "{name}"')


@dataclass(frozen=True)
class _Relation:
    """A table or view as DuckDB holds it (Session._relation)."""

    database: str
    schema: str
    name: str
    columns: list[tuple[str, str, int]]  # (name, DuckDB type, position from 1)

    def types(self) -> dict[str, str]:
        """Column name → DuckDB type, in order."""
        return {column: kind for column, kind, _ in self.columns}


@dataclass(frozen=True)
class _Origin:
    """The table column a result column passes on unchanged (all 0: none), as a
    RowDescription names it, and its declared varchar(n) limit (0: none)."""

    table_oid: int = 0  # the table's pg_class OID
    column_number: int = 0  # its attnum
    varchar_limit: int = 0


_FROM = re.compile(r"\bfrom\b", re.IGNORECASE)  # a query without one passes no column on

# Statements whose result columns are named by engine.colnames: queries, and writes' RETURNING.
_NAMED_AS_POSTGRESQL = (Kind.QUERY, Kind.DML)


def postgres_columns(text: str, columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """The result columns of query ``text`` named as PostgreSQL names them (engine.colnames)."""
    names = colnames.renamed(text, [c.name for c in columns])
    if names is None:
        return columns
    return tuple(Column(n, c.duck_type) for n, c in zip(names, columns, strict=True))


def _insert_without_columns(sql: str) -> tuple[str, int, int] | None:
    """For ``INSERT INTO name VALUES (v1, …), …``: (name, values in the first row, where a
    column list would go); None for any other shape (a column list, SELECT, DEFAULT VALUES)."""
    tokens = tokenize(sql)
    if len(tokens) < 6 or tokens[1].upper != "INTO":
        return None
    i = name_end(tokens, 2)
    if i + 1 >= len(tokens) or tokens[i].upper != "VALUES" or tokens[i + 1].text != "(":
        return None
    depth, width = 0, 1
    for tok in tokens[i + 1:]:
        if tok.kind is Tok.OP and tok.text in "([":
            depth += 1
        elif tok.kind is Tok.OP and tok.text in ")]":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1 and tok.kind is Tok.OP and tok.text == ",":
            width += 1
    return sql[tokens[2].start:tokens[i - 1].end], width, tokens[i - 1].end


_CLAMPED = frozenset({dt.date.max, dt.date.min, dt.datetime.max, dt.datetime.min})
_DATE_TYPES = ("DATE", "TIMESTAMP")


def _clamped_values(rows: list[tuple[Any, ...]], columns: Sequence[Column]) -> bool:
    """Do date/timestamp columns hold Python's largest or smallest value (maybe ±infinity)?"""
    positions = [i for i, c in enumerate(columns) if c.duck_type.startswith(_DATE_TYPES)]
    if not positions:
        return False
    for row in rows:
        for i in positions:
            value = row[i]
            if isinstance(value, dt.datetime):
                value = value.replace(tzinfo=None)
            if isinstance(value, dt.date) and value in _CLAMPED:
                return True
    return False


def _may_run_twice(sql: str) -> bool:
    """May this query (already known to be a plain query) run a second time unnoticed?"""
    lowered = sql.lower()
    return not any(word in lowered for word in _RUN_ONCE_WORDS)


def _untranslated(error: SqlError, duck: Translation, text: str) -> SqlError:
    """An error of a translated statement, positioned on the client's text (or not at all)."""
    return _from_probe(error, duck.text, "", text) if duck.changed else error


def _relation(cur: duckdb.DuckDBPyConnection, sql: str,
              args: list[object] | None) -> duckdb.DuckDBPyRelation:
    relation = cur.sql(sql, params=args)
    if relation is None:
        raise SqlError(SqlState.SYNTAX_ERROR, "the AS part must be a query (SELECT …)")
    return relation


# What a read-only user may run: reading statements, transaction control, session commands,
# cursors, and the ML statements that only read (PREDICT, EVALUATE, LIST MODEL, PRINT IMAGE).
_READ_ONLY_WORDS = frozenset({
    "SELECT", "VALUES", "TABLE", "FROM", "SHOW", "DESCRIBE", "SUMMARIZE", "EXPLAIN", "WITH",
    "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "SET",
    "RESET", "DISCARD", "DECLARE", "FETCH", "MOVE", "CLOSE", "PREPARE", "EXECUTE",
    "DEALLOCATE", "LISTEN", "UNLISTEN", "PREDICT", "EVALUATE", "LIST", "PRINT", "(",
})


def _read_only_allowed(stmt: StatementInfo) -> bool:
    if stmt.kind is Kind.EMPTY or stmt.kind is Kind.COPY_OUT:
        return True
    if stmt.kind is Kind.DML or stmt.select_into or stmt.first_word not in _READ_ONLY_WORDS:
        return False
    # EXPLAIN ANALYZE runs the statement it explains.
    return not (stmt.first_word == "EXPLAIN" and "ANALYZE" in stmt.words[1:3])


def _statement(query: str) -> StatementInfo:
    """The one statement of an ML statement's AS query."""
    parts = split(query)
    if len(parts) != 1:
        raise SqlError(SqlState.SYNTAX_ERROR, "the AS part must be a single query", position=1)
    return parts[0]


def _warning(state: str, message: str) -> SqlError:
    return SqlError(state, message, severity="WARNING")


def _static_rows(names: Sequence[str], rows: list[tuple[Any, ...]]) -> RowSource:
    columns = tuple(Column(n, "VARCHAR") for n in names)
    return RowSource(columns, iter([PyRowBatch(rows)]))


def _rows_table(rows: list[tuple[Any, ...]], columns: Sequence[Column]) -> pa.Table:
    arrays = [pa.array([r[i] for r in rows]) for i in range(len(columns))]
    return pa.Table.from_arrays(arrays, names=[c.name for c in columns])
