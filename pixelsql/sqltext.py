"""Client-side SQL text handling: split a cell into statements and bind Python values.

The notebook client cannot use the server's ``engine.lexer`` (it is a separate install), so
this is a small lexer of its own with the same lexical rules: single-quoted strings (``''``),
``E'…'`` strings (backslash escapes), dollar quotes (``$tag$…$tag$``), double-quoted names,
``--`` and nested ``/* */`` comments. On top of those it knows the two placeholder forms a
notebook user writes outside quotes:

* ``{name}`` / ``{obj.attr}``, optionally with a conversion: ``{name!i}`` (identifier),
  ``{name!l}`` (inline literal), ``{name!raw}`` (raw SQL text);
* ``$name`` (a name after ``$`` that does not open a dollar quote; ``$1`` stays a parameter).

:func:`bind` turns placeholders into ``$1, $2, …`` server parameters (values are data and travel
separately, never pasted into the text). The exceptions are deliberate: inside an ML
statement's ``OPTIONS ( … )`` the server reads literals, not parameters, so values there are
inlined as safely quoted literals; ``!i`` / ``!l`` / ``!raw`` and ``psycopg.sql`` objects
(``sql.Identifier("t")``) are composed into the text as the user asked.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pixelsql.errors import ParameterError


class Tok(enum.Enum):
    WORD = "word"  # keyword or unquoted identifier
    IDENT = "ident"  # "quoted identifier"
    STRING = "string"  # any string literal, raw source text
    NUMBER = "number"
    PARAM = "param"  # $n
    VAR = "var"  # {name} / $name placeholder
    OP = "op"  # one punctuation character
    SEMI = "semi"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Tok
    text: str  # source text (for VAR: the placeholder as written)
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind is Tok.WORD else ""


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A parsed ``{name!conv}`` / ``$name``."""

    name: str  # dotted: "cfg.epochs"
    conversion: str | None  # None, "i", "l" or "raw"


class SqlTextError(ValueError):
    """Unterminated quote or comment in the cell."""


_WORD = re.compile(r"[^\W\d][\w$]*")  # a letter or _, then letters, digits, _ and $
_NUMBER = re.compile(r"(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?")
_BRACE = re.compile(r"\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?:!\s*(\w+)\s*)?\}")
_DOLLAR_VAR = re.compile(r"\$([A-Za-z_]\w*)")
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_]\w*)?\$")
_CONVERSIONS = {"i": "i", "ident": "i", "l": "l", "literal": "l", "raw": "raw"}


def _scan_quoted(sql: str, i: int, quote: str, backslash: bool) -> int:
    """Offset just past the closing quote of the literal whose opening quote is at ``i``."""
    j, n = i + 1, len(sql)
    while j < n:
        ch = sql[j]
        if backslash and ch == "\\":
            j += 2
            continue
        if ch == quote:
            if j + 1 < n and sql[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    what = "quoted identifier" if quote == '"' else "string"
    raise SqlTextError(f"unterminated {what} at offset {i}: {sql[i:i + 20]!r}")


def tokenize(sql: str) -> list[Token]:
    """The tokens of ``sql``; comments and whitespace produce none."""
    out: list[Token] = []
    n, i = len(sql), 0
    while i < n:
        ch = sql[i]
        if ch.isspace():
            i += 1
        elif sql.startswith("--", i):
            nl = sql.find("\n", i)
            i = n if nl < 0 else nl + 1
        elif sql.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if sql.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif sql.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            if depth:
                raise SqlTextError(f"unterminated /* comment at offset {i}")
            i = j
        elif ch == "'" or (ch in "eE" and sql.startswith("'", i + 1)):
            quote_at = i if ch == "'" else i + 1
            j = _scan_quoted(sql, quote_at, "'", backslash=quote_at != i)
            out.append(Token(Tok.STRING, sql[i:j], i, j))
            i = j
        elif ch == '"':
            j = _scan_quoted(sql, i, '"', backslash=False)
            out.append(Token(Tok.IDENT, sql[i:j], i, j))
            i = j
        elif ch == "$":
            i = _dollar(sql, i, out)
        elif ch == "{" and (m := _BRACE.match(sql, i)):
            out.append(Token(Tok.VAR, m.group(0), i, m.end()))
            i = m.end()
        elif m := _WORD.match(sql, i):
            out.append(Token(Tok.WORD, m.group(0), i, m.end()))
            i = m.end()
        elif m := _NUMBER.match(sql, i):
            out.append(Token(Tok.NUMBER, m.group(0), i, m.end()))
            i = m.end()
        elif ch == ";":
            out.append(Token(Tok.SEMI, ";", i, i + 1))
            i += 1
        else:
            out.append(Token(Tok.OP, ch, i, i + 1))
            i += 1
    return out


def _dollar(sql: str, i: int, out: list[Token]) -> int:
    """Tokenize at a ``$``: a ``$n`` parameter, a dollar-quoted string or a ``$name``."""
    j = i + 1
    while j < len(sql) and sql[j].isdigit():
        j += 1
    if j > i + 1:
        out.append(Token(Tok.PARAM, sql[i:j], i, j))
        return j
    if tag := _DOLLAR_TAG.match(sql, i):
        close = sql.find(tag.group(0), tag.end())
        if close < 0:
            raise SqlTextError(f"unterminated dollar-quoted string at offset {i}")
        end = close + len(tag.group(0))
        out.append(Token(Tok.STRING, sql[i:end], i, end))
        return end
    if var := _DOLLAR_VAR.match(sql, i):
        out.append(Token(Tok.VAR, var.group(0), i, var.end()))
        return var.end()
    out.append(Token(Tok.OP, "$", i, i + 1))
    return i + 1


def placeholder(tok: Token) -> Placeholder:
    """The name and conversion of a VAR token."""
    if tok.text.startswith("$"):
        return Placeholder(tok.text[1:], None)
    m = _BRACE.fullmatch(tok.text)
    assert m is not None
    conversion = m.group(2)
    if conversion is not None and conversion not in _CONVERSIONS:
        raise ParameterError(f"unknown conversion !{conversion} in {tok.text}; "
                             "use !i (identifier), !l (literal) or !raw")
    return Placeholder(m.group(1), _CONVERSIONS.get(conversion or ""))


# --- statements ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One statement of a cell: its source text (comments kept) and its tokens."""

    text: str
    tokens: tuple[Token, ...]  # offsets relative to ``text``

    @property
    def head(self) -> tuple[str, str]:
        """The first two words, upper-cased (``("PRINT", "IMAGE")``)."""
        words = [*(t.upper for t in self.tokens[:2]), "", ""]
        return words[0], words[1]


def split(sql: str) -> list[Statement]:
    """The statements of ``sql``, split at top-level semicolons; empty ones are dropped."""
    out: list[Statement] = []
    start = 0
    current: list[Token] = []
    for tok in [*tokenize(sql), Token(Tok.SEMI, ";", len(sql), len(sql))]:
        if tok.kind is not Tok.SEMI:
            current.append(tok)
            continue
        if current:
            text = sql[start:tok.start]
            lead = len(text) - len(text.lstrip())
            text = text.strip()
            base = start + lead
            out.append(Statement(text, tuple(
                Token(t.kind, t.text, t.start - base, t.end - base) for t in current)))
        start, current = tok.end, []
    return out


# --- binding --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """A statement ready to send: text with ``$n`` parameters, and their values."""

    text: str
    params: tuple[object, ...]


Lookup = Callable[[str], object]
"""Resolves a placeholder's dotted name to its Python value (raises ParameterError)."""

Composer = Callable[[object], str]
"""Renders a ``psycopg.sql.Composable`` (identifier, literal, SQL) as SQL text."""


def namespace_lookup(namespace: Mapping[str, object]) -> Lookup:
    """A :data:`Lookup` over a dict of variables (IPython's user namespace), ``a.b`` as getattr."""

    def lookup(name: str) -> object:
        first, *attrs = name.split(".")
        if first not in namespace:
            raise ParameterError(f"name {first!r} is not defined (used as a placeholder in the "
                                 "SQL)")
        value = namespace[first]
        for attr in attrs:
            try:
                value = getattr(value, attr)
            except AttributeError as exc:
                raise ParameterError(f"{name}: {exc}") from None
        return value

    return lookup


def bind(stmt: Statement, lookup: Lookup, compose: Composer) -> Bound:
    """Replace the placeholders of ``stmt`` (see the module docstring for the rules)."""
    if not any(t.kind is Tok.VAR for t in stmt.tokens):
        return Bound(stmt.text, ())
    if any(t.kind is Tok.PARAM for t in stmt.tokens):
        raise ParameterError("a statement cannot mix $1-style parameters with {name} "
                             "placeholders")
    parts: list[str] = []
    params: list[object] = []
    numbers: dict[str, int] = {}  # one parameter per name, however often it is used
    last = 0
    options_depth: int | None = None  # paren depth of an open OPTIONS ( … ), else None
    depth = 0
    prev: Token | None = None
    for tok in stmt.tokens:
        if tok.kind is Tok.OP and tok.text == "(":
            depth += 1
            if prev is not None and prev.upper == "OPTIONS" and options_depth is None:
                options_depth = depth
        elif tok.kind is Tok.OP and tok.text == ")":
            if options_depth == depth:
                options_depth = None
            depth -= 1
        elif tok.kind is Tok.VAR:
            ph = placeholder(tok)
            value = lookup(ph.name)
            parts.append(stmt.text[last:tok.start])
            last = tok.end
            if ph.conversion == "raw":
                parts.append(str(value))
            elif ph.conversion == "i":
                parts.append(compose(_identifier(value)))
            elif _is_composable(value):
                parts.append(compose(value))
            elif ph.conversion == "l" or options_depth is not None:
                parts.append(literal(value))
            else:
                if ph.name not in numbers:
                    params.append(_plain(value))
                    numbers[ph.name] = len(params)
                parts.append(f"${numbers[ph.name]}")
        prev = tok
    parts.append(stmt.text[last:])
    return Bound("".join(parts), tuple(params))


def _is_composable(value: object) -> bool:
    from psycopg import sql

    return isinstance(value, sql.Composable)


def _identifier(value: object) -> object:
    from psycopg import sql

    if isinstance(value, sql.Composable):
        return value
    if isinstance(value, tuple | list):
        return sql.Identifier(*(str(v) for v in value))
    return sql.Identifier(*str(value).split("."))


def _plain(value: object) -> object:
    """numpy scalars and arrays as Python scalars and lists (which psycopg adapts)."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist) and type(value).__module__ == "numpy":
        return tolist()
    return value


def literal(value: object) -> str:
    """``value`` as a SQL literal that both DuckDB and the ThanoSQL option parser read."""
    value = _plain(value)
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ParameterError(f"cannot write {value} as a SQL literal")
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise ParameterError(f"cannot inline a {type(value).__name__} as a literal; bind it as a "
                         "parameter outside OPTIONS instead")


# --- ML statement heads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelQuery:
    """``PREDICT|EVALUATE USING model [OPTIONS (k = v, …)] AS query``, as source slices."""

    verb: str
    model: str  # source text of the name
    options: dict[str, str]  # key (lower-case) → value source text
    query: str  # everything after AS


def parse_model_query(stmt: Statement) -> ModelQuery | None:
    """The parts of a PREDICT / EVALUATE statement; None for anything else."""
    toks, text = stmt.tokens, stmt.text
    if stmt.head not in (("PREDICT", "USING"), ("EVALUATE", "USING")) or len(toks) < 5:
        return None
    model, i = toks[2], 3
    options: dict[str, str] = {}
    if toks[i].upper == "OPTIONS" and i + 1 < len(toks) and toks[i + 1].text == "(":
        i += 2
        while i < len(toks) and toks[i].text != ")":
            if toks[i].text == ",":
                i += 1
                continue
            if i + 2 >= len(toks) or toks[i + 1].text != "=":
                return None
            key, j = toks[i].text.lower(), i + 2
            while j < len(toks) and toks[j].text not in (",", ")"):
                j += 1
            if j == i + 2:
                return None
            options[key] = text[toks[i + 2].start:toks[j - 1].end]
            i = j
        i += 1
    if i >= len(toks) - 1 or toks[i].upper != "AS":
        return None
    return ModelQuery(stmt.head[0], text[model.start:model.end], options,
                      text[toks[i + 1].start:])


def option_value(source: str) -> Any:
    """The Python value of an option literal's source text (``'label'`` → ``label``)."""
    source = source.strip()
    if len(source) >= 2 and source[0] == source[-1] == "'":
        return source[1:-1].replace("''", "'")
    if len(source) >= 2 and source[0] == source[-1] == '"':
        return source[1:-1].replace('""', '"')
    return source
