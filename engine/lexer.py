"""A small PostgreSQL lexer: just enough to split statements and find ``$n`` parameters.

It knows the lexical rules that decide where a statement ends: single-quoted strings (with
``''``), ``E'…'`` strings (with backslash escapes), dollar-quoted strings (``$tag$…$tag$``; a
tag never starts with a digit, so ``$1,$2`` are parameters), double-quoted identifiers,
``--`` and nested ``/* */`` comments. Comments and whitespace produce no tokens. It is a
hand-written scanner rather than sqlglot's tokenizer because the latter mistakes ``($1,$2)`` for a
dollar-quoted string; it is also a few times faster, which matters on every query.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from engine.errors import SqlError, SqlState


class Tok(enum.Enum):
    WORD = "word"  # keyword or unquoted identifier
    IDENT = "ident"  # "quoted identifier" (text holds the unquoted name)
    STRING = "string"  # any string literal (text holds the raw source)
    NUMBER = "number"
    PARAM = "param"  # $n (text holds the digits)
    OP = "op"  # operators and punctuation, one token per character run
    SEMI = "semi"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Tok
    text: str
    start: int  # offset of the first character in the source
    end: int  # offset just past the last character

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind is Tok.WORD else ""


_WORD_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_WORD_CHARS = _WORD_START | frozenset("0123456789$")
_DIGITS = frozenset("0123456789")
_OP_CHARS = frozenset("+-*/<>=~!@#%^&|`?:.,()[]{}")


def _error(message: str, pos: int) -> SqlError:
    return SqlError(SqlState.SYNTAX_ERROR, message, position=pos + 1)


def _scan_quoted(sql: str, i: int, quote: str, backslash: bool) -> int:
    """Offset just past the closing quote of a literal whose opening quote is at ``i``."""
    n = len(sql)
    j = i + 1
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
    kind = "quoted identifier" if quote == '"' else "quoted string"
    raise _error(f"unterminated {kind} at or near \"{sql[i:i + 10]}\"", i)


def _dollar_tag(sql: str, i: int) -> str | None:
    """The ``$tag$`` opening at ``i``, or None if ``$`` does not start a dollar quote here."""
    n = len(sql)
    j = i + 1
    if j < n and sql[j] == "$":
        return "$$"
    if j >= n or sql[j] not in _WORD_START:
        return None
    while j < n and sql[j] in _WORD_CHARS and sql[j] != "$":
        j += 1
    if j < n and sql[j] == "$":
        return sql[i : j + 1]
    return None


@lru_cache(maxsize=4096)
def tokenize(sql: str) -> tuple[Token, ...]:
    out: list[Token] = []
    n = len(sql)
    i = 0
    while i < n:
        ch = sql[i]
        if ch.isspace():
            i += 1
        elif ch == "-" and sql.startswith("--", i):
            nl = sql.find("\n", i)
            i = n if nl < 0 else nl + 1
        elif ch == "/" and sql.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if sql.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif sql.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            if depth:
                raise _error("unterminated /* comment", i)
            i = j
        elif ch == "'":
            j = _scan_quoted(sql, i, "'", backslash=False)
            out.append(Token(Tok.STRING, sql[i:j], i, j))
            i = j
        elif ch in "eE" and i + 1 < n and sql[i + 1] == "'":
            j = _scan_quoted(sql, i + 1, "'", backslash=True)
            out.append(Token(Tok.STRING, sql[i:j], i, j))
            i = j
        elif ch == '"':
            j = _scan_quoted(sql, i, '"', backslash=False)
            out.append(Token(Tok.IDENT, sql[i + 1 : j - 1].replace('""', '"'), i, j))
            i = j
        elif ch == "$":
            if i + 1 < n and sql[i + 1] in _DIGITS:
                j = i + 1
                while j < n and sql[j] in _DIGITS:
                    j += 1
                out.append(Token(Tok.PARAM, sql[i + 1 : j], i, j))
                i = j
                continue
            tag = _dollar_tag(sql, i)
            if tag is None:
                out.append(Token(Tok.OP, "$", i, i + 1))
                i += 1
                continue
            close = sql.find(tag, i + len(tag))
            if close < 0:
                raise _error("unterminated dollar-quoted string", i)
            j = close + len(tag)
            out.append(Token(Tok.STRING, sql[i:j], i, j))
            i = j
        elif ch in _WORD_START or (ord(ch) > 127 and ch.isalpha()):
            j = i + 1
            while j < n and (sql[j] in _WORD_CHARS or (ord(sql[j]) > 127 and sql[j].isalnum())):
                j += 1
            out.append(Token(Tok.WORD, sql[i:j], i, j))
            i = j
        elif ch in _DIGITS or (ch == "." and i + 1 < n and sql[i + 1] in _DIGITS):
            j = i + 1
            while j < n and (sql[j] in _DIGITS or sql[j] in ".eE_" or
                             (sql[j] in "+-" and sql[j - 1] in "eE")):
                j += 1
            out.append(Token(Tok.NUMBER, sql[i:j], i, j))
            i = j
        elif ch == ";":
            out.append(Token(Tok.SEMI, ";", i, i + 1))
            i += 1
        else:
            out.append(Token(Tok.OP, ch, i, i + 1))
            i += 1
    return tuple(out)


def matching_bracket(tokens: Sequence[Token], i: int) -> int:
    """Index of the bracket closing the one at ``tokens[i]`` (len(tokens) if none does), or,
    when ``tokens[i]`` closes one, of the bracket opening it (-1 if none does)."""
    backwards = tokens[i].kind is Tok.OP and tokens[i].text in ")]"
    inner, outer = (")]", "([") if backwards else ("([", ")]")
    depth = 0
    for j in range(i, -1, -1) if backwards else range(i, len(tokens)):
        if tokens[j].kind is Tok.OP and tokens[j].text in inner:
            depth += 1
        elif tokens[j].kind is Tok.OP and tokens[j].text in outer:
            depth -= 1
            if depth == 0:
                return j
    return -1 if backwards else len(tokens)


def arguments(tokens: Sequence[Token], start: int, close: int) -> list[tuple[int, int]]:
    """The (start, stop) token ranges of the comma-separated items of ``tokens[start:close]``
    (a call's arguments: ``close`` is its closing bracket), commas inside brackets aside."""
    spans, first, i = [], start, start
    while i < close:
        tok = tokens[i]
        if tok.kind is Tok.OP and tok.text in "([":
            i = matching_bracket(tokens, i) + 1
            continue
        if tok.kind is Tok.OP and tok.text == ",":
            spans.append((first, i))
            first = i + 1
        i += 1
    spans.append((first, min(i, close)))
    return spans


def spliced(sql: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """``sql`` with each ``(start, end, text)`` range replaced by its text (ranges in order,
    not overlapping)."""
    out: list[str] = []
    last = 0
    for start, end, text in edits:
        out += [sql[last:start], text]
        last = end
    out.append(sql[last:])
    return "".join(out)


def sql_string(text: str) -> str:
    """``text`` as a SQL string literal (quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


def replace_params(sql: str, replacement: object) -> str:
    """Rewrite each ``$n`` of ``sql`` with ``replacement(n)``; strings and comments untouched."""
    assert callable(replacement)
    return spliced(sql, ((tok.start, tok.end, str(replacement(int(tok.text))))
                         for tok in tokenize(sql) if tok.kind is Tok.PARAM))


class TokenReader:
    """A position in one statement's tokens, for the small hand-written statement parsers
    (cursors, session commands), with PostgreSQL-style syntax errors carrying a position."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [t for t in tokenize(text) if t.kind is not Tok.SEMI]
        self.i = 0

    def peek(self, ahead: int = 0) -> Token | None:
        j = self.i + ahead
        return self.tokens[j] if j < len(self.tokens) else None

    def word(self, ahead: int = 0) -> str:
        tok = self.peek(ahead)
        return tok.upper if tok is not None else ""

    def accept(self, *words: str) -> str | None:
        w = self.word()
        if w and w in words:
            self.i += 1
            return w
        return None

    def expect(self, *words: str) -> str:
        w = self.accept(*words)
        if w is None:
            raise self.error()
        return w

    def identifier(self, reserved: frozenset[str] = frozenset()) -> str:
        """An identifier: a word lower-cased, a double-quoted name as written; words in
        ``reserved`` (the statement's own keywords) are syntax errors here."""
        tok = self.peek()
        if tok is None or tok.kind not in (Tok.WORD, Tok.IDENT) or tok.upper in reserved:
            raise self.error()
        self.i += 1
        return tok.text if tok.kind is Tok.IDENT else tok.text.lower()

    def is_op(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind is Tok.OP and tok.text == text

    def at_end(self) -> bool:
        return self.i >= len(self.tokens)

    def end(self) -> None:
        if not self.at_end():
            raise self.error()

    def error(self) -> SqlError:
        tok = self.peek()
        if tok is None:
            end = self.tokens[-1].end if self.tokens else len(self.text)
            return SqlError(SqlState.SYNTAX_ERROR, "syntax error at end of input",
                            position=end + 1)
        return SqlError(SqlState.SYNTAX_ERROR,
                        f'syntax error at or near "{self.text[tok.start:tok.end]}"',
                        position=tok.start + 1)
