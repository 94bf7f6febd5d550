"""The session handler: turns protocol events into engine calls and results into messages.

One :class:`SessionHandler` serves one client connection. It reads bytes from the transport,
lets the :class:`~server.connection.Connection` state machine decide what they mean, and runs
statements on the client's :class:`~engine.session.Session`, always on that session's own thread
(``_call``), so the event loop keeps serving other clients while DuckDB works.

Where a Bind message goes: ``_bind`` decodes its parameters (``server.types.decode_param``) into a
:class:`Portal`; ``_execute`` runs the portal's statement and streams its rows. Results are
encoded column-wise on the session thread (``server.types.encode_data_rows``) and written with
flow control (``drain``), one Arrow batch at a time, so a large result never sits in memory whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import secrets
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import pyarrow as pa

from engine import settings
from engine.errors import SqlError, SqlState
from engine.results import (
    Batch,
    Column,
    CommandOutcome,
    CopyInOutcome,
    CopyOutOutcome,
    EmptyOutcome,
    Outcome,
    PyRowBatch,
    RowSource,
    RowsOutcome,
)
from engine.session import DATABASE_NAME, SMALL_RESULT_ROWS, Database, Description, Session
from engine.session_commands import write_command
from engine.settings import REPORTED
from engine.statements import CopyFormat, Kind, StatementInfo, copy_columns, split
from server import codec, types
from server import messages as m
from server.auth import Authenticator, AuthMethod, UserStore
from server.connection import Connection, NegotiatedStartup
from server.session_thread import SessionThread

log = logging.getLogger("pixelsql.session")

T = TypeVar("T")

READ_SIZE = 256 * 1024
# Per-session bounds on what a client can make the server hold (PostgreSQL has none, but it
# also has no Python objects per statement); well above what drivers' statement caches use.
MAX_PREPARED_STATEMENTS = 10_000
MAX_PORTALS = 10_000
FLUSH_THRESHOLD = 256 * 1024


class Transport(Protocol):
    """What the handler needs from the socket side (implemented in :mod:`server.transport`)."""

    async def read(self) -> bytes: ...

    def write(self, data: bytes) -> None: ...

    def send_now(self, data: bytes) -> int:
        """From the session thread: write what the socket takes of ``data`` at once, if
        nothing is queued ahead of it; the number of bytes written (may be 0)."""

    async def drain(self) -> None: ...

    async def start_tls(self) -> None: ...

    @property
    def tls_available(self) -> bool: ...

    @property
    def is_secure(self) -> bool: ...

    @property
    def is_encrypted(self) -> bool: ...

    def close(self) -> None: ...


@dataclass
class ServerState:
    """What all sessions of one server share."""

    db: Database
    auth_method: AuthMethod
    users: UserStore
    max_message_size: int = codec.DEFAULT_MAX_MESSAGE_SIZE
    startup_timeout: float = 60.0
    max_connections: int = 100
    require_tls: bool = False
    read_only_users: frozenset[str] = frozenset()
    # Session defaults of PostgreSQL's timeout settings (sessions may SET their own).
    statement_timeout: str = "0"
    idle_session_timeout: str = "0"
    sessions: dict[int, SessionHandler] = field(default_factory=dict)
    shutting_down: bool = False
    _next_pid: int = 1000

    def register(self, handler: SessionHandler) -> int:
        self._next_pid += 1
        self.sessions[self._next_pid] = handler
        return self._next_pid

    def cancel(self, process_id: int, secret_key: bytes) -> None:
        handler = self.sessions.get(process_id)
        if handler is not None and secrets.compare_digest(handler.secret_key, secret_key):
            handler.cancel()


@dataclass
class PreparedStatement:
    name: str
    info: StatementInfo
    given_oids: tuple[int, ...]
    description: Description | None = None
    described_at: int = -1  # the schema version its description was made at
    result_changed: bool = False  # DDL changed its result columns: it cannot run any more

    @property
    def given_types(self) -> tuple[str | None, ...]:
        return tuple(types.duck_type_for_oid(o) if o else None for o in self.given_oids)


@dataclass(frozen=True)
class BoundParams:
    """A Bind message's parameter values, and the DuckDB types they were decoded as (the
    statement runs with them: :func:`engine.arithmetic.with_typed_params`)."""

    values: Sequence[object] = ()
    types: Sequence[str] = ()


NO_PARAMS = BoundParams()


@dataclass
class Portal:
    name: str
    statement: PreparedStatement
    params: BoundParams
    result_formats: tuple[int, ...]
    rows: RowSource | None = None
    column_types: list[types.ColumnType] = field(default_factory=list)
    formats: list[int] = field(default_factory=list)
    tag: str = ""
    done: bool = False


@dataclass
class _Executed:
    """A statement's outcome plus, for rows, their wire types and the first encoded batch."""

    outcome: Outcome
    col_types: list[types.ColumnType] = field(default_factory=list)
    formats: list[int] = field(default_factory=list)
    first: bytes | None = None  # None: rows not fetched yet (a portal with a row limit)
    # Set when the session thread sent the whole answer itself: the part the socket did not
    # take, for the loop to send first (usually b"").
    unsent: bytes | None = None


class SessionHandler:
    """Serves one client connection from startup to Terminate."""

    def __init__(self, state: ServerState, transport: Transport) -> None:
        self.state = state
        self.transport = transport
        self.conn = Connection(state.max_message_size)
        self.session: Session | None = None
        self.thread: SessionThread | None = None
        self.secret_key = secrets.token_bytes(4)
        self.process_id = 0
        self.statements: dict[str, PreparedStatement] = {}
        self.portals: dict[str, Portal] = {}
        self._pipeline_failed = False  # an error since the last Sync (the implicit transaction)
        self._thread_notices = 0  # notices the session thread has handed to the loop
        self._sync_answered = False  # the next Sync's ReadyForQuery has been sent already

    # -- plumbing ----------------------------------------------------------------------------

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn`` on the session's own thread (DuckDB work never blocks the loop)."""
        assert self.thread is not None
        return await self.thread.call(fn, *args)

    async def _flush(self) -> None:
        data = self.conn.data_to_send()
        if data:
            self.transport.write(data)
            await self.transport.drain()

    async def _next_event(self) -> m.FrontendMessage | NegotiatedStartup:
        while True:
            event = self.conn.next_event()
            if event is not None:
                return event
            await self._flush()
            data = await self.transport.read()
            if not data:
                raise ConnectionResetError("client closed the connection")
            self.conn.receive_data(data)

    def cancel(self) -> None:
        if self.session is not None:
            self.session.interrupt()

    def _notice_from_thread(self, loop: asyncio.AbstractEventLoop) -> Callable[[SqlError], None]:
        """A NOTICE sink for the session thread: each notice goes out at once (ML progress
        while a statement runs), on the loop thread, between whole messages."""

        def send(notice: SqlError) -> None:
            self.conn.send_notice(notice)
            data = self.conn.data_to_send()
            if data:
                with contextlib.suppress(ConnectionError, OSError):
                    self.transport.write(data)

        def from_thread(notice: SqlError) -> None:
            self._thread_notices += 1
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody listens
                loop.call_soon_threadsafe(send, notice)

        return from_thread

    # -- lifecycle -----------------------------------------------------------------------------

    async def run(self) -> None:
        try:
            try:
                await asyncio.wait_for(self._startup(), self.state.startup_timeout)
            except TimeoutError:
                log.info("startup timed out")
                return
            if self.session is None:
                return
            await self._serve()
        except codec.ProtocolViolation as exc:
            self.conn.send_error(exc)
            await self._safe_flush()
        except _SessionEnded as ended:
            self.conn.send_error(ended.error)
            await self._safe_flush()
        except SqlError as exc:  # FATAL errors during startup/auth
            log.debug("connection refused: %s %s", exc.sqlstate, exc.message)
            self.conn.send_error(exc)
            await self._safe_flush()
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass
        except ssl.SSLError as exc:  # a client that does not trust us, or not TLS at all
            log.info("session %d: TLS handshake failed: %s", self.process_id, exc.reason)
        except Exception:
            log.exception("session %d: internal error", self.process_id)
            self.conn.send_error(SqlError(SqlState.INTERNAL_ERROR, "internal server error",
                                          severity="FATAL"))
            await self._safe_flush()
        finally:
            await self._cleanup()

    async def _safe_flush(self) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            await self._flush()

    async def _cleanup(self) -> None:
        self.conn.closed()
        self.state.sessions.pop(self.process_id, None)
        if self.session is not None:
            await self._drop_portals()
            await self._call(self.session.close)
            log.debug("session %d: ended", self.process_id)
        if self.thread is not None:
            self.thread.stop()
        self.transport.close()

    async def refuse(self, error: SqlError) -> None:
        """Answer a connection we will not serve with ``error`` and close it."""
        self.conn.send_error(error)
        await self._safe_flush()
        self.transport.close()

    async def shutdown(self) -> None:
        """Server shutdown: stop what runs and tell the client (57P01)."""
        self.cancel()
        self.conn.send_error(SqlError(SqlState.ADMIN_SHUTDOWN,
                                      "terminating connection due to administrator command",
                                      severity="FATAL"))
        await self._safe_flush()
        self.transport.close()

    # -- startup and authentication --------------------------------------------------------------

    async def _startup(self) -> None:
        while True:
            event = await self._next_event()
            if isinstance(event, m.SSLRequest):
                if self.transport.is_encrypted:
                    raise codec.ProtocolViolation("SSL request on an already encrypted connection")
                if self.conn.decoder.buffered:
                    raise codec.ProtocolViolation("unencrypted data after SSL request")
                if self.transport.tls_available:
                    self.transport.write(b"S")
                    await self.transport.drain()
                    await self.transport.start_tls()
                else:
                    self.transport.write(b"N")
            elif isinstance(event, m.GSSENCRequest):
                self.transport.write(b"N")
            elif isinstance(event, m.CancelRequest):
                self.state.cancel(event.process_id, event.secret_key)
                return
            elif isinstance(event, NegotiatedStartup):
                await self._authenticate(event.params)
                return

    async def _authenticate(self, params: dict[str, str]) -> None:
        user = params.get("user", "")
        if not user:
            raise SqlError(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                           "no PostgreSQL user name specified in startup packet", "FATAL")
        database = params.get("database") or user
        if self.state.require_tls and not self.transport.is_encrypted:
            raise SqlError(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                           "this server accepts only TLS connections",
                           "FATAL", hint="connect with sslmode=require")
        auth = Authenticator(self.state.auth_method, user, self.state.users,
                             secure_channel=self.transport.is_secure)
        first = auth.start()
        if first is not None:
            self.conn.send(first)
            while not auth.done:
                event = await self._next_event()
                if isinstance(event, m.Terminate):
                    raise ConnectionResetError("client left during authentication")
                assert isinstance(event, m.PasswordMessage)
                self.conn.send(auth.step(event.data))
        else:
            self.conn.send(codec.encode_auth_ok())
        if database != DATABASE_NAME:
            raise SqlError(SqlState.INVALID_CATALOG_NAME,
                           f'database "{database}" does not exist', "FATAL")
        if self.state.shutting_down:
            raise SqlError("57P03", "the database system is shutting down", "FATAL")
        if len(self.state.sessions) >= self.state.max_connections:
            raise SqlError(SqlState.TOO_MANY_CONNECTIONS, "sorry, too many clients already",
                           "FATAL")
        self.session = Session(self.state.db, user, params.get("application_name", ""),
                               read_only=user in self.state.read_only_users)
        for name in ("statement_timeout", "idle_session_timeout"):
            self.session.set_startup_parameter(name, getattr(self.state, name))
        self.session.notify = self._notice_from_thread(asyncio.get_running_loop())
        self.thread = SessionThread(f"session-{user}")
        self.process_id = self.state.register(self)
        self.session.backend_pid = self.process_id
        # DEALLOCATE / DISCARD ALL reach our named statements (one namespace in PostgreSQL).
        self.session.commands.protocol_statements = _NamedStatements(self.statements)
        self.conn.authenticated()
        notices = self._apply_startup_options(params)
        for name, wire_name in REPORTED.items():
            self.conn.send(codec.encode_parameter_status(wire_name, self.session.params[name]))
        self.conn.send(codec.encode_backend_key_data(self.process_id, self.secret_key))
        for notice in notices:
            self.conn.send_notice(notice)
        self.conn.ready_for_query("I")
        await self._flush()
        log.debug("session %d: user %r signed in (%s%s)", self.process_id, user,
                  self.state.auth_method.value, ", TLS" if self.transport.is_encrypted else "")

    def _apply_startup_options(self, params: dict[str, str]) -> list[SqlError]:
        """Startup parameters and ``options=-c k=v`` become session settings where known."""
        assert self.session is not None
        pairs = [(k, v) for k, v in params.items() if k not in ("user", "database", "options",
                                                                 "replication")]
        for opt in params.get("options", "").split():
            key, _, value = opt.removeprefix("-c").lstrip("-").partition("=")
            if key and value:
                pairs.append((key, value))
        notices: list[SqlError] = []
        for key, value in pairs:
            name = key.lower()
            if name in self.session.params and name not in ("server_version", "is_superuser"):
                try:
                    self.session.set_startup_parameter(name, value)
                except SqlError as exc:
                    if name != "timezone":
                        raise
                    # pgjdbc sends the JVM's zone: the connection goes on in the server's.
                    zone = self.session.params["timezone"]
                    notices.append(SqlError(exc.sqlstate, f"{exc.message}; the session's time "
                                            f'zone is "{zone}"', "WARNING", hint=exc.hint))
        return notices

    # -- the main loop -------------------------------------------------------------------------

    async def _serve(self) -> None:
        while True:
            event = await self._next_idle_event()
            if isinstance(event, m.Terminate):
                await self._safe_flush()  # answers to messages pipelined before Terminate
                return
            if isinstance(event, m.Query):
                await self._simple_query(event.sql)
            elif isinstance(event, m.Sync):
                await self._sync()
            elif isinstance(event, m.Flush):
                await self._flush()
            elif isinstance(event, m.FunctionCall):
                self.conn.send_error(SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                                              "the function call interface is not supported"))
                self.conn.ready_for_query(self._status())
            else:
                try:
                    try:
                        await self._extended(event)
                    except (ConnectionError, SqlError):
                        raise
                    except Exception as exc:
                        raise _internal_error(exc, self.process_id) from exc
                except SqlError as exc:
                    self.conn.send_error(exc)
                    self.conn.extended_error()
                    self._pipeline_failed = True
                    if self.session is not None:
                        await self._call(self.session.fail)
            if self.conn.pending_output >= FLUSH_THRESHOLD:
                await self._flush()

    async def _next_idle_event(self) -> m.FrontendMessage | NegotiatedStartup:
        """The next message, or the end of the session when it stays idle too long
        (``idle_session_timeout``, ``idle_in_transaction_session_timeout``, as PostgreSQL)."""
        assert self.session is not None
        in_transaction = self.session.tx_status != "I"
        name = "idle_in_transaction_session_timeout" if in_transaction else \
            "idle_session_timeout"
        limit = settings.milliseconds(self.session.params.get(name, "0")) or 0.0
        if limit <= 0:
            return await self._next_event()
        try:
            return await asyncio.wait_for(self._next_event(), limit / 1000)
        except TimeoutError:
            if in_transaction:
                error = SqlError("25P03", "terminating connection due to idle-in-transaction "
                                 "timeout", "FATAL")
            else:
                error = SqlError("57P05", "terminating connection due to idle-session timeout",
                                 "FATAL")
            raise _SessionEnded(error) from None

    def _status(self) -> str:
        return self.session.tx_status if self.session is not None else "I"

    # -- simple query ----------------------------------------------------------------------------

    async def _simple_query(self, sql: str) -> None:
        assert self.session is not None
        await self._drop_portals("")  # a simple query replaces the unnamed portal (PostgreSQL)
        try:
            statements = split(sql)
        except SqlError as exc:
            self.conn.send_error(exc)
            self.conn.ready_for_query(self._status())
            return
        multi = len(statements) > 1
        ok = True
        answered = False  # by the session thread, ReadyForQuery included
        try:
            for stmt in statements:
                if multi and self.session.tx_status == "I":
                    # Also after a COMMIT/ROLLBACK inside the string: what follows runs in a
                    # new implicit transaction, as in PostgreSQL.
                    await self._call(self.session.begin_implicit)
                try:
                    try:
                        if multi:
                            done = await self._call(self._run, stmt, NO_PARAMS, ())
                        else:
                            done = await self._run_answering(stmt, NO_PARAMS, (), describe=True)
                            if done.unsent is not None:
                                answered = True
                                break
                        await self._send_outcome(done, None, describe=True)
                    except (ConnectionError, SqlError):
                        raise
                    except Exception as exc:
                        raise _internal_error(exc, self.process_id) from exc
                except SqlError as exc:
                    self.conn.send_error(exc.shifted(stmt.offset))
                    ok = False
                    break
        finally:
            if multi or not ok or self.session.implicit:
                await self._call(self.session.end_implicit, ok)
        if self._status() == "I":
            await self._drop_portals()
        if not answered:
            self.conn.ready_for_query(self._status())

    async def _run_answering(self, stmt: StatementInfo, params: BoundParams,
                             result_formats: Sequence[int], *, describe: bool) -> _Executed:
        """Run a statement that ends the client's pipeline (a simple Query's only statement, an
        Execute with Sync next) and let the session thread send the reply itself, through
        ReadyForQuery, when it is complete: it then leaves without waiting for the event loop
        to wake up and write it, one thread wake-up less per round trip (a good part of
        ``SELECT 1`` latency). ``unsent`` is set when that happened; what the loop had queued
        went first. Otherwise the outcome comes back to be sent as usual."""
        prefix = self.conn.pending_data()
        done = await self._call(self._run_and_answer, stmt, params, result_formats, prefix,
                                describe)
        if done.unsent is not None:
            self.conn.data_to_send()  # the queued messages left with the answer
            self.conn.send(done.unsent)
        return done

    def _run_and_answer(self, stmt: StatementInfo, params: BoundParams,
                        result_formats: Sequence[int], prefix: bytes,
                        describe: bool) -> _Executed:
        """On the session thread: :meth:`_run`, then ``prefix``, the answer and ReadyForQuery
        written to the socket from here when the answer is complete (a command, a small
        result), no implicit transaction is left to end, and no notice went to the loop
        meanwhile (it must go out first)."""
        assert self.session is not None
        notices = self._thread_notices
        done = self._run(stmt, params, result_formats)
        answer = _finished_answer(done, describe)
        if answer is None or self.session.implicit or self._thread_notices != notices:
            return done
        reply = b"".join((prefix, answer, codec.encode_ready_for_query(self.session.tx_status)))
        sent = self.transport.send_now(reply)
        if sent:
            done.unsent = reply[sent:]
        return done

    def _run(self, stmt: StatementInfo, params: BoundParams,
             result_formats: Sequence[int], prefetch: bool = True,
             open_implicit: bool = False) -> _Executed:
        """On the session thread: execute, and encode the first rows in the same trip (after
        opening the pipeline's implicit transaction, with ``open_implicit``).

        One thread hop per small query matters: it is a good part of ``SELECT 1`` latency.
        """
        assert self.session is not None
        if open_implicit and self.session.tx_status == "I":
            self.session.begin_implicit()
        outcome = self.session.execute(stmt, params.values, params.types)
        if not isinstance(outcome, RowsOutcome):
            return _Executed(outcome)
        rows = outcome.rows
        col_types = [types.column_type(c.duck_type) for c in rows.columns]
        formats = _expand_formats(result_formats, len(col_types))
        first: bytes | None = None
        if prefetch:
            names = [c.name for c in rows.columns]
            batch = rows.next_batch()
            first = b""
            if batch is not None:
                first = _encode(batch, col_types, names, formats)
                if isinstance(batch, PyRowBatch) and batch.num_rows < SMALL_RESULT_ROWS:
                    # A short first fetch is normally all there is: this closes the source now.
                    # (Nothing promises it, so rows that do follow go out with it.)
                    more = rows.next_batch()
                    if more is not None:
                        first += _encode(more, col_types, names, formats)
            else:
                rows.close()
        return _Executed(outcome, col_types, formats, first)

    async def _send_outcome(self, done: _Executed, portal: Portal | None, *,
                            describe: bool) -> None:
        outcome = done.outcome
        answer = _finished_answer(done, describe)
        if answer is not None:
            self.conn.send(answer)
        elif isinstance(outcome, RowsOutcome):
            for notice in outcome.notices:
                self.conn.send_notice(notice)
            col_types, formats = done.col_types, done.formats
            if describe:
                self.conn.send(_row_description(outcome.rows.columns, col_types, formats))
            if portal is not None and done.first is None:
                portal.rows, portal.column_types, portal.formats = outcome.rows, col_types, formats
                portal.tag = outcome.tag
                return
            if done.first:
                self.conn.send(done.first)
            if not outcome.rows.exhausted:
                await self._stream_rows(outcome.rows, col_types, formats)
            self.conn.send(codec.encode_command_complete(_rows_tag(outcome.tag,
                                                                   outcome.rows.rows_sent)))
        elif isinstance(outcome, CopyOutOutcome):
            await self._copy_out(outcome)
        elif isinstance(outcome, CopyInOutcome):
            await self._copy_in(outcome)

    async def _stream_rows(self, rows: RowSource, col_types: list[types.ColumnType],
                           formats: list[int]) -> None:
        """All remaining rows, pipelined: the session thread encodes batch k+1 while the event
        loop writes batch k."""
        names = [c.name for c in rows.columns]

        def produce() -> bytes | None:
            batch = rows.next_batch()
            if batch is None:
                return None
            return _encode(batch, col_types, names, formats)

        await self._pipe(produce)

    async def _pipe(self, produce: Callable[[], bytes | None]) -> None:
        """Send what ``produce`` returns until it returns None, pipelined: the session thread
        makes chunk k+1 while the event loop writes chunk k (rows of a result, COPY data)."""
        pending = asyncio.ensure_future(self._call(produce))
        try:
            while True:
                data = await pending
                if data is None:
                    break
                pending = asyncio.ensure_future(self._call(produce))
                self.conn.send(data)
                if self.conn.pending_output >= FLUSH_THRESHOLD:
                    await self._flush()
        finally:
            if not pending.done():
                await asyncio.wait([pending])

    # -- COPY ------------------------------------------------------------------------------------

    async def _copy_out(self, outcome: CopyOutOutcome) -> None:
        spec, rows = outcome.spec, outcome.rows
        col_types = [types.column_type(c.duck_type) for c in rows.columns]
        names = [c.name for c in rows.columns]
        csv = spec.format is CopyFormat.CSV
        if spec.format is CopyFormat.BINARY:
            await self._copy_out_binary(rows, col_types, names)
            return
        force = copy_columns(spec.force_quote, names, spec.table)
        self.conn.send(codec.encode_copy_out_response(0, [0] * len(col_types)))
        encode = functools.partial(types.encode_copy_data_rows, csv=csv,
                                   delimiter=spec.delimiter, null=spec.null, quote=spec.quote,
                                   escape=spec.escape)
        if spec.header:
            header = pa.RecordBatch.from_arrays(
                [pa.array([n], pa.string()) for n in names], names=names)
            self.conn.send(encode(header, [types.column_type("VARCHAR")] * len(names)))

        def produce() -> bytes | None:
            batch = rows.next_batch()
            if batch is None:
                return None
            return encode(_arrow(batch, col_types, names), col_types, force_quote=force)

        await self._pipe(produce)  # already framed: one CopyData message per row
        self.conn.send(codec.encode_copy_done())
        self.conn.send(codec.encode_command_complete(f"COPY {rows.rows_sent}"))

    async def _copy_out_binary(self, rows: RowSource, col_types: list[types.ColumnType],
                               names: list[str]) -> None:
        """COPY … TO STDOUT (FORMAT binary): header with the first row, a trailer message."""
        self.conn.send(codec.encode_copy_out_response(1, [1] * len(col_types)))
        header_pending = True

        def produce() -> bytes | None:
            nonlocal header_pending
            batch = rows.next_batch()
            if batch is None:
                return None
            data = types.encode_copy_binary_rows(_arrow(batch, col_types, names), col_types,
                                                 header_pending)
            header_pending = header_pending and not data
            return data

        await self._pipe(produce)
        self.conn.send(codec.encode_copy_data(
            (types.COPY_BINARY_HEADER if header_pending else b"") + types.COPY_BINARY_TRAILER))
        self.conn.send(codec.encode_copy_done())
        self.conn.send(codec.encode_command_complete(f"COPY {rows.rows_sent}"))

    async def _copy_in(self, outcome: CopyInOutcome) -> None:
        spec, sink = outcome.spec, outcome.sink
        fmt = 1 if spec.format is CopyFormat.BINARY else 0
        self.conn.send(codec.encode_copy_in_response(fmt, [fmt] * outcome.column_count))
        self.conn.copy_in_started()
        buffer: list[bytes] = []
        size = 0
        binary = spec.format is CopyFormat.BINARY
        col_types = [types.column_type(c.duck_type) for c in sink.columns]
        try:
            while True:
                event = await self._next_event()
                if isinstance(event, m.CopyData):
                    buffer.append(event.data)
                    size += len(event.data)
                    if size > self.state.max_message_size and binary:
                        raise SqlError(SqlState.PROGRAM_LIMIT_EXCEEDED,
                                       "COPY BINARY data larger than the message size limit")
                    if not binary and size >= 1 << 20:
                        await self._call(sink.feed, b"".join(buffer))
                        buffer, size = [], 0
                elif isinstance(event, m.CopyDone):
                    data = b"".join(buffer)
                    if binary:
                        rows = await self._call(types.decode_copy_binary, data, col_types)
                        await self._call(sink.feed_rows, rows)
                    elif data:
                        await self._call(sink.feed, data)
                    count = await self._call(sink.finish)
                    self.conn.copy_in_ended()
                    self.conn.send(codec.encode_command_complete(f"COPY {count}"))
                    return
                elif isinstance(event, m.CopyFail):
                    raise SqlError(SqlState.QUERY_CANCELED,
                                   f"COPY from stdin failed: {event.message}")
                elif isinstance(event, m.Terminate):
                    raise ConnectionResetError("client terminated during COPY")
        except BaseException:
            self.conn.copy_in_ended()
            await self._call(sink.abort)
            raise

    # -- extended query --------------------------------------------------------------------------

    async def _extended(self, msg: m.FrontendMessage | NegotiatedStartup) -> None:
        if isinstance(msg, m.Parse):
            self._parse(msg)
        elif isinstance(msg, m.Bind):
            await self._bind(msg)
        elif isinstance(msg, m.Describe):
            await self._describe(msg)
        elif isinstance(msg, m.Execute):
            await self._execute(msg)
        elif isinstance(msg, m.Close):
            await self._close(msg)

    def _parse(self, msg: m.Parse) -> None:
        if msg.statement and (msg.statement in self.statements or (
                self.session is not None and msg.statement in self.session.commands.prepared)):
            raise SqlError(SqlState.DUPLICATE_PREPARED_STATEMENT,
                           f'prepared statement "{msg.statement}" already exists')
        if msg.statement not in self.statements and \
                len(self.statements) >= MAX_PREPARED_STATEMENTS:
            raise SqlError(SqlState.PROGRAM_LIMIT_EXCEEDED,
                           f"too many prepared statements (limit {MAX_PREPARED_STATEMENTS})",
                           hint="Close statements the client no longer needs.")
        statements = split(msg.sql)
        if len(statements) > 1:
            raise SqlError(SqlState.SYNTAX_ERROR,
                           "cannot insert multiple commands into a prepared statement")
        info = statements[0]
        if len(msg.param_oids) > max(info.param_count, 0) and info.kind is not Kind.EMPTY:
            info = _with_param_count(info, len(msg.param_oids))
        self.statements[msg.statement] = PreparedStatement(msg.statement, info, msg.param_oids)
        self.conn.send(codec.encode_parse_complete())

    def _statement(self, name: str) -> PreparedStatement:
        stmt = self.statements.get(name)
        if stmt is None and name and self.session is not None:
            sql = self.session.commands.prepared.get(name)
            if sql is not None:  # PREPARE'd in SQL: one namespace with Parse's (PostgreSQL)
                oids = tuple(types.column_type(t).pg.oid for t in sql.param_types)
                stmt = PreparedStatement(name, sql.statement, oids)
        if stmt is None:
            raise SqlError(SqlState.INVALID_SQL_STATEMENT_NAME,
                           f'prepared statement "{name}" does not exist')
        return stmt

    async def _description(self, stmt: PreparedStatement) -> Description:
        assert self.session is not None
        if stmt.description is None:
            version = self.session.db.current_schema_version
            stmt.description = await self._call(self.session.describe, stmt.info,
                                                stmt.given_types)
            stmt.described_at = version
        return stmt.description

    async def _revalidate(self, stmt: PreparedStatement) -> None:
        """After DDL, PostgreSQL plans a prepared statement again and refuses to run it when
        its result columns changed type: 0A000 ``cached plan must not change result type``,
        on which asyncpg and pgjdbc prepare it again. Running it would send the new values
        under the RowDescription the client already has (int4 bytes read as int2)."""
        assert self.session is not None
        desc = stmt.description
        version = self.session.db.current_schema_version
        if desc is not None and stmt.described_at != version and not stmt.result_changed:
            try:
                fresh = await self._call(self.session.describe, stmt.info, desc.param_types)
            except SqlError:
                return  # the statement fails now (a table dropped): Execute says why
            stmt.described_at = version
            stmt.result_changed = _wire_types(fresh.columns) != _wire_types(desc.columns)
        if stmt.result_changed:
            raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                           "cached plan must not change result type",
                           hint="Prepare the statement again.", routine="RevalidateCachedQuery")

    async def _bind(self, msg: m.Bind) -> None:
        stmt = self._statement(msg.statement)
        if msg.portal and msg.portal in self.portals:
            raise SqlError(SqlState.DUPLICATE_CURSOR, f'portal "{msg.portal}" already exists')
        expected = stmt.info.param_count
        if len(msg.params) != expected:
            raise SqlError(SqlState.PROTOCOL_VIOLATION,
                           f"bind message supplies {len(msg.params)} parameters, but prepared "
                           f'statement "{stmt.name}" requires {expected}')
        if len(msg.param_formats) not in (0, 1, len(msg.params)):
            raise SqlError(SqlState.PROTOCOL_VIOLATION,
                           f"bind message has {len(msg.param_formats)} parameter formats but "
                           f"{len(msg.params)} parameters")
        if msg.portal not in self.portals and len(self.portals) >= MAX_PORTALS:
            raise SqlError(SqlState.PROGRAM_LIMIT_EXCEEDED,
                           f"too many open portals (limit {MAX_PORTALS})",
                           hint="Close portals the client no longer needs.")
        await self._revalidate(stmt)
        params = NO_PARAMS
        if msg.params:
            oids = await self._param_oids(stmt)
            formats = _expand_formats(msg.param_formats, len(msg.params))
            params = BoundParams(
                [types.decode_param(raw, oids[i], formats[i]) for i, raw in enumerate(msg.params)],
                tuple(types.duck_type_for_oid(oid) for oid in oids))
        old = self.portals.pop(msg.portal, None)
        if old is not None and old.rows is not None:
            await self._call(old.rows.close)
        self.portals[msg.portal] = Portal(msg.portal, stmt, params, msg.result_formats)
        self.conn.send(codec.encode_bind_complete())

    async def _param_oids(self, stmt: PreparedStatement) -> list[int]:
        if stmt.given_oids and all(stmt.given_oids) and \
                len(stmt.given_oids) == stmt.info.param_count:
            return list(stmt.given_oids)
        desc = await self._description(stmt)
        given = list(stmt.given_oids) + [0] * (len(desc.param_types) - len(stmt.given_oids))
        # A type the client declared in Parse is echoed as declared (pgjdbc refuses a
        # ParameterDescription that changes its varchar to text); the rest are inferred.
        return [oid or types.column_type(t).pg.oid for oid, t in zip(given, desc.param_types,
                                                                      strict=False)]

    async def _describe(self, msg: m.Describe) -> None:
        if msg.kind == "S":
            stmt = self._statement(msg.name)
            desc = await self._description(stmt)
            oids = await self._param_oids(stmt)
            self.conn.send(codec.encode_parameter_description(oids))
            self._send_description(desc.columns, ())
            return
        if msg.name not in self.portals and self.session is not None:
            # A SQL cursor is a portal too: psycopg's named cursors Describe it by name.
            columns = await self._call(self.session.cursors.columns, msg.name)
            if columns is not None:
                self._send_description(columns, ())
                return
        portal = self._portal(msg.name)
        if portal.rows is not None:
            self.conn.send(_row_description(portal.rows.columns, portal.column_types,
                                            portal.formats))
            return
        desc = await self._description(portal.statement)
        self._send_description(desc.columns, portal.result_formats)

    def _send_description(self, columns: Sequence[Column] | None,
                          result_formats: Sequence[int]) -> None:
        if not columns:
            self.conn.send(codec.encode_no_data())
            return
        col_types = [types.column_type(c.duck_type) for c in columns]
        formats = _expand_formats(result_formats, len(col_types))
        self.conn.send(_row_description(columns, col_types, formats))

    def _portal(self, name: str) -> Portal:
        portal = self.portals.get(name)
        if portal is None:
            raise SqlError(SqlState.INVALID_CURSOR_NAME, f'portal "{name}" does not exist')
        return portal

    async def _execute(self, msg: m.Execute) -> None:
        assert self.session is not None
        portal = self._portal(msg.portal)
        if portal.done:
            self.conn.send(codec.encode_command_complete(_rows_tag(portal.tag, 0)))
            return
        if portal.rows is None:
            whole = msg.max_rows <= 0
            in_block = self._status() != "I"
            info = portal.statement.info
            # PostgreSQL runs the messages up to Sync as one transaction: a later failure
            # undoes earlier writes (asyncpg's executemany, JDBC batches, psycopg pipelines).
            # A write with Sync next runs alone, so autocommit is the same and cheaper.
            sync_next = self.conn.sync_is_next()
            open_implicit = not in_block and write_command(info) is not None and not sync_next
            if whole and sync_next and not self._pipeline_failed and not self.session.implicit:
                done = await self._run_answering(info, portal.params, portal.result_formats,
                                                 describe=False)
                self._sync_answered = done.unsent is not None
            else:
                done = await self._call(self._run, info, portal.params, portal.result_formats,
                                        whole, open_implicit)
            if not isinstance(done.outcome, RowsOutcome) or whole:
                portal.done = True
                if isinstance(done.outcome, RowsOutcome):
                    portal.tag = done.outcome.tag
                if not self._sync_answered:
                    await self._send_outcome(done, None, describe=False)
                if in_block and self._status() == "I":  # COMMIT / ROLLBACK ended the block
                    await self._drop_portals()
                return
            await self._send_outcome(done, portal, describe=False)
        elif self._status() == "E":
            raise SqlError(SqlState.IN_FAILED_SQL_TRANSACTION,
                           "current transaction is aborted, commands ignored until end of "
                           "transaction block")
        rows = portal.rows
        assert rows is not None
        already_sent = rows.rows_sent  # a CommandComplete counts the rows of its own Execute
        if msg.max_rows <= 0:
            await self._stream_rows(rows, portal.column_types, portal.formats)
            portal.done = True
            self.conn.send(codec.encode_command_complete(
                _rows_tag(portal.tag, rows.rows_sent - already_sent)))
            return
        names = [c.name for c in rows.columns]
        col_types, formats = portal.column_types, portal.formats

        def take() -> tuple[bytes, int]:
            batches = rows.take(msg.max_rows)
            data = b"".join(_encode(b, col_types, names, formats) for b in batches)
            return data, sum(b.num_rows for b in batches)

        data, count = await self._call(take)
        self.conn.send(data)
        if count >= msg.max_rows:
            self.conn.send(codec.encode_portal_suspended())
        else:
            portal.done = True
            self.conn.send(codec.encode_command_complete(
                _rows_tag(portal.tag, rows.rows_sent - already_sent)))

    async def _close(self, msg: m.Close) -> None:
        if msg.kind == "S":
            self.statements.pop(msg.name, None)
        else:
            portal = self.portals.pop(msg.name, None)
            if portal is not None and portal.rows is not None:
                await self._call(portal.rows.close)
        self.conn.send(codec.encode_close_complete())

    async def _sync(self) -> None:
        # answered: ReadyForQuery went out with the Execute's answer (no implicit transaction)
        answered, self._sync_answered = self._sync_answered, False
        failed, self._pipeline_failed = self._pipeline_failed, False
        if self.session is not None and self.session.implicit:
            try:
                await self._call(self.session.end_implicit, not failed)
            except SqlError as exc:  # the COMMIT failed: the pipeline's work is rolled back
                self.conn.send_error(exc)
        if self._status() == "I":
            await self._drop_portals()
        if not answered:
            self.conn.ready_for_query(self._status())
        await self._flush()

    async def _drop_portals(self, *names: str) -> None:
        """Close portals: those named, or all of them. PostgreSQL's portals (but SQL cursors
        WITH HOLD) end with their transaction — at Sync outside a transaction block, at COMMIT
        or ROLLBACK inside one — and a simple query replaces the unnamed portal."""
        for name in names or list(self.portals):
            portal = self.portals.pop(name, None)
            if portal is not None and portal.rows is not None:
                await self._call(portal.rows.close)


class _NamedStatements:
    """The session's view of our named prepared statements (for DEALLOCATE / DISCARD ALL)."""

    def __init__(self, statements: dict[str, PreparedStatement]) -> None:
        self._statements = statements

    def __contains__(self, name: object) -> bool:
        return bool(name) and name in self._statements

    def get(self, name: str) -> tuple[StatementInfo, tuple[str | None, ...]] | None:
        stmt = self._statements.get(name) if name else None
        return (stmt.info, stmt.given_types) if stmt is not None else None

    def discard(self, name: str) -> bool:
        return bool(name) and self._statements.pop(name, None) is not None

    def clear(self) -> None:
        for name in [n for n in self._statements if n]:
            del self._statements[name]


class _SessionEnded(Exception):
    """The server ends the session with ``error`` (a FATAL ErrorResponse)."""

    def __init__(self, error: SqlError) -> None:
        super().__init__(error.message)
        self.error = error


def _internal_error(exc: Exception, session_id: int) -> SqlError:
    """A bug of ours while running one statement: logged with its traceback and the session's
    id, reported to the client as XX000 without the traceback, and the session goes on (as
    PostgreSQL does for an ERROR)."""
    log.error("session %d: internal error while running a statement", session_id, exc_info=exc)
    return SqlError(SqlState.INTERNAL_ERROR, "internal error while running the statement",
                    detail=f"{type(exc).__name__}: {exc}"[:500])


def _with_param_count(info: StatementInfo, count: int) -> StatementInfo:
    return dataclasses.replace(info, param_count=count)


def _wire_types(columns: Sequence[Column] | None) -> tuple[tuple[int, int], ...] | None:
    """The PostgreSQL types and typmods a RowDescription gives for ``columns``."""
    if columns is None:
        return None
    return tuple((t.pg.oid, t.typmod) for t in (types.column_type(c.duck_type) for c in columns))


def _expand_formats(formats: Sequence[int], n: int) -> list[int]:
    if not formats:
        return [0] * n
    if len(formats) == 1:
        if formats[0] not in (0, 1):
            raise SqlError(SqlState.PROTOCOL_VIOLATION, f"unsupported format code: {formats[0]}")
        return [formats[0]] * n
    if len(formats) != n:
        raise SqlError(SqlState.PROTOCOL_VIOLATION,
                       f"bind message has {len(formats)} result formats but query has {n} columns")
    for f in formats:
        if f not in (0, 1):
            raise SqlError(SqlState.PROTOCOL_VIOLATION, f"unsupported format code: {f}")
    return list(formats)


def _row_description(columns: Sequence[Column], col_types: Sequence[types.ColumnType],
                     formats: Sequence[int]) -> bytes:
    return codec.encode_row_description([
        m.FieldDescription(c.name, t.pg.oid, t.pg.size, t.typmod, f, c.table_oid,
                           c.column_number)
        for c, t, f in zip(columns, col_types, formats, strict=True)
    ])


def _finished_answer(done: _Executed, describe: bool) -> bytes | None:
    """Every message answering a statement whose work is all done (an empty query, a command,
    rows that all came with the first fetch); None when rows still have to be streamed or
    the statement is a COPY or a portal to be read later."""
    outcome = done.outcome
    if isinstance(outcome, EmptyOutcome):
        return codec.encode_empty_query_response()
    if isinstance(outcome, CommandOutcome):
        return b"".join([
            *map(codec.encode_notice_response, outcome.notices),
            *(codec.encode_parameter_status(n, v) for n, v in outcome.parameter_changes),
            codec.encode_command_complete(outcome.tag)])
    if isinstance(outcome, RowsOutcome) and done.first is not None and outcome.rows.exhausted:
        return b"".join([
            *map(codec.encode_notice_response, outcome.notices),
            _row_description(outcome.rows.columns, done.col_types, done.formats)
            if describe else b"",
            done.first,
            codec.encode_command_complete(_rows_tag(outcome.tag, outcome.rows.rows_sent))])
    return None


def _rows_tag(tag: str, count: int) -> str:
    if tag in ("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "FETCH", "MOVE"):
        return f"INSERT 0 {count}" if tag == "INSERT" else f"{tag} {count}"
    return tag


def _encode(batch: Batch, col_types: Sequence[types.ColumnType], names: Sequence[str],
            formats: Sequence[int]) -> bytes:
    """DataRows for one batch: a few Python rows of simple types directly, else via Arrow."""
    if isinstance(batch, PyRowBatch):
        fast = types.encode_py_rows(batch.rows, col_types, formats)
        if fast is not None:
            return fast
    return types.encode_data_rows(_arrow(batch, col_types, names), col_types, formats)


def _arrow(batch: Batch, col_types: Sequence[types.ColumnType],
           names: Sequence[str]) -> pa.RecordBatch:
    if isinstance(batch, PyRowBatch):
        return types.batch_from_rows(batch.rows, col_types, names)
    return batch
