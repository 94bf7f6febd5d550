"""PostgreSQL → DuckDB translation of the statements that need it.

Clients send PostgreSQL's dialect: catalog queries (``pg_catalog.pg_class``,
``OPERATOR(pg_catalog.~)``, ``'items'::regclass``, ``COLLATE pg_catalog.default``), PostgreSQL
functions (``version()``, ``format_type``), qualified names in schema ``public`` (DuckDB's
``main``) and constructs whose meaning differs (``~`` is a partial regex match in PostgreSQL and
a full one in DuckDB, ``generate_series`` in a select list returns rows). :func:`translate`
rewrites such statements into DuckDB's dialect and points catalog names at the emulation in
:mod:`engine.catalog`.

Theory of operation
-------------------
Most statements need nothing, and they must not pay for translation. :func:`translate` first
scans the statement's tokens (:func:`engine.lexer.tokenize`, already cached by the statement
splitter) for a *trigger*: a word that names a catalog relation or an emulated function, a
``reg*`` type, ``OPERATOR``, ``COLLATE``, ``public``, a ``~`` operator … Without one the text
is returned as it is. With one, sqlglot parses the statement as PostgreSQL, the transforms in
:data:`TRANSFORMS` (a registry keyed by syntax-node type) rewrite the tree bottom-up, and
sqlglot writes it back as DuckDB. Results are cached by statement text, since clients repeat
their catalog queries.

Output column names follow PostgreSQL's rules for translated statements (``SELECT version()``
returns a column ``version``, not DuckDB's rendering of the rewritten expression).

A statement sqlglot cannot parse (or that a transform cannot handle) gets only the lexical
rewrites of :func:`_lexical` — catalog qualifiers, emulated function calls, ``public.`` — made on
its tokens; DuckDB then reports whatever else it cannot run. Error positions of a translated
statement are mapped back onto the client's text by the session (or dropped).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokenizer_core import TokenType

from engine import catalog, pgdatetime, pgfunctions
from engine.arithmetic import NUMERIC
from engine.errors import SqlError, SqlState
from engine.lexer import Tok, Token, replace_params, spliced, tokenize
from engine.literals import (
    array_elements,
    array_literal_text,
    bytea_from_text,
    duckdb_blob_text,
)
from engine.pgddl import SqlFunction, duckdb_ddl, sql_function
from engine.pgfunctions import (
    FUNCTION_REWRITES,
    FUNCTION_TEMPLATES,
    JUSTIFY,
    SEQUENCE_FUNCTIONS,
    call,
    from_template,
)
from engine.statements import (
    is_create_as,
    literal_value,
    select_into_as_create,
    without_row_locks,
)

CACHE_SIZE = 4096

# sqlglot warns when it falls back to an opaque Command; the lexical rewrites handle those.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
MAX_PARSED_TOKENS = 20_000  # longer statements get only the lexical rewrites


class PostgresDialect(Postgres):
    """sqlglot's PostgreSQL dialect, reading ``oid`` and ``reg*`` as ordinary type names.

    sqlglot tokenizes them as object identifiers and then cannot read ``$1::oid[]`` (asyncpg's
    type introspection sends it); as names they parse everywhere a type can stand.
    """

    class Tokenizer(Postgres.Tokenizer):
        KEYWORDS = {k: v for k, v in Postgres.Tokenizer.KEYWORDS.items()
                    if v is not TokenType.OBJECT_IDENTIFIER}

    # to_char / to_date / to_timestamp templates stay as written: engine.pgformat reads them
    # (sqlglot's own mapping turns 'Mon' and 'Day' into literal text, silently).
    TIME_MAPPING: dict[str, str] = {}

    class Parser(Postgres.Parser):  # type: ignore[misc,name-defined,valid-type]
        # date_part(f, x) stays a call (sqlglot would make it extract(f FROM x)): PostgreSQL
        # types the two differently (engine.pgfunctions.date_part, extract)
        FUNCTION_PARSERS = {k: v for k, v in Postgres.Parser.FUNCTION_PARSERS.items()
                            if k != "DATE_PART"}
        # to_hex stays a call (sqlglot's hex() is DuckDB's upper-case one): engine.pgfunctions
        FUNCTIONS = {**Postgres.Parser.FUNCTIONS,
                     "TO_HEX": lambda args: exp.Anonymous(this="to_hex", expressions=args)}
        # PostgreSQL has no lambdas: in a call's arguments ``j -> 'b'`` is a JSON field, which
        # sqlglot would read as the lambda ``j: 'b'`` (named arguments, ``=>``, stay).
        LAMBDAS = {k: v for k, v in Postgres.Parser.LAMBDAS.items() if k is not TokenType.ARROW}


PARAM_PLACEHOLDER = "pixelsql_param_"
NULL_IDENTIFIER = "null values cannot be formatted as an SQL identifier"  # 22004 (errors.py)


def parse_postgres(sql: str) -> exp.Expr | None:
    """sqlglot's tree of one PostgreSQL statement; ``$n`` become :class:`exp.Parameter`."""
    text = replace_params(sql, lambda n: f":{PARAM_PLACEHOLDER}{n}")
    try:
        tree = sqlglot.parse_one(text, read=PostgresDialect)
    except (ParseError, TokenError, ValueError):
        return None
    if tree is None:
        return None
    for node in list(tree.find_all(exp.Placeholder)):
        name = str(node.this or "")
        if name.startswith(PARAM_PLACEHOLDER) and name[len(PARAM_PLACEHOLDER):].isdigit():
            node.replace(exp.Parameter(this=exp.Literal.number(name[len(PARAM_PLACEHOLDER):])))
    return tree


@dataclass(frozen=True, slots=True)
class Translation:
    """What DuckDB runs for a statement (the client's own text when nothing changed)."""

    text: str
    changed: bool = False
    uses_catalog: bool = False  # reads the catalog emulation (install it first)


# --- deciding cheaply -------------------------------------------------------------------------

# PostgreSQL name → DuckDB function of the same arguments and meaning.
RENAMED_FUNCTIONS = {
    "json_build_object": "json_object", "jsonb_build_object": "json_object",
    "json_build_array": "json_array", "jsonb_build_array": "json_array",
    "jsonb_agg": "json_group_array", "json_object_agg": "json_group_object",
    "jsonb_object_agg": "json_group_object", "row_to_json": "to_json",
    "array_to_json": "to_json", "to_jsonb": "to_json", "every": "bool_and",
    "jsonb_array_length": "json_array_length",
}


_DATETIME_TYPES = {exp.DType.DATE: "date", exp.DType.TIMESTAMP: "timestamp",
                   exp.DType.TIMESTAMPTZ: "timestamptz", exp.DType.TIME: "time",
                   exp.DType.INTERVAL: "interval"}
_REG_TYPES = frozenset({"regclass", "regtype", "regproc", "regprocedure", "regnamespace",
                        "regrole", "regoper", "regoperator", "regconfig", "regdictionary"})
# Words that need translation wherever they stand as names (relations, keywords, types) …
_TRIGGER_WORDS = frozenset(
    {"pg_catalog", "information_schema", "public", "operator", "collate", "user", "xmin",
     "current_user", "session_user", "current_role", "current_catalog", "current_schema",
     "int2vector", "oidvector", "jsonb", "xid", "pg_node_tree", "aclitem", "similar",
     "symmetric",
     # a bare float is double precision in PostgreSQL and real (float4) in DuckDB
     "float"}
    | _REG_TYPES | catalog.PG_RELATIONS
)
# … and function names, which need it only when called: ``version`` is also a column name.
_CALL_TRIGGER_WORDS = frozenset(
    {"generate_series", "to_char", "to_date", "to_timestamp", "to_number", "format", "json_agg",
     "age", "decode", "encode", "array_remove", "btrim", "div", "initcap", "make_interval",
     "substring", "substr", "extract", "date_part", "lpad", "rpad", "every", "split_part",
     "date_bin", "array_cat", "concat", "concat_ws", "round", "array_to_string", "json_each",
     "jsonb_each", "json_each_text", "jsonb_each_text", "string_to_array"}
    | frozenset(FUNCTION_TEMPLATES) | frozenset(FUNCTION_REWRITES) | frozenset(JUSTIFY)
    | catalog.FUNCTIONS | frozenset(RENAMED_FUNCTIONS)
)
_TRIGGER_OPS = frozenset({"~"})
# Aggregates whose result keeps its input's order: sorted when DISTINCT (_sorted_distinct).
_ORDERED_AGGREGATES = frozenset({"array_agg", "string_agg", "json_agg", "jsonb_agg"})
# Statements translation never applies to (the session or the COPY machinery handles them).
_SKIP_FIRST_WORDS = frozenset({"SET", "RESET", "SHOW", "BEGIN", "START", "COMMIT", "END",
                               "ROLLBACK", "ABORT", "COPY", "PREPARE", "EXECUTE",
                               "DEALLOCATE", "LISTEN", "NOTIFY", "UNLISTEN", "DISCARD",
                               "FETCH", "MOVE", "CLOSE", "DECLARE", "DO", "CHECKPOINT",
                               "ATTACH", "DETACH", "INSTALL", "LOAD", "PRAGMA", "CALL"})


# In CREATE TABLE: types DuckDB does not keep (varchar(n)) or lacks (serial).
_DDL_TRIGGER_WORDS = frozenset({"varchar", "character", "serial", "bigserial", "smallserial",
                                "serial4", "serial8", "serial2", "local", "global", "stored"})


# Types that are column names too often to trigger alone: only as ``::type``.
_CAST_TRIGGER_WORDS = frozenset({"oid", "name", "json", "text", "varchar", "character", "char",
                                 "bpchar"})
# numeric / decimal without a precision: DuckDB's bare DECIMAL is DECIMAL(18,3).
_NUMERIC_WORDS = frozenset({"numeric", "decimal", "dec"})
# Types whose casts (x::text, CAST(x AS varchar)) write floats as PostgreSQL does (and, with a
# length, cut the text to it).
_TEXT_CAST_WORDS = frozenset({"text", "varchar", "character", "char", "bpchar"})


def _after_cast(tokens: tuple[Token, ...], i: int) -> bool:
    """True when the token at ``i`` (which may be just past the end) follows ``::``."""
    return 2 <= i <= len(tokens) and tokens[i - 1].kind is Tok.OP \
        and tokens[i - 1].text == ":" and tokens[i - 2].text == ":"


_DATETIME_WORDS = frozenset({"DATE", "TIMESTAMP", "TIMESTAMPTZ", "TIME", "INTERVAL"})


def _datetime_type_of(tokens: tuple[Token, ...], i: int) -> str | None:
    """The date/time type the literal at ``tokens[i]`` is cast to (``'…'::date``, ``date '…'``,
    ``CAST('…' AS interval)``), upper case; None for another."""
    for j in (i + 3, i - 1, i + 2):
        if not 0 <= j < len(tokens) or tokens[j].upper not in _DATETIME_WORDS:
            continue
        if (j == i + 3 and _after_cast(tokens, j)) or j == i - 1 \
                or (j == i + 2 and tokens[i + 1].upper == "AS"):
            return tokens[j].upper
    return None


def _pg_only_datetime(tokens: tuple[Token, ...], i: int) -> bool:
    """Is the literal at ``tokens[i]`` a date/time in a form PostgreSQL reads and DuckDB does
    not (or reads otherwise), given the type it is cast to (engine.pgdatetime)?"""
    kind = _datetime_type_of(tokens, i)
    looks = pgdatetime.LOOKS_PG_INTERVAL if kind == "INTERVAL" else pgdatetime.LOOKS_PG_ONLY
    return kind is not None and looks.match(tokens[i].text[1:-1]) is not None


def needs_translation(sql: str) -> bool:
    """True when the statement's tokens contain something DuckDB would read differently."""
    tokens = tokenize(sql)
    if not tokens or tokens[0].upper in _SKIP_FIRST_WORDS:
        return False
    ddl = tokens[0].upper == "CREATE"
    if ddl and is_create_as(tokens):
        return True  # the new table's column names: PostgreSQL's (count, not count_star())
    for i, tok in enumerate(tokens):
        if tok.kind is Tok.WORD:
            word = tok.text.lower()
            if word in _TRIGGER_WORDS or (ddl and word in _DDL_TRIGGER_WORDS):
                return True
            if word in _CALL_TRIGGER_WORDS and i + 1 < len(tokens) \
                    and tokens[i + 1].text == "(" and tokens[i + 1].kind is Tok.OP:
                return True
            if word in _CAST_TRIGGER_WORDS and _after_cast(tokens, i):
                return True
            if word in _NUMERIC_WORDS and not (i + 1 < len(tokens)
                                               and tokens[i + 1].text == "("):
                return True  # numeric without a precision (engine.arithmetic.NUMERIC)
            if word in _TEXT_CAST_WORDS and i >= 1 and tokens[i - 1].upper == "AS":
                return True  # CAST(x AS text): floats written as PostgreSQL's
            if word in _ORDERED_AGGREGATES and i + 2 < len(tokens) \
                    and tokens[i + 1].text == "(" and tokens[i + 2].upper == "DISTINCT":
                return True
        elif tok.kind is Tok.STRING:
            # '{a,b}'::text[]: a PostgreSQL array literal DuckDB cannot read
            if tok.text.startswith("'{") and _after_cast(tokens, i + 3):
                return True
            # 'Jan 5, 2024'::date, date 'today', CAST('10:11 PM' AS time)
            if tok.text[:1] == "'" and _pg_only_datetime(tokens, i):
                return True
            # LIKE 'a\_b': PostgreSQL's default escape character, DuckDB has none
            if "\\" in tok.text and i >= 1 and tokens[i - 1].upper in ("LIKE", "ILIKE"):
                return True
            # '\x00ff'::bytea: PostgreSQL's bytea input; DuckDB would read '\x00' + 'ff'
            if ("\\" in tok.text or not tok.text.isascii()) and any(
                    t.kind is Tok.WORD and t.text.lower() == "bytea" for t in tokens):
                return True
        elif tok.kind is Tok.IDENT:
            if tok.text in ("public", "pg_catalog", "information_schema"):
                return True
        elif tok.kind is Tok.OP:
            if tok.text in _TRIGGER_OPS:
                return True
            # 'v=' || x: a float x written as PostgreSQL's (1, not 1.0)
            if tok.text == "|" and i + 1 < len(tokens) and tokens[i + 1].text == "|" \
                    and any(t.kind is Tok.STRING for t in tokens):
                return True
            # (VALUES …) AS v: columns named column1 … as in PostgreSQL (DuckDB: col0 …)
            if tok.text == "(" and i + 1 < len(tokens) and tokens[i + 1].upper == "VALUES":
                return True
            # j #> '{a,b}', j #>> '{a,b}': JSON paths (the lexer gives one character a token);
            # j ? 'k', j ?| …, j ?& …: jsonb keys; j @> '{"a": 1}': jsonb containment
            following = tokens[i + 1].text if i + 1 < len(tokens) else ""
            if (tok.text == "#" and following == ">") or tok.text == "?" \
                    or (tok.text == "@" and following == ">"):
                return True
            # = ANY('{…}'): a PostgreSQL array literal DuckDB cannot read; = ANY(arr): NULL
            # when arr is (not a subquery)
            if tok.text == "(" and i >= 2 and tokens[i - 1].upper in ("ANY", "ALL", "SOME") \
                    and tokens[i - 2].kind is Tok.OP and i + 1 < len(tokens) \
                    and tokens[i + 1].upper not in ("SELECT", "VALUES", "WITH", "("):
                return True
    return False


@functools.lru_cache(maxsize=CACHE_SIZE)
def translate(sql: str) -> Translation:
    """The DuckDB text for one PostgreSQL statement (cached by text)."""
    rewritten = select_into_as_create(sql) or without_row_locks(sql) or _interval_casts(sql)
    if rewritten is not None:
        inner = translate(rewritten)
        return Translation(inner.text, changed=True, uses_catalog=inner.uses_catalog)
    function = sql_function(sql)
    if function is not None:
        return _macro(function)
    statements = duckdb_ddl(sql)  # not idempotent (OWNED BY a.b): applied once, then the rest
    if statements is not None:
        parts = [_translated(statement) for statement in statements]
        return Translation("; ".join(p.text for p in parts), changed=True,
                           uses_catalog=any(p.uses_catalog for p in parts))
    return _translated(sql)


# What may follow ``interval '…'`` as its fields (``interval '1' day``, ``… year to month``).
_INTERVAL_QUALIFIERS = frozenset({"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "TO"})


def _interval_casts(sql: str) -> str | None:
    """``sql`` with each ``interval '…'`` in one of PostgreSQL's forms that DuckDB does not read
    (``-1 days +02:00:00``, ``1-2``, ``P1D``: engine.pgdatetime) written as the text DuckDB
    reads cast to interval (``'…'::interval``, named as ``interval '…'`` is); None when there
    is none. Done on the text: sqlglot parses ``interval '-1
    days +02:00:00'`` as ``interval '-1' days``, dropping the rest."""
    if "interval" not in sql.lower():
        return None
    tokens = tokenize(sql)
    edits = []
    for i, tok in enumerate(tokens[1:], start=1):
        if tok.kind is not Tok.STRING or tokens[i - 1].upper != "INTERVAL" \
                or (i + 1 < len(tokens) and tokens[i + 1].upper in _INTERVAL_QUALIFIERS):
            continue
        text = literal_value(tok)
        if pgdatetime.LOOKS_PG_INTERVAL.match(text):
            edits.append((tokens[i - 1].start, tok.end,
                          f"{pgdatetime.interval_literal(text)}::interval"))
    return spliced(sql, edits) if edits else None


def _macro(function: SqlFunction) -> Translation:
    """A ``LANGUAGE sql`` function as a DuckDB macro: its query translated, a scalar one's
    first row cast to the declared type (NULL for a NULL argument when STRICT)."""
    body = _translated(function.body)
    head = (f"CREATE {'OR REPLACE ' if function.replace else ''}MACRO {function.name}"
            f"({', '.join(function.params)})")
    if function.returns is None:  # SETOF / TABLE: a table macro
        text = f"{head} AS TABLE {body.text}"
    else:
        value = f"(SELECT * FROM ({body.text}) AS pixelsql_body LIMIT 1)"
        if function.strict and function.params:
            nulls = " OR ".join(f"{p} IS NULL" for p in function.params)
            value = f"CASE WHEN {nulls} THEN NULL ELSE {value} END"
        text = f"{head} AS CAST({value} AS {function.returns})"
    return Translation(text, changed=True, uses_catalog=body.uses_catalog)


def _translated(sql: str) -> Translation:
    """:func:`translate` after the statement-level rewrites."""
    if not needs_translation(sql):
        return Translation(sql)
    tokens = tokenize(sql)
    if len(tokens) > MAX_PARSED_TOKENS:  # a bulk INSERT, say: not worth a syntax tree
        return _lexical(sql)
    if [t.upper for t in tokens[:2]] == ["ALTER", "SEQUENCE"]:
        return _lexical(sql)  # sqlglot's tree loses OWNED BY's table
    tree = parse_postgres(sql)
    if tree is None or isinstance(tree, exp.Command):  # sqlglot gave up on its structure
        return _lexical(sql)
    ctx = _Context(ctes=frozenset(c.alias_or_name.lower() for c in tree.find_all(exp.CTE)),
                   catalog_query=any(_is_catalog_table(t) for t in tree.find_all(exp.Table)))
    try:
        names = _output_names(tree)
        tree = _rewrite(tree, ctx)
        _apply_output_names(tree, names)
        text = tree.sql(dialect=ServedDuckDB)
    except (ValueError, sqlglot.errors.SqlglotError):
        # a construct the transforms or sqlglot's writer do not handle
        return _lexical(sql)
    if isinstance(tree, exp.Create):
        _refuse_duplicate_columns(tree)
        if [t.upper for t in tokenize(sql)[-3:]] == ["WITH", "NO", "DATA"]:
            text += " WITH NO DATA"  # sqlglot's writer drops it
    if ctx.prefix or ctx.suffix:
        text = "; ".join([*ctx.prefix, text, *ctx.suffix])
    return Translation(text, changed=text != sql, uses_catalog=ctx.uses_catalog)


class ServedDuckDB(DuckDB):
    """DuckDB as the server configures it: NULLs sort as in PostgreSQL, last ascending and
    first descending (``default_null_order``, engine.session), where sqlglot assumes DuckDB's
    stock order (last both ways) and so dropped an explicit ``DESC NULLS LAST`` as redundant:
    the NULLs then came first."""

    NULL_ORDERING = "nulls_are_large"


def _is_catalog_table(table: exp.Table) -> bool:
    db = table.args.get("db")
    if isinstance(db, exp.Identifier):
        return db.name.lower() in ("pg_catalog", "information_schema")
    return isinstance(table.this, exp.Identifier) and table.name.lower() in catalog.PG_RELATIONS


# --- when sqlglot cannot read a statement: the lexical rewrites ---------------------------------


def _lexical(sql: str) -> Translation:
    """Rewrites made on the statement's tokens alone, for statements sqlglot cannot parse:
    ``pg_catalog.x`` / ``information_schema.x`` / ``public.x`` qualifiers, calls of emulated
    functions, ``::float`` / ``AS float`` (a double), and ``CREATE LOCAL TEMP TABLE``. DuckDB
    reports whatever else it cannot run."""
    tokens = tokenize(sql)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
    uses_catalog = False
    n = len(tokens)
    for i, tok in enumerate(tokens):
        name = tok.text.lower() if tok.kind in (Tok.WORD, Tok.IDENT) else ""
        dotted = i + 2 < n and tokens[i + 1].text == "." and tokens[i + 1].kind is Tok.OP
        after_dot = i >= 1 and tokens[i - 1].text == "." and tokens[i - 1].kind is Tok.OP
        call = i + 1 < n and tokens[i + 1].text == "(" and tokens[i + 1].kind is Tok.OP
        if name == "pg_catalog" and dotted:
            target = tokens[i + 2].text.lower()
            if target in catalog.PG_RELATIONS or target in catalog.FUNCTIONS:
                edits.append((tok.start, tok.end, catalog.PG))
                uses_catalog = True
            else:  # DuckDB's own function of that name
                edits.append((tok.start, tokens[i + 1].end, ""))
        elif name == "information_schema" and dotted:
            edits.append((tok.start, tok.end, catalog.INFO))
            uses_catalog = True
        elif name == "public" and dotted and not after_dot:
            edits.append((tok.start, tok.end, "main"))
        elif name in catalog.MACRO_FUNCTIONS and call and not after_dot:
            edits.append((tok.start, tok.start, catalog.PG + "."))
            uses_catalog = True
        elif tok.kind is Tok.WORD and name in ("current_user", "session_user", "user") \
                and not call and not after_dot:
            edits.append((tok.start, tok.end, f"{catalog.PG}.current_user()"))
            uses_catalog = True
        elif tok.kind is Tok.WORD and name == "float" and not call and (
                _after_cast(tokens, i) or (i >= 1 and tokens[i - 1].upper == "AS")):
            edits.append((tok.start, tok.end, "DOUBLE"))  # PostgreSQL's float is a double
        elif tok.kind is Tok.WORD and name in ("local", "global") and i == 1 \
                and tokens[0].upper == "CREATE" and i + 1 < n \
                and tokens[i + 1].upper in ("TEMP", "TEMPORARY"):
            edits.append((tok.start, tokens[i + 1].start, ""))
    if not edits:
        return Translation(sql)
    text = spliced(sql, edits)
    return Translation(text, changed=text != sql, uses_catalog=uses_catalog)


def cache_info() -> functools._CacheInfo:
    return translate.cache_info()


# --- the rewrite ------------------------------------------------------------------------------


@dataclass
class _Context:
    ctes: frozenset[str]
    catalog_query: bool = False  # reads a catalog relation (decided before the rewrite)
    uses_catalog: bool = False
    prefix: list[str] = field(default_factory=list)  # statements to run first (sequences)
    suffix: list[str] = field(default_factory=list)  # … and after (their owner)
    vector_aliases: set[str] = field(default_factory=set)  # subquery names of int2vectors


Transform = Callable[[exp.Expr, _Context], exp.Expr]


def _rewrite(tree: exp.Expr, ctx: _Context) -> exp.Expr:
    """Apply :data:`TRANSFORMS` bottom-up (children before their parents)."""
    root = tree
    for node in reversed(list(tree.walk(bfs=False))):
        transform = TRANSFORMS.get(type(node))
        if transform is None:
            continue
        # where the node hangs, taken first: a transform may wrap it in its replacement
        parent, key, index = node.parent, node.arg_key, node.index
        new = transform(node, ctx)
        if new is node:
            continue
        if parent is None or key is None:
            root = new
        else:
            parent.set(key, new, index)
    return root


def _catalog_call(name: str, args: list[exp.Expr], ctx: _Context) -> exp.Expr:
    """``pixelsql_catalog.pg.name(args)``: a macro of the catalog emulation."""
    ctx.uses_catalog = True
    return exp.Dot.build([exp.to_identifier(catalog.CATALOG), exp.to_identifier(catalog.PG_SCHEMA),
                          exp.Anonymous(this=name, expressions=args)])


def _is_pg_catalog(node: exp.Expr | None) -> bool:
    return isinstance(node, exp.Identifier) and node.name.lower() == "pg_catalog"


# -- relations --


def _values(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``(VALUES …) AS v``: its columns are ``column1``, ``column2`` … in PostgreSQL, where
    DuckDB says ``col0``, ``col1`` … (names a query can select, and a client reads); a column
    list shorter than the rows names the first columns only."""
    assert isinstance(node, exp.Values)
    alias = node.args.get("alias")
    rows = node.expressions
    if not isinstance(alias, exp.TableAlias) or not rows or not isinstance(rows[0], exp.Tuple):
        return node  # INSERT … VALUES, or a form left as it is
    named = list(alias.columns)
    width = len(rows[0].expressions)
    if len(named) < width:
        alias.set("columns", named + [exp.to_identifier(f"column{i + 1}")
                                      for i in range(len(named), width)])
    return node


# PostgreSQL's json[b]_each[_text](j) in FROM: (key, value) rows of an object's members, the
# value json or text. DuckDB's json_each has eight columns (key, value, type, atom, id …).
_JSON_EACH = {"json_each": "value", "jsonb_each": "value",
              "json_each_text": "json_extract_string(value, '$')",
              "jsonb_each_text": "json_extract_string(value, '$')"}


def _json_each(table: exp.Table, call: exp.Anonymous) -> exp.Expr:
    """``jsonb_each_text(j) [AS e(k, v)]`` as a subquery over DuckDB's ``json_each``, named
    after the function when it has no alias (as PostgreSQL names it)."""
    name = call.name.lower()
    if len(call.expressions) != 1:
        return table  # PostgreSQL has one argument: DuckDB's error says what is wrong
    select = sqlglot.parse_one(f"SELECT key, {_JSON_EACH[name]} AS value FROM json_each(NULL)",
                               read="duckdb")
    source = next(t for t in select.find_all(exp.Table))
    objects_only = pgfunctions.from_template(
        f"CASE WHEN $1 IS NULL OR json_type($1) = 'OBJECT' THEN $1 "
        f"ELSE error('cannot call {name} on a non-object') END",
        [exp.Cast(this=call.expressions[0].copy(), to=exp.DataType.build("JSON"))])
    assert objects_only is not None
    source.set("this", exp.Anonymous(this="json_each", expressions=[objects_only]))
    alias = table.args.get("alias")
    if not isinstance(alias, exp.TableAlias):
        alias = exp.TableAlias(this=exp.to_identifier(name))
    return exp.Subquery(this=select, alias=alias.copy())


def _lateral(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``LATERAL jsonb_each_text(t.j) AS e``: the subquery of ``_json_each`` (DuckDB lets a
    subquery in FROM refer to the tables before it)."""
    assert isinstance(node, exp.Lateral)
    call = node.this
    if not (isinstance(call, exp.Anonymous) and call.name.lower() in _JSON_EACH):
        return node
    return _json_each(exp.Table(this=call, alias=node.args.get("alias")), call)


def _table(node: exp.Expr, ctx: _Context) -> exp.Expr:
    assert isinstance(node, exp.Table)
    db = node.args.get("db")
    db_name = db.name.lower() if isinstance(db, exp.Identifier) else ""
    this = node.this
    if isinstance(this, exp.Func) and _function_name(this) in _SCALAR_IN_FROM:
        # PostgreSQL reads a scalar function in FROM as a one-row table
        alias = node.alias or _function_name(this)
        select = exp.select(exp.alias_(this.copy(), alias, quoted=True))
        return exp.Subquery(this=select, alias=exp.TableAlias(this=exp.to_identifier(alias)))
    if isinstance(this, exp.ExplodingGenerateSeries) and _int4_series(this):
        # generate_series(1, 10) in FROM: integer, as PostgreSQL types it (DuckDB: BIGINT)
        name = node.alias or "generate_series"
        columns = node.args["alias"].columns if node.args.get("alias") else []
        column = columns[0].name if columns else name
        select = exp.select(exp.alias_(exp.Cast(this=exp.column("generate_series"),
                                                to=exp.DataType.build("INT")),
                                       "generate_series")).from_(exp.Table(this=this.copy()))
        return exp.Subquery(this=select, alias=exp.TableAlias(
            this=exp.to_identifier(name), columns=[exp.to_identifier(column)]))
    if isinstance(this, exp.Anonymous) and this.name.lower() in _JSON_EACH:
        return _json_each(node, this)
    if isinstance(this, exp.Anonymous) and this.name.lower() == "pg_partition_ancestors":
        # no partitioning: a relation's only "ancestor" is itself
        node.set("this", exp.Unnest(expressions=[exp.Array(expressions=this.expressions)]))
        node.set("db", None)
        return node
    if not isinstance(this, exp.Identifier):  # a table function: [pg_catalog.]f(…)
        if db_name == "pg_catalog":
            node.set("db", None)
        if isinstance(this, exp.Anonymous) and this.name.lower() in catalog.TABLE_FUNCTIONS \
                and db_name in ("", "pg_catalog"):
            node.set("db", exp.to_identifier(catalog.PG_SCHEMA))
            node.set("catalog", exp.to_identifier(catalog.CATALOG))
            ctx.uses_catalog = True
        return node
    name = this.name if this.quoted else this.name.lower()
    if db_name == "pg_catalog" or (not db_name and name in catalog.PG_RELATIONS
                                   and name not in ctx.ctes and not node.args.get("catalog")):
        _to_catalog(node, catalog.PG_SCHEMA, ctx)
    elif db_name == "information_schema":
        _to_catalog(node, catalog.INFO_SCHEMA, ctx)
    elif db_name == "public":
        node.set("db", exp.to_identifier("main"))
    return node


def _int4_series(node: exp.Expr) -> bool:
    """``generate_series`` of integer literals that all fit in an int4 (PostgreSQL's series is
    then an int4 one; for anything else DuckDB's type is left as it is)."""
    bounds = [node.args.get(k) for k in ("start", "end", "step")]
    values = [pgfunctions.int_literal(b) for b in bounds if b is not None]
    return len(values) >= 2 and all(v is not None and -2**31 <= v < 2**31 for v in values)


def _series_in_select(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``SELECT generate_series(1, 10)``: an int4 series as in PostgreSQL (see :func:`_table`)."""
    if isinstance(node.parent, exp.Table) or not _int4_series(node):
        return node
    return exp.Cast(this=node, to=exp.DataType.build("INT"))


_SYSTEM_COLUMNS = frozenset({"xmin", "xmax", "cmin", "cmax", "ctid", "tableoid"})


# Scalar functions clients put in FROM (Grafana: string_to_array(current_setting(…)) s).
_SCALAR_IN_FROM = frozenset({"string_to_array", "regexp_split_to_array", "current_setting",
                             "current_schemas", "array_append", "parse_ident"})


def _function_name(node: exp.Expr) -> str:
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    match = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(", node.sql(dialect="postgres"))
    return match.group(1).lower() if match else ""


def _to_catalog(node: exp.Table, schema: str, ctx: _Context) -> None:
    """Point a relation at the emulation, keeping its name as the alias (columns may be
    qualified with it, ``pg_catalog.pg_class.relname``)."""
    if not node.alias and not isinstance(node.parent, (exp.Insert, exp.Delete, exp.Update)):
        node.set("alias", exp.TableAlias(this=exp.to_identifier(node.name)))
    node.set("db", exp.to_identifier(schema))
    node.set("catalog", exp.to_identifier(catalog.CATALOG))
    ctx.uses_catalog = True


def _column(node: exp.Expr, ctx: _Context) -> exp.Expr:
    assert isinstance(node, exp.Column)
    db = node.args.get("db")
    db_name = db.name.lower() if isinstance(db, exp.Identifier) else ""
    if db_name == "public":
        node.set("db", exp.to_identifier("main"))
    elif db_name in ("pg_catalog", "information_schema"):
        node.set("db", None)  # the relation keeps its own name as its alias
    if ctx.catalog_query and node.name.lower() in _SYSTEM_COLUMNS \
            and isinstance(node.this, exp.Identifier) and not node.this.quoted:
        # xmin, ctid …: catalog rows never change under a reader here
        return exp.Cast(this=exp.Literal.number(0), to=exp.DataType.build("BIGINT"))
    vector = catalog.VECTOR_COLUMNS.get(node.name.lower())
    if ctx.catalog_query and vector and not _in_output(node):
        # an int2vector/oidvector ("1 2") used as an array: the list it stands for
        split = exp.Anonymous(this="string_split", expressions=[
            node.copy(), exp.Literal.string(" ")])
        wrapped = exp.Cast(this=split, to=exp.DataType.build(vector, dialect="duckdb"))
        wrapped.meta["pg_vector"] = True
        if isinstance(node.parent, exp.Alias) and _in_select_list(node):
            ctx.vector_aliases.add(node.parent.alias.lower())  # a subquery passes it on
        return wrapped
    ident = node.this
    if (not node.table and isinstance(ident, exp.Identifier) and not ident.quoted
            and ident.name.lower() in ("user", "current_role")
            and not isinstance(node.parent, exp.Alias)):
        return _catalog_call("current_user", [], ctx)
    return node


# -- functions --

# sqlglot's typed function nodes for PostgreSQL functions the catalog emulates.
_TYPED_FUNCTIONS: dict[type[exp.Expr], str] = {
    exp.CurrentVersion: "version",
    exp.CurrentUser: "current_user",
    exp.SessionUser: "session_user",
    exp.CurrentRole: "current_role",
    exp.CurrentSchema: "current_schema",
    exp.CurrentSchemas: "current_schemas",
    exp.CurrentDatabase: "current_database",
    exp.CurrentCatalog: "current_catalog",
}


def _anonymous(node: exp.Expr, ctx: _Context) -> exp.Expr:
    assert isinstance(node, exp.Anonymous)
    name = node.name.lower()
    if name in catalog.MACRO_FUNCTIONS and not isinstance(node.parent, exp.Table) \
            and not (isinstance(node.parent, exp.Dot) and node.parent.expression is node
                     and not _is_pg_catalog(node.parent.this)):
        return _catalog_call(name, list(node.expressions), ctx)
    return node


def _typed_function(node: exp.Expr, ctx: _Context) -> exp.Expr:
    name = _TYPED_FUNCTIONS[type(node)]
    args = [a for a in node.args.values() if isinstance(a, exp.Expr)]
    return _catalog_call(name, args, ctx)


def _dot(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``pg_catalog.f(…)``: the emulated function, or DuckDB's own one unqualified."""
    assert isinstance(node, exp.Dot)
    if _is_pg_catalog(node.this) and not isinstance(node.expression, exp.Identifier):
        unqualified: exp.Expr = node.expression
        return unqualified
    expand = _expandarray_argument(node)
    if expand is not None:
        # information_schema._pg_expandarray(a): a set of (x, n) records
        return exp.Unnest(expressions=[_catalog_call("_pg_expandarray", [expand], ctx)])
    inner = node.this.this if isinstance(node.this, exp.Paren) else None
    if isinstance(inner, exp.Unnest) and isinstance(node.expression, exp.Identifier):
        call = inner.expressions[0] if inner.expressions else None
        arg = _our_expandarray_argument(call)
        if arg is not None and node.expression.name.lower() in ("x", "n"):
            # (_pg_expandarray(a)).x / .n: the elements or their positions
            if node.expression.name.lower() == "x":
                return exp.Unnest(expressions=[arg])
            return exp.Unnest(expressions=[exp.Anonymous(this="range", expressions=[
                exp.Literal.number(1), exp.Add(this=exp.Length(this=arg.copy()),
                                               expression=exp.Literal.number(1))])])
    return node


def _expandarray_argument(node: exp.Dot) -> exp.Expr | None:
    this, call = node.this, node.expression
    if isinstance(this, exp.Identifier) and this.name.lower() == "information_schema" \
            and isinstance(call, exp.Anonymous) and call.name.lower() == "_pg_expandarray" \
            and len(call.expressions) == 1:
        argument: exp.Expr = call.expressions[0]
        return argument
    return None


def _our_expandarray_argument(node: exp.Expr | None) -> exp.Expr | None:
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Anonymous) \
            and node.expression.name == "_pg_expandarray" and node.expression.expressions:
        argument: exp.Expr = node.expression.expressions[0]
        return argument
    return None


# -- casts and types --

# PostgreSQL types DuckDB lacks (or, like oid, reads differently), as DuckDB types (for casts
# and column definitions). OIDs are unsigned 32-bit: UINTEGER, described on the wire as oid.
_DUCK_TYPES = {
    "name": "VARCHAR", "char": "VARCHAR", "pg_node_tree": "VARCHAR", "aclitem": "VARCHAR",
    "text": "VARCHAR", "int2vector": "SMALLINT[]", "oidvector": "INTEGER[]", "xid": "BIGINT",
    "cid": "BIGINT", "xid8": "BIGINT", "jsonb": "JSON", "regproc": "VARCHAR",
    "regprocedure": "VARCHAR", "oid": "UINTEGER", "regclass": "UINTEGER",
    "regtype": "UINTEGER", "regnamespace": "UINTEGER", "regrole": "UINTEGER",
    "regoper": "UINTEGER", "regoperator": "UINTEGER", "regconfig": "UINTEGER",
    "regdictionary": "UINTEGER",
}
_TEXT_TYPES = frozenset({exp.DType.TEXT, exp.DType.VARCHAR, exp.DType.NAME, exp.DType.CHAR,
                         exp.DType.NCHAR, exp.DType.NVARCHAR})


def _user_type_name(node: exp.Expr | None) -> str:
    """The PostgreSQL name of a type sqlglot did not recognise (``pg_catalog.regclass``)."""
    if isinstance(node, exp.ObjectIdentifier):
        return node.name.lower()
    if isinstance(node, exp.DataType) and node.this == exp.DType.USERDEFINED:
        kind = node.args.get("kind")
        if isinstance(kind, exp.Dot) and _is_pg_catalog(kind.this):
            kind = kind.expression
        if isinstance(kind, exp.Identifier):
            return kind.name if kind.quoted else kind.name.lower()
    return ""


# Types sqlglot knows that DuckDB lacks.
_KNOWN_DUCK_TYPES = {exp.DType.NAME: "VARCHAR", exp.DType.MONEY: "DECIMAL(19,2)",
                     exp.DType.INET: "VARCHAR", exp.DType.XML: "VARCHAR"}


def _data_type(node: exp.Expr, ctx: _Context) -> exp.Expr:
    if isinstance(node, exp.DataType) and node.this is exp.DType.DOUBLE and node.expressions:
        # float(p): real up to 24 bits of precision, double precision above, as PostgreSQL
        # (sqlglot reads every float as DOUBLE, and writes DOUBLE(p))
        bits = pgfunctions.int_literal(node.expressions[0].this)
        return exp.DataType.build("REAL" if bits is not None and bits <= 24 else "DOUBLE")
    if isinstance(node, exp.DataType) and node.this is exp.DType.DECIMAL \
            and not node.expressions:
        return exp.DataType.build(NUMERIC)  # numeric without a precision: engine.arithmetic
    if isinstance(node, exp.DataType) and node.this in _KNOWN_DUCK_TYPES:
        return exp.DataType.build(_KNOWN_DUCK_TYPES[node.this], dialect="duckdb")
    name = _user_type_name(node)
    if not name or (name in _REG_TYPES and isinstance(node.parent, exp.Cast)):
        return node  # reg* casts are the parent Cast's business
    duck = _DUCK_TYPES.get(name)
    if duck is None:
        return exp.DataType.build(name, dialect="duckdb", udt=True)
    return exp.DataType.build(duck, dialect="duckdb")


def _is_text(node: exp.Expr) -> bool:
    """Whether a reg* cast's operand is a name (text) rather than an OID."""
    if isinstance(node, exp.Paren):
        return _is_text(node.this)
    if isinstance(node, exp.Literal):
        return bool(node.is_string)
    if isinstance(node, (exp.Placeholder, exp.Parameter, exp.DPipe, exp.Concat)):
        return True
    if isinstance(node, exp.Cast):
        to = node.args.get("to")
        return isinstance(to, exp.DataType) and to.this in _TEXT_TYPES
    if isinstance(node, exp.Column):  # relname, table_name, nspname …
        return node.name.lower().endswith(("name", "schema"))
    return False


def _in_output(node: exp.Expr) -> bool:
    """Whether an expression is one of the statement's result columns (not a subquery's)."""
    if not _in_select_list(node):
        return False
    select = node.parent.parent if isinstance(node.parent, exp.Alias) else node.parent
    while select is not None and isinstance(select.parent, exp.SetOperation):
        select = select.parent
    return select is not None and select.parent is None


def _in_select_list(node: exp.Expr) -> bool:
    parent = node.parent
    if isinstance(parent, exp.Alias):
        node, parent = parent, parent.parent
    return isinstance(parent, exp.Select) and node.arg_key == "expressions"


_REG_IN = {"regclass": "_regclass_in", "regtype": "_regtype_in",
           "regnamespace": "_regnamespace_in", "regrole": "_regrole_in"}
_REG_NAME = {"regclass": "_regclass_name", "regtype": "_regtype_name",
             "regnamespace": "_regnamespace_name", "regrole": "_regrole_name",
             "regproc": "_regproc_name", "regprocedure": "_regproc_name"}


def _cast(node: exp.Expr, ctx: _Context) -> exp.Expr:
    assert isinstance(node, exp.Cast)
    to = node.args.get("to")
    operand: exp.Expr = node.this
    quotient = pgfunctions.div(node)
    if quotient is not None:
        return quotient
    if _casts_to_text(node):
        if not _known_text(operand):
            node.set("this", pgfunctions.text_of(operand))  # 1.0::float8::text is '1'
        return _cut_to_length(node)
    reg = _user_type_name(to)
    if reg == "regclass" and isinstance(node.parent, exp.Anonymous) \
            and node.parent.name.lower() in SEQUENCE_FUNCTIONS:
        return operand  # nextval('s'::regclass): DuckDB's takes the name
    if reg in _REG_TYPES:
        return _reg_cast(node, reg, operand, ctx)
    if isinstance(to, exp.DataType) and to.is_type(exp.DType.VARBINARY) and (
            isinstance(operand, exp.ByteString)  # E'…', its escapes read by sqlglot
            or (isinstance(operand, exp.Literal) and operand.is_string)) \
            and ("\\" in operand.this or not operand.this.isascii()):
        # '\x00ff'::bytea, 'a\000'::bytea: PostgreSQL's bytea input, which DuckDB reads otherwise
        blob = duckdb_blob_text(bytea_from_text(operand.this))
        return exp.Cast(this=exp.Literal.string(blob), to=exp.DataType.build("BLOB"))
    if isinstance(to, exp.DataType) and to.this in _DATETIME_TYPES \
            and isinstance(operand, exp.Literal) and operand.is_string:
        # 'Jan 5, 2024'::date, '10:11 PM'::time, 'now'::timestamp: PostgreSQL's input forms
        written = pgdatetime.datetime_literal(operand.this, _DATETIME_TYPES[to.this])
        if written is not None:
            parsed = sqlglot.parse_one(written, read="duckdb")
            if not (isinstance(parsed, exp.Literal) and parsed.is_string):
                return parsed
            node.set("this", parsed)
    if isinstance(to, exp.DataType) and to.is_type(exp.DType.ARRAY) \
            and isinstance(operand, exp.Literal) and operand.is_string:
        converted = array_literal_text(operand.this)
        if converted is not None:
            node.set("this", exp.Literal.string(converted))
    if isinstance(to, exp.DataType) and to.is_type(exp.DType.UINT) and ctx.catalog_query \
            and isinstance(operand, exp.Column) \
            and operand.name.lower() in catalog.REGPROC_COLUMNS:
        return _catalog_call("_regproc_in", [operand], ctx)  # amhandler::oid
    if isinstance(to, exp.DataType) and to.is_type(exp.DType.UINT) and ctx.catalog_query \
            and not isinstance(node, exp.TryCast):
        # x::oid of a regproc column (a name here, an OID in PostgreSQL): NULL, not an error
        return exp.TryCast(this=operand, to=to)
    return node


def _reg_cast(node: exp.Cast, reg: str, operand: exp.Expr, ctx: _Context) -> exp.Expr:
    parent = node.parent
    wants_name = _in_select_list(node) or (
        isinstance(parent, exp.Cast) and isinstance(parent.args.get("to"), exp.DataType)
        and parent.args["to"].this in _TEXT_TYPES)
    textual = _is_text(operand)
    if reg in ("regproc", "regprocedure"):  # the catalog stores these as function names
        if textual and isinstance(parent, exp.Cast) and not wants_name:
            return _catalog_call("_regproc_in", [operand], ctx)  # 'f'::regproc::oid
        if textual:
            return operand
        return _catalog_call("_regproc_name", [operand], ctx) if wants_name else operand
    if reg not in _REG_IN:  # regoper, regconfig …: OIDs without names here
        return operand if textual else _as_oid(operand)
    oid = _catalog_call(_REG_IN[reg], [operand], ctx) if textual else operand
    if wants_name:
        return _catalog_call(_REG_NAME[reg], [oid], ctx)
    return oid if textual else _as_oid(operand)


def _as_oid(node: exp.Expr) -> exp.Expr:
    return exp.Cast(this=node, to=exp.DataType.build("UINTEGER", dialect="duckdb"))


def _array_of(items: list[str | None]) -> exp.Expr:
    if all(i is not None and re.fullmatch(r"-?\d+", i) for i in items):
        return exp.Array(expressions=[exp.Literal.number(i) for i in items])
    return exp.Array(expressions=[exp.null() if i is None else exp.Literal.string(i)
                                  for i in items])


def _any(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``x = ANY('{1,2}')`` → ``x = ANY([1, 2])``."""
    inner = node.this
    if isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.Literal) and inner.is_string:
        items = array_elements(inner.this)
        if items is not None:
            node.set("this", exp.Paren(this=_array_of(items)))
    return node


def _comparison(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``x = ANY (ARRAY[a, b])`` / ``x <> ALL (ARRAY[…])`` as ``x [NOT] IN (a, b)`` (the same
    answer, NULLs included; DuckDB refuses ANY in a CHECK constraint, where pg_dump writes
    it). In catalog queries, ``polroles = '{0}'`` compares with an array: DuckDB's spelling."""
    quantifier, listed = _quantified(node.args.get("expression"))
    if quantifier == ("ANY" if isinstance(node, exp.EQ) else "ALL") \
            and isinstance(listed, exp.Array) and listed.expressions:
        found = exp.In(this=node.this, expressions=list(listed.expressions))
        return found if isinstance(node, exp.EQ) else exp.Not(this=found)
    if quantifier and listed is not None and not isinstance(
            listed, exp.Subquery | exp.Select | exp.Array | exp.Literal):
        # x = ANY (arr) with a NULL arr is NULL in PostgreSQL (nothing to compare with);
        # DuckDB answers false for ANY and true for ALL.
        return exp.If(this=exp.Is(this=listed.copy(), expression=exp.Null()),
                      true=exp.Null(), false=node)
    for key in ("this", "expression"):
        side = node.args.get(key)
        if isinstance(side, exp.Literal) and side.is_string and side.this.startswith("{"):
            other = node.args.get("expression" if key == "this" else "this")
            if isinstance(other, exp.Column) and ctx.catalog_query:
                converted = array_literal_text(side.this)
                if converted is not None:
                    node.set(key, exp.Literal.string(converted))
    return node


def _quantified(node: exp.Expr | None) -> tuple[str, exp.Expr | None]:
    """(``ANY``/``ALL``, its operand) of ``ANY (…)`` / ``SOME (…)`` / ``ALL (…)``; ("", None)
    for anything else. sqlglot reads some of them as a call of a function named ALL."""
    if isinstance(node, (exp.Any, exp.All)):
        operand = node.this
        quantifier = "ANY" if isinstance(node, exp.Any) else "ALL"
    elif isinstance(node, exp.Anonymous) and node.name.upper() in ("ANY", "SOME", "ALL") \
            and len(node.expressions) == 1:
        operand = node.expressions[0]
        quantifier = "ALL" if node.name.upper() == "ALL" else "ANY"
    else:
        return "", None
    return quantifier, operand.this if isinstance(operand, exp.Paren) else operand


def _like(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``LIKE 'a\\_b'``: backslash is PostgreSQL's default escape character, DuckDB has none."""
    pattern = node.args.get("expression")
    if isinstance(pattern, exp.Literal) and pattern.is_string and "\\" in pattern.this \
            and not isinstance(node.parent, exp.Escape):
        return exp.Escape(this=node, expression=exp.Literal.string("\\"))
    return node


# -- operators and collations --


@functools.lru_cache(maxsize=64)
def _operator_template(op: str) -> exp.Expr | None:
    try:
        return sqlglot.parse_one(f"pixelsql_left {op} pixelsql_right", read="postgres")
    except (ParseError, TokenError):
        return None


def _operator(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``a OPERATOR(pg_catalog.~) b`` → ``a ~ b`` (then DuckDB's spelling of ``~``)."""
    op = str(node.args.get("operator", "")).split(".")[-1].strip()
    template = _operator_template(op)
    if template is None:
        return node
    left, right = node.this, node.expression
    built = template.copy()
    for column in list(built.find_all(exp.Column)):
        if column.name == "pixelsql_left":
            column.replace(left)
        elif column.name == "pixelsql_right":
            column.replace(right)
    return built


_DROPPED_COLLATIONS = frozenset({"default", "c", "posix", "ucs_basic"})


def _collate(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """PostgreSQL collations (``pg_catalog.default``, ``"C"``) mean byte order here."""
    collation = node.expression
    collated: exp.Expr = node.this
    name = ""
    if isinstance(collation, exp.Column):
        name = collation.name.lower()
        if collation.table and collation.table.lower() == "pg_catalog":
            return collated
    elif isinstance(collation, (exp.Identifier, exp.Literal)):
        name = collation.name.lower()
    return collated if name in _DROPPED_COLLATIONS else node


# -- CREATE TABLE --

_SERIALS = {exp.DType.SERIAL: "INTEGER", exp.DType.BIGSERIAL: "BIGINT",
            exp.DType.SMALLSERIAL: "SMALLINT"}
_VARCHARS = (exp.DType.VARCHAR, exp.DType.NVARCHAR)


def _create(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """CREATE TABLE: ``serial`` columns get a sequence; ``varchar(n)`` keeps its limit.

    DuckDB forgets a VARCHAR's length; a ``CHECK (length(col) <= n)`` enforces it (as
    PostgreSQL does) and tells the catalog the declared type (``character varying(n)``).
    """
    assert isinstance(node, exp.Create)
    schema = node.this
    if str(node.args.get("kind", "")).upper() != "TABLE" or not isinstance(schema, exp.Schema) \
            or not isinstance(schema.this, exp.Table):
        return node
    table = schema.this
    properties = node.args.get("properties")
    temporary = isinstance(properties, exp.Properties) and any(
        isinstance(p, exp.TemporaryProperty) for p in properties.expressions)
    sequences: list[str] = []
    for column in schema.expressions:
        if not isinstance(column, exp.ColumnDef):
            continue
        kind = column.args.get("kind")
        if not isinstance(kind, exp.DataType):
            continue
        constraints = list(column.args.get("constraints") or [])
        if kind.this in _SERIALS:
            sequence = exp.to_identifier(f"{table.name}_{column.name}_seq")
            qualified = exp.Table(this=sequence, db=table.args.get("db"),
                                  catalog=table.args.get("catalog"))
            if temporary:  # dropped with the session, as the table is
                sequences.append(f"CREATE TEMP SEQUENCE IF NOT EXISTS {sequence.sql('duckdb')}")
                qualified = exp.Table(this=sequence)
            else:  # dropped with its table, as in PostgreSQL
                sequences.append(
                    f"CREATE SEQUENCE IF NOT EXISTS {qualified.sql(dialect='duckdb')}")
                ctx.suffix.append(f"ALTER SEQUENCE {qualified.sql(dialect='duckdb')} "
                                  f"OWNED BY {table.sql(dialect='duckdb')}")
            column.set("kind", exp.DataType.build(_SERIALS[kind.this]))
            nextval = exp.Anonymous(this="nextval", expressions=[
                exp.Literal.string(qualified.sql(dialect="duckdb"))])
            constraints[:0] = [
                exp.ColumnConstraint(kind=exp.DefaultColumnConstraint(this=nextval)),
                exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())]
        elif kind.this in _VARCHARS and kind.expressions:
            size = kind.expressions[0]
            if isinstance(size, exp.DataTypeParam):
                size = size.this
            if isinstance(size, exp.Literal) and not size.is_string:
                column.set("kind", exp.DataType.build("VARCHAR"))
                length = exp.Length(this=exp.column(column.this.copy()))
                constraints.append(exp.ColumnConstraint(kind=exp.CheckColumnConstraint(
                    this=exp.LTE(this=length, expression=exp.Literal.number(size.this)))))
        column.set("constraints", constraints)
    if sequences:
        ctx.prefix.extend(sequences)
    return node


def _bracket(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``indkey[0]``: int2vector and oidvector subscripts start at 0."""
    vector = (isinstance(node.this, exp.Cast) and node.this.meta.get("pg_vector")) or (
        isinstance(node.this, exp.Column) and node.this.name.lower() in ctx.vector_aliases)
    if vector and len(node.expressions) == 1:
        node.set("expressions", [exp.Add(this=node.expressions[0],
                                         expression=exp.Literal.number(1))])
    return node


# -- functions DuckDB spells differently --

def _renamed(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """Functions DuckDB has under another name (see :data:`RENAMED_FUNCTIONS`)."""
    if isinstance(node, exp.JSONArrayAgg):
        return _json_array_agg(node.this)
    assert isinstance(node, exp.Anonymous)
    name = node.name.lower()
    target = RENAMED_FUNCTIONS.get(name)
    if target == "json_group_array" and len(node.expressions) == 1:  # jsonb_agg
        return _json_array_agg(node.expressions[0])
    if target is not None:
        return exp.Anonymous(this=target, expressions=list(node.expressions))
    args = node.expressions
    rewrite = FUNCTION_REWRITES.get(name)
    if rewrite is not None:
        return rewrite(list(args))
    template = FUNCTION_TEMPLATES.get(name)
    if template is not None:
        written = from_template(template, list(args))
        if written is not None:
            return written
    if name == "age" and len(args) == 1 and isinstance(args[0], exp.Column) \
            and (args[0].name.lower().endswith("xid") or args[0].name.lower() in _XID_COLUMNS):
        # the age of a transaction id: nothing ages here (a cast, not a bare 0: ORDER BY 0
        # would mean a column position)
        return exp.Cast(this=exp.Literal.number(0), to=exp.DataType.build("INT"))
    return _anonymous(node, ctx)


def _json_array_agg(argument: exp.Expr) -> exp.Expr:
    """``json_agg(x)`` / ``jsonb_agg(x)``: DuckDB's ``json_group_array``, a macro that takes no
    DISTINCT or ORDER BY; with either, ``to_json(array_agg(…))``."""
    argument = _sorted_distinct(argument)
    if isinstance(argument, exp.Distinct | exp.Order):
        return exp.Anonymous(this="to_json", expressions=[exp.ArrayAgg(this=argument)])
    return exp.Anonymous(this="json_group_array", expressions=[argument])


def _distinct_aggregate(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``array_agg(DISTINCT x)`` / ``string_agg(DISTINCT x, ',')`` in PostgreSQL's order."""
    node.set("this", _sorted_distinct(node.this))
    return node


def _sorted_distinct(argument: exp.Expr) -> exp.Expr:
    """An aggregate's ``DISTINCT x`` argument with ``ORDER BY x`` (nulls last) added when it
    has no ORDER BY: PostgreSQL sorts a DISTINCT aggregate's input by its argument to find
    the duplicates, so ``array_agg(DISTINCT x)`` and ``string_agg(DISTINCT x, ',')`` come out
    sorted (``{a,b,c,NULL}``); DuckDB's come out in hash order (``{b,NULL,a,c}``)."""
    if not isinstance(argument, exp.Distinct) or len(argument.expressions) != 1:
        return argument
    key = argument.expressions[0].copy()
    return exp.Order(this=argument, expressions=[exp.Ordered(this=key, desc=False,
                                                              nulls_first=False)])


def _generated(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``GENERATED ALWAYS AS (expr) STORED``: DuckDB computes generated columns when read
    (the values are the same); its parser needs the expression in brackets."""
    node.set("persisted", None)
    if not isinstance(node.this, exp.Paren):
        node.set("this", exp.Paren(this=node.this))
    return node


def _json_path(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``j #> '{a,0}'`` / ``j #>> '{a,0}'``: a path of keys (or array positions) as a JSON
    pointer, which DuckDB reads either way."""
    path = node.expression
    if not (isinstance(path, exp.Literal) and path.is_string):
        return node
    keys = array_elements(path.this)
    if keys is None or any(k is None for k in keys):
        return node
    pointer = "".join("/" + str(k).replace("~", "~0").replace("/", "~1") for k in keys)
    name = "json_extract_string" if isinstance(node, exp.JSONBExtractScalar) else "json_extract"
    return call(name, node.this, exp.Literal.string(pointer))


_XID_COLUMNS = frozenset({"transactionid", "xmin", "xmax", "backend_xid", "backend_xmin"})
# %% | %[n$][-][width](s|I|L), width a number or * / *n$ (an argument; refused below).
_FORMAT_SPEC = re.compile(r"%(?:(%)|(?:(\d+)\$)?(-)?(\d+|\*(?:\d+\$)?)?([sIL]))")


def _casts_to_text(node: exp.Cast) -> bool:
    to = node.args.get("to")
    return isinstance(to, exp.DataType) and to.this in _TEXT_TYPES


def _cut_to_length(node: exp.Cast) -> exp.Expr:
    """``x::varchar(n)``, ``CAST(x AS char(n))``: cut to ``n`` characters, as PostgreSQL's
    explicit casts do (DuckDB keeps no length: it returned the whole string). A longer value
    stored into a varchar(n) column is still refused (22001), as there. (A char(n) is not
    padded with spaces here.)"""
    to = node.args["to"]
    if to.this is exp.DType.CHAR and not to.expressions:
        length: int | None = 1  # char without a length is char(1) (bpchar is unlimited)
    else:
        length = pgfunctions.int_literal(to.expressions[0].this) if to.expressions else None
    if length is None or length < 1:
        return node
    return exp.Left(this=node, expression=exp.Literal.number(length))


def _known_text(node: exp.Expr) -> bool:
    """Known to be text already: a string literal, NULL, a cast to text, one of the text
    macros, a || chain (in brackets)."""
    if isinstance(node, exp.Paren):
        return isinstance(node.this, exp.DPipe)
    if isinstance(node, exp.Cast):
        return _casts_to_text(node)
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Anonymous):
        return node.expression.name in (pgfunctions.TEXT_OF, pgfunctions.OUTPUT_OF,
                                        pgfunctions.CONCAT_OF)
    return (isinstance(node, exp.Literal) and node.is_string) or isinstance(node, exp.Null)


def _concatenation(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``a || b``: jsonb's concatenation where a side is json (pgfunctions.json_concat);
    else, in a chain with text in it (``'v=' || x || ' s'``), every other operand as
    PostgreSQL writes it as text (a float 1.0 is ``1``, where DuckDB's cast says ``1.0``).
    The chain is handled once, at its top (its inner ``||`` come first, bottom-up)."""
    assert isinstance(node, exp.DPipe)
    joined = pgfunctions.json_concat(node, ctx)
    if joined is not node or isinstance(node.parent, exp.DPipe):
        return joined
    operands: list[exp.Expr] = []
    pending: list[exp.Expr] = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, exp.DPipe):
            pending.extend((item.expression, item.this))
        else:
            operands.append(item)
    if not any(_known_text(operand) for operand in operands):
        return node  # two columns, arrays …: as DuckDB reads them
    for operand in operands:
        if not _known_text(operand) and not operand.meta.get("pixelsql_json"):
            operand.replace(pgfunctions.text_of(operand.copy(), pgfunctions.CONCAT_OF))
    return node


def _concat(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``concat(…)``, ``concat_ws(sep, …)``: each argument as PostgreSQL's output function
    writes it (floats as ``1``, booleans as ``t``), where DuckDB casts (``1.0``, ``true``)."""
    separators = 1 if isinstance(node, exp.ConcatWs) else 0
    for arg in list(node.expressions)[separators:]:
        if not _known_text(arg):
            arg.replace(pgfunctions.text_of(arg.copy(), pgfunctions.OUTPUT_OF))
    return node


def _format(node: exp.Expr, ctx: _Context) -> exp.Expr:
    """``format('%s.%I', a, b)`` with a literal format string: a concatenation. Positions
    (``%2$s``) and widths (``%-10s``, ``%5s``: padded, never cut) as in PostgreSQL."""
    template = node.this
    args = list(node.expressions)
    if not (isinstance(template, exp.Literal) and template.is_string):
        return node
    parts: list[exp.Expr] = []
    last = 0
    following = 0  # the argument a spec without a position takes
    for match in _FORMAT_SPEC.finditer(template.this):
        if match.start() > last:
            parts.append(exp.Literal.string(template.this[last:match.start()]))
        last = match.end()
        if match.group(1):
            parts.append(exp.Literal.string("%"))
            continue
        position, left, width, kind = match.group(2, 3, 4, 5)
        if width is not None and width.startswith("*"):
            raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                           "format() with a width taken from an argument (*) is not supported",
                           hint="Write the width into the format string (%10s).")
        index = int(position) - 1 if position else following
        if index < 0 or index >= len(args):
            return node  # too few arguments: let it fail as PostgreSQL's would
        following = index + 1
        value = pgfunctions.text_of(args[index].copy(), pgfunctions.OUTPUT_OF)
        if kind == "I":  # a NULL has no identifier: 22004, as PostgreSQL
            value = exp.If(this=exp.Is(this=value.copy(), expression=exp.Null()),
                           true=pgfunctions.call("error", exp.Literal.string(NULL_IDENTIFIER)),
                           false=_catalog_call("quote_ident", [value], ctx))
        elif kind == "L":
            value = _catalog_call("quote_nullable", [value], ctx)
        else:
            value = exp.Coalesce(this=value, expressions=[exp.Literal.string("")])
        if width is not None and int(width) > 0:
            pad = "rpad" if left else "lpad"
            size = exp.Cast(this=exp.Anonymous(this="greatest", expressions=[
                exp.Literal.number(int(width)), exp.Length(this=value.copy())]),
                to=exp.DataType.build("INT"))
            value = exp.Anonymous(this=pad, expressions=[value, size, exp.Literal.string(" ")])
        parts.append(value)
    if last < len(template.this):
        parts.append(exp.Literal.string(template.this[last:]))
    if not parts:
        return exp.Literal.string("")
    result = parts[0]
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part)
    return exp.Paren(this=result)


TRANSFORMS: dict[type[exp.Expr], Transform] = {
    exp.Bracket: _bracket,
    exp.Format: _format,
    exp.JSONArrayAgg: _renamed,
    exp.ArrayAgg: _distinct_aggregate,
    exp.GroupConcat: _distinct_aggregate,
    exp.Create: _create,
    exp.Table: _table,
    exp.Values: _values,
    exp.Lateral: _lateral,
    exp.Column: _column,
    exp.Anonymous: _renamed,
    exp.Dot: _dot,
    exp.DataType: _data_type,
    exp.Cast: _cast,
    exp.Any: _any,
    exp.All: _any,
    exp.EQ: _comparison,
    exp.NEQ: _comparison,
    exp.GT: _comparison,
    exp.GTE: _comparison,
    exp.LT: _comparison,
    exp.LTE: _comparison,
    exp.Operator: _operator,
    exp.Like: _like,
    exp.ILike: _like,
    exp.SimilarTo: pgfunctions.similar,
    exp.Escape: pgfunctions.similar_escape,
    exp.Decode: pgfunctions.decode,
    exp.Encode: pgfunctions.encode,
    exp.Substring: pgfunctions.substring,
    exp.SplitPart: pgfunctions.split_part,
    exp.DateBin: pgfunctions.date_bin,
    exp.Round: pgfunctions.round_to,
    exp.ArrayToString: pgfunctions.array_to_string,
    exp.ArrayConcat: pgfunctions.array_cat,
    exp.JSONBContainsTopKey: pgfunctions.json_has_keys,
    exp.JSONBContainsAnyTopKeys: pgfunctions.json_has_keys,
    exp.JSONBContainsAllTopKeys: pgfunctions.json_has_keys,
    exp.ArrayContainsAll: pgfunctions.json_contains,
    exp.Extract: pgfunctions.extract,
    exp.StringToArray: pgfunctions.string_to_array,
    exp.JustifyHours: pgfunctions.justify,
    exp.JustifyDays: pgfunctions.justify,
    exp.JustifyInterval: pgfunctions.justify,
    exp.ExplodingGenerateSeries: _series_in_select,
    exp.WidthBucket: pgfunctions.width_bucket,
    exp.ArraySize: pgfunctions.array_length,
    exp.ComputedColumnConstraint: _generated,
    exp.DPipe: _concatenation,
    exp.Concat: _concat,
    exp.ConcatWs: _concat,
    exp.JSONBExtract: _json_path,
    exp.JSONBExtractScalar: _json_path,
    exp.TimeToStr: pgfunctions.to_char,
    exp.ToNumber: pgfunctions.to_number,
    exp.StrToDate: pgfunctions.to_date,
    exp.StrToTime: pgfunctions.to_timestamp,
    exp.Collate: _collate,
    **{cls: _typed_function for cls in _TYPED_FUNCTIONS},
}


# --- output column names (PostgreSQL's FigureColname) ----------------------------------------

_PG_TYPE_NAMES = {"int": "int4", "integer": "int4", "smallint": "int2", "bigint": "int8",
                  "real": "float4", "float": "float8", "double precision": "float8",
                  "boolean": "bool", "character varying": "varchar", "character": "bpchar",
                  "char": "bpchar", "decimal": "numeric", "dec": "numeric",
                  "timestamp with time zone":
                  "timestamptz", "time with time zone": "timetz"}


def _type_column_name(to: exp.Expr | None) -> str:
    name = _user_type_name(to)
    if name:
        return name
    if isinstance(to, exp.DataType):
        text = to.sql(dialect="postgres").lower()
        text = re.sub(r"\(.*\)", "", text).strip()
        if text.endswith("[]"):
            return _PG_TYPE_NAMES.get(text[:-2], text[:-2])
        return _PG_TYPE_NAMES.get(text, text.split()[0] if text else "?column?")
    return "?column?"


def _column_name(node: exp.Expr) -> str | None:
    """The name PostgreSQL gives an unaliased output expression (FigureColname)."""
    return _figure_column_name(node)[0]


def _figure_column_name(node: exp.Expr) -> tuple[str, int]:
    """(name, strength) as PostgreSQL's FigureColnameInternal: 2 for a column or function
    name, 1 for a type name or keyword (an outer cast may override it), 0 for ``?column?``."""
    if isinstance(node, exp.Column):
        if not node.table and isinstance(node.this, exp.Identifier) \
                and not node.this.quoted and node.name.lower() in ("user", "current_role"):
            return node.name.lower(), 2
        return node.name, 2
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Func):
        return _figure_column_name(node.expression)
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.IntDiv):
        return "div", 2  # div(a, b), read by sqlglot as a cast
    if isinstance(node, exp.Cast):
        inner = _figure_column_name(node.this)
        if inner[1] > 1:
            return inner
        return _type_column_name(node.args.get("to")), 1
    if isinstance(node, exp.Anonymous):
        return node.name.lower(), 2
    if type(node) in _TYPED_FUNCTIONS:
        return _TYPED_FUNCTIONS[type(node)], 2
    if isinstance(node, exp.Case):
        return "case", 1
    if isinstance(node, exp.AtTimeZone):
        return "timezone", 2  # PostgreSQL's parser makes it a call of timezone(zone, x)
    if isinstance(node, exp.Array) or (isinstance(node, exp.Func) and node.key == "array"):
        return "array", 2
    if isinstance(node, exp.Exists):
        return "exists", 2
    if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select):
        selects = node.this.expressions
        if len(selects) == 1:
            return _figure_column_name(selects[0])
        return "?column?", 0
    if isinstance(node, exp.Paren | exp.Filter | exp.Window | exp.WithinGroup):
        return _figure_column_name(node.this)  # count(*) FILTER (…), rank() OVER (…): the call's
    if isinstance(node, exp.Bracket):  # indkey[0]: the array's name
        return _figure_column_name(node.this)
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Identifier):
        return node.expression.name, 2  # (record).field
    if isinstance(node, exp.Func):  # its name as PostgreSQL spells it
        match = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(", node.sql(dialect="postgres"))
        if match:
            return match.group(1).lower(), 2
    return "?column?", 0


def _output_query(tree: exp.Expr) -> exp.Expr | None:
    """The SELECT whose select list names the result's columns (or a created table's)."""
    select: exp.Expr | None = tree
    if isinstance(select, exp.Create):
        select = select.expression
    while isinstance(select, (exp.SetOperation, exp.Subquery)):
        select = select.this
    return select if isinstance(select, exp.Select) else None


def _output_names(tree: exp.Expr) -> list[str | None]:
    select = _output_query(tree)
    if select is None:
        return []
    names: list[str | None] = []
    for expression in select.expressions:
        if isinstance(expression, (exp.Alias, exp.Star)) or (
                isinstance(expression, exp.Column) and isinstance(expression.this, exp.Star)):
            names.append(None)
            continue
        names.append(_column_name(expression))
    return names


def _refuse_duplicate_columns(create: exp.Create) -> None:
    """CREATE TABLE … AS naming two columns alike fails in PostgreSQL (``SELECT 1, 2`` makes
    two ``?column?``); DuckDB would rename the second. Named by a column list, it is fine."""
    select = _output_query(create)
    if select is None or isinstance(create.this, exp.Schema):
        return
    seen: set[str] = set()
    for expression in select.expressions:
        ident = expression.args.get("alias") if isinstance(expression, exp.Alias) else (
            expression.this if isinstance(expression, exp.Column) else None)
        if not isinstance(ident, exp.Identifier):
            return  # a star: its columns are not known here
        name = ident.name if ident.quoted else ident.name.lower()
        if name in seen:
            raise SqlError(SqlState.DUPLICATE_COLUMN,
                           f'column "{name}" specified more than once')
        seen.add(name)


def _apply_output_names(tree: exp.Expr, names: list[str | None]) -> None:
    select = _output_query(tree)
    if select is None or not names:
        return
    for expression, name in zip(list(select.expressions), names, strict=False):
        if name is None or isinstance(expression, exp.Alias):
            continue
        if isinstance(expression, exp.Column) and expression.name == name:
            continue
        expression.replace(exp.alias_(expression.copy(), name, quoted=True))
