"""The startup and schema-browsing queries of real tools, replayed against a running PixelSQL.

``tests/corpus/<tool>.sql`` holds, for DBeaver, DataGrip, Metabase, Grafana, pgAdmin, psqlODBC
(what Tableau's PostgreSQL connection sends through it) and SQLAlchemy's reflection, the
statements each tool sends when it connects and when a user opens the schema browser, written
from the tools' public sources or from a PostgreSQL log of a real session (each entry names its
source). Every statement is one test, run in file order on one connection per tool (the tools
send them as one session), through the protocol the tool uses:

- ``simple``: one Query message (libpq's PQexec; psycopg without parameters, psqlODBC, pgAdmin);
  several statements in one entry are sent together, as pgAdmin and psqlODBC do;
- ``extended``: Parse/Bind/Describe/Execute/Sync with an unnamed statement (libpq's
  PQexecParams; pgjdbc, which DBeaver, DataGrip and Metabase use, sends everything this way,
  psycopg whenever there are parameters);
- ``both``: each in turn (Grafana has used lib/pq's simple and pgx's extended protocol).

An entry passes when the server answers without error and the answer is plausible: the
``expect`` lines of the entry (the test table in a table listing, a column with its type, ...).

Entry format (``-- name:`` starts an entry; the ``-- key: value`` lines after it describe it;
the SQL follows)::

    -- name: tables_in_schema
    -- source: where the statement comes from
    -- protocol: extended                  simple (default) | extended | both
    -- params: ["{schema_oid}", "r"]        JSON list, bound as text; placeholders below
    -- types: ["int8", "varchar"]           parameter type per param (default: unknown, OID 0;
                                            pyint: int2/int4/int8 by value, as psycopg sends)
    -- expect: contains corpus_items        some cell equals the value
    -- expect: absent corpus_items_view     no cell equals the value
    -- expect: rows>=1 | rows=0             row count
    -- expect: columns oid,relname          the result has these columns
    -- expect: row attname=price,format_type=numeric(10,2)   one row has all these cells
    -- expect: match ^PostgreSQL \\d+        some cell matches the regular expression
    SELECT ...

Placeholders: ``{table_oid}``, ``{view_oid}`` and ``{schema_oid}`` (the OIDs of
``public.corpus_items``, ``public.corpus_items_view`` and ``public``, looked up through pg_catalog
once; an entry that needs one that could not be looked up fails saying why).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import pq

from tests.conftest import RunningServer

pytestmark = pytest.mark.integration

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
TOOLS = ["dbeaver", "datagrip", "metabase", "grafana", "pgadmin", "psqlodbc", "sqlalchemy"]

# The schema every corpus browses: a table with the column kinds tools display, an index, a view.
SETUP_SQL = [
    "DROP VIEW IF EXISTS corpus_items_view",
    "DROP TABLE IF EXISTS corpus_items",
    "CREATE TABLE corpus_items (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL,"
    " price NUMERIC(10,2) DEFAULT 0, created TIMESTAMP, active BOOLEAN)",
    "CREATE INDEX corpus_items_name_idx ON corpus_items (name)",
    "CREATE VIEW corpus_items_view AS SELECT id, name FROM corpus_items",
    "INSERT INTO corpus_items VALUES"
    " (1, 'widget', 12.50, '2024-01-01 10:00:00', true),"
    " (2, 'gadget', 3.25, '2024-01-01 10:05:00', false),"
    " (3, 'doohickey', 0, '2024-01-01 10:10:00', true)",
]

PLACEHOLDER_QUERIES = {
    "table_oid": "SELECT c.oid FROM pg_catalog.pg_class c"
                 " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                 " WHERE n.nspname = 'public' AND c.relname = 'corpus_items'",
    "view_oid": "SELECT c.oid FROM pg_catalog.pg_class c"
                " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relname = 'corpus_items_view'",
    "schema_oid": "SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'public'",
}

TYPE_OIDS = {"unknown": 0, "bool": 16, "int8": 20, "int2": 21, "int4": 23, "text": 25,
             "oid": 26, "varchar": 1043}


def _param_type(name: str, value: str) -> int:
    """The OID a parameter is sent with; ``pyint`` is psycopg's choice for a Python int."""
    if name != "pyint":
        return TYPE_OIDS[name]
    number = int(value)
    if -(2**15) <= number < 2**15:
        return TYPE_OIDS["int2"]
    return TYPE_OIDS["int4"] if -(2**31) <= number < 2**31 else TYPE_OIDS["int8"]


# -- the corpus files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    tool: str
    name: str
    sql: str
    source: str = ""
    protocol: str = "simple"
    params: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    expects: tuple[str, ...] = ()

    @property
    def test_id(self) -> str:
        return f"{self.tool}:{self.name}"


def parse_corpus(tool: str, text: str) -> list[Entry]:
    """Split a corpus file into entries; raises ValueError on a malformed entry."""
    entries: list[Entry] = []
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("-- name:")]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        meta: dict[str, Any] = {"expects": []}
        meta["name"] = lines[start].split(":", 1)[1].strip()
        i = start + 1
        while i < end and re.match(r"^-- [a-z]+: ", lines[i]):
            key, value = lines[i][3:].split(": ", 1)
            if key == "expect":
                meta["expects"].append(value.strip())
            elif key in ("params", "types"):
                meta[key] = tuple(str(v) for v in json.loads(value))
            elif key in ("source", "protocol"):
                meta[key] = (meta.get(key, "") + " " + value.strip()).strip()
            elif key != "note":
                raise ValueError(f"{tool}.sql entry {meta['name']}: unknown key {key!r}")
            i += 1
        body = lines[i:end]
        # Trailing blank and comment lines separate entries; a comment-only statement (pgx's
        # "-- ping") stays as it is.
        code = [n for n, line in enumerate(body)
                if line.strip() and not line.lstrip().startswith("--")]
        body = body[: code[-1] + 1] if code else [line for line in body if line.strip()]
        sql = "\n".join(body).strip()
        if sql.endswith(";") and meta.get("protocol", "simple") != "simple":
            sql = sql[:-1].rstrip()
        if not sql:
            raise ValueError(f"{tool}.sql entry {meta['name']} has no SQL")
        entry = Entry(tool=tool, name=meta["name"], sql=sql, source=meta.get("source", ""),
                      protocol=meta.get("protocol", "simple"), params=meta.get("params", ()),
                      types=meta.get("types", ()), expects=tuple(meta["expects"]))
        if entry.protocol not in ("simple", "extended", "both"):
            raise ValueError(f"{entry.test_id}: protocol {entry.protocol!r}")
        if entry.params and entry.protocol == "simple":
            raise ValueError(f"{entry.test_id}: parameters need the extended protocol")
        if entry.types and len(entry.types) != len(entry.params):
            raise ValueError(f"{entry.test_id}: {len(entry.types)} types for "
                             f"{len(entry.params)} params")
        entries.append(entry)
    return entries


def load_corpus() -> list[Entry]:
    entries: list[Entry] = []
    for tool in TOOLS:
        entries.extend(parse_corpus(tool, (CORPUS_DIR / f"{tool}.sql").read_text("utf-8")))
    return entries


CORPUS = load_corpus()


def test_corpus_files_are_well_formed() -> None:
    ids = [entry.test_id for entry in CORPUS]
    assert len(ids) == len(set(ids)), "duplicate entry names"
    for tool in TOOLS:
        assert sum(entry.tool == tool for entry in CORPUS) >= 8, f"{tool}.sql is thin"
    for entry in CORPUS:
        assert entry.source, f"{entry.test_id} names no source"


# -- running statements ----------------------------------------------------------------------------


@dataclass
class Answer:
    """What the server sent back for one entry: the last result set, or the first error."""

    columns: list[str] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)
    error: str | None = None


def _error_text(res: pq.PGresult) -> str:
    sqlstate = res.error_field(pq.DiagnosticField.SQLSTATE)
    message = (res.error_message or b"").decode("utf-8", "replace").strip()
    return f"[{(sqlstate or b'?????').decode()}] {message}"


def _collect(results: list[pq.PGresult]) -> Answer:
    answer = Answer()
    for res in results:
        if res.status in (pq.ExecStatus.FATAL_ERROR, pq.ExecStatus.BAD_RESPONSE):
            answer.error = answer.error or _error_text(res)
        elif res.status == pq.ExecStatus.TUPLES_OK:
            answer.columns = [(res.fname(i) or b"").decode() for i in range(res.nfields)]
            answer.rows = [
                [None if res.get_value(r, c) is None else bytes(res.get_value(r, c) or b"")
                 .decode("utf-8", "replace") for c in range(res.nfields)]
                for r in range(res.ntuples)
            ]
    return answer


class ToolSession:
    """One raw libpq connection per tool, reopened when a statement leaves it unusable."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self.pgconn: pq.PGconn | None = None

    def connection(self) -> pq.PGconn:
        if self.pgconn is None or self.pgconn.status != pq.ConnStatus.OK:
            self.pgconn = pq.PGconn.connect(self.conninfo.encode())
            if self.pgconn.status != pq.ConnStatus.OK:
                message = self.pgconn.error_message.decode("utf-8", "replace")
                self.pgconn = None
                raise AssertionError(f"cannot connect: {message}")
        return self.pgconn

    def run_simple(self, sql: str) -> Answer:
        pgconn = self.connection()
        try:
            pgconn.send_query(sql.encode())
        except psycopg.OperationalError as exc:
            return Answer(error=str(exc))
        return _collect(self._drain(pgconn))

    def run_extended(self, sql: str, params: list[str], types: list[int]) -> Answer:
        pgconn = self.connection()
        values: list[bytes | None] = [p.encode() for p in params]
        res = pgconn.exec_params(sql.encode(), values, param_types=types or None)
        return _collect([res])

    @staticmethod
    def _drain(pgconn: pq.PGconn) -> list[pq.PGresult]:
        results = []
        while (res := pgconn.get_result()) is not None:
            results.append(res)
        return results

    def recover(self) -> None:
        """After an error: leave a failed transaction, as a tool's error handler would."""
        if self.pgconn is None:
            return
        if self.pgconn.status != pq.ConnStatus.OK:
            self.pgconn = None
        elif self.pgconn.transaction_status == pq.TransactionStatus.INERROR:
            self.pgconn.exec_(b"ROLLBACK")

    def close(self) -> None:
        if self.pgconn is not None:
            self.pgconn.finish()
            self.pgconn = None


@pytest.fixture(scope="module")
def corpus_schema(server: RunningServer) -> Iterator[None]:
    try:
        with psycopg.connect(server.dsn(), autocommit=True, connect_timeout=10) as conn:
            for statement in SETUP_SQL:
                conn.execute(statement)
        yield
    finally:
        with psycopg.connect(server.dsn(), autocommit=True, connect_timeout=10) as conn:
            conn.execute("DROP VIEW IF EXISTS corpus_items_view")
            conn.execute("DROP TABLE IF EXISTS corpus_items")


@pytest.fixture(scope="module")
def placeholders(server: RunningServer, corpus_schema: None) -> dict[str, str | Exception]:
    """Placeholder values, or why one could not be looked up (reported by the entries using it)."""
    values: dict[str, str | Exception] = {}
    with psycopg.connect(server.dsn(), autocommit=True, connect_timeout=10) as conn:
        for key, query in PLACEHOLDER_QUERIES.items():
            try:
                row = conn.execute(query).fetchone()
                values[key] = str(row[0]) if row else LookupError(f"{query} found nothing")
            except psycopg.Error as exc:
                values[key] = exc
    return values


@pytest.fixture(scope="module")
def sessions(server: RunningServer, corpus_schema: None) -> Iterator[dict[str, ToolSession]]:
    opened: dict[str, ToolSession] = {}
    base = server.dsn(connect_timeout="10")
    for tool in TOOLS:
        opened[tool] = ToolSession(f"{base} application_name=corpus-{tool}")
    yield opened
    for session in opened.values():
        session.close()


def _substitute(text: str, values: dict[str, str | Exception]) -> str:
    def replace(match: re.Match[str]) -> str:
        value = values.get(match[1])
        if value is None:
            return match[0]
        if isinstance(value, Exception):
            raise AssertionError(f"could not look up {{{match[1]}}} for this entry: "
                                 f"{type(value).__name__}: {value}")
        return value

    return re.sub(r"\{([a-z_]+)\}", replace, text)


def _check_expectation(expect: str, answer: Answer) -> str | None:
    """None when the answer meets the expectation, else what is wrong."""
    cells = {cell for row in answer.rows for cell in row if cell is not None}
    kind, _, arg = expect.partition(" ")
    if kind.startswith("rows"):
        op, count = re.fullmatch(r"rows(>=|=|<=)(\d+)", kind).groups()  # type: ignore[union-attr]
        n = len(answer.rows)
        ok = {">=": n >= int(count), "=": n == int(count), "<=": n <= int(count)}[op]
        return None if ok else f"expected {kind}, got {n} rows"
    if kind == "contains":
        return None if arg in cells else f"no cell equals {arg!r}"
    if kind == "absent":
        return None if arg not in cells else f"a cell equals {arg!r}"
    if kind == "match":
        pattern = re.compile(arg)
        return None if any(pattern.search(c) for c in cells) else f"no cell matches /{arg}/"
    if kind == "columns":
        missing = [c for c in arg.split(",") if c not in answer.columns]
        return None if not missing else f"missing columns {missing} in {answer.columns}"
    if kind == "row":
        # "col=value,col=value"; a value may hold commas ("numeric(10,2)")
        wanted = dict(pair.split("=", 1) for pair in re.split(r",(?=[\w?-]+=)", arg))
        unknown = [c for c in wanted if c not in answer.columns]
        if unknown:
            return f"no columns {unknown} in {answer.columns}"
        index = {c: answer.columns.index(c) for c in wanted}
        for row in answer.rows:
            if all(row[index[c]] == v for c, v in wanted.items()):
                return None
        return f"no row with {wanted}"
    raise ValueError(f"unknown expectation {expect!r}")


def _describe(answer: Answer, limit: int = 8) -> str:
    shown = "\n".join(f"  {row}" for row in answer.rows[:limit])
    more = f"\n  ... {len(answer.rows) - limit} more" if len(answer.rows) > limit else ""
    return f"columns {answer.columns}, {len(answer.rows)} rows:\n{shown}{more}"


@pytest.mark.parametrize("entry", CORPUS, ids=[entry.test_id for entry in CORPUS])
def test_tool_statement(entry: Entry, sessions: dict[str, ToolSession],
                        placeholders: dict[str, str | Exception]) -> None:
    session = sessions[entry.tool]
    sql = _substitute(entry.sql, placeholders)
    params = [_substitute(p, placeholders) for p in entry.params]
    type_names = entry.types or ("unknown",) * len(params)
    types = [_param_type(t, v) for t, v in zip(type_names, params, strict=True)]
    protocols = ["simple", "extended"] if entry.protocol == "both" else [entry.protocol]
    for protocol in protocols:
        if protocol == "simple":
            answer = session.run_simple(sql)
        else:
            answer = session.run_extended(sql, params, types)
        if answer.error is not None:
            session.recover()
            pytest.fail(f"{protocol} protocol: {answer.error}\nsource: {entry.source}\n{sql}")
        problems = [p for e in entry.expects if (p := _check_expectation(e, answer))]
        assert not problems, (f"{protocol} protocol: {'; '.join(problems)}\n"
                              f"{_describe(answer)}\nsource: {entry.source}")
