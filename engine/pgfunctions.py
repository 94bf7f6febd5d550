"""PostgreSQL functions and operators that DuckDB lacks or reads otherwise, as DuckDB
expressions: the function-level transforms :mod:`engine.translate` registers.

Each transform takes a sqlglot node of the parsed PostgreSQL statement (and the translation
context, unused here) and returns what DuckDB should run. Three kinds:

* **templates** — :data:`FUNCTION_TEMPLATES`: a PostgreSQL function as a DuckDB expression of
  its arguments (``$1``, ``$2`` …), for functions with no DuckDB twin (``jsonb_typeof``,
  ``array_replace``, ``width_bucket`` …);
* **rewrites with rules of their own** — ``SIMILAR TO`` patterns as regular expressions,
  ``decode``/``encode`` formats, ``to_char``/``to_date``/``to_timestamp`` templates
  (:mod:`engine.pgformat`), ``substring``'s regular-expression form, ``jsonb || jsonb``;
* what cannot be said exactly is refused (0A000) rather than run with another meaning.

Every rewrite here is compared with PostgreSQL 15 in ``tests/test_pg_semantics.py``.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Callable

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from engine import catalog, pgformat, pgnumber
from engine.arithmetic import NUMERIC, TRAILING_ZEROS, UNCONSTRAINED_DECIMAL
from engine.errors import SqlError, SqlState

# PostgreSQL functions written as DuckDB expressions of their arguments ($1, $2 …), where no
# DuckDB function of the same meaning exists. json and jsonb are the same type here.
FUNCTION_TEMPLATES: dict[str, str] = {
    "json_array_elements": "unnest(CAST($1 AS JSON[]))",
    "json_array_elements_text": "unnest(list_transform(CAST($1 AS JSON[]), lambda e: e ->> '$'))",
    "json_object_keys": "unnest(json_keys($1))",
    "json_typeof": """CASE json_type($1) WHEN 'OBJECT' THEN 'object' WHEN 'ARRAY' THEN 'array'
        WHEN 'VARCHAR' THEN 'string' WHEN 'BOOLEAN' THEN 'boolean' WHEN 'NULL' THEN 'null'
        WHEN 'BIGINT' THEN 'number' WHEN 'UBIGINT' THEN 'number' WHEN 'DOUBLE' THEN 'number'
        WHEN 'HUGEINT' THEN 'number' END""",
    # NULL for an empty array (it has no dimension 1), an int4 as PostgreSQL's
    "array_length": "CAST(nullif(array_length($1, $2), 0) AS INTEGER)",
    # lower-case digits; an int4 (or int2) below zero in 32 bits, as PostgreSQL's to_hex(int)
    "to_hex": """lower(to_hex(CASE WHEN $1 < 0 AND typeof($1) IN ('INTEGER', 'SMALLINT')
        THEN CAST($1 AS BIGINT) + 4294967296 ELSE $1 END))""",
    # bytes in the text's UTF-8 (DuckDB's octet_length takes only blob and bit strings)
    "octet_length": """CAST(CASE typeof($1) WHEN 'BLOB' THEN octet_length(TRY_CAST($1 AS BLOB))
        ELSE strlen(CAST($1 AS VARCHAR)) END AS INTEGER)""",
    "array_replace": """list_transform($1, lambda e:
        CASE WHEN e IS NOT DISTINCT FROM $2 THEN $3 ELSE e END)""",
    # the bucket of $1 among $4 equal buckets from $2 to $3 (0 below, $4 + 1 above; either
    # direction)
    "width_bucket": """CAST(CASE WHEN $2 < $3 THEN
            CASE WHEN $1 < $2 THEN 0 WHEN $1 >= $3 THEN $4 + 1
                 ELSE floor(CAST($1 - $2 AS DOUBLE) * $4 / ($3 - $2)) + 1 END
        ELSE
            CASE WHEN $1 > $2 THEN 0 WHEN $1 <= $3 THEN $4 + 1
                 ELSE floor(CAST($2 - $1 AS DOUBLE) * $4 / ($2 - $3)) + 1 END
        END AS INTEGER)""",
}
for _name in ("json_array_elements", "json_array_elements_text", "json_object_keys",
              "json_typeof"):
    FUNCTION_TEMPLATES["jsonb" + _name[4:]] = FUNCTION_TEMPLATES[_name]


SPLIT_PART_ZERO = "field position must not be zero"  # 22023 (engine.errors)
# PostgreSQL's split_part: an empty delimiter leaves the string whole (field 1 or -1 is all of
# it, any other ''), field 0 is an error; DuckDB splits into characters and answers ''.
_SPLIT_PART = f"""CASE WHEN $3 = 0 THEN error('{SPLIT_PART_ZERO}')
    WHEN $2 = '' THEN CASE WHEN $3 IN (1, -1) THEN $1 ELSE '' END
    ELSE split_part($1, $2, $3) END"""


def split_part(node: exp.Expr, ctx: object) -> exp.Expr:
    """``split_part(s, delimiter, n)`` as PostgreSQL reads an empty delimiter and field 0 (a
    call with a non-empty literal delimiter and a non-zero literal field is left alone)."""
    text, delimiter, index = node.this, node.args.get("delimiter"), node.args.get("part_index")
    if delimiter is None or index is None:
        return node
    if isinstance(delimiter, exp.Literal) and delimiter.is_string and delimiter.this \
            and int_literal(index) not in (None, 0):
        return node
    return from_template(_SPLIT_PART, [text, delimiter, index]) or node


_INTEGER_TYPES = "('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT')"
# PostgreSQL's div(a, b): the quotient truncated towards zero, a numeric of scale 0. DuckDB's
# ``//`` is that for integers (exactly) but a plain division for decimals (div(7.5, 2) gave
# 3.750); for them the remainder (the dividend's sign, as PostgreSQL's) is taken off first.
_DIV = f"""CASE WHEN typeof($1) IN {_INTEGER_TYPES} AND typeof($2) IN {_INTEGER_TYPES}
    THEN CAST($1 // $2 AS DECIMAL(38, 0))
    ELSE CAST(($1 - $1 % $2) / $2 AS DECIMAL(38, 0)) END"""


def div(node: exp.Expr) -> exp.Expr | None:
    """``div(a, b)``, which sqlglot reads as ``CAST(a // b AS DECIMAL)``; None for any other
    cast."""
    if not (isinstance(node, exp.Cast) and isinstance(node.this, exp.IntDiv)):
        return None
    return from_template(_DIV, [node.this.this, node.this.expression])


def array_to_string(node: exp.Expr, ctx: object) -> exp.Expr:
    """``array_to_string(a, sep [, null_text])``: elements written as PostgreSQL writes them
    by their output function (a float 1.0 as ``1``, a boolean as ``t``), NULLs left out or
    written as ``null_text`` (DuckDB's takes no third argument)."""
    element = f"{catalog.CATALOG}.main.{OUTPUT_OF}(pixelsql_e)"
    if node.args.get("null") is not None:
        element = f"coalesce({element}, $3)"
    written = from_template(
        f"array_to_string(list_transform($1, lambda pixelsql_e: {element}), $2)",
        [node.this, node.expression, node.args.get("null") or exp.Null()])
    return written or node


def round_to(node: exp.Expr, ctx: object) -> exp.Expr:
    """``round(x, n)`` with a literal ``n``: a numeric of scale ``n`` (0 when ``n`` < 0), as
    PostgreSQL's, which has only ``round(numeric, int)``: ``round(avg(i), 2)`` is ``2.50``
    there, where DuckDB's ``avg`` of integers is a double and rounds to ``2.5``; ``round(5, 2)``
    is ``5.00``. (A double there would be an error in PostgreSQL.)"""
    places = int_literal(node.args.get("decimals"))
    if places is None or places > _MAX_ROUND_SCALE:
        return node  # more places than a DECIMAL(38, s) keeps with room for the integer part
    return exp.Cast(this=node, to=exp.DataType.build(f"DECIMAL(38, {max(places, 0)})"))


_MAX_ROUND_SCALE = 18


def date_bin(node: exp.Expr, ctx: object) -> exp.Expr:
    """``date_bin(stride, source, origin)`` as DuckDB's ``time_bucket`` (the same bins, aligned
    on ``origin``). sqlglot reads a string ``origin`` as a bare word and would write it
    unquoted (``2024-01-01``: arithmetic); it is quoted again here."""
    origin = node.args.get("unit")
    if origin is None:
        return node  # PostgreSQL has no two-argument form: DuckDB says so
    if isinstance(origin, exp.Var):  # a string: the source's type in PostgreSQL
        origin = exp.Cast(this=exp.Literal.string(origin.name),
                          to=exp.DataType.build("TIMESTAMP"))
    stride = node.this
    if isinstance(stride, exp.Literal) and stride.is_string:
        stride = exp.Cast(this=stride, to=exp.DataType.build("INTERVAL"))
    return call("time_bucket", stride, node.expression, origin)


def array_cat(node: exp.Expr, ctx: object) -> exp.Expr:
    """``array_cat(a, b)``: NULL when both are NULL (DuckDB's list_concat gives ``[]``); one NULL
    side counts as empty in both."""
    if len(node.expressions) != 1:
        return node
    both_null = exp.And(this=exp.Is(this=node.this.copy(), expression=exp.Null()),
                        expression=exp.Is(this=node.expressions[0].copy(),
                                          expression=exp.Null()))
    return exp.Case(ifs=[exp.If(this=both_null, true=exp.Null())], default=node)


# Values as text the way PostgreSQL writes them, where DuckDB's cast writes them otherwise:
# a float as its output function does (1.0 is '1', 1e15 '1e+15', where DuckDB says '1.0' and
# '1000000000000000.0'), an interval as interval_out (IntervalStyle postgres). Macros in the
# catalog's database (made with the UDFs, at start-up),
# dispatching on the argument's type, which DuckDB folds to the one branch that applies:
#   TEXT_OF(x)    x::text, CAST(x AS varchar)
#   OUTPUT_OF(x)  concat() and format() arguments: also booleans as 't' / 'f'
#   CONCAT_OF(x)  an operand of || beside text; an array there (PostgreSQL: array || element)
#                 stays an error (42804) rather than becoming its text
TEXT_OF = "pixelsql_text"
OUTPUT_OF = "pixelsql_output"
CONCAT_OF = "pixelsql_concat_text"
CONCAT_ARRAY = "cannot concatenate text and an array with || here"  # 42804 (engine.errors)
# DuckDB type → the UDF writing its values as the wire does (an interval '-1 days +02:00:00'
# where DuckDB says '-1 day 02:00:00')
_WIRE_TEXT = {"DOUBLE": "pixelsql_float8_text", "FLOAT": "pixelsql_float4_text",
              "INTERVAL": "pixelsql_interval_text"}


def _text_macros(schema: str) -> list[str]:
    wire = " ".join(f"WHEN typeof(x) = '{duck}' THEN {udf}(TRY_CAST(x AS {duck}))"
                    for duck, udf in _WIRE_TEXT.items())
    # numeric without a precision: its digits without trailing fraction zeros, as the wire
    # writes it (server/types.py)
    numeric = (f"WHEN regexp_full_match(typeof(x), '{UNCONSTRAINED_DECIMAL}') "
               f"THEN regexp_replace(CAST(x AS VARCHAR), '{TRAILING_ZEROS}', '')")
    return [
        f"CREATE MACRO {schema}.{TEXT_OF}(x) AS CASE {wire} {numeric} "
        "ELSE CAST(x AS VARCHAR) END",
        f"""CREATE MACRO {schema}.{OUTPUT_OF}(x) AS CASE typeof(x)
            WHEN 'BOOLEAN' THEN CASE TRY_CAST(x AS BOOLEAN) WHEN true THEN 't'
                WHEN false THEN 'f' END
            ELSE {schema}.{TEXT_OF}(x) END""",
        f"""CREATE MACRO {schema}.{CONCAT_OF}(x) AS CASE
            WHEN typeof(x) LIKE '%[]' THEN error('{CONCAT_ARRAY}')
            ELSE {schema}.{TEXT_OF}(x) END""",
    ]


# sum(interval) and avg(interval), which DuckDB lacks, and interval / n, which the database's
# integer division makes DuckDB's // (engine.aggregates writes the calls):
# PostgreSQL adds intervals field by field (months, days, microseconds; 25 hours stay 25
# hours), and avg divides that sum by the count as its interval_div does: whole months and
# days first, their fractions cascaded down (a month as 30 days), rounded to microseconds
# half to even. Each field's sum is taken separately, so the calls' FILTER / OVER apply to
# each; integer_division is on for the database, hence the DOUBLE casts.
INTERVAL_MONTHS = "pixelsql_interval_months"
INTERVAL_DAYS = "pixelsql_interval_days"
INTERVAL_MICROS = "pixelsql_interval_micros"
INTERVAL_SUM = "pixelsql_interval_sum"
INTERVAL_AVG = "pixelsql_interval_avg"
INTERVAL_DIV = "pixelsql_interval_div"  # interval / n (engine.aggregates.with_interval_division)
TIME_MINUS = "pixelsql_time_minus"  # time - time (engine.aggregates.with_time_differences)
JUSTIFY = {name: f"pixelsql_{name}" for name in ("justify_hours", "justify_days",
                                                   "justify_interval")}
_DAY_US = 86_400_000_000


def _interval_macros(schema: str) -> list[str]:
    mrd = f"{schema}.pixelsql_interval_month_days"  # the months' fraction, in days
    sec = f"{schema}.pixelsql_interval_rest_us"  # the days' fractions, in microseconds
    quotient = f"{schema}.pixelsql_interval_quotient"  # interval_div of (m, d, u) by n
    return [
        f"CREATE MACRO {schema}.{INTERVAL_MONTHS}(x) AS "
        "datepart('year', x) * 12 + datepart('month', x)",
        f"CREATE MACRO {schema}.{INTERVAL_DAYS}(x) AS datepart('day', x)",
        f"CREATE MACRO {schema}.{INTERVAL_MICROS}(x) AS datepart('hour', x) * 3600000000 "
        "+ datepart('minute', x) * 60000000 + datepart('microseconds', x)",
        f"CREATE MACRO {schema}.{INTERVAL_SUM}(m, d, u) AS to_months(CAST(m AS INTEGER)) "
        "+ to_days(CAST(d AS INTEGER)) + to_microseconds(CAST(u AS BIGINT))",
        f"CREATE MACRO {mrd}(m, n) AS "
        "(CAST(m AS DOUBLE) / n - trunc(CAST(m AS DOUBLE) / n)) * 30",
        f"CREATE MACRO {sec}(d, month_days, n) AS round_even((CAST(d AS DOUBLE) / n "
        f"- trunc(CAST(d AS DOUBLE) / n) + month_days - trunc(month_days)) * {_DAY_US}, 0)",
        f"""CREATE MACRO {quotient}(m, d, u, n) AS
            to_months(CAST(trunc(CAST(m AS DOUBLE) / n) AS INTEGER))
            + to_days(CAST(trunc(CAST(d AS DOUBLE) / n) + trunc({mrd}(m, n))
                           + trunc({sec}(d, {mrd}(m, n), n) / {_DAY_US}) AS INTEGER))
            + to_microseconds(CAST(round_even(CAST(u AS DOUBLE) / n
                + {sec}(d, {mrd}(m, n), n)
                - trunc({sec}(d, {mrd}(m, n), n) / {_DAY_US}) * {_DAY_US}, 0) AS BIGINT))""",
        f"CREATE MACRO {schema}.{INTERVAL_AVG}(m, d, u, n) AS "
        f"CASE WHEN n > 0 THEN {quotient}(m, d, u, n) END",
        *_justify_macros(schema),
        f"CREATE MACRO {schema}.{TIME_MINUS}(a, b) AS to_microseconds("
        "epoch_us(CAST(a AS TIME)) - epoch_us(CAST(b AS TIME)))",
        f"""CREATE MACRO {schema}.{INTERVAL_DIV}(x, n) AS CASE
            WHEN n = 0 THEN error('division by zero')
            ELSE {quotient}({schema}.{INTERVAL_MONTHS}(x), {schema}.{INTERVAL_DAYS}(x),
                            {schema}.{INTERVAL_MICROS}(x), n) END""",
    ]


def _justify_macros(schema: str) -> list[str]:
    """justify_hours / justify_days / justify_interval as PostgreSQL's (interval.c): whole
    days out of the microseconds, whole 30-day months out of the days (truncating, as C
    divides), then the fields given one sign where they had opposite ones."""
    m, d, u = (f"{schema}.{f}(CAST(x AS INTERVAL))"  # the cast: NULL has no type
               for f in (INTERVAL_MONTHS, INTERVAL_DAYS, INTERVAL_MICROS))
    day_time = f"{schema}.pixelsql_justify_day_time"  # (m, d, u) with d and u of one sign
    month_day = f"{schema}.pixelsql_justify_month_day"  # then m and d (justify_interval)
    return [
        f"""CREATE MACRO {day_time}(m, d, u) AS {schema}.{INTERVAL_SUM}(m,
            d + CASE WHEN d > 0 AND u < 0 THEN -1 WHEN d < 0 AND u > 0 THEN 1 ELSE 0 END,
            u + CASE WHEN d > 0 AND u < 0 THEN {_DAY_US} WHEN d < 0 AND u > 0
                THEN -{_DAY_US} ELSE 0 END)""",
        f"""CREATE MACRO {month_day}(m, d, u) AS {day_time}(
            m + CASE WHEN m > 0 AND (d < 0 OR (d = 0 AND u < 0)) THEN -1
                     WHEN m < 0 AND (d > 0 OR (d = 0 AND u > 0)) THEN 1 ELSE 0 END,
            d + CASE WHEN m > 0 AND (d < 0 OR (d = 0 AND u < 0)) THEN 30
                     WHEN m < 0 AND (d > 0 OR (d = 0 AND u > 0)) THEN -30 ELSE 0 END, u)""",
        f"CREATE MACRO {schema}.{JUSTIFY['justify_hours']}(x) AS "
        f"{day_time}({m}, {d} + {u} // {_DAY_US}, {u} % {_DAY_US})",
        f"""CREATE MACRO {schema}.{JUSTIFY['justify_days']}(x) AS {schema}.{INTERVAL_SUM}(
            {m} + {d} // 30 + CASE WHEN {m} + {d} // 30 > 0 AND {d} % 30 < 0 THEN -1
                WHEN {m} + {d} // 30 < 0 AND {d} % 30 > 0 THEN 1 ELSE 0 END,
            {d} % 30 + CASE WHEN {m} + {d} // 30 > 0 AND {d} % 30 < 0 THEN 30
                WHEN {m} + {d} // 30 < 0 AND {d} % 30 > 0 THEN -30 ELSE 0 END, {u})""",
        f"""CREATE MACRO {schema}.{JUSTIFY['justify_interval']}(x) AS {month_day}(
            {m} + ({d} + {u} // {_DAY_US}) // 30, ({d} + {u} // {_DAY_US}) % 30,
            {u} % {_DAY_US})""",
    ]


def register(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    """``clock_timestamp()``: the wall clock at each call, as PostgreSQL's (DuckDB's ``now()``
    is the transaction's start, as PostgreSQL's ``now()``; it has no wall clock); the text
    and interval macros above, made in ``schema`` (the catalog's database, so never in a
    user's)."""
    con.create_function(  # type: ignore[call-overload]
        "clock_timestamp", _clock_timestamp, [], duckdb.sqltype("TIMESTAMP WITH TIME ZONE"),
        side_effects=True)  # a new value each call and row: never folded into a constant
    for duck, udf in _WIRE_TEXT.items():
        con.create_function(udf, _wire_texts, [duckdb.sqltype(duck)],  # type: ignore[call-overload]
                            duckdb.sqltype("VARCHAR"), type="arrow", side_effects=False)
    for statement in _text_macros(schema) + _interval_macros(schema) + [
            _epoch_macro(schema), _string_to_array_macro(schema)]:
        con.execute(statement)


def _wire_texts(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Floats and intervals as PostgreSQL's float4out / float8out / interval_out write them:
    the wire's own formatter."""
    from server.types import value_texts  # the engine runs inside the server

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return value_texts(values)


def text_of(node: exp.Expr, macro: str = TEXT_OF) -> exp.Expr:
    """``macro(node)``, one of the text macros above."""
    return macro_call(node, macro)


def macro_call(node: exp.Expr, macro: str, *more: exp.Expr) -> exp.Expr:
    """``macro(node, *more)``, one of the macros made in the catalog's database
    (``register``)."""
    return exp.Dot.build([exp.to_identifier(catalog.CATALOG), exp.to_identifier("main"),
                          exp.Anonymous(this=macro, expressions=[node, *more])])


_JUSTIFIED: dict[type[exp.Expr], str] = {
    exp.JustifyHours: "justify_hours", exp.JustifyDays: "justify_days",
    exp.JustifyInterval: "justify_interval"}


def justify(node: exp.Expr, ctx: object) -> exp.Expr:
    """``justify_hours`` / ``justify_days`` / ``justify_interval``, which DuckDB lacks: the
    macros above."""
    return macro_call(node.this, JUSTIFY[_JUSTIFIED[type(node)]])


def _clock_timestamp() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def call(name: str, *args: exp.Expr) -> exp.Expr:
    """``name(args…)``, a DuckDB function call."""
    return exp.Anonymous(this=name, expressions=list(args))


@functools.lru_cache(maxsize=64)
def _parsed_template(template: str) -> exp.Expr:
    return sqlglot.parse_one(re.sub(r"\$(\d)", r"pixelsql_arg\1", template), read="duckdb")


def from_template(template: str, args: list[exp.Expr]) -> exp.Expr | None:
    """``template`` with ``$n`` replaced by the n-th argument (None: too few arguments)."""
    if max(map(int, re.findall(r"\$(\d)", template)), default=0) > len(args):
        return None
    tree = _parsed_template(template).copy()
    for column in list(tree.find_all(exp.Column)):
        if column.name.startswith("pixelsql_arg"):
            column.replace(_operand(args[int(column.name[len("pixelsql_arg"):]) - 1].copy()))
    return tree


def _operand(arg: exp.Expr) -> exp.Expr:
    """``arg`` in brackets where an operator in the template could bind into it: ``$1 % $2``
    with ``$1`` = ``m + 0.5`` is ``(m + 0.5) % $2``, not ``m + 0.5 % $2`` (sqlglot writes the
    tree it is given, adding no brackets of its own)."""
    if isinstance(arg, exp.Binary | exp.Unary | exp.Between | exp.In) \
            and not isinstance(arg, exp.Paren):
        return exp.Paren(this=arg)
    return arg


def similar_to_regex(pattern: str, escape: str = "\\") -> str:
    """A SIMILAR TO pattern as the regular expression PostgreSQL matches it with (the whole
    string): ``%`` any text, ``_`` one character, ``.``, ``^`` and ``$`` literal outside
    brackets, the escape character (backslash unless ``ESCAPE`` says) quoting the next one."""
    out: list[str] = []
    in_brackets = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if in_brackets:
            in_brackets = ch != "]"
            out.append(ch)
        elif ch == "[":
            in_brackets = True
            out.append(ch)
        else:
            out.append({"%": ".*", "_": ".", ".": "\\.", "^": "\\^", "$": "\\$"}.get(ch, ch))
        i += 1
    return "".join(out)


def similar(node: exp.Expr, ctx: object, escape: exp.Expr | None = None) -> exp.Expr:
    """``x SIMILAR TO 'a%'``: DuckDB reads the pattern as a regular expression ('%' literal)."""
    pattern = node.args.get("expression")
    if escape is None and isinstance(node.parent, exp.Escape):
        return node  # the ESCAPE around it rewrites both (similar_escape)
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        return node
    if escape is not None and not (isinstance(escape, exp.Literal) and escape.is_string
                                   and len(escape.this) <= 1):
        return node
    regex = similar_to_regex(pattern.this, "\\" if escape is None else escape.this)
    return exp.Anonymous(this="regexp_full_match",
                         expressions=[node.this, exp.Literal.string(regex)])


def similar_escape(node: exp.Expr, ctx: object) -> exp.Expr:
    """``x SIMILAR TO pattern ESCAPE 'c'``."""
    if isinstance(node.this, exp.SimilarTo):
        return similar(node.this, ctx, node.expression)
    return node


def _binary_format(node: exp.Expr) -> str | None:
    charset = node.args.get("charset")
    if isinstance(charset, exp.Literal) and charset.is_string:
        return str(charset.this).lower()
    return None


def decode(node: exp.Expr, ctx: object) -> exp.Expr:
    """``decode(text, 'base64' | 'hex')`` → bytea (DuckDB's decode turns a blob into text)."""
    fmt, value = _binary_format(node), node.this
    if fmt == "hex":
        return call("unhex", value)
    if fmt == "base64":  # PostgreSQL skips whitespace (encode's line breaks) in base64
        return call("from_base64", call("regexp_replace", value, exp.Literal.string("\\s"),
                                         exp.Literal.string(""), exp.Literal.string("g")))
    raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                   "decode() supports the formats 'hex' and 'base64' here")


def encode(node: exp.Expr, ctx: object) -> exp.Expr:
    """``encode(bytea, 'hex' | 'base64')`` → text, spelt as PostgreSQL spells it (lower-case
    hex; base64 with a line break after every 76 characters)."""
    fmt, value = _binary_format(node), node.this
    if fmt == "hex":
        return call("lower", call("hex", value))
    if fmt == "base64":
        return call("regexp_replace", call("to_base64", value),
                    exp.Literal.string("(.{76})"), exp.Literal.string("\\1\n"),
                    exp.Literal.string("g"))
    raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                   "encode() supports the formats 'hex' and 'base64' here")


def _template(node: exp.Expr, function: str) -> str:
    fmt = node.args.get("format")
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                       f"{function}() needs its format as a constant string here")
    return str(fmt.this)


def _case_of(value: exp.Expr, case: str) -> exp.Expr:
    if case == "upper":
        return call("upper", value)
    return call("lower", value) if case == "lower" else value


def _field(value: exp.Expr, field: pgformat.Field) -> exp.Expr:
    """One :class:`engine.pgformat.Field` of ``value`` as text."""
    def strftime(code: str) -> exp.Expr:
        return call("strftime", value.copy(), exp.Literal.string(code))

    def text(expr: exp.Expr) -> exp.Expr:
        return exp.Cast(this=expr, to=exp.DataType.build("text"))

    if field.kind in ("month", "mon", "day", "dy"):
        name = strftime({"month": "%B", "mon": "%b", "day": "%A", "dy": "%a"}[field.kind])
        if field.pad and field.kind in ("month", "day"):  # blank-padded to the longest name
            name = call("rpad", name, exp.Literal.number(9), exp.Literal.string(" "))
        return _case_of(name, field.case)
    if field.kind == "dow":  # 1 = Sunday
        return text(exp.Add(this=call("dayofweek", value.copy()),
                            expression=exp.Literal.number(1)))
    if field.kind == "quarter":
        return text(call("quarter", value.copy()))
    if field.kind == "meridiem_lower":
        return call("lower", strftime("%p"))
    dots = ("a.m.", "p.m.") if field.dots_lower else ("A.M.", "P.M.")
    return exp.If(this=exp.LT(this=call("hour", value.copy()), expression=exp.Literal.number(12)),
                  true=exp.Literal.string(dots[0]), false=exp.Literal.string(dots[1]))


def to_char(node: exp.Expr, ctx: object) -> exp.Expr:
    """``to_char(ts, 'FMDay, DD Mon YYYY')``: PostgreSQL's template (engine.pgformat); a number
    template (``'FM9,990.00'``) calls engine.pgnumber's function with the value as text."""
    value = node.this
    template = _template(node, "to_char")
    if pgnumber.is_number_template(template):
        pgnumber.check_template(template)
        return call(pgnumber.FUNCTION, exp.Cast(this=value.copy(), to=exp.DataType.build("text")),
                    call("typeof", value.copy()), exp.Literal.string(template))
    pieces: list[exp.Expr] = []
    for part in pgformat.template_parts(template):
        if isinstance(part, pgformat.Field):
            pieces.append(_field(value, part))
        elif pieces and "%" not in part.replace("%%", ""):  # text alone (not first: NULL in,
            pieces.append(exp.Literal.string(part.replace("%%", "%")))  # NULL out)
        else:
            pieces.append(call("strftime", value.copy(), exp.Literal.string(part)))
    if not pieces:
        return exp.Literal.string("")
    joined = pieces[0]
    for piece in pieces[1:]:
        joined = exp.DPipe(this=joined, expression=piece)
    return joined


def to_number(node: exp.Expr, ctx: object) -> exp.Expr:
    """``to_number(text, '9G999D99')`` (engine.pgnumber, a Python function on the database),
    typed as the DECIMAL that holds every number the template can read."""
    template = _template(node, "to_number")
    if not template:
        return exp.Cast(this=exp.Null(), to=exp.DataType.build("DECIMAL(1, 0)"))
    precision, scale = pgnumber.to_number_type(template)
    return exp.Cast(this=call(pgnumber.TO_NUMBER_FUNCTION,
                              exp.Cast(this=node.this.copy(), to=exp.DataType.build("text")),
                              exp.Literal.string(template)),
                    to=exp.DataType.build(f"DECIMAL({precision}, {scale})"))


def to_date(node: exp.Expr, ctx: object) -> exp.Expr:
    """``to_date(text, template)``."""
    fmt = pgformat.strptime_format(_template(node, "to_date"))
    return exp.Cast(this=call("strptime", node.this, exp.Literal.string(fmt)),
                    to=exp.DataType.build("date"))


def to_timestamp(node: exp.Expr, ctx: object) -> exp.Expr:
    """``to_timestamp(text, template)`` is a timestamp with time zone (the session's zone)."""
    fmt = pgformat.strptime_format(_template(node, "to_timestamp"))
    return exp.Cast(this=call("strptime", node.this, exp.Literal.string(fmt)),
                    to=exp.DataType.build("timestamptz"))


# jsonb || jsonb: two objects merge (the right one's keys win); anything else concatenates as
# arrays, a non-array counting as a one-element array. DuckDB's || would join the texts.
_JSON_CONCAT = """CASE WHEN $1 IS NULL OR $2 IS NULL THEN NULL
    WHEN json_type($1) = 'OBJECT' AND json_type($2) = 'OBJECT'
    THEN to_json(map_concat(CAST($1 AS MAP(VARCHAR, JSON)), CAST($2 AS MAP(VARCHAR, JSON))))
    ELSE to_json(list_concat(CASE WHEN json_type($1) = 'ARRAY' THEN CAST($1 AS JSON[])
                                  ELSE [$1] END,
                             CASE WHEN json_type($2) = 'ARRAY' THEN CAST($2 AS JSON[])
                                  ELSE [$2] END)) END"""


def array_length(node: exp.Expr, ctx: object) -> exp.Expr:
    """``array_length(a, dim)`` (sqlglot's ArraySize; the template above)."""
    if node.expression is None:
        return node
    written = from_template(FUNCTION_TEMPLATES["array_length"], [node.this, node.expression])
    return node if written is None else written


def width_bucket(node: exp.Expr, ctx: object) -> exp.Expr:
    """``width_bucket(value, low, high, count)`` (sqlglot's own node; the template above)."""
    args = [node.this, *(node.args.get(k) for k in ("min_value", "max_value", "num_buckets"))]
    if any(a is None for a in args):
        return node
    written = from_template(FUNCTION_TEMPLATES["width_bucket"], args)
    return node if written is None else written


def _json_typed(node: exp.Expr) -> bool:
    """Is ``node`` known to be json here: a cast to json/jsonb, or a concatenation of such."""
    if isinstance(node, exp.Cast) and isinstance(node.args.get("to"), exp.DataType):
        return node.args["to"].this in (exp.DataType.Type.JSON, exp.DataType.Type.JSONB)
    return isinstance(node, exp.Case) and node.meta.get("pixelsql_json") is True


def json_concat(node: exp.Expr, ctx: object) -> exp.Expr:
    """``a || b`` where either side is json: PostgreSQL's jsonb concatenation."""
    if not (_json_typed(node.this) or _json_typed(node.expression)):
        return node
    # each side as json first, so that an untyped literal ('{"k": 0}') reads as json
    as_json: list[exp.Expr] = [exp.Cast(this=side, to=exp.DataType.build("json"))
                               for side in (node.this, node.expression)]
    written = from_template(_JSON_CONCAT, as_json)
    assert written is not None
    written.meta["pixelsql_json"] = True  # so that a || b || c sees json on its left
    return written


# The top-level keys of a jsonb value as PostgreSQL's ? / ?| / ?& see them: an object's keys,
# an array's string elements, a string itself.
_JSON_KEYS = """CASE json_type($1) WHEN 'OBJECT' THEN json_keys($1)
    WHEN 'ARRAY' THEN list_filter(list_transform(CAST($1 AS JSON[]),
        lambda e: CASE WHEN json_type(e) = 'VARCHAR' THEN e ->> '$' END), lambda k: k IS NOT NULL)
    WHEN 'VARCHAR' THEN [$1 ->> '$'] ELSE [] END"""
_KEY_TESTS: dict[type[exp.Expr], str] = {exp.JSONBContainsTopKey: "list_contains",
              exp.JSONBContainsAnyTopKeys: "list_has_any",
              exp.JSONBContainsAllTopKeys: "list_has_all"}


def json_has_keys(node: exp.Expr, ctx: object) -> exp.Expr:
    """``j ? 'k'``, ``j ?| array[…]``, ``j ?& array[…]``: whether ``j`` has the key(s) at its top
    level (NULL for a NULL ``j``). DuckDB has no such operators."""
    keys = from_template(_JSON_KEYS, [exp.Cast(this=node.this, to=exp.DataType.build("json"))])
    assert keys is not None
    test = call(_KEY_TESTS[type(node)], keys, node.expression)
    return exp.Case(ifs=[exp.If(this=exp.Is(this=node.this.copy(), expression=exp.Null()),
                                true=exp.Null())], default=test)


def json_contains(node: exp.Expr, ctx: object) -> exp.Expr:
    """``j @> '{"a": 1}'``: jsonb containment (DuckDB's ``json_contains``) when the right side
    is a cast to json/jsonb or a literal that reads as a JSON object or array; an array's
    ``a @> '{1,2}'`` stays as it is."""
    right = node.expression
    literal = isinstance(right, exp.Literal) and right.is_string and _json_literal(right.this)
    if not (literal or _json_typed(right) or _json_typed(node.this)):
        return node
    return call("json_contains", exp.Cast(this=node.this, to=exp.DataType.build("json")),
                exp.Cast(this=right, to=exp.DataType.build("json")))


def _json_literal(text: str) -> bool:
    """Does ``text`` read as a JSON object or array (and not as an array literal: '{1,2}')?"""
    if text.strip() in ("{}", ""):
        return False  # the empty array literal too
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, dict | list)


def substring(node: exp.Expr, ctx: object) -> exp.Expr:
    """``substring(text FROM 'pattern')``: PostgreSQL's regular-expression form — the first
    match, or what its first parenthesised group matched. For positions, see
    :func:`_substring_positions`."""
    pattern = node.args.get("start")
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        return _substring_positions(node)
    if node.args.get("length"):
        return node
    group = 1 if re.search(r"(?<!\\)\((?!\?)", pattern.this) else 0
    found = call("regexp_extract", node.this.copy(), pattern.copy(), exp.Literal.number(group))
    # regexp_extract gives '' when nothing matches; PostgreSQL gives NULL
    return exp.Case(ifs=[exp.If(this=call("regexp_matches", node.this, pattern),
                                true=found)])


def int_literal(node: exp.Expr | None) -> int | None:
    """The value of ``5`` or ``-5``; None for anything else."""
    negative = isinstance(node, exp.Neg)
    inner = node.this if isinstance(node, exp.Neg) else node
    if isinstance(inner, exp.Literal) and not inner.is_string and str(inner.this).isdigit():
        return -int(inner.this) if negative else int(inner.this)
    return None


def _substring_positions(node: exp.Expr) -> exp.Expr:
    """``substring(s, start [, count])`` / ``substr`` as PostgreSQL counts: the characters at
    positions start … start+count-1 that exist, so a start below 1 takes fewer from the front
    (``substr('hello', -1, 3)`` is ``h``), and a negative count is an error (22011). DuckDB
    counts a negative start from the end (``lo``). Literal positions of 1 or more, the common
    case, are left as written."""
    start, length = node.args.get("start"), node.args.get("length")
    if start is None:
        return node
    first, count = int_literal(start), int_literal(length)
    if first is not None and first >= 1 and (length is None or (count is not None
                                                                and count >= 0)):
        return node
    if first is not None and (length is None or count is not None):
        if count is not None and count < 0:
            return call("error", exp.Literal.string(NEGATIVE_SUBSTRING_LENGTH))
        begin = max(first, 1)
        kept = None if count is None else exp.Literal.number(max(first + count - begin, 0))
        return exp.Substring(this=node.this, start=exp.Literal.number(begin), length=kept)
    lowest = call("greatest", start.copy(), exp.Literal.number(1))
    if length is None:
        return exp.Substring(this=node.this, start=lowest)
    taken = call("greatest", exp.Sub(this=exp.Add(this=exp.Paren(this=start.copy()),
                                                  expression=exp.Paren(this=length.copy())),
                                     expression=lowest.copy()), exp.Literal.number(0))
    checked = exp.Case(ifs=[exp.If(this=exp.LT(this=exp.Paren(this=length.copy()),
                                               expression=exp.Literal.number(0)),
                                   true=call("error", exp.Literal.string(
                                       NEGATIVE_SUBSTRING_LENGTH)))], default=taken)
    return exp.Substring(this=node.this, start=lowest, length=checked)


NEGATIVE_SUBSTRING_LENGTH = "negative substring length not allowed"  # 22011 (engine.errors)


# extract(field FROM x) is numeric in PostgreSQL, and its seconds keep their fraction
# (1.500000); DuckDB's are whole (1). date_part(field, x) is double precision there.
# field → (its unit in microseconds, the numeric scale of extract's value)
_FRACTION_FIELDS = {"second": (1_000_000, "0.000001"), "seconds": (1_000_000, "0.000001"),
                    "millisecond": (1000, "0.001"), "milliseconds": (1000, "0.001"),
                    "microsecond": (1, "1"), "microseconds": (1, "1")}


# Fields whose extract is a whole number: PostgreSQL's numeric, DuckDB's BIGINT.
_WHOLE_FIELDS = frozenset({
    "year", "years", "month", "months", "day", "days", "hour", "hours", "minute", "minutes",
    "dow", "isodow", "doy", "week", "weeks", "quarter", "decade", "decades", "century",
    "centuries", "millennium", "millennia", "isoyear", "timezone", "timezone_hour",
    "timezone_minute"})
EPOCH = "pixelsql_extract_epoch"


def _epoch_macro(schema: str) -> str:
    """extract(epoch FROM x) as PostgreSQL's numeric of six decimals, exactly: the
    microseconds since 1970 (a time's since midnight), or an interval's length with a month as
    30 days and a year as 365.25 (DuckDB's epoch_us counts a year as 12 months of 30 days, its
    DOUBLE epoch as PostgreSQL does: rounded to whole microseconds, it is exact up to
    285 years)."""
    return f"""CREATE MACRO {schema}.{EPOCH}(x) AS CASE WHEN typeof(x) = 'INTERVAL'
        THEN CAST(round(date_part('epoch', x) * 1000000) AS DECIMAL(38,0))
        ELSE CAST(epoch_us(x) AS DECIMAL(38,0)) END * 0.000001"""


def extract(node: exp.Expr, ctx: object) -> exp.Expr:
    """``extract(field FROM x)`` typed ``numeric`` as PostgreSQL's (DuckDB's is a BIGINT, its
    epoch a DOUBLE): whole fields a numeric without a scale (``2024``), ``epoch`` one of six
    decimals, exact (:func:`_epoch_macro`), second / milliseconds / microseconds with the
    fraction PostgreSQL keeps (DuckDB's microsecond part, scaled by a decimal literal:
    exact). ``julian`` stays DuckDB's double."""
    field = node.this.name.lower() if isinstance(node.this, (exp.Var, exp.Literal)) else ""
    if field in _WHOLE_FIELDS:
        return exp.Cast(this=node, to=exp.DataType.build(NUMERIC, dialect="duckdb"))
    if field == "epoch":
        return macro_call(node.expression, EPOCH)
    unit = _FRACTION_FIELDS.get(field)
    if unit is None:
        return node
    micros = call("date_part", exp.Literal.string("microsecond"), node.expression)
    whole = exp.Cast(this=micros, to=exp.DataType.build("DECIMAL(12, 0)"))
    return exp.Mul(this=whole, expression=exp.Literal.number(unit[1]))


def date_part(args: list[exp.Expr]) -> exp.Expr:
    """``date_part(field, x)``: a ``double precision``, seconds with their fraction."""
    if len(args) != 2:
        return call("date_part", *args)
    field = args[0].name.lower() if isinstance(args[0], exp.Literal) and args[0].is_string \
        else ""
    unit = _FRACTION_FIELDS.get(field)
    if unit is None:
        return exp.Cast(this=call("date_part", *args), to=exp.DataType.build("DOUBLE"))
    micros = call("date_part", exp.Literal.string("microsecond"), args[1])
    return exp.Div(this=exp.Cast(this=micros, to=exp.DataType.build("DOUBLE")),
                   expression=exp.Literal.number(unit[0]))


def _capturing_groups(pattern: str) -> int:
    """The capturing groups of a regular expression: '(' not escaped, not '(?', not in [...]."""
    outside = re.sub(r"\[(?:\\.|[^\]])*\]", "", pattern)
    return len(re.findall(r"(?<!\\)\((?!\?)", outside))


def _regex_call(name: str, args: list[exp.Expr], flags_allowed: str) -> tuple[str, int, str]:
    """(the pattern as a DuckDB literal, its capturing groups, the flags) of a
    ``regexp_match[es](text, pattern [, flags])`` call; 0A000 unless both are constants."""
    pattern = args[1] if len(args) in (2, 3) else None
    flags = args[2] if len(args) == 3 else exp.Literal.string("")
    if not (isinstance(pattern, exp.Literal) and pattern.is_string
            and isinstance(flags, exp.Literal) and flags.is_string
            and set(str(flags.this)) <= set(flags_allowed)):
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                       f"{name}() needs a constant pattern and flags among "
                       f"{', '.join(flags_allowed)} here")
    regex = ("(?i)" if "i" in str(flags.this) else "") + str(pattern.this)
    return (exp.Literal.string(regex).sql(dialect="duckdb"),
            _capturing_groups(str(pattern.this)), str(flags.this))


def _first_match(p: str, groups: int) -> str:
    """A ``text[]`` of the first match's groups (the whole match when there are none)."""
    items = ", ".join(f"regexp_extract($1, {p}, {g})" for g in range(1 if groups else 0,
                                                                      groups + 1))
    return f"[{items}]"


def regexp_matches(args: list[exp.Expr]) -> exp.Expr:
    """``regexp_matches(text, pattern [, flags])``: a set of ``text[]`` — the groups of the
    first match (of every match with ``'g'``), the whole match when the pattern has none, no
    row when nothing matches. (DuckDB's function of that name answers true/false.)"""
    p, groups, flags = _regex_call("regexp_matches", args, "gic")
    if "g" in flags:
        if groups == 0:
            template = f"unnest(list_transform(regexp_extract_all($1, {p}), lambda m: [m]))"
        else:
            items = ", ".join(f"regexp_extract_all($1, {p}, {g})[i + 1]"
                              for g in range(1, groups + 1))
            template = (f"unnest(list_transform(range(len(regexp_extract_all($1, {p}))), "
                        f"lambda i: [{items}]))")
    else:
        template = (f"unnest(CASE WHEN regexp_matches($1, {p}) THEN [{_first_match(p, groups)}] "
                    "ELSE [] END)")
    written = from_template(template, args[:1])
    assert written is not None
    return written


def regexp_match(args: list[exp.Expr]) -> exp.Expr:
    """``regexp_match(text, pattern [, flags])``: the ``text[]`` of the first match's groups
    (the whole match when the pattern has none), NULL when nothing matches. A group that takes
    no part in the match is '' here (PostgreSQL: NULL)."""
    p, groups, _ = _regex_call("regexp_match", args, "ic")
    template = f"CASE WHEN regexp_matches($1, {p}) THEN {_first_match(p, groups)} END"
    written = from_template(template, args[:1])
    assert written is not None
    return written


# PostgreSQL functions rewritten by rules of their own (not a fixed template), by name.
SEQUENCE_FUNCTIONS = ("nextval", "currval", "setval")


def sequence_call(name: str) -> Callable[[list[exp.Expr]], exp.Expr]:
    """``nextval('public.s')`` (pg_dump's column defaults) → ``nextval('main.s')``: PostgreSQL's
    ``public`` schema is DuckDB's ``main`` (the ``::regclass`` cast goes in translate._cast)."""
    def rewrite(args: list[exp.Expr]) -> exp.Expr:
        first = args[0] if args else None
        if isinstance(first, exp.Literal) and first.is_string \
                and first.this.lower().startswith("public."):
            args = [exp.Literal.string("main." + first.this[len("public."):]), *args[1:]]
        return call(name, *args)
    return rewrite


def counting_nulls(name: str) -> Callable[[list[exp.Expr]], exp.Expr]:
    """``num_nulls(a, b, …)`` / ``num_nonnulls(…)``, which DuckDB lacks: an int4 sum of
    ``x IS [NOT] NULL`` over the arguments (none: left to DuckDB, which refuses it, 42883)."""
    def rewrite(args: list[exp.Expr]) -> exp.Expr:
        if not args:
            return call(name, *args)
        tests: list[exp.Expr] = [exp.Is(this=exp.Paren(this=a.copy()), expression=exp.Null())
                                 for a in args]
        if name == "num_nonnulls":
            tests = [exp.Not(this=t) for t in tests]
        counts: list[exp.Expr] = [exp.Cast(this=exp.Paren(this=t), to=exp.DataType.build("INT"))
                                  for t in tests]
        total = functools.reduce(lambda a, b: exp.Add(this=a, expression=b), counts)
        return exp.Cast(this=exp.Paren(this=total), to=exp.DataType.build("INT"))
    return rewrite


STRING_TO_ARRAY = "pixelsql_string_to_array"


def _string_to_array_macro(schema: str) -> str:
    """string_to_array(s, delimiter) as PostgreSQL's: an empty string has no fields, a NULL
    delimiter makes each character one, an empty one the whole string (DuckDB: [''], the
    whole string, each character)."""
    return f"""CREATE MACRO {schema}.{STRING_TO_ARRAY}(s, d) AS CASE
        WHEN s = '' THEN CAST([] AS VARCHAR[]) WHEN d IS NULL THEN string_to_array(s, '')
        WHEN d = '' THEN [s] ELSE string_to_array(s, d) END"""


def string_to_array(node: exp.Expr, ctx: object) -> exp.Expr:
    """``string_to_array(s, delimiter [, null_string])`` as PostgreSQL splits
    (:func:`_string_to_array_macro`), the fields equal to ``null_string`` NULLs (DuckDB's
    takes two arguments: 42883 before). In FROM (``FROM string_to_array(…) s``: a relation
    of one row) DuckDB's own stays, a macro being no table function."""
    if isinstance(node.parent, exp.Table):
        return node
    split = macro_call(node.this, STRING_TO_ARRAY, node.expression)
    null = node.args.get("null")
    if null is None:
        return split
    field = exp.to_identifier("pixelsql_field")
    return call("list_transform", split, exp.Lambda(this=exp.If(
        this=exp.EQ(this=exp.column(field.copy()), expression=null),
        true=exp.Null(), false=exp.column(field.copy())), expressions=[field]))


FUNCTION_REWRITES: dict[str, Callable[[list[exp.Expr]], exp.Expr]] = {
    "regexp_matches": regexp_matches,
    "regexp_match": regexp_match,
    "date_part": date_part,
    "num_nulls": counting_nulls("num_nulls"),
    "num_nonnulls": counting_nulls("num_nonnulls"),
    **{name: sequence_call(name) for name in SEQUENCE_FUNCTIONS},
}
