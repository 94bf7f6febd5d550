"""Splitting a query string into statements and classifying each one, from tokens.

A simple Query message may carry several statements; Parse carries one. This module tokenizes the
text with :mod:`engine.lexer` (so quotes, dollar quotes, comments and ``$n`` parameters are
understood), splits at top-level semicolons, and gives each statement a
:class:`StatementInfo`: what kind it is, which command tag it completes with, whether it returns
rows, how many parameters it takes, and — for ``COPY … FROM STDIN`` / ``TO STDOUT`` — the parsed
COPY options. Nothing here executes SQL; results are cached by text, since clients repeat the same
statements many times.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb

from engine.errors import SqlError, SqlState
from engine.lexer import Tok, Token, tokenize


class Kind(enum.Enum):
    """How the server must run a statement and report it."""

    EMPTY = "empty"  # only whitespace/comments: EmptyQueryResponse
    QUERY = "query"  # returns rows: SELECT n
    DML = "dml"  # INSERT/UPDATE/DELETE/MERGE: a row count (or rows with RETURNING)
    BEGIN = "begin"
    COMMIT = "commit"
    ROLLBACK = "rollback"
    COPY_IN = "copy_in"  # COPY … FROM STDIN
    COPY_OUT = "copy_out"  # COPY … TO STDOUT
    UTILITY = "utility"  # DDL, SET, and anything else: a fixed tag, no rows


# First keyword → (kind, fixed tag or None when the tag is computed).
_FIRST_WORD: dict[str, tuple[Kind, str | None]] = {
    "SELECT": (Kind.QUERY, "SELECT"),
    "VALUES": (Kind.QUERY, "SELECT"),
    "TABLE": (Kind.QUERY, "SELECT"),
    "FROM": (Kind.QUERY, "SELECT"),  # DuckDB's FROM-first syntax
    "SHOW": (Kind.QUERY, "SHOW"),
    "DESCRIBE": (Kind.QUERY, "SELECT"),
    "SUMMARIZE": (Kind.QUERY, "SELECT"),
    "EXPLAIN": (Kind.QUERY, "EXPLAIN"),
    "PIVOT": (Kind.QUERY, "SELECT"),
    "UNPIVOT": (Kind.QUERY, "SELECT"),
    "CALL": (Kind.QUERY, "SELECT"),
    "PRAGMA": (Kind.QUERY, "SELECT"),
    "INSERT": (Kind.DML, "INSERT"),
    "UPDATE": (Kind.DML, "UPDATE"),
    "DELETE": (Kind.DML, "DELETE"),
    "MERGE": (Kind.DML, "MERGE"),
    "BEGIN": (Kind.BEGIN, "BEGIN"),
    "START": (Kind.BEGIN, "START TRANSACTION"),
    "COMMIT": (Kind.COMMIT, "COMMIT"),
    "END": (Kind.COMMIT, "COMMIT"),
    "ROLLBACK": (Kind.ROLLBACK, "ROLLBACK"),
    "ABORT": (Kind.ROLLBACK, "ROLLBACK"),
    "CREATE": (Kind.UTILITY, None),
    "DROP": (Kind.UTILITY, None),
    "ALTER": (Kind.UTILITY, None),
    "COPY": (Kind.UTILITY, "COPY"),
    "TRUNCATE": (Kind.UTILITY, "TRUNCATE TABLE"),
    "SET": (Kind.UTILITY, "SET"),
    "RESET": (Kind.UTILITY, "RESET"),
    "CHECKPOINT": (Kind.UTILITY, "CHECKPOINT"),
    "VACUUM": (Kind.UTILITY, "VACUUM"),
    "ANALYZE": (Kind.UTILITY, "ANALYZE"),
    "COMMENT": (Kind.UTILITY, "COMMENT"),
    "PREPARE": (Kind.UTILITY, "PREPARE"),
    "DEALLOCATE": (Kind.UTILITY, "DEALLOCATE"),
    "ATTACH": (Kind.UTILITY, "ATTACH"),
    "DETACH": (Kind.UTILITY, "DETACH"),
    "USE": (Kind.UTILITY, "USE"),
    "INSTALL": (Kind.UTILITY, "INSTALL"),
    "LOAD": (Kind.UTILITY, "LOAD"),
    "EXPORT": (Kind.UTILITY, "EXPORT"),
    "IMPORT": (Kind.UTILITY, "IMPORT"),
    # Session-level commands run by PixelSQL itself (engine.session_commands, engine.cursors);
    # where the tag depends on the statement the session computes it.
    "DECLARE": (Kind.UTILITY, "DECLARE CURSOR"),
    "FETCH": (Kind.QUERY, "FETCH"),
    "MOVE": (Kind.UTILITY, "MOVE"),
    "CLOSE": (Kind.UTILITY, "CLOSE CURSOR"),
    "DISCARD": (Kind.UTILITY, "DISCARD"),
    "LISTEN": (Kind.UTILITY, "LISTEN"),
    "UNLISTEN": (Kind.UTILITY, "UNLISTEN"),
    "NOTIFY": (Kind.UTILITY, "NOTIFY"),
    "DO": (Kind.UTILITY, "DO"),
    "EXECUTE": (Kind.UTILITY, "EXECUTE"),
    "SAVEPOINT": (Kind.UTILITY, "SAVEPOINT"),
    "RELEASE": (Kind.UTILITY, "RELEASE"),
    # ThanoSQL statements (engine.thanosql; DELETE/DROP MODEL and COPY … FROM 'folder' are
    # recognised by the session, their first words being ordinary SQL).
    "BUILD": (Kind.UTILITY, "BUILD MODEL"),
    "FIT": (Kind.UTILITY, "FIT MODEL"),
    "PREDICT": (Kind.QUERY, "SELECT"),
    "EVALUATE": (Kind.QUERY, "SELECT"),
    "LIST": (Kind.QUERY, "SELECT"),
    "PRINT": (Kind.QUERY, "SELECT"),
    "CANCEL": (Kind.UTILITY, "CANCEL JOB"),
}

# Words between CREATE/DROP/ALTER and the object type that the tag leaves out.
_TAG_SKIP = frozenset(
    {"OR", "REPLACE", "TEMP", "TEMPORARY", "UNIQUE", "UNLOGGED", "PERSISTENT", "GLOBAL", "LOCAL"}
)
_OBJECT_WORDS = {
    "TABLE": "TABLE",
    "VIEW": "VIEW",
    "INDEX": "INDEX",
    "SCHEMA": "SCHEMA",
    "SEQUENCE": "SEQUENCE",
    "MACRO": "FUNCTION",
    "FUNCTION": "FUNCTION",
    "TYPE": "TYPE",
    "DATABASE": "DATABASE",
    "SECRET": "SECRET",
}

# DuckDB's own statement types for leading words we cannot classify alone (WITH, parentheses).
_DUCK_KINDS: dict[str, tuple[Kind, str]] = {
    "SELECT": (Kind.QUERY, "SELECT"),
    "INSERT": (Kind.DML, "INSERT"),
    "UPDATE": (Kind.DML, "UPDATE"),
    "DELETE": (Kind.DML, "DELETE"),
    "MERGE_INTO": (Kind.DML, "MERGE"),
    "EXPLAIN": (Kind.QUERY, "EXPLAIN"),
}


class CopyFormat(enum.Enum):
    TEXT = "text"
    CSV = "csv"
    BINARY = "binary"


@dataclass(frozen=True, slots=True)
class CopySpec:
    """A parsed ``COPY table [(cols)] FROM STDIN`` or ``COPY table|(query) TO STDOUT``."""

    direction: str  # 'in' or 'out'
    table: str | None  # quoted-as-written table name, or None for COPY (query) TO
    columns: tuple[str, ...]
    query: str | None  # the text of the parenthesised query for COPY (query) TO STDOUT
    format: CopyFormat = CopyFormat.TEXT
    delimiter: str = "\t"
    null: str = "\\N"
    header: bool = False
    quote: str = '"'
    escape: str = '"'
    # CSV column lists, names as PostgreSQL folds them; ("*",) in force_quote is every column.
    force_quote: tuple[str, ...] = ()
    force_not_null: tuple[str, ...] = ()
    force_null: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StatementInfo:
    """One statement of a query string, classified."""

    text: str
    offset: int  # character offset of ``text`` in the whole query string
    kind: Kind
    tag: str  # command tag verb, e.g. 'SELECT', 'INSERT', 'CREATE TABLE'
    param_count: int = 0
    returning: bool = False  # DML … RETURNING returns rows
    copy: CopySpec | None = None
    first_word: str = ""
    words: tuple[str, ...] = field(default=(), repr=False)  # upper-cased leading words
    select_into: bool = False  # SELECT … INTO new_table: creates a table, no rows

    @property
    def returns_rows(self) -> bool:
        return self.kind is Kind.QUERY or (self.kind is Kind.DML and self.returning)

    @property
    def changes_schema(self) -> bool:
        return self.select_into or self.first_word in ("CREATE", "DROP", "ALTER", "ATTACH",
                                                       "DETACH", "USE")


@lru_cache(maxsize=2048)
def split(sql: str) -> tuple[StatementInfo, ...]:
    """Split a query string at top-level semicolons and classify each statement."""
    if not sql.strip():
        return (StatementInfo("", 0, Kind.EMPTY, ""),)
    tokens = tokenize(sql)
    groups: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.kind is Tok.SEMI:
            groups.append([])
        else:
            groups[-1].append(tok)
    statements: list[StatementInfo] = []
    for group in groups:
        if not group:
            continue
        start = group[0].start
        text = sql[start : group[-1].end]
        statements.append(_classify(text, start, group))
    if not statements:
        return (StatementInfo("", 0, Kind.EMPTY, ""),)
    return tuple(statements)


def _param_count(tokens: list[Token]) -> int:
    return max((int(t.text) for t in tokens if t.kind is Tok.PARAM), default=0)


def _classify(text: str, offset: int, tokens: list[Token]) -> StatementInfo:
    words = tuple(t.upper for t in tokens[:8])
    first = words[0] if words else ""
    # PREPARE's $n belong to the statement it prepares, not to PREPARE itself.
    params = _param_count(tokens) if first != "PREPARE" else 0
    if first == "COPY":
        copy = parse_copy(text, list(tokens))
        if copy is not None:
            kind = Kind.COPY_IN if copy.direction == "in" else Kind.COPY_OUT
            return StatementInfo(text, offset, kind, "COPY", params, False, copy, first, words)
    entry = _FIRST_WORD.get(first)
    if entry is None:
        kind, tag = _duckdb_kind(text)
    else:
        kind, fixed = entry
        tag = fixed if fixed is not None else _ddl_tag(words)
    if first == "ROLLBACK" and "TO" in words[1:3]:
        kind = Kind.UTILITY  # ROLLBACK TO SAVEPOINT does not end the transaction
    if first == "CREATE" and is_create_as(tokens):
        # PostgreSQL completes CREATE TABLE … AS with 'SELECT n' (no rows: 'CREATE TABLE AS')
        no_data = [t.upper for t in tokens[-3:]] == ["WITH", "NO", "DATA"]
        tag = "CREATE TABLE AS" if no_data else "SELECT"
    if kind is Kind.QUERY and first in ("SELECT", "WITH") and _into_clause(tokens) is not None:
        return StatementInfo(text, offset, Kind.UTILITY, "SELECT", params, False, None, first,
                             words, select_into=True)
    returning = kind is Kind.DML and any(t.upper == "RETURNING" for t in tokens)
    if first == "EXPLAIN" and "ANALYZE" in words[1:2]:
        tag = "EXPLAIN"
    return StatementInfo(text, offset, kind, tag, params, returning, None, first, words)


def _ddl_tag(words: tuple[str, ...]) -> str:
    verb = words[0]
    for w in words[1:]:
        if w in _TAG_SKIP:
            continue
        obj = _OBJECT_WORDS.get(w)
        return f"{verb} {obj}" if obj else verb
    return verb


def _top_level(tokens: Sequence[Token]) -> Iterator[tuple[int, Token]]:
    """(index, token) of the tokens outside any brackets."""
    depth = 0
    for i, tok in enumerate(tokens):
        if tok.kind is Tok.OP and tok.text == "(":
            depth += 1
        elif tok.kind is Tok.OP and tok.text == ")":
            depth -= 1
        elif depth == 0:
            yield i, tok


def is_create_as(tokens: Sequence[Token]) -> bool:
    """CREATE [TEMP] TABLE name [(...)] AS query — a top-level AS after the table name."""
    words = [t.upper for t in tokens[:6]]
    return "TABLE" in words and any(tok.upper == "AS" for _, tok in _top_level(tokens))


@dataclass(frozen=True, slots=True)
class _Into:
    """The ``INTO [TEMP | UNLOGGED] [TABLE] name`` clause of a SELECT: token positions."""

    start: int  # the INTO token
    name: int  # the first token of the table name
    end: int  # just past the name
    temporary: bool


def _into_clause(tokens: Sequence[Token]) -> _Into | None:
    """PostgreSQL's ``SELECT … INTO new_table``: an INTO at the top level of a query (not
    INSERT INTO or MERGE INTO, which a WITH may lead to)."""
    for i, tok in _top_level(tokens):
        if tok.upper in ("INSERT", "MERGE", "UPDATE", "DELETE"):
            return None
        if tok.upper == "INTO":
            return _into_at(tokens, i)
    return None


def name_end(tokens: Sequence[Token], i: int) -> int:
    """Just past the (possibly qualified) name starting at ``tokens[i]`` (``a``, ``s."T"``),
    a trailing ``.`` included; ``i`` when no name starts there."""
    end = i
    while end < len(tokens) and tokens[end].kind in (Tok.WORD, Tok.IDENT):
        end += 1
        if end < len(tokens) and tokens[end].kind is Tok.OP and tokens[end].text == ".":
            end += 1
        else:
            break
    return end


def _into_at(tokens: Sequence[Token], i: int) -> _Into | None:
    j = i + 1
    temporary = False
    if j < len(tokens) and tokens[j].upper in ("TEMP", "TEMPORARY", "UNLOGGED"):
        temporary = tokens[j].upper != "UNLOGGED"
        j += 1
    if j < len(tokens) and tokens[j].upper == "TABLE":
        j += 1
    end = name_end(tokens, j)
    if end == j or tokens[end - 1].kind is Tok.OP:
        return None
    return _Into(i, j, end, temporary)


def select_into_as_create(sql: str) -> str | None:
    """``SELECT a INTO [TEMP] t FROM …`` as ``CREATE [TEMP] TABLE t AS SELECT a FROM …``
    (DuckDB has no SELECT INTO); None for any other statement."""
    tokens = tokenize(sql)
    if not tokens or tokens[0].upper not in ("SELECT", "WITH"):
        return None
    into = _into_clause(tokens)
    if into is None:
        return None
    name = sql[tokens[into.name].start:tokens[into.end - 1].end]
    start = tokens[0].start
    before = sql[start:tokens[into.start].start]
    after = sql[tokens[into.end - 1].end:tokens[-1].end]
    temp = "TEMPORARY " if into.temporary else ""
    return f"CREATE {temp}TABLE {name} AS {before.rstrip()} {after.lstrip()}".rstrip()


_LOCK_STRENGTHS = (("UPDATE",), ("SHARE",), ("NO", "KEY", "UPDATE"), ("KEY", "SHARE"))


def _lock_clause_end(tokens: Sequence[Token], i: int) -> int:
    """Past the row-locking clause starting at ``tokens[i]`` (``FOR UPDATE [OF t, …] [NOWAIT |
    SKIP LOCKED]`` and the other strengths), or ``i`` when none starts there."""
    if tokens[i].upper != "FOR":
        return i
    for strength in _LOCK_STRENGTHS:
        words = [t.upper for t in tokens[i + 1:i + 1 + len(strength)]]
        if tuple(words) == strength:
            j = i + 1 + len(strength)
            break
    else:
        return i
    if j < len(tokens) and tokens[j].upper == "OF":
        j += 1
        while j < len(tokens) and (tokens[j].kind in (Tok.WORD, Tok.IDENT)
                                   or (tokens[j].kind is Tok.OP and tokens[j].text in ".,")):
            if tokens[j].upper in ("NOWAIT", "SKIP", "FOR", "LIMIT", "OFFSET"):
                break
            j += 1
    if j < len(tokens) and tokens[j].upper == "NOWAIT":
        j += 1
    elif j + 1 < len(tokens) and tokens[j].upper == "SKIP" and tokens[j + 1].upper == "LOCKED":
        j += 2
    return j


def without_row_locks(sql: str) -> str | None:
    """The query without its row-locking clauses (``FOR UPDATE``, ``FOR SHARE`` …), which DuckDB
    does not read; None when it has none. DuckDB's transactions detect conflicting writes when
    they happen (40001), so a lock taken to guard a read-then-write is not needed for
    correctness; waiting for another transaction's lock (and SKIP LOCKED queues) is not had."""
    tokens = tokenize(sql)
    if not tokens or tokens[0].upper not in ("SELECT", "WITH", "("):
        return None
    out, last, i = [], 0, 0
    while i < len(tokens):
        end = _lock_clause_end(tokens, i)
        if end > i:
            out.append(sql[last:tokens[i].start])
            last = tokens[end - 1].end
            i = end
        else:
            i += 1
    if not out:
        return None
    out.append(sql[last:tokens[-1].end])
    return "".join(out).strip()


def _duckdb_kind(text: str) -> tuple[Kind, str]:
    """Ask DuckDB's parser what a statement is when its first word does not tell (e.g. WITH)."""
    try:
        parsed = duckdb.extract_statements(text)
    except duckdb.Error:
        return Kind.QUERY, "SELECT"  # let execution report the syntax error with its position
    if not parsed:
        return Kind.EMPTY, ""
    name = parsed[0].type.name
    return _DUCK_KINDS.get(name, (Kind.UTILITY, name.replace("_", " ")))


# --- COPY --------------------------------------------------------------------------------------


def _is(tok: Token, text: str) -> bool:
    return tok.kind is Tok.OP and tok.text == text


def literal_value(tok: Token) -> str:
    """The value of an option token: a string literal unquoted, anything else as written."""
    if tok.kind is Tok.STRING:
        raw = tok.text
        if raw[:1] in "eE":
            return raw[2:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        return raw[1:-1].replace("''", "'")
    return tok.text


def _quote_ident(tok: Token) -> str:
    if tok.kind is Tok.IDENT:  # was double-quoted in the source
        return '"' + tok.text.replace('"', '""') + '"'
    return tok.text


def parse_copy(text: str, tokens: list[Token]) -> CopySpec | None:
    """Parse COPY … FROM STDIN / TO STDOUT; None for other COPY forms (files, left to DuckDB)."""
    n = len(tokens)
    base = tokens[0].start
    i = 1
    table: str | None = None
    query: str | None = None
    columns: list[str] = []
    if i < n and _is(tokens[i], "("):
        depth, j = 0, i
        while j < n:
            if _is(tokens[j], "("):
                depth += 1
            elif _is(tokens[j], ")"):
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= n:
            return None
        query = text[tokens[i].end - base : tokens[j].start - base].strip()
        i = j + 1
    else:
        parts: list[str] = []
        while i < n and tokens[i].kind in (Tok.WORD, Tok.IDENT):
            parts.append(_quote_ident(tokens[i]))
            if i + 1 < n and _is(tokens[i + 1], "."):
                i += 2
                continue
            i += 1
            break
        if not parts:
            return None
        table = ".".join(parts)
        if i < n and _is(tokens[i], "("):
            i += 1
            while i < n and not _is(tokens[i], ")"):
                if not _is(tokens[i], ","):
                    columns.append(_quote_ident(tokens[i]))
                i += 1
            i += 1
    if i + 1 >= n:
        return None
    direction_word = tokens[i].upper
    target = tokens[i + 1].upper
    if direction_word == "FROM" and target == "STDIN":
        direction = "in"
    elif direction_word == "TO" and target == "STDOUT":
        direction = "out"
    else:
        return None
    options, lists = _copy_options(tokens[i + 2 :])
    fmt_name = options.get("FORMAT", "text").lower()
    try:
        fmt = CopyFormat(fmt_name)
    except ValueError as exc:
        raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                       f'COPY format "{fmt_name}" not recognized') from exc
    csv = fmt is CopyFormat.CSV
    delimiter = options.get("DELIMITER", "," if csv else "\t")
    null = options.get("NULL", "" if csv else "\\N")
    quote = options.get("QUOTE", '"')
    escape = options.get("ESCAPE", quote)
    header = options.get("HEADER", "false").lower() in ("true", "on", "1", "")
    if len(delimiter) != 1:
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                       "COPY delimiter must be a single one-byte character")
    if fmt is CopyFormat.BINARY and ("DELIMITER" in options or "NULL" in options):
        raise SqlError(SqlState.SYNTAX_ERROR, "cannot specify DELIMITER or NULL in BINARY mode")
    if fmt is CopyFormat.BINARY and header:
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED, "cannot specify HEADER in BINARY mode")
    if options.get("HEADER", "").lower() == "match":
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED, 'HEADER "match" is not supported',
                       hint="Use HEADER true: the header line is skipped, not compared.")
    if options.get("ENCODING", "UTF8").upper().replace("-", "") not in ("UTF8", "UNICODE"):
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                       "COPY supports only the UTF8 encoding here")
    for name, only in (("FORCE_QUOTE", "out"), ("FORCE_NOT_NULL", "in"), ("FORCE_NULL", "in")):
        if name not in lists:
            continue
        words = name.lower().replace("_", " ")
        if not csv:
            raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                           f"COPY {words} available only in CSV mode")
        if direction != only:
            raise SqlError(SqlState.FEATURE_NOT_SUPPORTED, f"COPY {words} only available using "
                           f"COPY {'TO' if only == 'out' else 'FROM'}")
    return CopySpec(direction, table, tuple(columns), query, fmt, delimiter, null, header,
                    quote, escape, lists.get("FORCE_QUOTE", ()),
                    lists.get("FORCE_NOT_NULL", ()), lists.get("FORCE_NULL", ()))


def copy_columns(listed: tuple[str, ...], names: Sequence[str],
                 table: str | None) -> tuple[bool, ...]:
    """Which of the COPY's columns ``names`` a FORCE_* list picks (``*``: every one); 42703
    for a listed name that is not among them, as PostgreSQL answers."""
    if listed == ("*",):
        return (True,) * len(names)
    for name in listed:
        if name not in names:
            where = f' of relation "{table.replace(chr(34), "")}"' if table else ""
            raise SqlError(SqlState.UNDEFINED_COLUMN, f'column "{name}"{where} does not exist')
    return tuple(name in listed for name in names)


# COPY's options (PostgreSQL 15): those taking a column list, and the rest.
_COPY_LIST_OPTIONS = frozenset({"FORCE_QUOTE", "FORCE_NOT_NULL", "FORCE_NULL"})
_COPY_OPTIONS = frozenset({"FORMAT", "DELIMITER", "NULL", "HEADER", "QUOTE", "ESCAPE",
                           "ENCODING", "FREEZE", *_COPY_LIST_OPTIONS})


def _copy_options(tokens: list[Token]) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Both option syntaxes: ``WITH (FORMAT csv, HEADER true, FORCE_QUOTE (a, b))`` and the
    older ``WITH CSV HEADER FORCE QUOTE a, b``. Returns the options with one value, and those
    with a column list (names folded as PostgreSQL folds them; ``*`` for all)."""
    options: dict[str, str] = {}
    lists: dict[str, tuple[str, ...]] = {}
    toks = [t for t in tokens if t.upper != "WITH"]
    if toks and _is(toks[0], "("):
        current: list[Token] = []
        depth = 0
        for tok in toks[1:]:
            if depth == 0 and (_is(tok, ",") or _is(tok, ")")):
                if current:
                    _copy_option(current, options, lists)
                current = []
                continue
            depth += _is(tok, "(") - _is(tok, ")")
            current.append(tok)
        return options, lists
    i = 0
    while i < len(toks):
        word = toks[i].upper
        if word in ("CSV", "BINARY"):
            options["FORMAT"] = word.lower()
        elif word == "HEADER":
            options["HEADER"] = "true"
        elif word in ("DELIMITER", "NULL", "QUOTE", "ESCAPE", "ENCODING") and i + 1 < len(toks):
            if toks[i + 1].upper == "AS" and i + 2 < len(toks):
                i += 1
            options[word] = literal_value(toks[i + 1])
            i += 1
        elif word == "FORCE":  # FORCE QUOTE * | FORCE QUOTE a, b | FORCE [NOT] NULL a, b
            j = i + 1
            key = []
            while j < len(toks) and toks[j].upper in ("QUOTE", "NOT", "NULL"):
                key.append(toks[j].upper)
                j += 1
            names: list[str] = []
            while j < len(toks) and (toks[j].kind in (Tok.WORD, Tok.IDENT) or
                                     _is(toks[j], "*")) and toks[j].upper not in _LEGACY_STOP:
                names.append(_column_name(toks[j]))
                j += 1
                if j < len(toks) and _is(toks[j], ","):
                    j += 1
            lists["_".join(["FORCE", *key])] = tuple(names)
            i = j
            continue
        i += 1
    return options, lists


_LEGACY_STOP = _COPY_OPTIONS | {"CSV", "BINARY"}  # words that end a legacy FORCE column list


def _copy_option(tokens: list[Token], options: dict[str, str],
                 lists: dict[str, tuple[str, ...]]) -> None:
    name = tokens[0].text.upper()
    if name not in _COPY_OPTIONS:
        raise SqlError(SqlState.SYNTAX_ERROR, f'option "{tokens[0].text.lower()}" not recognized')
    if name in _COPY_LIST_OPTIONS:
        rest = tokens[1:]
        if len(rest) == 1 and _is(rest[0], "*"):
            lists[name] = ("*",)
        else:
            lists[name] = tuple(_column_name(t) for t in rest
                                if t.kind in (Tok.WORD, Tok.IDENT))
        return
    options[name] = literal_value(tokens[1]) if len(tokens) > 1 else ""


def _column_name(tok: Token) -> str:
    """A column as PostgreSQL names it: folded to lower case unless double-quoted."""
    if tok.kind is Tok.IDENT or _is(tok, "*"):
        return tok.text
    return tok.text.lower()
