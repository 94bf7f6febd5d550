"""Aggregates and operators whose result PostgreSQL takes from the argument's type, where
DuckDB's differs or is missing.

``sum`` of a ``smallint`` or ``integer`` is a ``bigint`` in PostgreSQL; DuckDB sums every
integer type into a 128-bit ``HUGEINT``, which the wire reports as ``numeric`` — so a client
got ``Decimal('6')`` where PostgreSQL gives ``6`` (psycopg), a ``BigDecimal`` for a ``Long``
(JDBC), an ``object`` column for ``int64`` (pandas). :func:`with_integer_sums` writes such a
call as ``CAST(sum(col) AS BIGINT)`` (the value always fits: 2^31 rows of the largest
``integer`` stay below 2^63), and so is the sum of an integer expression of such columns and
int4 literals (``sum(qty * 2)``; the expression is an ``integer`` in PostgreSQL too, overflowing
at 2^31 per row there).

Likewise ``avg`` / ``stddev`` / ``variance`` of integers and numerics are numerics
(:func:`with_numeric_averages`), ``percentile_cont`` of a numeric interpolates in double
precision (:func:`with_double_percentiles`), ``sum`` / ``avg`` of intervals add field by field
(:func:`with_interval_aggregates`), ``interval / n`` divides as PostgreSQL's interval_div
(:func:`with_interval_division`), ``time - time`` is an interval
(:func:`with_time_differences`) and ``date_trunc`` and ``generate_series`` of dates are
``timestamptz`` (:func:`with_dates_as_timestamptz`).

The argument's type is found lexically, as :mod:`engine.literals` finds a compared column's: a
bare or qualified column among the sources named in the ``FROM`` list of the ``SELECT`` it
belongs to (a subquery's, a CTE's, a union member's own), then an enclosing query's
(``engine.literals.Scopes``). A subquery's or a CTE's columns are known where its select list
passes columns on (``*``, ``qty AS q``); one it computes is not, and what reads it keeps
DuckDB's type. A ``CREATE TABLE`` or ``VIEW … AS`` query is read as the query is, so that the
columns it creates have PostgreSQL's types too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from engine import catalog, pgfunctions
from engine.arithmetic import integer_literal_type
from engine.lexer import Tok, Token, arguments, matching_bracket, spliced, tokenize
from engine.literals import ColumnTypes, Scope, Scopes, column_ref
from engine.statements import name_end

# DuckDB types of the columns whose sum PostgreSQL types bigint (int2 and int4 there).
_SUMMED_TO_BIGINT = frozenset({"SMALLINT", "INTEGER"})
_INTEGERS = frozenset({"SMALLINT", "INTEGER", "BIGINT"})  # averaged to a numeric
_QUERY = re.compile(r"\s*(?:select|with)\b|\s*\(", re.IGNORECASE)  # only queries are read …
_CREATE = re.compile(r"\s*create\b", re.IGNORECASE)  # … and CREATE TABLE / VIEW … AS query …
_LONGEST = 65_536  # … of a length worth tokenizing (not a bulk statement's megabytes)


def _query_tokens(sql: str, *words: str) -> tuple[Token, ...] | None:
    """The tokens of ``sql`` when it is a query (``SELECT``, ``WITH``, or in brackets), or a
    ``CREATE TABLE`` / ``VIEW`` ``… AS`` one (its columns take the query's types), that holds
    one of ``words`` (lower case); None otherwise. The cheap refusals come first: every
    statement passes here."""
    if len(sql) > _LONGEST:
        return None
    query = _QUERY.match(sql) is not None
    if not query and _CREATE.match(sql) is None:
        return None
    lowered = sql.lower()
    if words and not any(word in lowered for word in words):
        return None
    tokens = tokenize(sql)
    return tokens if query or _creates_from_query(tokens) else None


def _creates_from_query(tokens: Sequence[Token]) -> bool:
    """``CREATE … TABLE | VIEW … AS (SELECT | WITH | ()`` (``AS`` outside brackets)."""
    depth = 0
    for i, tok in enumerate(tokens[:-1]):
        if tok.kind is Tok.OP and tok.text in "([":
            depth += 1
        elif tok.kind is Tok.OP and tok.text in ")]":
            depth -= 1
        elif depth == 0 and tok.upper == "AS":
            after = tokens[i + 1]
            return (after.upper in ("SELECT", "WITH") or after.text == "(") \
                and any(t.upper in ("TABLE", "VIEW") for t in tokens[1:i])
    return False


def with_integer_sums(sql: str, column_types: ColumnTypes) -> str | None:
    """``sql`` (a query) with each ``sum([DISTINCT] col) [FILTER (…)] [OVER …]`` of a
    smallint or integer column cast to BIGINT; None when there is none."""
    def bigint(tokens: Sequence[Token], start: int, stop: int, scope: Scope) -> str | None:
        return "BIGINT" if _integer_expression(tokens, start, stop, scope) else None

    return _cast_calls(sql, column_types, frozenset({"SUM"}), bigint)


# avg (stddev, variance) of integers and numerics is a numeric in PostgreSQL; DuckDB's is a
# double, so a client got a float where PostgreSQL gives a Decimal (psycopg: Decimal + float
# is a TypeError) or a BigDecimal (JDBC). Cast to the unconstrained numeric's kin
# (engine.arithmetic), with 16 fraction digits (22 integer digits: any bigint's average; a
# numeric's beyond is 22003) and written without trailing zeros. DuckDB still computes it as
# a double, so it goes through the double's shortest text (0.3333333333333333, not the binary
# expansion 0.33333333333333331483): 16 or 17 significant digits, where PostgreSQL's are
# exact.
AVERAGE = "DECIMAL(38,16)"


# The aggregates PostgreSQL gives a numeric for integer and numeric arguments, DuckDB a double.
_NUMERIC_STATISTICS = frozenset({"AVG", "STDDEV", "STDDEV_SAMP", "STDDEV_POP", "VARIANCE",
                                 "VAR_SAMP", "VAR_POP"})


def with_numeric_averages(sql: str, column_types: ColumnTypes) -> str | None:
    """``sql`` (a query) with each ``avg([DISTINCT] x) [FILTER (…)] [OVER …]`` (and
    ``stddev`` / ``variance`` and their ``_samp`` / ``_pop`` forms) of an integer expression
    (integer columns and literals with ``+ - *``) or a numeric column cast to a numeric, as
    PostgreSQL types it; None when there is none."""
    def numeric(tokens: Sequence[Token], start: int, stop: int, scope: Scope) -> str | None:
        if _integer_expression(tokens, start, stop, scope, _INTEGERS):
            return AVERAGE
        column = column_ref(tokens, start)
        if column is not None and column[1] == stop \
                and scope.column_type(column[0]).startswith("DECIMAL"):
            return AVERAGE
        return None

    return _cast_calls(sql, column_types, _NUMERIC_STATISTICS, numeric, through="VARCHAR")


def with_double_percentiles(sql: str, column_types: ColumnTypes) -> str | None:
    """``sql`` (a query) with the numeric column of each ``percentile_cont(f) WITHIN
    GROUP (ORDER BY col)`` cast to double precision, as PostgreSQL computes it; None when
    there is none. DuckDB's interpolates in the column's DECIMAL: the median of 1.50 and 2.25
    was 1.87 (PostgreSQL: the float 1.875)."""
    tokens = _query_tokens(sql, "percentile_cont")
    if tokens is None:
        return None
    scopes = Scopes(sql, column_types)
    edits = []
    for i, tok in enumerate(tokens):
        if tok.upper != "PERCENTILE_CONT" or not _is_call(tokens, i):
            continue
        close = matching_bracket(tokens, i + 1)
        words = [t.upper or t.text for t in tokens[close + 1:close + 6]]
        if words != ["WITHIN", "GROUP", "(", "ORDER", "BY"]:
            continue
        column = column_ref(tokens, close + 6)
        group_close = matching_bracket(tokens, close + 3)
        if column is None or group_close >= len(tokens) \
                or not scopes.at(i).column_type(column[0]).startswith("DECIMAL") \
                or any(t.upper not in _ORDER_WORDS for t in tokens[column[1]:group_close]):
            continue
        edits += [(tokens[close + 6].start, tokens[close + 6].start, "CAST("),
                  (tokens[column[1] - 1].end, tokens[column[1] - 1].end, " AS DOUBLE)")]
    return spliced(sql, sorted(edits)) if edits else None


_ORDER_WORDS = frozenset({"ASC", "DESC", "NULLS", "FIRST", "LAST"})
Typing = Callable[[Sequence[Token], int, int, Scope], "str | None"]  # argument → cast target


def _cast_calls(sql: str, column_types: ColumnTypes, functions: frozenset[str], typing: Typing,
                through: str | None = None) -> str | None:
    """``sql`` (a query) with each call of one of the aggregate ``functions`` (upper
    case; with its ``FILTER`` and ``OVER``) whose argument ``typing`` gives a type cast to
    that type (by way of the type ``through``, when given); None when there is none."""
    before, after = ("CAST(CAST(", f" AS {through}) AS ") if through else ("CAST(", " AS ")
    tokens = _query_tokens(sql, *(name.lower() for name in functions))
    if tokens is None:
        return None
    scopes: Scopes | None = None
    edits = []
    for i, tok in enumerate(tokens):
        if tok.upper not in functions or not _is_call(tokens, i):
            continue
        j = i + 2 + (tokens[i + 2].upper in ("DISTINCT", "ALL"))
        close = matching_bracket(tokens, i + 1)
        if j >= close or close >= len(tokens):
            continue
        scopes = scopes or Scopes(sql, column_types)
        target = typing(tokens, j, close, scopes.at(i))
        end = _call_end(tokens, close)
        if target is None or end >= len(tokens):
            continue
        edits += [(tok.start, tok.start, before),
                  (tokens[end].end, tokens[end].end, f"{after}{target})")]
    return spliced(sql, sorted(edits)) if edits else None


# sum / avg of an interval, which DuckDB lacks: the pgfunctions macro that rebuilds PostgreSQL's
# result from per-field sums (and the count, for avg).
_INTERVAL_AGGREGATES = {"SUM": pgfunctions.INTERVAL_SUM, "AVG": pgfunctions.INTERVAL_AVG}
_INTERVAL_FIELDS = (pgfunctions.INTERVAL_MONTHS, pgfunctions.INTERVAL_DAYS,
                    pgfunctions.INTERVAL_MICROS)
_TIMESTAMPS = frozenset({"TIMESTAMP", "TIMESTAMP WITH TIME ZONE"})
_MACROS = f"{catalog.CATALOG}.main"


def with_interval_aggregates(sql: str, column_types: ColumnTypes) -> str | None:
    """``sql`` (a query) with each ``sum(x)`` / ``avg(x)`` [``FILTER (…)``] [``OVER …``]
    of an interval — an interval column, or the difference of two timestamp columns
    (``sum(finished - started)``) — written with per-field sums, as PostgreSQL adds intervals;
    None when there is none. (DuckDB has no sum or avg of an interval: 42883 before.)"""
    tokens = _query_tokens(sql, "sum", "avg")
    if tokens is None:
        return None
    scopes: Scopes | None = None
    edits: list[tuple[int, int, str]] = []
    for i, tok in enumerate(tokens):
        macro = _INTERVAL_AGGREGATES.get(tok.upper)
        if macro is None or not _is_call(tokens, i) or (edits and tok.start < edits[-1][1]):
            continue
        start, close = i + 2, matching_bracket(tokens, i + 1)
        if start >= close or close >= len(tokens) or tokens[start].upper == "DISTINCT":
            continue
        start += tokens[start].upper == "ALL"  # sum(ALL x) is sum(x)
        scopes = scopes or Scopes(sql, column_types)
        if not _interval_expression(tokens, start, close, scopes.at(i)):
            continue
        end = _call_end(tokens, close)
        if end >= len(tokens):
            continue
        arg = sql[tokens[start].start:tokens[close - 1].end]
        over = sql[tokens[close].end:tokens[end].end]  # FILTER (…) OVER (…), for each sum
        parts = [f"sum({_MACROS}.{field}({arg})){over}" for field in _INTERVAL_FIELDS]
        if macro == pgfunctions.INTERVAL_AVG:
            parts.append(f"count({arg}){over}")
        edits.append((tok.start, tokens[end].end, f"{_MACROS}.{macro}({', '.join(parts)})"))
    return spliced(sql, edits) if edits else None


# Functions PostgreSQL has no date form of, for which it casts dates to timestamptz: how many
# arguments the call has, and which of them (all of them dates) are cast.
_TIMESTAMPTZ_CALLS = {"DATE_TRUNC": (2, (1,)), "GENERATE_SERIES": (3, (0, 1))}


def with_dates_as_timestamptz(sql: str, column_types: ColumnTypes) -> str | None:
    """``sql`` (a query) with the dates of each ``date_trunc(field, d)`` and
    ``generate_series(d1, d2, step)`` — date columns, ``date '…'`` literals, casts to date,
    ``current_date`` — cast to ``timestamptz``; None when there is none. PostgreSQL has
    neither function for dates: it casts them to their nearest kin, ``timestamp with time
    zone`` (midnight in the session's time zone), so a BI tool's ``date_trunc('month',
    order_date)`` or date spine is a timestamptz there; DuckDB's is a ``timestamp`` (psycopg:
    a naive datetime where PostgreSQL gives an aware one)."""
    tokens = _query_tokens(sql, "date_trunc", "generate_series")
    if tokens is None:
        return None
    scopes: Scopes | None = None
    edits = []
    for i, tok in enumerate(tokens):
        shape = _TIMESTAMPTZ_CALLS.get(tok.upper)
        if shape is None or not _is_call(tokens, i):
            continue
        close = matching_bracket(tokens, i + 1)
        spans = arguments(tokens, i + 2, close)
        count, dates = shape
        if len(spans) != count or close >= len(tokens):
            continue  # another form (date_trunc's third argument names a zone)
        scopes = scopes or Scopes(sql, column_types)
        scope = scopes.at(i)
        if all(_date_expression(tokens, *spans[k], scope) for k in dates):
            for k in dates:
                first, last = tokens[spans[k][0]].start, tokens[spans[k][1] - 1].end
                edits.append((first, last, f"CAST({sql[first:last]} AS TIMESTAMPTZ)"))
    return spliced(sql, edits) if edits else None


def _date_expression(tokens: Sequence[Token], start: int, stop: int, scope: Scope) -> bool:
    """Are ``tokens[start:stop]`` a date: a date column, ``date '…'``, ``current_date``, or an
    operand whose last cast is to ``date``?"""
    if start >= stop:
        return False
    first = tokens[start]
    if stop - start == 1 and first.upper == "CURRENT_DATE":
        return True
    if stop - start == 2 and first.upper == "DATE" and tokens[start + 1].kind is Tok.STRING:
        return True
    column = column_ref(tokens, start)
    if column is not None and column[1] == stop:
        return scope.column_type(column[0]) == "DATE"
    if first.upper == "CAST" and stop - start >= 6 and tokens[stop - 1].text == ")" \
            and matching_bracket(tokens, start + 1) == stop - 1:
        return tokens[stop - 2].upper == "DATE" and tokens[stop - 3].upper == "AS"
    return _cast_operand_end(tokens, start, "DATE") == stop


# Calls whose result is an interval, as the rewrites here write them.
_INTERVAL_CALLS = frozenset({pgfunctions.INTERVAL_SUM, pgfunctions.INTERVAL_AVG,
                             pgfunctions.INTERVAL_DIV})
_MAX_OPERATIONS = 16  # rewrites of one kind in one statement (a chain d / 2 / 3 takes two)
# Columns an interval to divide can come from: intervals, and timestamps (``(b - a) / 2``).
_INTERVAL_KINDS = frozenset({"INTERVAL", "TIME"}) | _TIMESTAMPS


def with_interval_division(sql: str, column_types: ColumnTypes) -> str | None:
    """``sql`` (a query) with each ``x / n`` of an interval ``x`` — an interval literal
    or cast, an interval column, ``(a - b)`` of two timestamp columns, a sum or avg of
    intervals as :func:`with_interval_aggregates` writes them — divided as PostgreSQL's
    interval_div (``pgfunctions.INTERVAL_DIV``); None when there is none. (The database's
    integer division makes ``/`` DuckDB's ``//``, which has no interval form: 42883 before.)
    ``n`` is a number, a column, a call or a bracketed expression."""
    if "/" not in sql:
        return None
    return _with_operation(sql, column_types, "/", _interval_operand_end,
                           lambda tokens, i, _scope: _operand_end(tokens, i),
                           pgfunctions.INTERVAL_DIV,
                           ("interval", "pixelsql_interval_"), _INTERVAL_KINDS)


def with_time_differences(sql: str, column_types: ColumnTypes) -> str | None:
    """``sql`` (a query) with each ``a - b`` of two times of day — ``time`` columns,
    ``time '…'`` literals, casts to ``time`` — written as the interval between them
    (``pgfunctions.TIME_MINUS``), as PostgreSQL's ``time - time``; None when there is none.
    (DuckDB has no ``-`` of two times: 42883 before.)"""
    if "-" not in sql:
        return None
    return _with_operation(sql, column_types, "-", _time_operand_end, _time_operand_end,
                           pgfunctions.TIME_MINUS, ("time",), frozenset({"TIME"}))


Operand = Callable[[Sequence[Token], int, Scope], "int | None"]  # just past it, or None


def _with_operation(sql: str, column_types: ColumnTypes, operator: str, left: Operand,
                    right: Operand, macro: str, words: tuple[str, ...],
                    kinds: frozenset[str]) -> str | None:
    """``sql`` with each ``x <operator> y`` whose operands ``left`` and ``right`` recognise
    written as ``macro(x, y)``, leftmost first (``d / 2 / 3`` takes two rounds; the first
    call is then the left operand of the second); None when there is none. Statements with
    none of ``words`` (lower case) and no column of ``kinds`` in scope are refused before any
    operand is read: that read costs ~0.2 ms a statement."""
    written = None
    for _ in range(_MAX_OPERATIONS):
        tokens = _query_tokens(sql)
        if tokens is None:
            return written
        scopes = Scopes(sql, column_types)
        lowered = sql.lower()
        if not any(word in lowered for word in words) and not scopes.column_kinds() & kinds:
            return written
        found = _operation(sql, tokens, scopes, operator, left, right)
        if found is None:
            return written
        start, end, x, y = found
        sql = written = f"{sql[:start]}{_MACROS}.{macro}({x}, {y}){sql[end:]}"
    return written


def _operation(sql: str, tokens: Sequence[Token], scopes: Scopes, operator: str,
               left: Operand, right: Operand) -> tuple[int, int, str, str] | None:
    """The first ``x <operator> y`` of such operands: (start, end, x's text, y's text)."""
    for i, tok in enumerate(tokens):
        if (tok.kind is Tok.OP and tok.text not in "(+-") \
                or (i > 0 and tokens[i - 1].kind is Tok.OP and tokens[i - 1].text in ".:"):
            continue  # no operand starts there, or inside a qualified name or a ::type
        scope = scopes.at(i)
        left_end = left(tokens, i, scope)
        if left_end is None or left_end + 1 >= len(tokens) \
                or tokens[left_end].kind is not Tok.OP or tokens[left_end].text != operator:
            continue
        right_end = right(tokens, left_end + 1, scope)
        if right_end is None:
            continue
        return (tok.start, tokens[right_end - 1].end,
                sql[tok.start:tokens[left_end - 1].end],
                sql[tokens[left_end + 1].start:tokens[right_end - 1].end])
    return None


def with_numeric_division(sql: str, column_types: ColumnTypes) -> str | None:
    """``sql`` (a query) with each ``a / b`` of numerics cast to a numeric (``AVERAGE``,
    through the double's shortest text as the averages are), as PostgreSQL types it; None
    when there is none. DuckDB divides decimals into a double (psycopg: a float, where
    PostgreSQL gives a Decimal).

    ``a`` is a chain of factors joined by ``*``, ``/`` and ``%`` (``100.0 * count(*)``,
    ``amount / qty``: the whole of ``amount / qty / 2`` is cast once), ``b`` one factor, or a
    window call ``sum(x) OVER (…)``; a factor is a column, a number, a cast, or ``count`` /
    ``sum`` / ``min`` / ``max`` of a column. The quotient is numeric when a factor is — a
    numeric column, a literal with a fraction or exponent (``2.0``, ``1e3``), a cast to
    numeric, an aggregate of a numeric column — and every other one an integer. Left alone
    where an operator binds tighter than ``/`` beside it (``a / b ^ 2``, ``x::int / 2``)."""
    tokens = _query_tokens(sql, "/")
    if tokens is None:
        return None
    scopes = Scopes(sql, column_types)
    edits: list[tuple[int, int, str]] = []
    for i in range(len(tokens) - 1, -1, -1):  # the last / of a chain first: it takes it all
        tok = tokens[i]
        if tok.kind is not Tok.OP or tok.text != "/" or (edits and tok.end > edits[-1][0]):
            continue
        factors = _left_factors(tokens, i)
        right = _operand_end(tokens, i + 1)
        if not factors or right is None:
            continue
        call_stop = right
        if right + 1 < len(tokens) and tokens[right].upper == "OVER" \
                and tokens[right + 1].text == "(":
            right = matching_bracket(tokens, right + 1) + 1  # sum(sum(x)) OVER (), whole
        if right > len(tokens) or (right < len(tokens) and (
                tokens[right].text in _BINDS_AFTER or tokens[right].upper in _CALL_TAILS)):
            continue
        scope = scopes.at(i)
        kinds = {_numeric_kind(tokens, a, b, scope) for a, b in [*factors, (i + 1, call_stop)]}
        if kinds not in ({"decimal"}, {"decimal", "integer"}):
            continue
        start, end = tokens[factors[0][0]].start, tokens[right - 1].end
        edits.append((start, end, f"CAST(CAST({sql[start:end]} AS VARCHAR) AS {AVERAGE})"))
    return spliced(sql, edits[::-1]) if edits else None


# Operators that take an operand of / from it: before it (x ^ a / b is (x ^ a) / b) and after
# it (a / b ^ 2 is a / (b ^ 2); a / b * 2 is (a / b) * 2, left alone).
_BINDS_BEFORE = frozenset({"^", ".", "[", ":"})
_BINDS_AFTER = _BINDS_BEFORE
_CHAIN = frozenset({"*", "/", "%"})  # joins the factors of the left side
_CALL_TAILS = frozenset({"OVER", "FILTER", "WITHIN"})  # a call's result is not its own
_AGGREGATES_OF_A_COLUMN = frozenset({"SUM", "MIN", "MAX"})  # the column's kind
_INTEGER_CASTS = frozenset({"SMALLINT", "INTEGER", "INT", "BIGINT", "HUGEINT"})


def _left_factors(tokens: Sequence[Token], slash: int) -> list[tuple[int, int]]:
    """The factors (start, stop) of the chain (``*``, ``/``, ``%``) that ends before
    ``tokens[slash]``, first to last; empty when one is not a factor or a tighter operator
    binds the chain."""
    factors: list[tuple[int, int]] = []
    stop = slash
    while True:
        start = _factor_start(tokens, stop - 1)
        if start is None:
            return []
        factors.insert(0, (start, stop))
        before = tokens[start - 1].text if start > 0 else ""
        if before not in _CHAIN or tokens[start - 1].kind is not Tok.OP:
            return [] if before in _BINDS_BEFORE else factors
        stop = start - 1


def _factor_start(tokens: Sequence[Token], last: int) -> int | None:
    """Where the factor (a column, a number, a call) ending at ``tokens[last]`` starts."""
    if last < 0:
        return None
    if tokens[last].kind is Tok.OP and tokens[last].text == ")":
        k = matching_bracket(tokens, last)
        return k - 1 if k >= 1 and tokens[k - 1].kind is Tok.WORD else None
    if tokens[last].kind is Tok.NUMBER:
        return last
    start = last
    while start >= 2 and tokens[start - 1].text == "." \
            and tokens[start - 2].kind in (Tok.WORD, Tok.IDENT):
        start -= 2  # t.col, s.t.col
    return start if tokens[start].kind in (Tok.WORD, Tok.IDENT) else None


def _numeric_kind(tokens: Sequence[Token], start: int, stop: int, scope: Scope) -> str:
    """"decimal", "integer" or "" (anything else) for the factor ``tokens[start:stop]``."""
    first = tokens[start]
    if stop - start == 1 and first.kind is Tok.NUMBER:
        return "decimal" if any(c in first.text for c in ".eE") else "integer"
    if first.upper == "CAST":
        inner = [t.upper for t in tokens[start:stop]]
        as_at = len(inner) - 1 - inner[::-1].index("AS") if "AS" in inner else -1
        target = inner[as_at + 1] if 0 < as_at + 1 < len(inner) else ""
        return "decimal" if target == "DECIMAL" else "integer" if target in _INTEGER_CASTS \
            else ""
    if first.upper == "COUNT" and start + 1 < stop and tokens[start + 1].text == "(":
        return "integer"
    if first.upper in _AGGREGATES_OF_A_COLUMN and start + 2 < stop \
            and tokens[start + 1].text == "(":
        return _numeric_kind(tokens, start + 2, stop - 1, scope)
    column = column_ref(tokens, start)
    if column is None or column[1] != stop:
        return ""
    kind = scope.column_type(column[0])
    return "decimal" if kind.startswith("DECIMAL") else "integer" if kind in _INTEGERS else ""


def _time_operand_end(tokens: Sequence[Token], i: int, scope: Scope) -> int | None:
    """Just past the time of day that starts at ``tokens[i]``: ``time '10:00'``, a ``time``
    column, or an operand whose last cast is to ``time``; None when none starts there."""
    if tokens[i].upper == "TIME" and i + 1 < len(tokens) and tokens[i + 1].kind is Tok.STRING:
        return i + 2
    name = column_ref(tokens, i)
    if name is not None and scope.column_type(name[0]) == "TIME":
        return name[1]
    return _cast_operand_end(tokens, i, "TIME")


def _cast_operand_end(tokens: Sequence[Token], i: int, type_name: str) -> int | None:
    """Just past the operand at ``tokens[i]`` when its last cast is to ``type_name``
    (``'1 hour'::interval``, ``(x)::text::time``)."""
    end = _operand_end(tokens, i)
    if end is not None and end - i >= 4 and tokens[end - 2].text == ":" \
            and tokens[end - 1].upper == type_name:
        return end
    return None


def _interval_operand_end(tokens: Sequence[Token], i: int, scope: Scope) -> int | None:
    """Just past the interval that starts at ``tokens[i]`` (see ``with_interval_division``),
    with any ``::interval`` after it; None when none starts there."""
    tok = tokens[i]
    name = column_ref(tokens, i) if tok.kind is not Tok.OP else None
    call = name_end(tokens, i)
    if tok.upper == "INTERVAL" and i + 1 < len(tokens) and tokens[i + 1].kind is Tok.STRING:
        end = i + 2  # interval '1 day'
    elif tok.text == "(" and _interval_expression(
            tokens, i, min(matching_bracket(tokens, i) + 1, len(tokens)), scope):
        end = matching_bracket(tokens, i) + 1  # (finished - started)
    elif name is not None and scope.column_type(name[0]) == "INTERVAL":
        end = name[1]
    elif i < call < len(tokens) and tokens[call].text == "(" \
            and tokens[call - 1].text.lower() in _INTERVAL_CALLS:
        end = matching_bracket(tokens, call) + 1  # the rewrites' own calls
    else:
        return _cast_operand_end(tokens, i, "INTERVAL")
    while end + 3 <= len(tokens) and tokens[end].text == ":" and tokens[end + 1].text == ":" \
            and tokens[end + 2].upper == "INTERVAL":
        end += 3
    return end


def _operand_end(tokens: Sequence[Token], i: int) -> int | None:
    """Just past one operand of ``/`` starting at ``tokens[i]``: a number (signed), a string,
    a column, a call or a bracketed expression, with any ``::type`` after it; None for
    anything else."""
    if i < len(tokens) and tokens[i].kind is Tok.OP and tokens[i].text in "+-":
        i += 1
    if i >= len(tokens):
        return None
    tok = tokens[i]
    if tok.kind in (Tok.NUMBER, Tok.STRING):
        end = i + 1
    elif tok.kind is Tok.OP and tok.text == "(":
        end = matching_bracket(tokens, i) + 1
    else:
        end = name_end(tokens, i)
        if end == i or tokens[end - 1].kind is Tok.OP:
            return None
        if end < len(tokens) and tokens[end].text == "(":
            end = matching_bracket(tokens, end) + 1
    if end > len(tokens):
        return None
    while end + 3 <= len(tokens) and tokens[end].text == ":" and tokens[end + 1].text == ":":
        end += 3  # ::type (one word)
    return end


def _interval_expression(tokens: Sequence[Token], start: int, stop: int, scope: Scope) -> bool:
    """Are ``tokens[start:stop]`` an interval: an interval column, or ``a - b`` of two
    timestamp columns or two time columns (in brackets or not)?"""
    while start < stop and tokens[start].text == "(" \
            and matching_bracket(tokens, start) == stop - 1:
        start, stop = start + 1, stop - 1
    first = column_ref(tokens, start)
    if first is None:
        return False
    if first[1] == stop:
        return scope.column_type(first[0]) == "INTERVAL"
    second = column_ref(tokens, first[1] + 1) if first[1] + 1 < stop else None
    if tokens[first[1]].text != "-" or second is None or second[1] != stop:
        return False
    kinds = scope.column_type(first[0]), scope.column_type(second[0])
    return all(kind in _TIMESTAMPS for kind in kinds) or kinds == ("TIME", "TIME")


def _integer_expression(tokens: Sequence[Token], start: int, stop: int, scope: Scope,
                        columns: frozenset[str] = _SUMMED_TO_BIGINT) -> bool:
    """Are ``tokens[start:stop]`` an integer expression in PostgreSQL: ``columns`` (by
    default smallint and integer ones: an ``integer``) and int4 literals joined by ``+ - *``
    and brackets (``qty``, ``qty * 2``, ``(a + b) * c``)? Anything else (another column, a
    function, ``/``) is not known here."""
    i = start
    while i < stop:
        tok = tokens[i]
        if tok.kind is Tok.OP and tok.text in "+-*()":
            i += 1
        elif tok.kind is Tok.NUMBER:
            if integer_literal_type(tok.text) != "INTEGER":
                return False
            i += 1
        else:
            found = column_ref(tokens, i)
            if found is None or found[1] > stop or \
                    scope.column_type(found[0]) not in columns:
                return False
            i = found[1]
    return True


def _is_call(tokens: Sequence[Token], i: int) -> bool:
    """``sum (`` at ``tokens[i]``, not ``x.sum(`` (some other schema's function)."""
    return i + 2 < len(tokens) and tokens[i + 1].text == "(" and \
        not (i > 0 and tokens[i - 1].kind is Tok.OP and tokens[i - 1].text == ".")


def _call_end(tokens: Sequence[Token], close: int) -> int:
    """The last token of the call whose argument list closes at ``tokens[close]``, with its
    ``FILTER (…)`` and ``OVER (…)`` / ``OVER name``."""
    end = close
    if end + 2 < len(tokens) and tokens[end + 1].upper == "FILTER" \
            and tokens[end + 2].text == "(":
        end = matching_bracket(tokens, end + 2)
    if end + 2 < len(tokens) and tokens[end + 1].upper == "OVER":
        end = matching_bracket(tokens, end + 2) if tokens[end + 2].text == "(" else end + 2
    return end
