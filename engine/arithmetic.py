"""Integer literals and parameters in arithmetic, typed the way PostgreSQL types them.

PostgreSQL gives an integer literal a type by its size alone: ``integer`` when it fits in 32
bits, else ``bigint``, else ``numeric``; ``smallint * 2`` is then ``integer`` (PostgreSQL
widens ``int2 op int4`` to ``int4``). DuckDB types a literal by its context instead: ``2``
fits a SMALLINT, so ``smallint * 2`` stays SMALLINT and ``20000::int2 * 2`` fails with an
overflow where PostgreSQL answers 40000. :func:`with_integer_types` writes each integer
literal that is an operand of ``+ - * / %`` with PostgreSQL's type (``2::INTEGER``), which
changes nothing where the other operand is an ``integer``, ``bigint``, ``numeric``, float, date
or interval (DuckDB's result types are the same) and gives the ``int4`` result where it is a
``smallint``.

Parameters matter most here: psycopg sends a small Python ``int`` as ``int2``, so
``SELECT %s * 1000`` is ``$1::int2 * 1000`` in PostgreSQL, an ``integer``. And a parameter's
type must be the same when the statement is described (``CAST(NULL AS SMALLINT)``, see
``engine.session``) as when it runs: DuckDB types a bound Python ``int`` by its value, not by
the parameter's type, so the columns of the RowDescription said ``int2`` while the rows carried
four or eight bytes — garbage for a binary-format client. :func:`with_typed_params` writes each
fixed-width numeric parameter as ``CAST($n AS type)`` for execution.

It does the same for functions PostgreSQL types ``integer`` and DuckDB BIGINT (``length``,
``strpos``): ``CAST(length(s) AS INTEGER)``.

The rewrites work on the statement's tokens (:mod:`engine.lexer`): strings, comments and
quoted names are never touched.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from engine.lexer import (
    Tok,
    Token,
    matching_bracket,
    replace_params,
    spliced,
    sql_string,
    tokenize,
)
from engine.statements import is_create_as

# PostgreSQL's numeric without a precision keeps each value's own digits; a DuckDB decimal has
# a fixed scale, and a bare DECIMAL is DECIMAL(18,3), which stored 0.0001 as 0.000 and could
# not hold 1e16. The server's unconstrained numeric (columns, casts, parameters) is this one:
# 28 integer and 10 fraction digits. The wire describes it without a typmod and writes its
# values without trailing fraction zeros (server/types.py), as PostgreSQL writes 0.0001; so
# it does what arithmetic on it gives, DECIMAL(38, s) with s from 10 to 38 (a product of two
# has 20 fraction digits), all of them unconstrained numerics in PostgreSQL.
NUMERIC = "DECIMAL(38,10)"
NUMERIC_PRECISION, NUMERIC_SCALE = 38, 10
UNCONSTRAINED_DECIMAL = r"DECIMAL\(38,[1-3][0-9]\)"  # the DuckDB types written so (regex)
# What their text loses (regex): its trailing fraction zeros, and the point when nothing is
# left after it. Every such text has a point and all its scale's digits (1.5000000000).
TRAILING_ZEROS = r"\.?0+$"


def unconstrained(precision: int, scale: int) -> bool:
    """Whether DECIMAL(precision, scale) is one of those (UNCONSTRAINED_DECIMAL)."""
    return precision == NUMERIC_PRECISION and scale >= NUMERIC_SCALE

_INT4_MAX = 2**31 - 1
_INT8_MAX = 2**63 - 1

# Statements whose expressions are rewritten: queries and writes, and CREATE TABLE … AS (whose
# new columns take the query's types). DDL expressions (defaults, checks, generated columns,
# views) are stored as written and shown back to clients; they are left alone.
_REWRITTEN_FIRST_WORDS = frozenset({"SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE",
                                    "DELETE", "MERGE", "CREATE", "EXPLAIN"})
_ARITHMETIC = "+-*/%"
_LONGEST = 65_536  # longer statements (bulk INSERTs) are not worth a token pass

# The parameter types cast at execution: DuckDB binds a Python value by the value's own type,
# which for numbers is not the parameter's, and whose width the wire encoding depends on; and a
# timestamptz given without an offset (a naive datetime) is local time in the session's zone.
TYPED_AT_EXECUTION = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
                                "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT",
                                "DOUBLE", "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE"})


def integer_literal_type(text: str) -> str | None:
    """PostgreSQL's type of the integer literal ``text`` as a DuckDB type name (INTEGER or
    BIGINT; None for a larger one, which is numeric, or for anything but digits)."""
    if not text.isdigit():  # 1.5, 1e3, 1_000 are not plain integer literals
        return None
    value = int(text)
    if value <= _INT4_MAX:
        return "INTEGER"
    if value <= _INT8_MAX:
        return "BIGINT"
    return None


def _operand_end(tok: Token) -> bool:
    """Can ``tok`` end an operand (so that a ``+``/``-`` after it is binary)?"""
    if tok.kind in (Tok.WORD, Tok.IDENT, Tok.NUMBER, Tok.STRING, Tok.PARAM):
        return True
    return tok.kind is Tok.OP and tok.text in ")]"


def _is_op(tok: Token, chars: str) -> bool:
    return tok.kind is Tok.OP and tok.text in chars


def _is_arithmetic_operand(tokens: Sequence[Token], i: int) -> bool:
    """Is the number at ``tokens[i]`` an operand of a binary ``+ - * / %``?

    An operator right after a number is binary. Before it, ``*``, ``/`` and ``%`` are binary
    when an operand ends before them; a ``+``/``-`` is binary after an operand, and otherwise
    a sign, whose number is an operand when a binary operator comes before the sign
    (``x * -2``)."""
    if i + 1 < len(tokens) and _is_op(tokens[i + 1], _ARITHMETIC):
        return True
    j = i - 1
    if j >= 1 and _is_op(tokens[j], "+-") and not _operand_end(tokens[j - 1]):
        j -= 1  # a sign
    return j >= 1 and _is_op(tokens[j], _ARITHMETIC) and _operand_end(tokens[j - 1])


def _rewritable(tokens: Sequence[Token]) -> bool:
    """A query or write, or CREATE TABLE … AS (see :data:`_REWRITTEN_FIRST_WORDS`)."""
    first = tokens[0].upper if tokens else ""
    return first in _REWRITTEN_FIRST_WORDS and (first != "CREATE" or is_create_as(tokens))


def _cast_next(tokens: Sequence[Token], i: int) -> bool:
    """Is the literal at ``tokens[i]`` cast already (``2::int2``)?"""
    return i + 2 < len(tokens) and _is_op(tokens[i + 1], ":") and _is_op(tokens[i + 2], ":")


# Functions PostgreSQL types ``integer`` and DuckDB BIGINT. Drivers that check types (pgx,
# tokio-postgres, a JDBC Integer) read them as int4; their values always fit.
_INT4_FUNCTIONS = frozenset({"LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH", "OCTET_LENGTH",
                             "BIT_LENGTH", "STRPOS", "POSITION", "JSON_ARRAY_LENGTH"})


@functools.lru_cache(maxsize=4096)
def with_integer_types(sql: str) -> str | None:
    """``sql`` with PostgreSQL's integer types made explicit: each integer literal that is an
    arithmetic operand (``2`` → ``2::INTEGER``) and each call of a function in
    :data:`_INT4_FUNCTIONS` (``CAST(length(s) AS INTEGER)``); None when there is none."""
    if len(sql) > _LONGEST:
        return None
    tokens = tokenize(sql)
    if not _rewritable(tokens):
        return None
    edits: list[tuple[int, int, str]] = []
    for i, tok in enumerate(tokens):
        if tok.kind is Tok.NUMBER:
            typed = integer_literal_type(tok.text)
            if typed is not None and _is_arithmetic_operand(tokens, i) \
                    and not _cast_next(tokens, i):
                edits.append((tok.end, tok.end, f"::{typed}"))
        elif tok.kind is Tok.STRING and (kind := _fraction_cast_to_int(tokens, i)):
            # '3.7'::int: PostgreSQL refuses it (22P02), DuckDB rounds it to 4
            message = f'invalid input syntax for type {kind}: "{tok.text[1:-1]}"'
            edits.append((tok.start, tok.end, f"error({sql_string(message)})"))
        elif tok.upper in _INT4_FUNCTIONS and _called(tokens, i):
            close = matching_bracket(tokens, i + 1)
            if close < len(tokens):
                edits += [(tok.start, tok.start, "CAST("),
                          (tokens[close].end, tokens[close].end, " AS INTEGER)")]
    return spliced(sql, sorted(edits, key=lambda e: e[0])) if edits else None


# Integer type names a literal may be cast to, as PostgreSQL names the type in its error.
_INT_TYPE_NAMES = {"INT": "integer", "INTEGER": "integer", "INT4": "integer",
                   "SMALLINT": "smallint", "INT2": "smallint", "BIGINT": "bigint",
                   "INT8": "bigint"}
# A number with a fraction or an exponent, which DuckDB's cast to an integer rounds.
FRACTIONAL = re.compile(r"\s*[+-]?(?:\d+\.\d*|\.\d+|\d+(?:\.\d*)?[eE][+-]?\d+)\s*")


def _fraction_cast_to_int(tokens: Sequence[Token], i: int) -> str:
    """For ``'3.7'::int`` or ``CAST('3.7' AS int)`` at ``tokens[i]`` (a plain string literal
    holding a fractional number, cast to an integer type, not an array of it): PostgreSQL's
    name of that type; else ""."""
    tok = tokens[i]
    if not tok.text.startswith("'") or FRACTIONAL.fullmatch(tok.text[1:-1]) is None:
        return ""
    if _cast_next(tokens, i) and i + 3 < len(tokens):
        target, after = i + 3, i + 4
    elif i >= 2 and tokens[i - 2].upper == "CAST" and _is_op(tokens[i - 1], "(") \
            and i + 2 < len(tokens) and tokens[i + 1].upper == "AS":
        target, after = i + 2, i + 3
    else:
        return ""
    if after < len(tokens) and _is_op(tokens[after], "["):
        return ""
    return _INT_TYPE_NAMES.get(tokens[target].upper, "")


def _called(tokens: Sequence[Token], i: int) -> bool:
    """``f(`` at ``tokens[i]``, not ``x.f(`` (some other schema's function)."""
    return i + 1 < len(tokens) and _is_op(tokens[i + 1], "(") \
        and not (i > 0 and _is_op(tokens[i - 1], "."))


def with_typed_params(sql: str, param_types: Sequence[str]) -> str:
    """``sql`` with each parameter of a fixed-width numeric type (or timestamptz) written
    ``CAST($n AS type)``, so that it runs with the type it was described with."""
    if not any(t in TYPED_AT_EXECUTION for t in param_types):
        return sql
    return _typed_params(sql, tuple(param_types))


@functools.lru_cache(maxsize=1024)
def _typed_params(sql: str, param_types: tuple[str, ...]) -> str:
    def cast(n: int) -> str:
        kind = param_types[n - 1] if n <= len(param_types) else ""
        return f"CAST(${n} AS {kind})" if kind in TYPED_AT_EXECUTION else f"${n}"

    return replace_params(sql, cast)
