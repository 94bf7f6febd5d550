"""PostgreSQL's text input for types DuckDB reads otherwise, and literals stored into them.

PostgreSQL and DuckDB read a few types from text differently:

- bytea: PostgreSQL reads hex (``'\\x0102ff'``, whitespace allowed between digit pairs) or escape
  format (``'abc\\000\\\\'``: ``\\nnn`` octal, ``\\\\`` one backslash, other text as its UTF-8
  bytes); DuckDB reads ``\\xHH`` as one byte and refuses non-ASCII, so ``'\\x0102'`` silently
  becomes the bytes ``01 '0' '2'``;
- arrays: PostgreSQL writes ``'{a,"b c",NULL}'``, DuckDB reads ``['a', 'b c', NULL]``;
- boolean: PostgreSQL also takes ``on``/``off`` and unique prefixes (``tr``, ``fa``, ``ye``);
- dates and times: PostgreSQL also reads ``Jan 5, 2024``, ``10:11 PM``, ``now``, ``today``
  … (:mod:`engine.pgdatetime`).

Casts (``'…'::bytea``, ``'{…}'::int[]``) are translated in :mod:`engine.translate` and text
parameters decoded in ``server.types``. This module rewrites the literal whose type comes from
a column — stored into it by ``INSERT … VALUES`` rows and ``UPDATE … SET col = '…'`` (as
``pg_dump --inserts`` and hand-written scripts have them), or compared with it (``WHERE ok =
'off'``, ``d BETWEEN 'Jan 1, 2024' AND …``, ``tags IN ('{a}', …)``) — as a DuckDB literal of the
same value. The statements are read lexically: a comparison counts when the column is a whole
operand, and its type is the one column of that name among the tables the statement names
(by alias when qualified); anything less clear is left for DuckDB, as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from engine import pgdatetime
from engine.arithmetic import FRACTIONAL
from engine.errors import SqlError, SqlState
from engine.lexer import Tok, Token, matching_bracket, spliced, tokenize
from engine.statements import literal_value, name_end

_OCTAL = re.compile(r"[0-3][0-7][0-7]")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_PLAIN_BLOB_CHARS = frozenset(chr(c) for c in range(0x20, 0x7F)) - {"\\", "'"}


def bytea_from_text(text: str) -> bytes:
    """The bytes PostgreSQL's ``byteain`` reads from ``text`` (SqlError 22023/22P02 as it)."""
    if text.startswith("\\x"):
        return _from_hex(text[2:])
    if "\\" not in text:
        return text.encode()
    out = bytearray()
    i, n = 0, len(text)
    while i < n:
        j = text.find("\\", i)
        if j < 0:
            out += text[i:].encode()
            break
        out += text[i:j].encode()
        if text[j + 1:j + 2] == "\\":
            out.append(0x5C)
            i = j + 2
        elif _OCTAL.fullmatch(text, j + 1, j + 4):
            out.append(int(text[j + 1:j + 4], 8))
            i = j + 4
        else:
            raise SqlError(SqlState.INVALID_TEXT_REPRESENTATION,
                           "invalid input syntax for type bytea")
    return bytes(out)


def _from_hex(digits: str) -> bytes:
    try:
        return bytes.fromhex(digits)  # what PostgreSQL accepts, and more whitespace
    except ValueError:
        pass
    out = bytearray()  # PostgreSQL's error for it
    i, n = 0, len(digits)
    while i < n:
        if digits[i] in " \t\n\r":
            i += 1
            continue
        pair = digits[i:i + 2]
        for ch in pair:
            if ch not in _HEX_DIGITS:
                raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                               f'invalid hexadecimal digit: "{ch}"')
        if len(pair) < 2:
            raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                           "invalid hexadecimal data: odd number of digits")
        out.append(int(pair, 16))
        i += 2
    return bytes(out)


def duckdb_blob_text(data: bytes) -> str:
    """The text DuckDB casts to exactly ``data`` (printable ASCII as it is, other bytes as
    ``\\xHH``; no quote, so it needs no escaping in a literal)."""
    return "".join(chr(b) if chr(b) in _PLAIN_BLOB_CHARS else f"\\x{b:02x}" for b in data)


def duckdb_blob_literal(data: bytes) -> str:
    """A DuckDB BLOB literal holding exactly ``data``."""
    return f"'{duckdb_blob_text(data)}'::BLOB"


def boolean_from_text(text: str) -> bool | None:
    """PostgreSQL's reading of ``text`` as a boolean; None if it is not one."""
    word = text.strip().lower()
    if len(word) == 1 and word in "10":
        return word == "1"
    for spelling, value in _BOOLEAN_WORDS:
        if spelling.startswith(word) and len(word) >= (2 if spelling[0] == "o" else 1):
            return value
    return None


_BOOLEAN_WORDS = (("true", True), ("false", False), ("yes", True), ("no", False),
                  ("on", True), ("off", False))
# Boolean spellings PostgreSQL takes and DuckDB refuses (other words, or padded with spaces):
# only these make a statement worth reading for boolean columns.
_PG_ONLY_BOOLEAN = re.compile(r"'(\s*(on|off?|tr|tru|fa|fal|fals|ye)\s*"
                              r"|\s+\w+\s*|\w+\s+)'", re.IGNORECASE)

_ARRAY_ELEMENT = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[^,]*?)\s*(,|$)')


def array_elements(text: str) -> list[str | None] | None:
    """The elements of a one-dimensional PostgreSQL array literal ``{a,"b c",NULL}``."""
    body = text.strip()
    if not (body.startswith("{") and body.endswith("}")) or "{" in body[1:-1]:
        return None
    body = body[1:-1]
    if not body.strip():
        return []
    out: list[str | None] = []
    pos = 0
    while pos <= len(body):
        match = _ARRAY_ELEMENT.match(body, pos)
        if match is None:
            return None
        item = match.group(1)
        if item.startswith('"'):
            out.append(re.sub(r"\\(.)", r"\1", item[1:-1]))
        else:
            out.append(None if item.upper() == "NULL" else item)
        pos = match.end()
        if match.group(2) == "":
            break
    return out


def array_literal_text(text: str) -> str | None:
    """``{a,"b c"}`` → ``['a', 'b c']``: the text DuckDB casts to the same list (inside its
    quotes, DuckDB reads ``\\'`` as a quote and ``\\\\`` as a backslash)."""
    items = array_elements(text)
    if items is None:
        return None
    parts = ["NULL" if i is None else "'" + i.replace("\\", "\\\\").replace("'", "\\'") + "'"
             for i in items]
    return "[" + ", ".join(parts) + "]"


_BRACES = str.maketrans("{}", "[]")


def _differs(tok: Token) -> bool:
    """Might DuckDB read this literal otherwise than PostgreSQL for some column type?"""
    if tok.kind is not Tok.STRING or tok.text[:1] not in "'eE":
        return False
    text = tok.text
    return "\\" in text or not text.isascii() or text.startswith("'{") \
        or _PG_ONLY_BOOLEAN.fullmatch(text) is not None \
        or pgdatetime.LOOKS_PG_ONLY.match(literal_value(tok)) is not None \
        or FRACTIONAL.fullmatch(literal_value(tok)) is not None


# A string literal holding a fraction or an exponent ('3.7', '1e3'): DuckDB rounds it into an
# integer column, PostgreSQL refuses it (22P02).
_FRACTIONAL_LITERAL = re.compile("'" + FRACTIONAL.pattern + "'")
_INTEGER_TYPES = {"SMALLINT": "smallint", "INTEGER": "integer", "BIGINT": "bigint"}


def _as_duckdb(value: str, duck_type: str) -> str | None:
    """The DuckDB literal for PostgreSQL's reading of ``value`` as ``duck_type`` (None: DuckDB
    reads the string as PostgreSQL does, or refuses it as PostgreSQL does)."""
    if duck_type == "BLOB" and ("\\" in value or not value.isascii()):
        return duckdb_blob_literal(bytea_from_text(value))
    if duck_type.endswith("[][]") and value.lstrip().startswith("{") and '"' not in value:
        return "'" + value.translate(_BRACES).replace("'", "''") + "'"  # {{1,2},{3,4}}
    if duck_type.endswith("[]") and value.lstrip().startswith("{"):
        listed = array_literal_text(value)
        return None if listed is None else "'" + listed.replace("'", "''") + "'"
    if duck_type == "BOOLEAN":
        truth = boolean_from_text(value)
        return None if truth is None else ("TRUE" if truth else "FALSE")
    if duck_type in pgdatetime.KINDS:
        return pgdatetime.datetime_literal(value, pgdatetime.KINDS[duck_type])
    if duck_type in _INTEGER_TYPES and FRACTIONAL.fullmatch(value):
        raise SqlError(SqlState.INVALID_TEXT_REPRESENTATION,
                       f'invalid input syntax for type {_INTEGER_TYPES[duck_type]}: "{value}"')
    return None


ColumnTypes = Callable[[str], Mapping[str, str]]


def with_column_literals(sql: str, column_types: ColumnTypes) -> str | None:
    """``sql`` with each string literal that an ``INSERT … VALUES`` row or an ``UPDATE … SET
    col = '…'`` stores into a bytea, array, boolean or date/time column, or that is compared with
    such a column, written as DuckDB reads it; None when there is none to rewrite. A fraction
    stored into or compared with an integer column (``'3.7'``) is 22P02, as in PostgreSQL
    (DuckDB would round it).
    ``column_types(table)`` gives the table's column name → DuckDB type, in order ({} for no
    such table); it is called only for a statement holding a literal DuckDB might read
    otherwise."""
    if "\\" not in sql and "'{" not in sql and sql.isascii() \
            and _PG_ONLY_BOOLEAN.search(sql) is None and pgdatetime.HINT.search(sql) is None \
            and _FRACTIONAL_LITERAL.search(sql) is None:
        return None
    tokens = tokenize(sql)
    if not any(_differs(t) for t in tokens):
        return None
    edits: dict[int, tuple[int, int, str]] = {}
    found = _insert_values(sql, tokens) or _update_set(sql, tokens)
    if found is not None:
        table, targets = found
        types = _lowered(column_types(table))
        order = list(types)
        for column, tok in targets:
            if isinstance(column, int):
                column = order[column] if column < len(order) else ""
            _edit(edits, tok, types.get(column.lower(), ""))
    compared = _compared(tokens)
    if compared:
        scopes = Scopes(sql, column_types)
        for ref, i in compared:
            _edit(edits, tokens[i], scopes.at(i).column_type(ref))
    return spliced(sql, sorted(edits.values())) if edits else None


def _edit(edits: dict[int, tuple[int, int, str]], tok: Token, duck_type: str) -> None:
    literal = _as_duckdb(literal_value(tok), duck_type)
    if literal is not None:
        edits[tok.start] = (tok.start, tok.end, literal)


def _lowered(types: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): duck_type for name, duck_type in types.items()}


_Targets = tuple[str, list[tuple[str | int, Token]]]


def _insert_values(sql: str, tokens: Sequence[Token]) -> _Targets | None:
    """``INSERT INTO t [AS a] [(cols)] [OVERRIDING …] VALUES (…), …``: the table, and each
    value that is one string literal (:func:`_differs`) with its column (a name, or a position
    when no column list is given)."""
    if len(tokens) < 6 or tokens[0].upper != "INSERT" or tokens[1].upper != "INTO":
        return None
    i = name_end(tokens, 2)
    table = sql[tokens[2].start:tokens[i - 1].end]
    if i < len(tokens) and tokens[i].upper == "AS":
        i += 2
    columns: list[str | int] | None = None
    if i < len(tokens) and tokens[i].text == "(" and tokens[i].kind is Tok.OP:
        columns = []
        i += 1
        while i < len(tokens) and tokens[i].text != ")":
            if tokens[i].kind in (Tok.WORD, Tok.IDENT):
                columns.append(_name(tokens[i]))
            i += 1
        i += 1
    while i < len(tokens) and tokens[i].upper in ("OVERRIDING", "SYSTEM", "USER", "VALUE"):
        i += 1
    if i >= len(tokens) or tokens[i].upper != "VALUES":
        return None
    targets: list[tuple[str | int, Token]] = []
    for position, value in _row_values(tokens, i + 1):
        if len(value) == 1 and _differs(value[0]):
            column: str | int = position
            if columns is not None:
                if position >= len(columns):
                    continue
                column = columns[position]
            targets.append((column, value[0]))
    return table, targets


def _row_values(tokens: Sequence[Token], i: int) -> Iterator[tuple[int, list[Token]]]:
    """(position in its row, tokens) of each value of the VALUES rows starting at ``i``."""
    depth, position = 0, 0
    value: list[Token] = []
    for tok in tokens[i:]:
        is_op = tok.kind is Tok.OP
        if is_op and tok.text in "([":
            depth += 1
            if depth == 1:
                position, value = 0, []
                continue
        elif is_op and tok.text in ")]":
            depth -= 1
            if depth == 0:
                yield position, value
                continue
        elif depth == 1 and is_op and tok.text == ",":
            yield position, value
            position, value = position + 1, []
            continue
        elif depth == 0:
            if is_op and tok.text == ",":
                continue  # between rows
            return  # ON CONFLICT, RETURNING …
        value.append(tok)


def _update_set(sql: str, tokens: Sequence[Token]) -> _Targets | None:
    """``UPDATE t [[AS] a] SET col = '…', …``: the table, and each value that is one string
    literal (:func:`_differs`) with the column it is assigned to."""
    if len(tokens) < 6 or tokens[0].upper != "UPDATE":
        return None
    i = 1 + (tokens[1].upper == "ONLY")
    end = name_end(tokens, i)
    table = sql[tokens[i].start:tokens[end - 1].end]
    i = end
    while i < len(tokens) and tokens[i].upper != "SET":
        i += 1
    targets: list[tuple[str | int, Token]] = []
    depth = 0
    for j in range(i + 1, len(tokens) - 2):
        tok = tokens[j]
        if tok.kind is Tok.OP and tok.text in "([":
            depth += 1
        elif tok.kind is Tok.OP and tok.text in ")]":
            depth -= 1
        elif depth == 0 and tok.upper in ("FROM", "WHERE", "RETURNING"):
            break
        elif depth == 0 and tok.kind in (Tok.WORD, Tok.IDENT) and tokens[j + 1].text == "=" \
                and _differs(tokens[j + 2]) and _ends_value(tokens, j + 3):
            targets.append((_name(tok), tokens[j + 2]))
    return table, targets


def _ends_value(tokens: Sequence[Token], i: int) -> bool:
    """Does an assigned value end before ``tokens[i]``?"""
    if i >= len(tokens):
        return True
    tok = tokens[i]
    return tok.kind is Tok.SEMI or (tok.kind is Tok.OP and tok.text == ",") or tok.upper in (
        "FROM", "WHERE", "RETURNING")


def _name(tok: Token) -> str:
    return tok.text if tok.kind is Tok.IDENT else tok.text.lower()


# -- literals compared with a column ----------------------------------------------------------

_ColumnRef = tuple[str, str]  # (qualifier or "", column name)
_COMPARISONS = frozenset({"=", "<>", "!=", "<", "<=", ">", ">="})
# Words after which an operand starts, and before which one has ended: a column (or literal)
# between them is a whole operand, not part of a larger expression (``a || b = '…'``).
_STARTS_OPERAND = frozenset({"WHERE", "AND", "OR", "NOT", "ON", "WHEN", "HAVING"})
_ENDS_OPERAND = frozenset({
    "AND", "OR", "THEN", "ELSE", "END", "ORDER", "GROUP", "LIMIT", "OFFSET", "HAVING", "UNION",
    "EXCEPT", "INTERSECT", "RETURNING", "WINDOW", "FETCH", "FOR", "WHERE", "JOIN", "INNER",
    "LEFT", "RIGHT", "FULL", "CROSS", "ON"})


def _compared(tokens: Sequence[Token]) -> list[tuple[_ColumnRef, int]]:
    """String literals (:func:`_differs`), by position, compared with a column: ``[q.]col OP '…'``,
    ``'…' OP [q.]col``, ``col [NOT] IN ('…', …)``, ``col [NOT] BETWEEN '…' AND '…'``."""
    found: list[tuple[_ColumnRef, int]] = []
    for i in range(len(tokens)):
        if not _starts_operand(tokens, i):
            continue
        tok = tokens[i]
        if tok.kind is Tok.STRING:  # '…' OP col
            op_end = _comparison_end(tokens, i + 1)
            ref = column_ref(tokens, op_end)
            if op_end > i + 1 and ref is not None and _ends_operand(tokens, ref[1]) \
                    and _differs(tok):
                found.append((ref[0], i))
            continue
        ref = column_ref(tokens, i)
        if ref is None:
            continue
        column, j = ref
        op_end = _comparison_end(tokens, j)
        if op_end > j:
            if op_end < len(tokens) and _differs(tokens[op_end]) \
                    and _ends_operand(tokens, op_end + 1):
                found.append((column, op_end))
            continue
        j += j < len(tokens) and tokens[j].upper == "NOT"
        word = tokens[j].upper if j < len(tokens) else ""
        if word == "IN":
            found += [(column, k) for k in _literal_list(tokens, j + 1)]
        elif word == "BETWEEN" and j + 3 < len(tokens) and tokens[j + 2].upper == "AND" \
                and _ends_operand(tokens, j + 4):
            found += [(column, k) for k in (j + 1, j + 3) if _differs(tokens[k])]
    return found


def _starts_operand(tokens: Sequence[Token], i: int) -> bool:
    if i == 0:
        return False
    before = tokens[i - 1]
    return before.upper in _STARTS_OPERAND or (before.kind is Tok.OP and before.text in "(,")


def _ends_operand(tokens: Sequence[Token], i: int) -> bool:
    if i >= len(tokens):
        return True
    tok = tokens[i]
    return tok.kind is Tok.SEMI or tok.upper in _ENDS_OPERAND or (
        tok.kind is Tok.OP and tok.text in "),")


def _comparison_end(tokens: Sequence[Token], i: int) -> int:
    """Just past a comparison operator starting at ``tokens[i]`` (one or two characters, each
    its own token); ``i`` when there is none."""
    for width in (2, 1):
        ops = tokens[i:i + width]
        if len(ops) == width and all(t.kind is Tok.OP for t in ops) \
                and "".join(t.text for t in ops) in _COMPARISONS \
                and (width == 1 or ops[0].end == ops[1].start):
            return i + width
    return i


def column_ref(tokens: Sequence[Token], i: int) -> tuple[_ColumnRef, int] | None:
    """``col`` or ``q.col`` at ``tokens[i]``, and where it ends. The column's name is lower
    case, as the tables' columns are looked up (``Scope.columns``): DuckDB matches a column
    without regard to case, a quoted ``"Code"`` too."""
    end = name_end(tokens, i)
    parts = tokens[i:end]
    if not parts or parts[-1].kind is Tok.OP or len(parts) > 3 or \
            (end < len(tokens) and tokens[end].kind is Tok.OP and tokens[end].text in "(."):
        return None
    names = [_name(t) for t in parts if t.kind is not Tok.OP]
    return (names[-2] if len(names) > 1 else "", names[-1].lower()), end


def _literal_list(tokens: Sequence[Token], i: int) -> list[int]:
    """The positions of the literals (:func:`_differs`) of ``( v, v, … )`` at ``tokens[i]``
    when every value is one token."""
    if i >= len(tokens) or tokens[i].kind is not Tok.OP or tokens[i].text != "(":
        return []
    values: list[int] = []
    j = i + 1
    while j + 1 < len(tokens) and tokens[j].kind in (Tok.STRING, Tok.NUMBER, Tok.WORD):
        values.append(j)
        sep = tokens[j + 1]
        if sep.kind is Tok.OP and sep.text == ")":
            return [k for k in values if _differs(tokens[k])]
        if sep.kind is not Tok.OP or sep.text != ",":
            return []
        j += 2
    return []


# Words that may follow a table in FROM and are not its alias.
_NOT_ALIAS = frozenset({
    "WHERE", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "ON", "USING",
    "GROUP", "ORDER", "LIMIT", "OFFSET", "UNION", "EXCEPT", "INTERSECT", "WINDOW", "HAVING",
    "SET", "RETURNING", "FOR", "FETCH", "TABLESAMPLE", "LATERAL", "AS", "VALUES", "SELECT",
    "DEFAULT", "ONLY"})


class Scope:
    """The tables one query level names after ``FROM``, ``JOIN`` and ``UPDATE`` (the words at
    positions ``at``), with their aliases, to find a column's type; :class:`Scopes` makes one
    for each ``SELECT`` of a statement and gives the columns of its subqueries and CTEs (an
    unknown column's type is "", and one of them whose columns cannot be named makes the
    level's unqualified columns unknown). A column this level surely does not name is looked
    up in the scope ``parent()`` gives (the enclosing query: a correlated reference)."""

    def __init__(self, sql: str, tokens: Sequence[Token], column_types: ColumnTypes,
                 at: Sequence[int], scopes: Scopes,
                 parent: Callable[[], Scope | None]) -> None:
        self._column_types = column_types
        self._lowered: dict[str, dict[str, str]] = {}  # table → its columns, lower-cased
        self._origins: dict[str, dict[str, Origin]] = {}  # a subquery's or CTE's columns'
        self._scopes = scopes
        self._parent = parent
        self.tables: list[str] = []
        self.aliases: dict[str, str | None] = {}  # None: a source whose columns are unknown
        self.complete = True  # every item of the FROM list read (none skipped: unknown names)
        self._unnamed = False  # a subquery or CTE has a column not named here
        for i in at:
            self._read_tables(sql, tokens, i + 1)

    def _read_tables(self, sql: str, tokens: Sequence[Token], i: int) -> None:
        while i < len(tokens):
            i += tokens[i].upper == "ONLY"
            table: str | None
            if i < len(tokens) and tokens[i].kind is Tok.OP and tokens[i].text == "(":
                end = matching_bracket(tokens, i) + 1  # a subquery
                if end > len(tokens) or end - i < 3 or tokens[i + 1].upper != "SELECT":
                    self.complete = False
                    return
                table = self._derived(f"({i})", self._scopes.derived(i + 1))
            else:
                end = name_end(tokens, i)
                if end == i or tokens[end - 1].kind is Tok.OP or (
                        end < len(tokens) and tokens[end].kind is Tok.OP
                        and tokens[end].text == "("):
                    self.complete = False  # a function's rows, …: names not known
                    return
                name = _name(tokens[i])
                if end - i == 1 and self._scopes.is_cte(name):
                    table = self._derived(name, self._scopes.cte(name))
                else:
                    table = sql[tokens[i].start:tokens[end - 1].end]
                    self.tables.append(table)
                self.aliases[_name(tokens[end - 1])] = table
            i = end + (end < len(tokens) and tokens[end].upper == "AS")
            if i < len(tokens) and tokens[i].kind in (Tok.WORD, Tok.IDENT) \
                    and tokens[i].upper not in _NOT_ALIAS:
                alias = _name(tokens[i])
                self.aliases[alias] = table
                i += 1
                if i < len(tokens) and tokens[i].text == "(":  # renamed columns: not followed
                    i = matching_bracket(tokens, i) + 1
                    if table in self.tables:
                        self.tables.remove(table)
                    self.aliases[alias] = None
            if i >= len(tokens) or tokens[i].kind is not Tok.OP or tokens[i].text != ",":
                return
            i += 1

    def _derived(self, key: str, columns: list[ResultColumn] | None) -> str | None:
        """A subquery's or a CTE's columns, in scope as table ``key`` (None: not known)."""
        if columns is None:
            return None
        types: dict[str, str] = {}
        origins: dict[str, Origin] = {}
        for name, kind, origin in columns:
            if name is None:  # PostgreSQL names it (?column?, a cast's column, …); not here
                self._unnamed = True
                continue
            twice = name in types  # ambiguous
            types[name] = "" if twice else kind
            origins[name] = None if twice else origin
        self._lowered[key] = types
        self._origins[key] = origins
        self.tables.append(key)
        return key

    def origin(self, ref: _ColumnRef) -> Origin:
        """The table and column that the column ``ref`` names at this level passes on: a
        table's own (the table as written), or the one a subquery's or a CTE's column passes
        on; None for a computed one, an unknown or ambiguous one, an enclosing query's."""
        qualifier, name = ref
        if qualifier:
            table = self.aliases.get(qualifier)
            tables = [] if table is None else [table]
        else:
            tables = [t for t in self.tables if name in self.columns(t)]
            if len(tables) != 1 or self._opaque():
                return None
        if not tables or name not in self.columns(tables[0]):
            return None
        return self.origin_in(tables[0], name)

    def origin_in(self, table: str, name: str) -> Origin:
        """The origin of column ``name`` of ``table`` (one in scope): see ``origin``."""
        origins = self._origins.get(table)
        return (table, name) if origins is None else origins.get(name)

    def column_type(self, ref: _ColumnRef) -> str:
        """The DuckDB type of the column ``ref`` names ("" when unknown or ambiguous)."""
        qualifier, name = ref
        if qualifier:
            if qualifier in self.aliases:
                table = self.aliases[qualifier]
                return "" if table is None else self.columns(table).get(name, "")
            return self._outer(ref)
        found = [t for t in (self.columns(table).get(name) for table in self.tables)
                 if t is not None]
        if found:
            return found[0] if len(found) == 1 else ""
        return "" if self._opaque() else self._outer(ref)

    def _opaque(self) -> bool:
        """Whether a source here may have a column by a name not known here."""
        return self._unnamed or None in self.aliases.values()

    def _outer(self, ref: _ColumnRef) -> str:
        """``ref`` as the enclosing query sees it, when this level surely lacks it."""
        parent = self._parent() if self.complete else None
        return "" if parent is None else parent.column_type(ref)

    def column_kinds(self) -> set[str]:
        """The DuckDB types of all the columns of the tables in scope."""
        return {kind for table in self.tables for kind in self.columns(table).values()}

    def columns(self, table: str) -> dict[str, str]:
        """The columns of ``table`` (one in scope): lower-cased name → DuckDB type."""
        if table not in self._lowered:
            self._lowered[table] = _lowered(self._column_types(table))
        return self._lowered[table]

    def known(self) -> bool:
        """Whether every column this level's FROM list offers is known by name."""
        return self.complete and not self._opaque()


class Scopes:
    """The :class:`Scope` of each query level of ``sql``: a column is typed by the tables of
    the ``FROM`` list of the ``SELECT`` it belongs to (a subquery's, a CTE's, a union member's
    own), then by the enclosing ones', as PostgreSQL resolves it; outside any ``SELECT`` by
    the statement's own (``UPDATE t … FROM u``, ``DELETE FROM t``). A subquery's or a CTE's
    columns are typed by its select list where that is columns, ``*`` and named expressions
    (those typed ""), and not known where it is a set operation (``UNION``)."""

    def __init__(self, sql: str, column_types: ColumnTypes) -> None:
        self._sql, self._column_types = sql, column_types
        self._tokens = tokenize(sql)
        self._levels = _levels(sql)
        self._scopes: dict[int, Scope] = {}
        self._derived: dict[int, list[ResultColumn] | None] = {}

    def at(self, i: int) -> Scope:
        """The scope of the query level that token ``i`` belongs to (one that knows no column
        in a statement nested deeper than ``_DEEPEST``: reading it would recurse as deep)."""
        if self._levels.depth > _DEEPEST:
            return Scope(self._sql, self._tokens, self._column_types, (), self, lambda: None)
        return self._scope(self._levels.owner[i])

    def _scope(self, owner: int) -> Scope:
        scope = self._scopes.get(owner)
        if scope is None:
            levels = self._levels

            def parent() -> Scope | None:  # when first needed: building it may need this one
                return None if owner == -1 else self._scope(levels.parent[owner])

            scope = self._scopes[owner] = Scope(self._sql, self._tokens, self._column_types,
                                                levels.tables.get(owner, ()), self, parent)
        return scope

    def column_kinds(self) -> set[str]:
        """The DuckDB types of all the columns of the tables every level names."""
        return {kind for owner in self._levels.tables
                for kind in self._scope(owner).column_kinds()}

    def is_cte(self, name: str) -> bool:
        return name in self._levels.ctes

    def cte(self, name: str) -> list[ResultColumn] | None:
        """The columns of the CTE ``name`` (None: not known)."""
        select, renamed = self._levels.ctes[name]
        columns = self.derived(select) if select >= 0 else None
        if columns is None or len(renamed) > len(columns):
            return None
        return [(renamed[k], kind, origin) for k, (_, kind, origin) in enumerate(columns)
                if k < len(renamed)] + columns[len(renamed):]

    def derived(self, select: int) -> list[ResultColumn] | None:
        """The columns of the query whose ``SELECT`` is token ``select``, when they can all be
        named; None otherwise."""
        if select not in self._derived:
            self._derived[select] = None  # a CTE that reads itself (WITH RECURSIVE): unknown
            self._derived[select] = self._select_list(select)
        return self._derived[select]

    def result_columns(self) -> list[ResultColumn] | None:
        """The columns of the statement's own query (its first ``SELECT`` outside brackets):
        what a RowDescription names; None when they cannot all be named here."""
        top, tokens = self._levels.top, self._tokens
        if top < 0 or self._levels.depth > _DEEPEST or tokens[0].upper not in ("SELECT", "WITH"):
            return None  # not a query, or one read no further
        return self.derived(top)

    def _select_list(self, select: int) -> list[ResultColumn] | None:
        tokens, scope = self._tokens, self._scope(select)
        i = select + 1
        i += i < len(tokens) and tokens[i].upper in ("ALL", "DISTINCT")
        items, start = [], i
        while i < len(tokens) and (tokens[i].upper not in _SELECT_LIST_ENDS
                                   or _distinct_from(tokens, i)):
            tok = tokens[i]
            if tok.kind is Tok.OP and tok.text in "([":
                i = min(matching_bracket(tokens, i) + 1, len(tokens))  # (unclosed: the end)
                continue
            if tok.kind is Tok.SEMI or (tok.kind is Tok.OP and tok.text == ")"):
                break
            if tok.kind is Tok.OP and tok.text == ",":
                items.append((start, i))
                start = i + 1
            i += 1
        items.append((start, i))
        if _set_operation_follows(tokens, i):
            return None
        columns: list[ResultColumn] = []
        for start, stop in items:
            item = _select_item(tokens, start, stop, scope)
            if item is None:
                return None
            columns += item
        return columns


# Words that end a select list at its own level.
_SELECT_LIST_ENDS = frozenset({
    "FROM", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "UNION",
    "EXCEPT", "INTERSECT", "INTO", "FOR"})


def _distinct_from(tokens: Sequence[Token], i: int) -> bool:
    """Is ``tokens[i]`` the FROM of ``a IS [NOT] DISTINCT FROM b`` (not a FROM list's)?"""
    return tokens[i].upper == "FROM" and i > 0 and tokens[i - 1].upper == "DISTINCT"


def _set_operation_follows(tokens: Sequence[Token], i: int) -> bool:
    """Whether a ``UNION`` / ``EXCEPT`` / ``INTERSECT`` follows at this bracket level."""
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind is Tok.OP and tok.text in "([":
            i = matching_bracket(tokens, i) + 1
            continue
        if tok.kind is Tok.SEMI or (tok.kind is Tok.OP and tok.text in ")]"):
            return False
        if tok.upper in ("UNION", "EXCEPT", "INTERSECT"):
            return True
        i += 1
    return False


def _select_item(tokens: Sequence[Token], start: int, stop: int,
                 scope: Scope) -> list[ResultColumn] | None:
    """The columns one select-list item gives (an expression without an alias is named None:
    PostgreSQL's name for it is not worked out here); None for a ``*`` whose columns are not
    all known."""
    if start >= stop:
        return None
    if tokens[stop - 1].kind is Tok.OP and tokens[stop - 1].text == "*":
        if stop - start == 1:  # *: every source's columns, in order
            if not scope.known():
                return None
            tables = scope.tables
        elif stop - start == 3 and tokens[start + 1].text == ".":  # t.*
            table = scope.aliases.get(_name(tokens[start]))
            if table is None:
                return None
            tables = [table]
        else:
            return None
        return [(name, kind, scope.origin_in(table, name))
                for table in tables for name, kind in scope.columns(table).items()]
    last = tokens[stop - 1]
    alias = None
    if stop - start >= 2 and last.kind in (Tok.WORD, Tok.IDENT) and (
            tokens[stop - 2].upper == "AS" or _ends_expression(tokens[stop - 2])) \
            and last.upper != "END":
        alias = _name(last)
        stop -= 2 if tokens[stop - 2].upper == "AS" else 1
    ref = column_ref(tokens, start)
    if ref is not None and ref[1] == stop:
        return [(alias or ref[0][1], scope.column_type(ref[0]), scope.origin(ref[0]))]
    if alias is None and tokens[start].kind is Tok.WORD and start + 1 < stop \
            and tokens[start + 1].text == "(" and matching_bracket(tokens, start + 1) == stop - 1:
        alias = tokens[start].text.lower()  # a call is named after its function
    return [(alias, "", None)]


def _ends_expression(tok: Token) -> bool:
    """Can ``tok`` end an expression (so that a name after it is a bare alias)?"""
    return tok.kind in (Tok.NUMBER, Tok.STRING, Tok.IDENT) or (
        tok.kind is Tok.WORD and tok.upper not in ("AS", "DISTINCT", "ALL", "SELECT")) or (
        tok.kind is Tok.OP and tok.text == ")")


_DEEPEST = 32  # SELECTs nested deeper than this are not read (see Scopes.at)
# The table (as the statement writes it) and column a result column passes on unchanged.
Origin = tuple[str, str] | None
ResultColumn = tuple[str | None, str, Origin]  # (name, DuckDB type or "", origin)


@dataclass(frozen=True)
class _Levels:
    """A statement's query levels, each named by its ``SELECT`` token (-1: outside any)."""

    owner: tuple[int, ...]  # each token's level
    parent: dict[int, int]  # each level's enclosing one
    tables: dict[int, tuple[int, ...]]  # each level's FROM / JOIN / UPDATE words
    ctes: dict[str, tuple[int, tuple[str, ...]]]  # name → (its SELECT or -1, renamed columns)
    depth: int  # how deep SELECTs nest in brackets
    top: int  # the statement's own SELECT (the first outside brackets), or -1


@lru_cache(maxsize=512)
def _levels(sql: str) -> _Levels:
    tokens = tokenize(sql)
    owner: list[int] = []
    parent = {-1: -1}
    tables: dict[int, list[int]] = {}
    selects, enclosing = [-1], [-1]  # per open bracket: its level, the one around it
    depths = {-1: 0}
    for i, tok in enumerate(tokens):
        kind = tok.kind
        if kind is Tok.OP:
            if tok.text == "(":
                owner.append(selects[-1])
                enclosing.append(selects[-1])
                selects.append(selects[-1])
                continue
            if tok.text == ")" and len(selects) > 1:
                selects.pop()
                enclosing.pop()
        elif kind is Tok.WORD:
            word = tok.text.upper()
            if word == "SELECT":
                selects[-1] = i
                parent[i] = enclosing[-1]
                depths[i] = len(selects) - 1
            elif word in ("FROM", "JOIN", "UPDATE") and depths[selects[-1]] == len(selects) - 1 \
                    and not _distinct_from(tokens, i) \
                    and (word != "UPDATE" or selects[-1] == -1):  # not SELECT … FOR UPDATE
                tables.setdefault(selects[-1], []).append(i)
        owner.append(selects[-1])
    return _Levels(tuple(owner), parent, {k: tuple(v) for k, v in tables.items()},
                   _ctes(tokens), max(depths.values()),
                   next((i for i, depth in depths.items() if i >= 0 and depth == 0), -1))


def _ctes(tokens: Sequence[Token]) -> dict[str, tuple[int, tuple[str, ...]]]:
    """The queries a ``WITH`` names (``name [(columns)] AS [[NOT] MATERIALIZED] (``): name →
    (its ``SELECT`` token, or -1 when it starts otherwise; its column names, if given). A
    named window (``WINDOW w AS (``) is taken too, harmlessly (as a query not known)."""
    ctes: dict[str, tuple[int, tuple[str, ...]]] = {}
    for i, tok in enumerate(tokens):
        if tok.kind is not Tok.WORD or len(tok.text) != 2 or tok.upper != "AS" or i == 0:
            continue
        j = i + 1
        while j < len(tokens) and tokens[j].upper in ("NOT", "MATERIALIZED"):
            j += 1
        if j >= len(tokens) or tokens[j].text != "(":
            continue
        k = i - 1
        renamed: tuple[str, ...] = ()
        if tokens[k].kind is Tok.OP and tokens[k].text == ")":
            opening = matching_bracket(tokens, k)
            renamed = tuple(_name(t) for t in tokens[opening + 1:k]
                            if t.kind in (Tok.WORD, Tok.IDENT))
            k = opening - 1
        if k >= 0 and tokens[k].kind in (Tok.WORD, Tok.IDENT):
            body = j + 1 if j + 1 < len(tokens) and tokens[j + 1].upper == "SELECT" else -1
            ctes[_name(tokens[k])] = (body, renamed)
    return ctes
