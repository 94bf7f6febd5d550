"""Session-level commands that PostgreSQL clients send and DuckDB does not know.

Drivers and pools send these at connect, around transactions and when a pooled connection is
handed back: ``DISCARD``, ``LISTEN`` / ``UNLISTEN``, ``SET SESSION CHARACTERISTICS``,
``BEGIN ISOLATION LEVEL …`` / ``SET TRANSACTION …``, ``SET SESSION AUTHORIZATION`` / ``SET ROLE``,
``DO`` blocks, and SQL-level ``PREPARE`` / ``EXECUTE`` / ``DEALLOCATE``. Cursor statements
(``DECLARE`` / ``FETCH`` / ``MOVE`` / ``CLOSE``) are routed from here to :mod:`engine.cursors`.

Every command is a handler in the :data:`_HANDLERS` table, keyed by the statement's first word and
parsed from its tokens; ``Session.execute`` asks :meth:`SessionCommands.execute` first and runs the
statement on DuckDB only when no handler takes it.

Decisions (what a user of PixelSQL sees):

* **Transactions.** Isolation level, READ ONLY and DEFERRABLE are accepted in every PostgreSQL
  spelling and reported by ``SHOW transaction_isolation`` / ``transaction_read_only`` /
  ``default_transaction_*``. DuckDB runs every transaction with snapshot isolation whatever level
  is asked for (write conflicts fail with 40001). READ ONLY is enforced here: a statement that
  writes fails with 25006, as in PostgreSQL.
* **LISTEN / NOTIFY.** PixelSQL has no notification channel. ``UNLISTEN`` is a silent no-op (pool
  resets send it); ``LISTEN`` succeeds, so clients that subscribe at connect still work, but it
  says in a WARNING that nothing will arrive; ``NOTIFY`` fails with 0A000, so a sender learns at
  once that nobody can receive it.
* **DO blocks.** PixelSQL cannot run PL/pgSQL. No common pool or driver sends ``DO`` on reset
  (pgbouncer and Npgsql send ``DISCARD ALL``, asyncpg ``CLOSE ALL; UNLISTEN *; RESET ALL`` with
  ``pg_advisory_unlock_all()``, SQLAlchemy and psycopg_pool a ROLLBACK); the only blocks accepted
  are empty ones (``DO $$ BEGIN END $$``, ``BEGIN NULL; END``), tag ``DO``. Any other block fails
  with 0A000 and a hint, rather than pretending to have run.
* **DISCARD ALL** closes cursors, resets parameters (as ``RESET ALL``), deallocates SQL-level and
  protocol-level prepared statements (the latter through :class:`ProtocolStatements`, which the
  wire handler provides) and drops temporary tables, views and sequences. Temporary objects whose
  names start with ``pixelsql_`` are the server's own and are kept; so are temporary macros.
* **Savepoints.** DuckDB cannot undo part of a transaction, and any error aborts all of it.
  ``SAVEPOINT`` and ``RELEASE`` are kept track of (psycopg's nested ``conn.transaction()``, which
  SQLAlchemy uses at connect, needs them). ``ROLLBACK TO SAVEPOINT`` is honoured when it can be
  done exactly: nothing written since the savepoint and no error (nothing to undo), or nothing
  written before it and no cursor open in the transaction (then a fresh DuckDB transaction is the
  same thing; it takes a new snapshot). Otherwise it fails with 0A000, never silently keeping or
  dropping work.
* **PREPARE / EXECUTE / DEALLOCATE** are PixelSQL's own (DuckDB's lack type lists, ``DEALLOCATE
  ALL``, duplicate checks and the errors clients expect): ``EXECUTE`` substitutes its arguments,
  cast to the declared (or inferred) parameter types, and runs the statement through the session
  as if it had been sent directly, so its tag is the statement's own (``SELECT 1``,
  ``INSERT 0 1``), as in PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from engine.errors import SqlError, SqlState
from engine.lexer import Tok, Token, TokenReader, replace_params, tokenize
from engine.results import CommandOutcome, Outcome
from engine.statements import Kind, StatementInfo, split

if TYPE_CHECKING:
    from engine.session import Description, Session


class ProtocolStatements(Protocol):
    """The wire handler's named (Parse) prepared statements.

    PostgreSQL keeps them in one namespace with ``PREPARE``'d statements, so ``EXECUTE``,
    ``DEALLOCATE`` and ``DISCARD ALL`` reach them too (and the handler finds ``PREPARE``'d
    ones for Bind and Describe). Called on the session thread while the handler waits for the
    statement to finish.
    """

    def __contains__(self, name: object) -> bool: ...

    def get(self, name: str) -> tuple[StatementInfo, tuple[str | None, ...]] | None:
        """A named statement and the parameter types its Parse gave (None: infer them)."""
        ...

    def discard(self, name: str) -> bool:
        """Remove one named statement; False if there is none by that name."""
        ...

    def clear(self) -> None:
        """Remove every named statement (the unnamed one stays, as in PostgreSQL)."""
        ...


ISOLATION_LEVELS = ("serializable", "repeatable read", "read committed", "read uncommitted")
_TX_PARAMS = ("isolation", "read_only", "deferrable")
_TX_NAMES = frozenset(
    {f"transaction_{p}" for p in _TX_PARAMS} | {f"default_transaction_{p}" for p in _TX_PARAMS}
)
# Statements that take no snapshot: after them SET TRANSACTION may still change the level.
_NO_SNAPSHOT = frozenset({"SET", "SHOW", "RESET", "LISTEN", "UNLISTEN", "PREPARE", "DEALLOCATE",
                          "DISCARD", "CLOSE", "BEGIN", "START"})
# Utility statements that write (refused in a read-only transaction).
_WRITING_WORDS = frozenset({"CREATE", "DROP", "ALTER", "TRUNCATE", "COMMENT", "ATTACH", "DETACH",
                            "IMPORT", "INSTALL", "LOAD", "COPY"})
_BOOLEANS = {"on": "on", "true": "on", "yes": "on", "1": "on", "t": "on", "y": "on",
             "off": "off", "false": "off", "no": "off", "0": "off", "f": "off", "n": "off"}
_DO_NO_OP_WORDS = frozenset({"BEGIN", "END", "NULL"})
_SERVER_TEMP_PREFIX = "pixelsql_"
_CURSOR_WORDS = frozenset({"DECLARE", "FETCH", "MOVE", "CLOSE"})
_PREPARABLE = frozenset({"SELECT", "VALUES", "TABLE", "WITH", "FROM", "INSERT", "UPDATE",
                         "DELETE", "MERGE"})


@dataclass(frozen=True, slots=True)
class TransactionModes:
    """What BEGIN / START TRANSACTION / SET TRANSACTION said (None: not said)."""

    isolation: str | None = None
    read_only: bool | None = None
    deferrable: bool | None = None


@dataclass(frozen=True, slots=True)
class Savepoint:
    name: str
    writes: int  # statements that wrote in the transaction before the savepoint was set


@dataclass(frozen=True, slots=True)
class SqlPrepared:
    """A statement prepared with SQL ``PREPARE``."""

    name: str
    statement: StatementInfo
    param_types: tuple[str, ...]  # DuckDB type names, declared or inferred


# --- small token parser --------------------------------------------------------------------------


class _Tokens(TokenReader):
    def name(self) -> str:
        """An identifier or string: unquoted words lower-cased, as PostgreSQL folds them."""
        tok = self.peek()
        if tok is None or tok.kind not in (Tok.WORD, Tok.IDENT, Tok.STRING):
            raise self.error()
        self.i += 1
        if tok.kind is Tok.STRING:
            return _string_value(tok)
        return tok.text if tok.kind is Tok.IDENT else tok.text.lower()


def _string_value(tok: Token) -> str:
    raw = tok.text
    if raw.startswith("$"):
        tag_end = raw.index("$", 1) + 1
        return raw[tag_end:len(raw) - tag_end]
    if raw[:1] in "eE":
        raw = raw[1:]
    return raw[1:-1].replace("''", "'")


def _transaction_modes(p: _Tokens) -> TransactionModes:
    """``mode [[,] mode …]``: ISOLATION LEVEL …, READ ONLY|WRITE, [NOT] DEFERRABLE."""
    isolation: str | None = None
    read_only: bool | None = None
    deferrable: bool | None = None
    first = True
    while not p.at_end():
        if not first and p.is_op(","):
            p.i += 1
        first = False
        word = p.expect("ISOLATION", "READ", "DEFERRABLE", "NOT")
        if word == "ISOLATION":
            p.expect("LEVEL")
            level = p.expect("SERIALIZABLE", "REPEATABLE", "READ")
            if level == "REPEATABLE":
                p.expect("READ")
                isolation = "repeatable read"
            elif level == "READ":
                isolation = "read " + p.expect("COMMITTED", "UNCOMMITTED").lower()
            else:
                isolation = "serializable"
        elif word == "READ":
            read_only = p.expect("ONLY", "WRITE") == "ONLY"
        elif word == "NOT":
            p.expect("DEFERRABLE")
            deferrable = False
        else:
            deferrable = True
    return TransactionModes(isolation, read_only, deferrable)


def begin_modes(stmt: StatementInfo) -> TransactionModes:
    """The modes of ``BEGIN [WORK|TRANSACTION] …`` / ``START TRANSACTION …`` (42601 if bad)."""
    p = _Tokens(stmt.text)
    if p.expect("BEGIN", "START") == "START":
        p.expect("TRANSACTION")
    else:
        p.accept("WORK", "TRANSACTION")
    return _transaction_modes(p)


def _on_off(name: str, value: str) -> str:
    canonical = _BOOLEANS.get(value.strip().lower())
    if canonical is None:
        raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                       f'parameter "{name}" requires a Boolean value')
    return canonical


def _isolation(name: str, value: str) -> str:
    level = " ".join(value.lower().split())
    if level == "default":
        level = "read committed"
    if level not in ISOLATION_LEVELS:
        raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                       f'invalid value for parameter "{name}": "{value}"',
                       hint="Available values: " + ", ".join(ISOLATION_LEVELS) + ".")
    return level


def write_command(stmt: StatementInfo) -> str | None:
    """The command name PostgreSQL reports if ``stmt`` writes (for 25006), else None."""
    if stmt.kind is Kind.DML:
        return stmt.tag
    if stmt.kind is Kind.COPY_IN:
        return "COPY FROM"
    if stmt.select_into:
        return "SELECT INTO"
    if stmt.first_word not in _WRITING_WORDS:
        return None
    if stmt.first_word == "COPY":
        return "COPY FROM" if "FROM" in stmt.words else None
    if stmt.first_word == "CREATE" and stmt.tag == "SELECT":
        return "CREATE TABLE AS"
    return stmt.tag


def _warning(state: str, message: str) -> SqlError:
    return SqlError(state, message, severity="WARNING")


Handler = Callable[["SessionCommands", StatementInfo, Sequence[object]], Outcome | None]


class SessionCommands:
    """The session-level commands of one :class:`~engine.session.Session`."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.prepared: dict[str, SqlPrepared] = {}
        self.listening: set[str] = set()  # channels named by LISTEN (nothing is delivered)
        self.protocol_statements: ProtocolStatements | None = None
        self._snapshot_taken = False  # a query ran in this transaction (SET TRANSACTION rules)
        self._writes = 0  # statements that wrote in this transaction (savepoint bookkeeping)
        self.savepoints: list[Savepoint] = []

    # -- entry points from Session ---------------------------------------------------------

    def execute(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome | None:
        """Run ``stmt`` if it is one of ours; None to let the session run it on DuckDB."""
        handler = _HANDLERS.get(stmt.first_word)
        outcome = handler(self, stmt, params) if handler is not None else None
        if outcome is None and write_command(stmt) is not None:
            self._check_writable(stmt)
            self._writes += 1
        if stmt.first_word not in _NO_SNAPSHOT:
            self._snapshot_taken = True
        return outcome

    def describe(self, stmt: StatementInfo, given: Sequence[str | None]) -> Description | None:
        """Describe a statement of ours without running it; None for everything else."""
        from engine.cursors import Declare, Fetch, parse, query_statement
        from engine.params import infer_param_types
        from engine.session import Description

        if stmt.first_word in _CURSOR_WORDS:
            parsed = parse(stmt.text)
            if isinstance(parsed, Declare):
                query = query_statement(parsed)
                return Description(
                    infer_param_types(query, given, self.session._column_types), None)
            if isinstance(parsed, Fetch) and not parsed.move:
                return Description((), self.session.cursors.columns(parsed.name))
            return Description((), None)
        if stmt.first_word == "EXECUTE":
            p = _Tokens(stmt.text)
            p.i = 1
            prepared = self.prepared.get(p.name()) if not p.at_end() else None
            columns = None
            if prepared is not None:
                columns = self.session.describe(prepared.statement,
                                                prepared.param_types).columns
            return Description(("VARCHAR",) * stmt.param_count, columns)
        return None

    def allowed_when_failed(self, stmt: StatementInfo) -> bool:
        """ROLLBACK TO SAVEPOINT is the one command (besides ending the transaction) that a
        failed transaction accepts, so that it can say why it cannot help."""
        return stmt.first_word == "ROLLBACK"

    def transaction_started(self, modes: TransactionModes) -> None:
        params = self.session.params
        if modes.isolation is not None:
            params["transaction_isolation"] = modes.isolation
        if modes.read_only is not None:
            params["transaction_read_only"] = "on" if modes.read_only else "off"
        if modes.deferrable is not None:
            params["transaction_deferrable"] = "on" if modes.deferrable else "off"
        self._snapshot_taken = False
        self._writes = 0
        self.savepoints.clear()

    def transaction_ended(self) -> None:
        """Outside a transaction, ``transaction_*`` show the session's defaults."""
        params = self.session.params
        for p in _TX_PARAMS:
            params[f"transaction_{p}"] = params[f"default_transaction_{p}"]
        self._snapshot_taken = False
        self._writes = 0
        self.savepoints.clear()

    def parameters_reset(self) -> None:
        """After RESET ALL: the defaults changed; outside a transaction, show them."""
        if self.session.tx_status == "I":
            self.transaction_ended()

    def _check_writable(self, stmt: StatementInfo) -> None:
        # Outside a transaction block each statement is its own transaction with the defaults.
        name = "transaction_read_only" if self.session.tx_status != "I" else \
            "default_transaction_read_only"
        if self.session.params.get(name) == "on":
            raise SqlError(SqlState.READ_ONLY_SQL_TRANSACTION,
                           f"cannot execute {write_command(stmt)} in a read-only transaction")

    # -- savepoints ------------------------------------------------------------------------

    def _savepoint_statement(self, stmt: StatementInfo, what: str) -> tuple[_Tokens, int]:
        """Check the transaction block; the parser after ``… [SAVEPOINT]`` and the index of
        the named savepoint (for RELEASE / ROLLBACK TO)."""
        if self.session.tx_status == "I":
            raise SqlError(SqlState.NO_ACTIVE_SQL_TRANSACTION,
                           f"{what} can only be used in transaction blocks")
        p = _Tokens(stmt.text)
        p.i = 1
        if what == "ROLLBACK TO SAVEPOINT":
            p.accept("WORK", "TRANSACTION")
            p.expect("TO")
        if what != "SAVEPOINT":
            p.accept("SAVEPOINT")
        name = p.name()
        p.end()
        if what == "SAVEPOINT":
            return p, -1
        for index in range(len(self.savepoints) - 1, -1, -1):
            if self.savepoints[index].name == name:
                return p, index
        raise SqlError(SqlState.INVALID_SAVEPOINT_SPECIFICATION,
                       f'savepoint "{name}" does not exist')

    def _savepoint(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        p, _ = self._savepoint_statement(stmt, "SAVEPOINT")
        p.i = 1
        self.savepoints.append(Savepoint(p.name(), self._writes))
        return CommandOutcome("SAVEPOINT")

    def _release(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        _, index = self._savepoint_statement(stmt, "RELEASE SAVEPOINT")
        del self.savepoints[index:]
        return CommandOutcome("RELEASE")

    def _rollback_to(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        _, index = self._savepoint_statement(stmt, "ROLLBACK TO SAVEPOINT")
        savepoint = self.savepoints[index]
        failed = self.session.tx_status == "E"
        if failed or self._writes > savepoint.writes:
            reason = ("the transaction changed data before the savepoint" if savepoint.writes
                      else "cursors are open in the transaction"
                      if self.session.cursors.any_in_transaction() else None)
            if reason is not None:
                raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                               f'cannot roll back to savepoint "{savepoint.name}": DuckDB has no '
                               f"savepoints and {reason}",
                               hint="ROLLBACK the whole transaction and run it again.")
            # Nothing written before the savepoint: a new transaction is the same state.
            self.session.restart_transaction()
            self._writes = 0
        del self.savepoints[index + 1:]  # the savepoint itself stays
        return CommandOutcome("ROLLBACK")

    # -- cursors ---------------------------------------------------------------------------

    def _cursor(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        return self.session.cursors.execute(stmt.text, params, self.session.tx_status != "I")

    # -- SET / RESET forms DuckDB does not know ----------------------------------------------

    def _set(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome | None:
        words = stmt.words
        if words[1:2] == ("TRANSACTION",):
            return self._set_transaction(stmt)
        if words[1:3] == ("SESSION", "CHARACTERISTICS"):
            p = _Tokens(stmt.text)
            p.i = 3
            p.expect("AS")
            p.expect("TRANSACTION")
            return self._set_defaults(_transaction_modes(p))
        if words[1:3] == ("SESSION", "AUTHORIZATION") or "ROLE" in words[1:3]:
            return self._set_identity(stmt, "SET")
        from engine.params import parse_set

        parsed = parse_set(stmt.text)
        if parsed is None or parsed[0] not in _TX_NAMES:
            return None
        name, value = parsed
        return self._set_parameter(name, value)

    def _set_transaction(self, stmt: StatementInfo) -> Outcome:
        p = _Tokens(stmt.text)
        p.i = 2
        if p.word() == "SNAPSHOT":
            raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                           "SET TRANSACTION SNAPSHOT is not supported")
        modes = _transaction_modes(p)
        if self.session.tx_status == "I":
            return CommandOutcome("SET", (_warning(
                SqlState.NO_ACTIVE_SQL_TRANSACTION,
                "SET TRANSACTION can only be used in transaction blocks"),))
        self._change_transaction(modes)
        return CommandOutcome("SET")

    def _change_transaction(self, modes: TransactionModes) -> None:
        """SET TRANSACTION inside a transaction, with PostgreSQL's "before any query" rules."""
        params = self.session.params
        if self._snapshot_taken:
            if modes.isolation is not None and \
                    modes.isolation != params["transaction_isolation"]:
                raise SqlError(SqlState.ACTIVE_SQL_TRANSACTION,
                               "SET TRANSACTION ISOLATION LEVEL must be called before any query")
            if modes.read_only is False and params["transaction_read_only"] == "on":
                raise SqlError(SqlState.ACTIVE_SQL_TRANSACTION,
                               "transaction read-write mode must be set before any query")
            if modes.deferrable is not None and \
                    ("on" if modes.deferrable else "off") != params["transaction_deferrable"]:
                raise SqlError(SqlState.ACTIVE_SQL_TRANSACTION,
                               "SET TRANSACTION [NOT] DEFERRABLE must be called before any "
                               "query")
        snapshot = self._snapshot_taken
        self.transaction_started(modes)
        self._snapshot_taken = snapshot

    def _set_defaults(self, modes: TransactionModes) -> Outcome:
        changes: list[tuple[str, str]] = []
        values = {
            "isolation": modes.isolation,
            "read_only": None if modes.read_only is None else ("on" if modes.read_only else "off"),
            "deferrable": None if modes.deferrable is None else
            ("on" if modes.deferrable else "off"),
        }
        for p, value in values.items():
            if value is not None:
                changes.extend(self.session._assign(f"default_transaction_{p}", value))
        if self.session.tx_status == "I":
            self.transaction_ended()
        return CommandOutcome("SET", parameter_changes=tuple(changes))

    def _set_parameter(self, name: str, value: str | None) -> CommandOutcome:
        """``SET [default_]transaction_… = value`` (value None: DEFAULT)."""
        base = name.removeprefix("default_")
        if value is None:
            value = self.session.reset_values[f"default_{base}"]
        value = _isolation(name, value) if base == "transaction_isolation" else \
            _on_off(name, value)
        if name.startswith("default_"):
            changes = self.session._assign(name, value)
            if self.session.tx_status == "I":
                self.transaction_ended()
            return CommandOutcome("SET", parameter_changes=changes)
        if self.session.tx_status != "I":  # outside a block it lasts only for the statement
            field = base.removeprefix("transaction_")
            modes = TransactionModes(
                isolation=value if field == "isolation" else None,
                read_only=value == "on" if field == "read_only" else None,
                deferrable=value == "on" if field == "deferrable" else None)
            self._change_transaction(modes)
        return CommandOutcome("SET")

    def _set_identity(self, stmt: StatementInfo, tag: str) -> Outcome:
        """SET/RESET SESSION AUTHORIZATION and ROLE: PixelSQL has no roles; only the session's
        own user (or DEFAULT / NONE) is accepted."""
        p = _Tokens(stmt.text)
        p.i = 1
        p.accept("SESSION", "LOCAL")
        what = p.expect("AUTHORIZATION", "ROLE")
        if tag == "RESET":
            p.end()
            return CommandOutcome(tag)
        p.accept("TO")
        if p.is_op("="):
            p.i += 1
        if p.accept("DEFAULT", "NONE") is None:
            target = p.name()
            p.end()
            if target != self.session.user:
                raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                               f'cannot switch to {"role" if what == "ROLE" else "user"} '
                               f'"{target}": PixelSQL has no roles',
                               hint=f'Only the session user "{self.session.user}" is accepted.')
        p.end()
        return CommandOutcome(tag)

    def _reset(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome | None:
        words = stmt.words
        if "AUTHORIZATION" in words[1:3] or words[1:2] == ("ROLE",):
            return self._set_identity(stmt, "RESET")
        if len(words) == 2 and words[1].lower() in _TX_NAMES:
            done = self._set_parameter(words[1].lower(), None)
            return CommandOutcome("RESET", done.notices, done.parameter_changes)
        return None

    # -- DISCARD, LISTEN, NOTIFY, DO -------------------------------------------------------

    def _discard(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        p = _Tokens(stmt.text)
        p.i = 1
        what = p.expect("ALL", "PLANS", "SEQUENCES", "TEMP", "TEMPORARY")
        p.end()
        if what == "ALL":
            if self.session.tx_status != "I":
                raise SqlError(SqlState.ACTIVE_SQL_TRANSACTION,
                               "DISCARD ALL cannot run inside a transaction block")
            self.session.cursors.close_all()
            changes = self.session._reset_all()
            self.transaction_ended()
            self._deallocate_all()
            self.listening.clear()
            self.session.discard_plans()
            self._drop_temporary_objects()
            return CommandOutcome("DISCARD ALL", parameter_changes=changes)
        if what == "PLANS":
            self.session.discard_plans()
        elif what in ("TEMP", "TEMPORARY"):
            self._drop_temporary_objects()
            what = "TEMP"
        return CommandOutcome(f"DISCARD {what}")

    def _drop_temporary_objects(self) -> None:
        session = self.session
        rows = session.run_internal(
            "SELECT 'TABLE', table_name FROM duckdb_tables() "
            "WHERE database_name = 'temp' AND schema_name = 'main' "
            "UNION ALL SELECT 'VIEW', view_name FROM duckdb_views() "
            "WHERE database_name = 'temp' AND schema_name = 'main' AND NOT internal "
            "UNION ALL SELECT 'SEQUENCE', sequence_name FROM duckdb_sequences() "
            "WHERE database_name = 'temp' AND schema_name = 'main'")
        # Views first: they may depend on the tables and sequences.
        for kind, name in sorted(rows, key=lambda r: r[0] != "VIEW"):
            if str(name).startswith(_SERVER_TEMP_PREFIX):
                continue
            quoted = '"' + str(name).replace('"', '""') + '"'
            session.run_internal(f"DROP {kind} IF EXISTS temp.main.{quoted} CASCADE")
        if rows:
            session.db.bump_schema_version()

    def _listen(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        p = _Tokens(stmt.text)
        p.i = 1
        channel = p.name()
        p.end()
        self.listening.add(channel)
        return CommandOutcome("LISTEN", (_warning(
            SqlState.WARNING,
            "PixelSQL does not deliver notifications: LISTEN has no effect"),))

    def _unlisten(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        p = _Tokens(stmt.text)
        p.i = 1
        if p.is_op("*"):
            p.i += 1
            self.listening.clear()
        else:
            self.listening.discard(p.name())
        p.end()
        return CommandOutcome("UNLISTEN")

    def _notify(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                       "NOTIFY is not supported: PixelSQL does not deliver notifications")

    def _privileges(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                       f"{stmt.first_word} is not supported: PixelSQL has no per-object "
                       "privileges",
                       hint="Users are read-write or read-only as the server is configured "
                            "(docs/SECURITY.md).")

    def _alter(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome | None:
        """``ALTER <object> name OWNER TO role`` (pg_dump writes one for each object): objects
        have no owners here — any read-write user may alter or drop them — so it is accepted
        and changes nothing. Other ALTER statements go to DuckDB."""
        words = [t.upper for t in tokenize(stmt.text) if t.kind is not Tok.SEMI]
        if len(words) < 5 or words[-3:-1] != ["OWNER", "TO"]:
            return None
        self._check_writable(stmt)
        kind = " ".join(words[1:3]) if words[1] in ("MATERIALIZED", "FOREIGN") else words[1]
        return CommandOutcome(f"ALTER {kind}")

    def _unsupported_create(self, stmt: StatementInfo, params: Sequence[object]) -> None:
        """PostgreSQL objects DuckDB has no counterpart for, refused with 0A000 and what to do
        instead (DuckDB would answer a syntax error); other CREATE / REFRESH statements go on
        to DuckDB."""
        tokens = tokenize(stmt.text)
        words = [t.upper for t in tokens[:4]]
        reason: tuple[str, str] | None = None
        if "MATERIALIZED" in words[1:3] and "VIEW" in words[2:4]:
            reason = ("materialized views are not supported",
                      "CREATE TABLE … AS the query, and fill it again to refresh it.")
        elif words[1:2] == ["EXTENSION"]:
            reason = ("extensions are not supported",
                      "DuckDB's own functions are available; gen_random_uuid() is built in.")
        elif words[1:2] == ["DOMAIN"]:
            reason = ("domains are not supported",
                      "use the base type, with a CHECK constraint on the column.")
        elif "TABLE" in words[1:4] and any(
                tokens[i].upper == "PARTITION" and tokens[i + 1].upper in ("BY", "OF")
                for i in range(len(tokens) - 1)):
            reason = ("partitioned tables are not supported",
                      "create one table; DuckDB scans a large table in parallel.")
        if reason is not None:
            raise SqlError(SqlState.FEATURE_NOT_SUPPORTED, reason[0], hint=reason[1])

    def _lock(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        if self.session.tx_status == "I":
            raise SqlError(SqlState.NO_ACTIVE_SQL_TRANSACTION,
                           "LOCK TABLE can only be used in transaction blocks")
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                       "LOCK TABLE is not supported: DuckDB's transactions take no locks "
                       "(a conflicting write fails at commit with 40001)")

    def _do(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        p = _Tokens(stmt.text)
        p.i = 1
        language = "plpgsql"
        body: Token | None = None
        while not p.at_end():
            if p.accept("LANGUAGE"):
                language = p.name()
                continue
            tok = p.peek()
            if tok is None or tok.kind is not Tok.STRING or body is not None:
                raise p.error()
            body = tok
            p.i += 1
        if body is None:
            raise p.error()
        if language == "plpgsql" and _is_empty_block(_string_value(body)):
            return CommandOutcome("DO")
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                       "DO blocks are not supported: PixelSQL does not run PL/pgSQL",
                       hint="Run the block's statements directly. An empty block "
                            "(DO $$ BEGIN END $$) is accepted.")

    # -- PREPARE / EXECUTE / DEALLOCATE ----------------------------------------------------

    def _prepare(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        p = _Tokens(stmt.text)
        p.i = 1
        name = p.name()
        declared: list[str] = []
        if p.is_op("("):
            declared = _type_list(p)
        p.expect("AS")
        first = p.peek()
        if first is None or (first.upper not in _PREPARABLE and not p.is_op("(")):
            raise p.error()
        inner_text = stmt.text[first.start:p.tokens[-1].end]
        inner = split(inner_text)
        if len(inner) != 1 or inner[0].kind not in (Kind.QUERY, Kind.DML):
            raise p.error()
        if name in self.prepared or (self.protocol_statements is not None and
                                     name in self.protocol_statements):
            raise SqlError(SqlState.DUPLICATE_PREPARED_STATEMENT,
                           f'prepared statement "{name}" already exists')
        query = inner[0]
        if len(declared) > query.param_count:
            query = _with_params(query, len(declared))
        given: list[str | None] = list(declared) + [None] * (query.param_count - len(declared))
        try:
            description = self.session.describe(query, given)
        except SqlError as exc:
            raise exc.shifted(first.start) from exc
        self.prepared[name] = SqlPrepared(name, query, description.param_types)
        return CommandOutcome("PREPARE")

    def _execute_prepared(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        p = _Tokens(stmt.text)
        p.i = 1
        name = p.name()
        args: list[str] = []
        if p.is_op("("):
            args = _argument_list(p)
        p.end()
        prepared = self.prepared.get(name) or self._protocol_prepared(name)
        if prepared is None:
            raise SqlError(SqlState.INVALID_SQL_STATEMENT_NAME,
                           f'prepared statement "{name}" does not exist')
        expected = len(prepared.param_types)
        if len(args) != expected:
            raise SqlError(SqlState.SYNTAX_ERROR,
                           f'wrong number of parameters for prepared statement "{name}"',
                           detail=f"Expected {expected} parameters but got {len(args)}.")
        if not args:
            return self.session.execute(prepared.statement, params)
        text = replace_params(
            prepared.statement.text,
            lambda n: f"CAST(({args[n - 1]}) AS {prepared.param_types[n - 1]})")
        bound = split(text)[0]
        try:
            return self.session.execute(bound, params)
        except SqlError as exc:
            # Positions would point into the substituted text, not at anything the user wrote.
            raise SqlError(exc.sqlstate, exc.message, exc.severity, exc.detail,
                           exc.hint) from exc

    def _protocol_prepared(self, name: str) -> SqlPrepared | None:
        """A statement a Parse message prepared, for ``EXECUTE`` (one namespace)."""
        found = self.protocol_statements.get(name) if self.protocol_statements else None
        if found is None:
            return None
        info, given = found
        return SqlPrepared(name, info, self.session.describe(info, given).param_types)

    def _deallocate(self, stmt: StatementInfo, params: Sequence[object]) -> Outcome:
        p = _Tokens(stmt.text)
        p.i = 1
        p.accept("PREPARE")
        if p.accept("ALL"):
            p.end()
            self._deallocate_all()
            return CommandOutcome("DEALLOCATE ALL")
        name = p.name()
        p.end()
        if self.prepared.pop(name, None) is None and not (
                self.protocol_statements is not None and self.protocol_statements.discard(name)):
            raise SqlError(SqlState.INVALID_SQL_STATEMENT_NAME,
                           f'prepared statement "{name}" does not exist')
        return CommandOutcome("DEALLOCATE")

    def _deallocate_all(self) -> None:
        self.prepared.clear()
        if self.protocol_statements is not None:
            self.protocol_statements.clear()


def _is_empty_block(body: str) -> bool:
    """``BEGIN END``, ``BEGIN NULL; END;`` and the like: a block that does nothing."""
    try:
        tokens = [t for t in tokenize(body) if t.kind is not Tok.SEMI]
    except SqlError:
        return False
    words = [t.upper for t in tokens]
    return (len(words) >= 2 and words[0] == "BEGIN" and words[-1] == "END"
            and all(w in _DO_NO_OP_WORDS for w in words))


def _split_parenthesised(p: _Tokens) -> list[str]:
    """The comma-separated items of ``( … )`` at ``p``, as source text."""
    assert p.is_op("(")
    open_tok = p.tokens[p.i]
    p.i += 1
    items: list[str] = []
    depth = 0
    start = open_tok.end
    while True:
        tok = p.peek()
        if tok is None:
            raise p.error()
        if tok.kind is Tok.OP and tok.text in "([":
            depth += 1
        elif tok.kind is Tok.OP and tok.text in ")]":
            if depth == 0:
                item = p.text[start:tok.start].strip()
                if item or items:
                    items.append(item)
                p.i += 1
                break
            depth -= 1
        elif tok.kind is Tok.OP and tok.text == "," and depth == 0:
            items.append(p.text[start:tok.start].strip())
            start = tok.end
        p.i += 1
    if any(not item for item in items):
        raise SqlError(SqlState.SYNTAX_ERROR, "syntax error at or near \",\"")
    return items


def _type_list(p: _Tokens) -> list[str]:
    types = _split_parenthesised(p)
    if not types:
        raise p.error()
    return types


def _argument_list(p: _Tokens) -> list[str]:
    return _split_parenthesised(p)


def _with_params(stmt: StatementInfo, count: int) -> StatementInfo:
    import dataclasses

    return dataclasses.replace(stmt, param_count=count)


_HANDLERS: dict[str, Handler] = {
    "DECLARE": SessionCommands._cursor,
    "FETCH": SessionCommands._cursor,
    "MOVE": SessionCommands._cursor,
    "CLOSE": SessionCommands._cursor,
    "SET": SessionCommands._set,
    "RESET": SessionCommands._reset,
    "DISCARD": SessionCommands._discard,
    "LISTEN": SessionCommands._listen,
    "UNLISTEN": SessionCommands._unlisten,
    "NOTIFY": SessionCommands._notify,
    "DO": SessionCommands._do,
    "GRANT": SessionCommands._privileges,
    "REVOKE": SessionCommands._privileges,
    "LOCK": SessionCommands._lock,
    "ALTER": SessionCommands._alter,
    "CREATE": SessionCommands._unsupported_create,
    "REFRESH": SessionCommands._unsupported_create,
    "PREPARE": SessionCommands._prepare,
    "EXECUTE": SessionCommands._execute_prepared,
    "DEALLOCATE": SessionCommands._deallocate,
    "SAVEPOINT": SessionCommands._savepoint,
    "RELEASE": SessionCommands._release,
    "ROLLBACK": SessionCommands._rollback_to,  # only ROLLBACK TO reaches here (engine.statements)
}
